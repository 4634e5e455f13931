package dev.cnn.data;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Images held in memory as unsigned bytes, one byte per pixel and channel, converted to floats
 * in [0, 1] when read: value {@code v} in 0..255 becomes {@code v / 255f}. Bytes take a quarter
 * of the memory of floats (Fashion-MNIST's 60,000 training images: 47 MB instead of 188 MB).
 *
 * <p>The pixels are stored sample after sample, each in the {@code [C, H, W]} order of
 * {@link #sampleShape()}. Immutable once built, so any number of loader threads may read it.
 */
public final class ByteImageDataset implements Dataset {
  /** {@code TO_FLOAT[v] = v / 255f}, the correctly rounded float quotient. */
  private static final float[] TO_FLOAT = new float[256];

  static {
    for (int v = 0; v < 256; v++) TO_FLOAT[v] = v / 255f;
  }

  /** A stored byte as the float a sample holds: {@code (b & 0xFF) / 255f}. */
  static float toFloat(byte b) {
    return TO_FLOAT[b & 0xFF];
  }

  private final byte[] pixels;
  private final int[] labels;
  private final int[] shape;
  private final int sampleSize;
  private final List<String> classNames;
  private final String sourceFile;

  /**
   * @param pixels {@code labels.length * prod(shape)} unsigned bytes, not copied (the caller
   *     hands them over and must not change them)
   * @param labels one per sample, each in {@code [0, classNames.size())}, not copied
   * @param shape the per-sample shape {@code [C, H, W]}, each dimension at least 1
   * @param classNames indexed by label
   * @throws IllegalArgumentException if the sizes disagree or a label is out of range
   */
  public ByteImageDataset(byte[] pixels, int[] labels, int[] shape, List<String> classNames) {
    this(pixels, labels, shape, classNames, null);
  }

  /**
   * As {@link #ByteImageDataset(byte[], int[], int[], List)}, for images read from one file:
   * sample i's {@link #source} is {@code "<sourceFile> #<i>"}.
   *
   * @param sourceFile the file's name as a person would look for it, or null (no source)
   */
  public ByteImageDataset(byte[] pixels, int[] labels, int[] shape, List<String> classNames, String sourceFile) {
    if (shape.length != 3) {
      throw new IllegalArgumentException("ByteImageDataset: sample shape " + Arrays.toString(shape)
          + "; expected [C, H, W]");
    }
    long size = 1;
    for (int d : shape) {
      if (d < 1) {
        throw new IllegalArgumentException("ByteImageDataset: sample shape " + Arrays.toString(shape)
            + "; expected every dimension >= 1");
      }
      size *= d;
    }
    if ((long) labels.length * size != pixels.length) {
      throw new IllegalArgumentException("ByteImageDataset: " + pixels.length + " pixel bytes for "
          + labels.length + " samples of shape " + Arrays.toString(shape) + "; expected "
          + (long) labels.length * size);
    }
    if (classNames.isEmpty()) {
      throw new IllegalArgumentException("ByteImageDataset: no class names; expected at least one class");
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classNames.size()) {
        throw new IllegalArgumentException("ByteImageDataset: label " + labels[i] + " of sample " + i
            + " is outside [0, " + classNames.size() + ") (" + classNames.size() + " classes)");
      }
    }
    this.shape = shape.clone();
    this.sampleSize = (int) size;
    this.classNames = List.copyOf(classNames);
    this.pixels = pixels;
    this.labels = labels;
    this.sourceFile = sourceFile;
  }

  @Override
  public Optional<String> source(int i) {
    return sourceFile == null ? Optional.empty() : Optional.of(sourceFile + " #" + i);
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
  public int sampleSize() {
    return sampleSize;
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
  public int[] labels() {
    return labels.clone();
  }

  /** Writes {@code prod(sampleShape())} floats, each {@code byte / 255f}, from {@code dst[offset]} on. */
  @Override
  public void read(int i, float[] dst, int offset) {
    if (i < 0 || i >= labels.length) {
      throw new IndexOutOfBoundsException("ByteImageDataset.read: sample " + i + " is outside [0, " + labels.length + ")");
    }
    int base = i * sampleSize;
    for (int k = 0; k < sampleSize; k++) {
      dst[offset + k] = TO_FLOAT[pixels[base + k] & 0xFF];
    }
  }

  /** Sample i's raw byte value at flat position {@code k} of its {@code [C, H, W]} layout, 0..255. */
  public int pixel(int i, int k) {
    if (k < 0 || k >= sampleSize) {
      throw new IndexOutOfBoundsException("ByteImageDataset.pixel: position " + k + " is outside [0, " + sampleSize + ")");
    }
    return pixels[i * sampleSize + k] & 0xFF;
  }
}
