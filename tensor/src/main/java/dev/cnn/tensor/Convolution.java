package dev.cnn.tensor;

/**
 * 2-d convolution (strictly, cross-correlation, as in every deep-learning library), NCHW, with
 * stride, zero padding, dilation and groups ({@link Conv2dSpec}), and its three gradients.
 *
 * <p>Shapes: input x {@code [N, Cin, H, W]}, weight w {@code [Cout, Cin/G, KH, KW]}, optional bias
 * b {@code [Cout]}, output y {@code [N, Cout, Hout, Wout]} with
 * {@code Hout = floor((H + 2P - D*(KH-1) - 1)/S) + 1} (likewise Wout):
 * <pre>
 *   y[n][co][oh][ow] = b[co] + sum_{c &lt; Cin/G, i &lt; KH, j &lt; KW}
 *                        w[co][c][i][j] * x[n][g*Cin/G + c][oh*S - P + i*D][ow*S - P + j*D]
 * </pre>
 * where g = co / (Cout/G) is co's group and x is zero outside the image. For a loss L with
 * upstream gradient dy = dL/dy:
 * <pre>
 *   dL/dx[n][ci][ih][iw] = sum of w[co][c][i][j] * dy[n][co][oh][ow] over the terms above that read x[n][ci][ih][iw]
 *   dL/dw[co][c][i][j]   = sum_{n, oh, ow} dy[n][co][oh][ow] * x[n][g*Cin/G + c][oh*S - P + i*D][ow*S - P + j*D]
 *   dL/db[co]            = sum_{n, oh, ow} dy[n][co][oh][ow]
 * </pre>
 *
 * <p><b>Implementations.</b> float32 runs the GEMM-lowered kernel ({@code GemmConv}: im2col and
 * {@link Gemm}), or for layers with at most 27 taps per output (first layers) a direct SIMD kernel
 * ({@code VectorDirectConv}), unless {@link Kernels#mode()} is {@link KernelMode#SCALAR}, when it runs the
 * seven-loop reference ({@code ScalarConv}). float64 always runs the reference loops, generated on
 * {@code double[]} ({@code ScalarConv64}; it exists for gradient checks). The two float32 paths agree within float rounding: they sum the same
 * terms in different orders. Results are bit-identical across runs and thread counts.
 *
 * <p>The tensor methods allocate their result; the array methods write into arrays the caller
 * owns (for reused gradient buffers) and can add to them instead ({@code accumulate}). Every error
 * names the op, the shapes received and the shapes expected.
 */
public final class Convolution {
  private static final ScalarConv REFERENCE = new ScalarConv();
  /** The float64 path: the reference loops on double[] (generated from ScalarConv). */
  private static final ScalarConv64 REFERENCE64 = new ScalarConv64();

  private static final class Holder {
    static final ConvKernel KERNEL =
        Kernels.select(ConvKernel.class, "dev.cnn.tensor.VectorDirectConv", REFERENCE);
  }

  private Convolution() {}

  /** The float32 kernel in force. */
  static ConvKernel kernel() {
    Kernels.requireValidSetting(); // a bad cnn.kernels is an IllegalArgumentException here, not in Holder's initialiser
    return Holder.KERNEL;
  }

  // ------------------------------------------------------------------ tensors

  /**
   * {@code y = conv2d(x, w) + b}.
   *
   * @param x input {@code [N, Cin, H, W]}, not modified
   * @param w weight {@code [Cout, Cin/G, KH, KW]}, not modified
   * @param bias {@code [Cout]}, or null for none; not modified
   * @return a new tensor {@code [N, Cout, Hout, Wout]} of x's dtype
   * @throws IllegalArgumentException when the shapes, dtypes or spec do not fit together
   */
  public static Tensor forward(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec) {
    String op = "conv2d forward";
    Conv2dGeometry g = Conv2dGeometry.of(x.shape(), w.shape(), spec);
    sameDType(op, x, "x", w, "w");
    if (bias != null) {
      sameDType(op, x, "x", bias, "bias");
      expectShape(op, "bias", bias, new int[] {g.cOut()}, () -> "[Cout] with Cout = weight's first dimension");
    }
    Tensor y = Tensor.forOverwrite(x.dtype(), g.outputShape()); // every kernel writes all of y
    if (x.dtype() == DType.FLOAT32) {
      kernel().forward(g, x.floatData(), w.floatData(), bias == null ? null : bias.floatData(), y.floatData());
    } else {
      REFERENCE64.forward(g, x.doubleData(), w.doubleData(), bias == null ? null : bias.doubleData(), y.doubleData());
    }
    return y;
  }

