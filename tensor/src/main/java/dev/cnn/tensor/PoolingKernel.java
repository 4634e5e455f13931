package dev.cnn.tensor;

/**
 * Max pooling of one float32 plane: the kernel behind {@link Pooling#maxForward}. The reference is
 * the plain loop {@code ScalarPooling::maxPlane}; {@code VectorPooling} runs the 2x2,
 * stride-2 windows of most CNNs on SIMD registers and agrees with the reference bit for bit,
 * indices included.
 */
@FunctionalInterface
interface PoolingKernel {
  /**
   * The maximum of every window of one plane ({@code x} at {@code xo}, {@code h x w}) into
   * {@code y}, and its index {@code ih*w + iw} within the plane into {@code idx}, both at
   * {@code io}, for the {@code hOut x wOut} windows of {@code s}. The first maximum in row-major
   * order wins ties; a NaN counts as the largest value (the first NaN wins). With {@code idx}
   * null only the maxima are written (for inference, where nothing goes backward).
   */
  void maxPlane(float[] x, int xo, int h, int w, Pool2dSpec s, int hOut, int wOut, float[] y, int[] idx, int io);
}
