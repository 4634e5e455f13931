package dev.cnn.tensor;

/**
 * Element type of a {@link Tensor}.
 *
 * <p>Training runs in {@link #FLOAT32}. {@link #FLOAT64} exists so that gradient checks are
 * meaningful: central differences in float32 lose about half of the significant digits, which is
 * why PyTorch's {@code gradcheck} insists on double precision too.
 */
public enum DType {
  /** IEEE 754 binary32, 4 bytes; the training type. */
  FLOAT32(4),
  /** IEEE 754 binary64, 8 bytes; for gradient checking and references. */
  FLOAT64(8);

  private final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  /** Size of one element in bytes. */
  public int bytes() {
    return bytes;
  }
}