  /**
   * The input gradient {@code dx = dL/dx} (a transposed convolution of dy with w).
   *
   * @param dy gradient of the output, {@code [N, Cout, Hout, Wout]}, not modified
   * @param w weight {@code [Cout, Cin/G, KH, KW]}, not modified
   * @param inputShape shape of x, {@code [N, Cin, H, W]} (H and W are not recoverable from dy
   *     when the stride is above 1)
   * @return a new tensor of shape {@code inputShape}
   * @throws IllegalArgumentException when the shapes, dtypes or spec do not fit together
   */
  public static Tensor backwardInput(Tensor dy, Tensor w, int[] inputShape, Conv2dSpec spec) {
    String op = "conv2d backwardInput";
    Conv2dGeometry g = Conv2dGeometry.of(inputShape, w.shape(), spec);
    sameDType(op, dy, "dy", w, "w");
    expectShape(op, "dy", dy, g.outputShape(), () -> "the output shape of input " + Shapes.format(inputShape)
        + " and weight " + Shapes.format(w.shape()) + " with " + spec);
    Tensor dx = Tensor.forOverwrite(dy.dtype(), g.inputShape()); // overwritten, not accumulated
    if (dy.dtype() == DType.FLOAT32) {
      kernel().backwardInput(g, dy.floatData(), w.floatData(), dx.floatData(), false);
    } else {
      REFERENCE64.backwardInput(g, dy.doubleData(), w.doubleData(), dx.doubleData(), false);
    }
    return dx;
  }

  /**
   * The weight gradient {@code dw = dL/dw}, summed over the batch.
   *
   * @param x input {@code [N, Cin, H, W]}, not modified
   * @param dy gradient of the output, {@code [N, Cout, Hout, Wout]}, not modified
   * @param weightShape shape of w, {@code [Cout, Cin/G, KH, KW]}
   * @return a new tensor of shape {@code weightShape}
   * @throws IllegalArgumentException when the shapes, dtypes or spec do not fit together
   */
  public static Tensor backwardWeight(Tensor x, Tensor dy, int[] weightShape, Conv2dSpec spec) {
    String op = "conv2d backwardWeight";
    Conv2dGeometry g = Conv2dGeometry.of(x.shape(), weightShape, spec);
    sameDType(op, x, "x", dy, "dy");
    expectShape(op, "dy", dy, g.outputShape(), () -> "the output shape of input " + Shapes.format(x.shape())
        + " and weight " + Shapes.format(weightShape) + " with " + spec);
    Tensor dw = Tensor.forOverwrite(x.dtype(), g.weightShape()); // overwritten, not accumulated
    if (x.dtype() == DType.FLOAT32) {
      kernel().backwardWeight(g, x.floatData(), dy.floatData(), dw.floatData(), false);
    } else {
      REFERENCE64.backwardWeight(g, x.doubleData(), dy.doubleData(), dw.doubleData(), false);
    }
    return dw;
  }

  /**
   * The bias gradient {@code db[co] = sum_{n, oh, ow} dy[n][co][oh][ow]}: float32 sums each image's
   * plane with the element-wise kernel and adds the plane sums in double, float64 sums in double.
   *
   * @param dy gradient of the output, {@code [N, Cout, Hout, Wout]}, not modified
   * @return a new tensor {@code [Cout]}
   */
  public static Tensor backwardBias(Tensor dy) {
    if (dy.rank() != 4) {
      throw Shapes.error("conv2d backwardBias", "dy has shape " + Shapes.format(dy.shape()),
          "rank 4 [N, Cout, Hout, Wout]");
    }
    int n = dy.dim(0), cOut = dy.dim(1), hw = dy.dim(2) * dy.dim(3);
    Tensor db = Tensor.zeros(dy.dtype(), cOut);
    if (dy.dtype() == DType.FLOAT32) {
      float[] d = dy.floatData(), out = db.floatData();
      Parallel.forEach(cOut, co -> out[co] = (float) channelSum(d, null, n, cOut, hw, co));
    } else {
      double[] d = dy.doubleData(), out = db.doubleData();
      Parallel.forEach(cOut, co -> out[co] = channelSum(null, d, n, cOut, hw, co));
    }
    return db;
  }

  /**
   * The output shape {@code [N, Cout, Hout, Wout]} of {@code conv2d} for these input and weight
   * shapes.
   *
   * @throws IllegalArgumentException when they do not fit together
   */
  public static int[] outputShape(int[] inputShape, int[] weightShape, Conv2dSpec spec) {
    return Conv2dGeometry.of(inputShape, weightShape, spec).outputShape();
  }

  // ------------------------------------------------------------------ arrays (float32)

  /**
   * {@code y = conv2d(x, w) + b} on dense float32 arrays laid out as the shapes of {@code g}.
   *
   * @param x {@code [N, Cin, H, W]}, not modified
   * @param w {@code [Cout, Cin/G, KH, KW]}, not modified
   * @param bias {@code [Cout]} or null, not modified
   * @param y {@code [N, Cout, Hout, Wout]}, overwritten
   * @throws IllegalArgumentException when an array's length does not match its shape
   */
  public static void forward(Conv2dGeometry g, float[] x, float[] w, float[] bias, float[] y) {
    String op = "conv2d forward";
    checkLength(op, "x", x, g.inputShape());
    checkLength(op, "w", w, g.weightShape());
    if (bias != null) checkLength(op, "bias", bias, new int[] {g.cOut()});
    checkLength(op, "y", y, g.outputShape());
    checkDistinct(op, "y", y, x, w, bias);
    kernel().forward(g, x, w, bias, y);
  }

