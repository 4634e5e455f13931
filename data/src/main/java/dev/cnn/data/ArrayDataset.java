package dev.cnn.data;

import java.util.Arrays;
import java.util.List;

/**
 * A dataset held in memory: all samples in one float array (sample after sample, each
 * row-major) and one label per sample.
 */
public final class ArrayDataset implements Dataset {
  private final float[] values;
  private final int[] labels;
  private final int[] shape;
  private final int sampleSize;
  private final List<String> classNames;

  /**
   * @param values {@code labels.length * prod(shape)} floats, not copied
   * @param labels one per sample, each in {@code [0, classNames.size())}, not copied
   * @throws IllegalArgumentException if the sizes disagree or a label is out of range
   */
  public ArrayDataset(float[] values, int[] labels, int[] shape, List<String> classNames) {
    this.shape = shape.clone();
    int size = 1;
    for (int d : shape) {
      if (d < 1) throw new IllegalArgumentException("dataset: sample shape " + Arrays.toString(shape) + "; expected every dimension >= 1");
      size *= d;
    }
    this.sampleSize = size;
    if ((long) labels.length * size != values.length) {
      throw new IllegalArgumentException("dataset: " + values.length + " values for " + labels.length
          + " samples of shape " + Arrays.toString(shape) + "; expected " + (long) labels.length * size);
    }
    this.classNames = List.copyOf(classNames);
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classNames.size()) {
        throw new IllegalArgumentException("dataset: label " + labels[i] + " of sample " + i + " is outside [0, "
            + classNames.size() + ") (" + classNames.size() + " classes)");
      }
    }
    this.values = values;
    this.labels = labels;
  }

  @Override
  public int size() {
    return labels.length;
  }

  @Override
  public int[] sampleShape() {
    return shape.clone();
  }

  @Override
  public List<String> classNames() {
    return classNames;
  }

  @Override
  public int label(int i) {
    return labels[i];
  }

  @Override
  public void read(int i, float[] dst, int offset) {
    System.arraycopy(values, i * sampleSize, dst, offset, sampleSize);
  }
}
