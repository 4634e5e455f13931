package dev.cnn.tensor;

/**
 * The hyperparameters of 2-d max or average pooling: window (kernel) size K, stride S and
 * padding P per axis. Validated when constructed; every error names the bad value.
 *
 * <p>Output size along one axis (floor mode, no dilation):
 * <pre>
 *   Hout = floor((H + 2P - K) / S) + 1
 * </pre>
 * Window {@code oh} covers input rows {@code [oh*S - P, oh*S - P + K)}. As in PyTorch the padding
 * may be at most half the window ({@code P <= K/2}), so every window holds at least one real
 * pixel. Max pooling treats padding as -infinity; average pooling as zeros that count in the
 * divisor (see {@link Pooling}).
 *
 * @param kernelH window height, >= 1
 * @param kernelW window width, >= 1
 * @param strideH vertical stride, >= 1
 * @param strideW horizontal stride, >= 1
 * @param padH rows of padding above and below, 0 <= padH <= kernelH/2
 * @param padW columns of padding left and right, 0 <= padW <= kernelW/2
 */
public record Pool2dSpec(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {

  /**
   * Validates every value.
   *
   * @throws IllegalArgumentException naming the value that is out of range and its valid range
   */
  public Pool2dSpec {
    String op = "pool2d spec";
    Shapes.checkPositive(op, "kernelH", kernelH);
    Shapes.checkPositive(op, "kernelW", kernelW);
    Shapes.checkPositive(op, "strideH", strideH);
    Shapes.checkPositive(op, "strideW", strideW);
    Shapes.checkNonNegative(op, "padH", padH);
    Shapes.checkNonNegative(op, "padW", padW);
    if (padH > kernelH / 2) {
      throw Shapes.error(op, "padH is " + padH + " with kernelH " + kernelH,
          "padH <= kernelH/2 = " + kernelH / 2 + " (a window must hold at least one real pixel)");
    }
    if (padW > kernelW / 2) {
      throw Shapes.error(op, "padW is " + padW + " with kernelW " + kernelW,
          "padW <= kernelW/2 = " + kernelW / 2 + " (a window must hold at least one real pixel)");
    }
  }

  /** A square window of size {@code kernel}, stride {@code kernel} (non-overlapping), no padding. */
  public static Pool2dSpec of(int kernel) {
    return of(kernel, kernel, 0);
  }

  /** A square window with the same stride and padding on both axes. */
  public static Pool2dSpec of(int kernel, int stride, int pad) {
    return new Pool2dSpec(kernel, kernel, stride, stride, pad, pad);
  }

  /** Output height {@code floor((h + 2*padH - kernelH) / strideH) + 1} (below 1 if the window does not fit). */
  public int outputHeight(int h) {
    return (int) (Math.floorDiv((long) h + 2L * padH - kernelH, strideH) + 1);
  }

  /** Output width {@code floor((w + 2*padW - kernelW) / strideW) + 1} (below 1 if the window does not fit). */
  public int outputWidth(int w) {
    return (int) (Math.floorDiv((long) w + 2L * padW - kernelW, strideW) + 1);
  }

  /** A short description for graphs and logs: {@code "kernel=3x3, stride=2x2, pad=1x1"}. */
  public String label() {
    return "kernel=" + kernelH + "x" + kernelW + ", stride=" + strideH + "x" + strideW + ", pad="
        + padH + "x" + padW;
  }
}