  /**
   * {@code dx (+)= dL/dx} on dense float32 arrays.
   *
   * @param dy {@code [N, Cout, Hout, Wout]}, not modified
   * @param w {@code [Cout, Cin/G, KH, KW]}, not modified
   * @param dx {@code [N, Cin, H, W]}: overwritten, or added to when {@code accumulate}
   * @throws IllegalArgumentException when an array's length does not match its shape
   */
  public static void backwardInput(Conv2dGeometry g, float[] dy, float[] w, float[] dx, boolean accumulate) {
    String op = "conv2d backwardInput";
    checkLength(op, "dy", dy, g.outputShape());
    checkLength(op, "w", w, g.weightShape());
    checkLength(op, "dx", dx, g.inputShape());
    checkDistinct(op, "dx", dx, dy, w, null);
    kernel().backwardInput(g, dy, w, dx, accumulate);
  }

  /**
   * {@code dw (+)= dL/dw} on dense float32 arrays; bit-identical for any thread count.
   *
   * @param x {@code [N, Cin, H, W]}, not modified
   * @param dy {@code [N, Cout, Hout, Wout]}, not modified
   * @param dw {@code [Cout, Cin/G, KH, KW]}: overwritten, or added to when {@code accumulate}
   * @throws IllegalArgumentException when an array's length does not match its shape
   */
  public static void backwardWeight(Conv2dGeometry g, float[] x, float[] dy, float[] dw, boolean accumulate) {
    String op = "conv2d backwardWeight";
    checkLength(op, "x", x, g.inputShape());
    checkLength(op, "dy", dy, g.outputShape());
    checkLength(op, "dw", dw, g.weightShape());
    checkDistinct(op, "dw", dw, x, dy, null);
    kernel().backwardWeight(g, x, dy, dw, accumulate);
  }

  /**
   * {@code db[co] (+)= sum_{n, oh, ow} dy[n][co][oh][ow]} on dense float32 arrays.
   *
   * @param dy {@code [N, Cout, Hout, Wout]}, not modified
   * @param db {@code [Cout]}: overwritten, or added to when {@code accumulate}
   */
  public static void backwardBias(Conv2dGeometry g, float[] dy, float[] db, boolean accumulate) {
    String op = "conv2d backwardBias";
    checkLength(op, "dy", dy, g.outputShape());
    checkLength(op, "db", db, new int[] {g.cOut()});
    int n = g.n(), cOut = g.cOut(), hw = g.hOut() * g.wOut();
    Parallel.forEach(cOut, co -> {
      float s = (float) channelSum(dy, null, n, cOut, hw, co);
      db[co] = accumulate ? db[co] + s : s;
    });
  }

  // ------------------------------------------------------------------ helpers

  /**
   * Sum of channel co of a {@code [N, C, HW]} array (float, or double when f is null), in double:
   * each image's plane is summed by the element-wise kernel ({@link ElementwiseKernel#sum}: SIMD
   * with several accumulators, or the reference loop; its float64 twin for a double array) and the
   * plane sums are added in double, in image order. The order depends on the shape only, so the
   * result is the same run after run and for any thread count. (One running double sum over the
   * floats took 4% of a FashionNet training step.)
   */
  private static double channelSum(float[] f, double[] d, int n, int c, int hw, int co) {
    ElementwiseKernel k = f != null ? TensorMath.kernel() : null;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      int off = (i * c + co) * hw;
      sum += k != null ? k.sum(f, off, hw) : TensorMath.FLOAT64.sum(d, off, hw);
    }
    return sum;
  }


  private static void sameDType(String op, Tensor a, String aName, Tensor b, String bName) {
    if (a.dtype() != b.dtype()) {
      throw Shapes.error(op, aName + " is " + a.dtype() + " " + Shapes.format(a.shape()) + " but " + bName
          + " is " + b.dtype() + " " + Shapes.format(b.shape()), "one dtype for both; convert with to(DType)");
    }
  }

  /** {@code why} is built only when the shapes differ: this runs on every training step. */
  private static void expectShape(String op, String name, Tensor t, int[] expected,
      java.util.function.Supplier<String> why) {
    if (!java.util.Arrays.equals(t.shape(), expected)) {
      throw Shapes.error(op, name + " has shape " + Shapes.format(t.shape()),
          Shapes.format(expected) + " (" + why.get() + ")");
    }
  }

  private static void checkLength(String op, String name, float[] a, int[] shape) {
    if (a == null) throw Shapes.error(op, name + " is null", "an array of shape " + Shapes.format(shape));
    if (a.length != Shapes.size(shape)) {
      throw Shapes.error(op, name + " has " + a.length + " elements",
          Shapes.size(shape) + " for shape " + Shapes.format(shape));
    }
  }

  private static void checkDistinct(String op, String outName, float[] out, float[] a, float[] b, float[] c) {
    if (out == a || out == b || out == c) {
      throw Shapes.error(op, outName + " is the same array as one of the inputs",
          "a separate output array (the kernel would overwrite its own input)");
    }
  }
}
