package dev.cnn.data;

import java.util.List;
import java.util.Optional;

/**
 * A finite, indexed collection of labelled samples of one shape ({@code [C, H, W]} for images),
 * with values as float32 (pixels scaled to [0, 1] by the readers). Random access, so loaders can
 * shuffle and samplers can pick.
 */
public interface Dataset {
  /** The number of samples. */
  int size();

  /** The per-sample shape, e.g. {@code [1, 28, 28]}. */
  int[] sampleShape();

  /** The class names, indexed by label; {@code classNames().size()} is the class count. */
  List<String> classNames();

  /** The label of sample i, in {@code [0, classes)}. */
  int label(int i);

  /**
   * Copies sample i's values (row-major, {@code prod(sampleShape())} floats) into {@code dst}
   * starting at {@code offset}.
   */
  void read(int i, float[] dst, int offset);

  /**
   * Where sample i comes from, for a person who wants to find it: the image file of an
   * {@link ImageFolder}, the file and record number of an IDX set ({@code t10k-images-idx3-ubyte #17},
   * counting from 0); empty for data made in memory.
   */
  default Optional<String> source(int i) {
    return Optional.empty();
  }

  /**
   * How sample i was stored before it was read into {@link #sampleShape()}: {@code [C, H, W]} of
   * the file as decoded (an image folder resizes and converts images to one shape), or empty when
   * the dataset does not know (generated data, or files of one fixed format).
   */
  default Optional<int[]> storedShape(int i) {
    return Optional.empty();
  }

  /** The number of classes. */
  default int classes() {
    return classNames().size();
  }

  /** The number of floats in one sample. */
  default int sampleSize() {
    int n = 1;
    for (int d : sampleShape()) n *= d;
    return n;
  }

  /** Every label, in order. */
  default int[] labels() {
    int[] out = new int[size()];
    for (int i = 0; i < out.length; i++) out[i] = label(i);
    return out;
  }

  /** The samples at these indices (a view; indices may repeat, as oversampling needs). */
  default Dataset subset(int[] indices) {
    return new Subset(this, indices);
  }
}
