package dev.cnn.tensor;

/**
 * The convolution kernel family, NCHW, float32: x {@code [N, Cin, H, W]}, w
 * {@code [Cout, Cin/G, KH, KW]}, y {@code [N, Cout, Hout, Wout]}, dense arrays at offset 0.
 *
 * <pre>
 *   y[n][co][oh][ow] = b[co] + sum_{ci in group(co), i &lt; KH, j &lt; KW}
 *                        w[co][ci - g*Cin/G][i][j] * x[n][ci][oh*S - P + i*D][ow*S - P + j*D]
 * </pre>
 * with x zero outside the image. Two implementations: {@link ScalarConv}, the plain loops (the
 * reference and fallback), and {@link GemmConv}, which lowers each op to GEMM via im2col. The
 * geometry is checked by {@link Conv2dGeometry} and the array lengths by {@link Convolution};
 * implementations trust both.
 */
interface ConvKernel {
  /** {@code y = conv(x, w) + bias}. x, w, bias (nullable) not modified; y overwritten. */
  void forward(Conv2dGeometry g, float[] x, float[] w, float[] bias, float[] y);

  /**
   * {@code dx (+)= dL/dx = sum over the output positions that read x of w * dy}. dy and w not
   * modified; dx overwritten, or added to when {@code accumulate}.
   */
  void backwardInput(Conv2dGeometry g, float[] dy, float[] w, float[] dx, boolean accumulate);

  /**
   * {@code dw (+)= dL/dw = sum_{n, oh, ow} dy * x at the tap's position}. x and dy not modified;
   * dw overwritten, or added to when {@code accumulate}. Bit-identical for any thread count.
   */
  void backwardWeight(Conv2dGeometry g, float[] x, float[] dy, float[] dw, boolean accumulate);
}
