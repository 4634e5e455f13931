package dev.cnn.tensor;

import java.util.Arrays;

/**
 * 2-d max and average pooling, global and adaptive average pooling, NCHW, forward and backward,
 * float32 and float64.
 *
 * <p>Shapes: x {@code [N, C, H, W]}, y {@code [N, C, Hout, Wout]} with
 * {@code Hout = floor((H + 2P - K)/S) + 1} ({@link Pool2dSpec}). Window (oh, ow) covers rows
 * {@code [oh*S - P, oh*S - P + K)} and columns likewise:
 * <pre>
 *   max:  y[n][c][oh][ow] = max over the window's real pixels        (padding is -infinity)
 *         dx[n][c][argmax] += dy[n][c][oh][ow]
 *   avg:  y[n][c][oh][ow] = (sum over the window's real pixels) / (KH*KW)
 *         dx[n][c][ih][iw] += dy[n][c][oh][ow] / (KH*KW)   for every real pixel of the window
 *   global avg: y[n][c] = sum_{h, w} x[n][c][h][w] / (H*W),  dx[n][c][h][w] = dy[n][c] / (H*W)
 *   adaptive avg: y[n][c][oh][ow] = mean of rows [floor(oh*H/Hout), ceil((oh+1)*H/Hout))
 *                 and columns [floor(ow*W/Wout), ceil((ow+1)*W/Wout)); dx likewise spread back
 * </pre>
 * <b>Average pooling counts padding in the divisor</b> (PyTorch's default
 * {@code count_include_pad=true}): the divisor is always KH*KW, so a window that overlaps the
 * padding averages in zeros. Without ceil mode no window extends past the padded input, so this
 * is exactly PyTorch's result.
 *
 * <p>Max pooling records, for each output element, the index {@code ih*W + iw} of its maximum
 * within its own (n, c) input plane (PyTorch's convention); backward routes the gradient there.
 * Ties go to the first pixel in row-major order; a NaN in the window is the maximum (the first
 * NaN), so NaNs propagate.
 *
 * <p>The plane loops ({@code ScalarPooling}, and its generated float64 twin {@code ScalarPooling64})
 * run parallel over the N*C planes (in blocks); each plane is written by one task in a fixed
 * order, so results are deterministic. One exception: float32 max pooling with 2x2 windows and
 * stride 2 runs on SIMD registers ({@code VectorPooling}, unless the scalar kernels are forced),
 * because the loop branches on every tap and mispredicts about half the time on activations; it
 * agrees with the loop bit for bit.
 */
public final class Pooling {
  private static final class Holder {
    /**
     * The width of every other kernel, even though on JDK 17 256-bit vectors pool FashionNet's
     * narrow rows (14 and 7 outputs, narrower than 16 float lanes) faster than 512-bit ones. A
     * second vector width in the same JVM made C2 stop intrinsifying vector operations elsewhere:
     * GEMM and the element-wise kernels then boxed their vectors (several times the allocation per
     * training step) and the step was no faster (bench/README.md, "Figures behind the kernel
     * choices").
     */
    static final PoolingKernel KERNEL =
        Kernels.select(PoolingKernel.class, "dev.cnn.tensor.VectorPooling", ScalarPooling::maxPlane);
  }

  /**
   * Output elements per parallel task, about: planes are handed out in blocks of this many
   * elements, since a plane of FashionNet's second pooling layer (7x7) is well under a microsecond
   * of work ({@link Parallel#forEach(int, int, java.util.function.IntConsumer)}).
   */
  static final int TASK_ELEMENTS = 8192;

  private Pooling() {}

  /** The float32 max-pooling plane kernel in force. */
  static PoolingKernel kernel() {
    Kernels.requireValidSetting(); // a bad cnn.kernels is an IllegalArgumentException here, not in Holder's initialiser
    return Holder.KERNEL;
  }

  /** Planes per parallel task for output {@code [N, C, Hout, Wout]}. */
  private static int planeBlock(int[] out) {
    return Parallel.blockFor(out[2] * out[3], TASK_ELEMENTS);
  }

  /**
   * The output of {@link #maxForward}.
   *
   * @param output {@code [N, C, Hout, Wout]}
   * @param indices for each output element (same flat order), the index {@code ih*W + iw} of the
   *     maximum within its (n, c) input plane; when output was made inside a {@link Workspace}
   *     scope, the indices are recycled with it: valid while {@code output.isLive()}
   */
  public record MaxPoolResult(Tensor output, int[] indices) {
    /**
     * The argmax indices.
     *
     * @throws IllegalStateException when output was made in a {@link Workspace} scope that has
     *     closed: the array may hold another max pool's indices by now
     */
    @Override
    public int[] indices() {
      if (!output.isLive()) {
        throw new IllegalStateException("maxPool2d: these argmax indices were recycled with their output when its"
            + " Workspace scope closed; use them inside the scope, or copy them (indices().clone()) before it closes");
      }
      return indices;
    }
  }

  /** The output shape {@code [N, C, Hout, Wout]} of pooling x with {@code spec}. */
  public static int[] outputShape(int[] inputShape, Pool2dSpec spec) {
    return geometry("pool2d", inputShape, spec);
  }

  // ------------------------------------------------------------------ max

  /**
   * Max pooling: {@code y = max over each window}, with the argmax of each window.
   *
   * @param x {@code [N, C, H, W]}, not modified
   * @return output {@code [N, C, Hout, Wout]} and argmax indices
   * @throws IllegalArgumentException when x is not rank 4 or the window does not fit
   */
  public static MaxPoolResult maxForward(Tensor x, Pool2dSpec spec) {
    int[] out = geometry("maxPool2d forward", x.shape(), spec);
    Tensor y = Tensor.forOverwrite(x.dtype(), out); // every window writes its output
    int[] idx = Workspace.intsBeside(y, y.size()); // in a Workspace scope, recycled with y
    maxPlanes(x, spec, out, y, idx);
    return new MaxPoolResult(y, idx);
  }

  /**
   * Max pooling without the argmax: the values {@code maxForward(x, spec).output()} holds, bit for
   * bit, without computing or keeping the indices. For inference, where nothing goes backward
   * (the engine's max-pool op uses it when it records no graph).
   *
   * @param x {@code [N, C, H, W]}, not modified
   * @return a new tensor {@code [N, C, Hout, Wout]}
   * @throws IllegalArgumentException when x is not rank 4 or the window does not fit
   */
  public static Tensor max(Tensor x, Pool2dSpec spec) {
    int[] out = geometry("maxPool2d forward", x.shape(), spec);
    Tensor y = Tensor.forOverwrite(x.dtype(), out); // every window writes its output
    maxPlanes(x, spec, out, y, null);
    return y;
  }

  /** Every plane of x pooled into y ({@code out} its shape), and the argmax into idx unless null. */
  private static void maxPlanes(Tensor x, Pool2dSpec spec, int[] out, Tensor y, int[] idx) {
    int h = x.dim(2), w = x.dim(3), hOut = out[2], wOut = out[3];
    if (x.dtype() == DType.FLOAT32) {
      float[] xf = x.floatData(), yf = y.floatData();
      PoolingKernel kernel = kernel();
      Parallel.forEach(out[0] * out[1], planeBlock(out), p -> kernel.maxPlane(xf, p * h * w, h, w, spec, hOut, wOut, yf, idx, p * hOut * wOut));
    } else {
      double[] xd = x.doubleData(), yd = y.doubleData();
      Parallel.forEach(out[0] * out[1], planeBlock(out), p -> ScalarPooling64.maxPlane(xd, p * h * w, h, w, spec, hOut, wOut, yd, idx, p * hOut * wOut));
    }
  }

  /**
   * The input gradient of max pooling: each {@code dy} element is added to the input pixel its
   * window's maximum came from.
   *
   * @param dy gradient of the output, {@code [N, C, Hout, Wout]}, not modified
   * @param indices the argmax indices from {@link #maxForward}, not modified
   * @param inputShape shape of x, {@code [N, C, H, W]}
   * @return a new tensor of shape {@code inputShape}
   * @throws IllegalArgumentException when the shapes do not match or an index is out of range
   */
  public static Tensor maxBackward(Tensor dy, int[] indices, int[] inputShape, Pool2dSpec spec) {
    String op = "maxPool2d backward";
    int[] out = geometry(op, inputShape, spec);
    expectShape(op, dy, out, inputShape, spec);
    if (indices == null || indices.length != dy.size()) {
      throw Shapes.error(op, "indices has " + (indices == null ? "null" : indices.length + " elements"),
          dy.size() + " (one per element of dy " + Shapes.format(dy.shape()) + "), as maxForward returns");
    }
    // Each task zeroes its own planes of dx, then adds into them: in parallel, and while they are
    // in its cache (a zeroed tensor was one more pass over dx, on one thread).
    Tensor dx = Tensor.forOverwrite(dy.dtype(), inputShape);
    int plane = inputShape[2] * inputShape[3], outPlane = out[2] * out[3];
    if (dy.dtype() == DType.FLOAT32) {
      float[] g = dy.floatData(), d = dx.floatData();
      Parallel.forEach(out[0] * out[1], planeBlock(out),
          p -> ScalarPooling.maxBackwardPlane(op, g, indices, p * outPlane, outPlane, d, p * plane, plane));
    } else {
      double[] g = dy.doubleData(), d = dx.doubleData();
      Parallel.forEach(out[0] * out[1], planeBlock(out),
          p -> ScalarPooling64.maxBackwardPlane(op, g, indices, p * outPlane, outPlane, d, p * plane, plane));
    }
    return dx;
  }

  // ------------------------------------------------------------------ average

  /**
   * Average pooling: {@code y = (sum over the window's real pixels) / (KH*KW)} (padding counts in
   * the divisor), summed in double.
   *
   * @param x {@code [N, C, H, W]}, not modified
   * @return a new tensor {@code [N, C, Hout, Wout]}
   * @throws IllegalArgumentException when x is not rank 4 or the window does not fit
   */
  public static Tensor avgForward(Tensor x, Pool2dSpec spec) {
    int[] out = geometry("avgPool2d forward", x.shape(), spec);
    Tensor y = Tensor.forOverwrite(x.dtype(), out); // every window writes its output
    int h = x.dim(2), w = x.dim(3), hOut = out[2], wOut = out[3];
    if (x.dtype() == DType.FLOAT32) {
      float[] xf = x.floatData(), yf = y.floatData();
      Parallel.forEach(out[0] * out[1], planeBlock(out),
          p -> ScalarPooling.avgPlane(xf, p * h * w, h, w, spec, hOut, wOut, yf, p * hOut * wOut));
    } else {
      double[] xd = x.doubleData(), yd = y.doubleData();
      Parallel.forEach(out[0] * out[1], planeBlock(out),
          p -> ScalarPooling64.avgPlane(xd, p * h * w, h, w, spec, hOut, wOut, yd, p * hOut * wOut));
    }
    return y;
  }

  /**
   * The input gradient of average pooling: each {@code dy} element, divided by KH*KW, is added to
   * every real pixel of its window.
   *
   * @param dy gradient of the output, {@code [N, C, Hout, Wout]}, not modified
   * @param inputShape shape of x, {@code [N, C, H, W]}
   * @return a new tensor of shape {@code inputShape}
   * @throws IllegalArgumentException when the shapes do not match
   */
  public static Tensor avgBackward(Tensor dy, int[] inputShape, Pool2dSpec spec) {
    String op = "avgPool2d backward";
    int[] out = geometry(op, inputShape, spec);
    expectShape(op, dy, out, inputShape, spec);
    Tensor dx = Tensor.zeros(dy.dtype(), inputShape);
    int h = inputShape[2], w = inputShape[3], hOut = out[2], wOut = out[3];
    if (dy.dtype() == DType.FLOAT32) {
      float[] g = dy.floatData(), d = dx.floatData();
      Parallel.forEach(out[0] * out[1], planeBlock(out),
          p -> ScalarPooling.avgBackwardPlane(g, p * hOut * wOut, h, w, spec, hOut, wOut, d, p * h * w));
    } else {
      double[] g = dy.doubleData(), d = dx.doubleData();
      Parallel.forEach(out[0] * out[1], planeBlock(out),
          p -> ScalarPooling64.avgBackwardPlane(g, p * hOut * wOut, h, w, spec, hOut, wOut, d, p * h * w));
    }
    return dx;
  }

  // ------------------------------------------------------------------ global average

  /**
   * Global average pooling: {@code y[n][c][0][0] = sum_{h, w} x[n][c][h][w] / (H*W)}, summed in
   * double.
   *
   * @param x {@code [N, C, H, W]}, not modified
   * @return a new tensor {@code [N, C, 1, 1]}
   */
  public static Tensor globalAvgForward(Tensor x) {
    if (x.rank() != 4) {
      throw Shapes.error("globalAvgPool2d forward", "x has shape " + Shapes.format(x.shape()), "rank 4 [N, C, H, W]");
    }
    int n = x.dim(0), c = x.dim(1), plane = x.dim(2) * x.dim(3);
    if (plane == 0) {
      throw Shapes.error("globalAvgPool2d forward", "x has shape " + Shapes.format(x.shape()),
          "H >= 1 and W >= 1 (the average of an empty plane is undefined)");
    }
    Tensor y = Tensor.zeros(x.dtype(), n, c, 1, 1);
    int block = Parallel.blockFor(plane, TASK_ELEMENTS);
    if (x.dtype() == DType.FLOAT32) {
      float[] xf = x.floatData(), yf = y.floatData();
      Parallel.forEach(n * c, block, p -> ScalarPooling.globalAvgPlane(xf, p * plane, plane, yf, p));
    } else {
      double[] xd = x.doubleData(), yd = y.doubleData();
      Parallel.forEach(n * c, block, p -> ScalarPooling64.globalAvgPlane(xd, p * plane, plane, yd, p));
    }
    return y;
  }

  /**
   * The input gradient of global average pooling: {@code dx[n][c][h][w] = dy[n][c][0][0] / (H*W)}.
   *
   * @param dy gradient of the output, {@code [N, C, 1, 1]}, not modified
   * @param inputShape shape of x, {@code [N, C, H, W]}
   * @return a new tensor of shape {@code inputShape}
   */
  public static Tensor globalAvgBackward(Tensor dy, int[] inputShape) {
    String op = "globalAvgPool2d backward";
    Shapes.requireNonNull(op, "inputShape", inputShape, "the int[4] shape of the forward input");
    if (inputShape.length != 4) {
      throw Shapes.error(op, "inputShape is " + Shapes.format(inputShape), "rank 4 [N, C, H, W]");
    }
    int[] out = {inputShape[0], inputShape[1], 1, 1};
    if (!Arrays.equals(dy.shape(), out)) {
      throw Shapes.error(op, "dy has shape " + Shapes.format(dy.shape()),
          Shapes.format(out) + " (the output shape for input " + Shapes.format(inputShape) + ")");
    }
    Tensor dx = Tensor.zeros(dy.dtype(), inputShape);
    int plane = inputShape[2] * inputShape[3];
    if (dy.dtype() == DType.FLOAT32) {
      float[] g = dy.floatData(), d = dx.floatData();
      Parallel.forEach(out[0] * out[1], planeBlock(out), p -> ScalarPooling.globalAvgBackwardPlane(g, p, d, p * plane, plane));
    } else {
      double[] g = dy.doubleData(), d = dx.doubleData();
      Parallel.forEach(out[0] * out[1], planeBlock(out), p -> ScalarPooling64.globalAvgBackwardPlane(g, p, d, p * plane, plane));
    }
    return dx;
  }

  // ------------------------------------------------------------------ adaptive average

  /**
   * Adaptive average pooling to a fixed output size, whatever the input size (PyTorch's
   * {@code adaptive_avg_pool2d}): output (oh, ow) is the mean of input rows
   * {@code [floor(oh*H/Hout), ceil((oh+1)*H/Hout))} and columns
   * {@code [floor(ow*W/Wout), ceil((ow+1)*W/Wout))}. When Hout divides H and Wout divides W these
   * are the windows of average pooling with kernel = stride = (H/Hout, W/Wout); otherwise
   * neighbouring windows differ in size and may overlap by a pixel. Hout = Wout = 1 is global
   * average pooling.
   *
   * @param x {@code [N, C, H, W]} with H, W >= 1, not modified
   * @return a new tensor {@code [N, C, outH, outW]}
   * @throws IllegalArgumentException when x is not rank 4, has an empty plane, or a size is below 1
   */
  public static Tensor adaptiveAvgForward(Tensor x, int outH, int outW) {
    String op = "adaptiveAvgPool2d forward";
    Shapes.requireNonNull(op, "x", x, "a tensor [N, C, H, W]");
    int[] out = adaptiveGeometry(op, x.shape(), outH, outW);
    Tensor y = Tensor.forOverwrite(x.dtype(), out); // every window writes its output
    int h = x.dim(2), w = x.dim(3);
    if (x.dtype() == DType.FLOAT32) {
      float[] xf = x.floatData(), yf = y.floatData();
      Parallel.forEach(out[0] * out[1], planeBlock(out),
          p -> ScalarPooling.adaptiveAvgPlane(xf, p * h * w, h, w, outH, outW, yf, p * outH * outW));
    } else {
      double[] xd = x.doubleData(), yd = y.doubleData();
      Parallel.forEach(out[0] * out[1], planeBlock(out),
          p -> ScalarPooling64.adaptiveAvgPlane(xd, p * h * w, h, w, outH, outW, yd, p * outH * outW));
    }
    return y;
  }

  /**
   * The input gradient of adaptive average pooling: each {@code dy} element, divided by its
   * window's size, is added to every pixel of its window.
   *
   * @param dy gradient of the output, {@code [N, C, outH, outW]}, not modified
   * @param inputShape shape of x, {@code [N, C, H, W]}
   * @return a new tensor of shape {@code inputShape}
   */
  public static Tensor adaptiveAvgBackward(Tensor dy, int[] inputShape) {
    String op = "adaptiveAvgPool2d backward";
    Shapes.requireNonNull(op, "dy", dy, "the output gradient [N, C, outH, outW]");
    if (dy.rank() != 4) throw Shapes.error(op, "dy has shape " + Shapes.format(dy.shape()), "rank 4 [N, C, outH, outW]");
    int outH = dy.dim(2), outW = dy.dim(3);
    int[] out = adaptiveGeometry(op, inputShape, outH, outW);
    if (!Arrays.equals(dy.shape(), out)) {
      throw Shapes.error(op, "dy has shape " + Shapes.format(dy.shape()),
          Shapes.format(out) + " (the output shape for input " + Shapes.format(inputShape) + ")");
    }
    Tensor dx = Tensor.zeros(dy.dtype(), inputShape);
    int h = inputShape[2], w = inputShape[3];
    if (dy.dtype() == DType.FLOAT32) {
      float[] g = dy.floatData(), d = dx.floatData();
      Parallel.forEach(out[0] * out[1], planeBlock(out),
          p -> ScalarPooling.adaptiveAvgBackwardPlane(g, p * outH * outW, h, w, outH, outW, d, p * h * w));
    } else {
      double[] g = dy.doubleData(), d = dx.doubleData();
      Parallel.forEach(out[0] * out[1], planeBlock(out),
          p -> ScalarPooling64.adaptiveAvgBackwardPlane(g, p * outH * outW, h, w, outH, outW, d, p * h * w));
    }
    return dx;
  }

  /** Checks an adaptive pooling's input shape and output size, and returns the output shape. */
  private static int[] adaptiveGeometry(String op, int[] in, int outH, int outW) {
    Shapes.requireNonNull(op, "inputShape", in, "the int[4] shape of the input");
    if (in.length != 4) throw Shapes.error(op, "input has shape " + Shapes.format(in), "rank 4 [N, C, H, W]");
    if (in[2] < 1 || in[3] < 1) {
      throw Shapes.error(op, "input has shape " + Shapes.format(in), "H >= 1 and W >= 1 (an empty plane has no average)");
    }
    if (outH < 1 || outW < 1) {
      throw Shapes.error(op, "output size " + outH + " x " + outW, "an output height and width of at least 1");
    }
    return new int[] {in[0], in[1], outH, outW};
  }

  // ------------------------------------------------------------------ helpers

  /** Checks x's shape against the spec and returns the output shape. */
  private static int[] geometry(String op, int[] in, Pool2dSpec spec) {
    if (spec == null) throw Shapes.error(op, "spec is null", "a Pool2dSpec");
    Shapes.requireNonNull(op, "inputShape", in, "the int[4] shape of the input");
    if (in.length != 4) {
      throw Shapes.error(op, "input has shape " + Shapes.format(in), "rank 4 [N, C, H, W]");
    }
    for (int i = 0; i < 4; i++) {
      if (in[i] < 1) {
        throw Shapes.error(op, "input has shape " + Shapes.format(in), "every dimension >= 1");
      }
    }
    int hOut = spec.outputHeight(in[2]), wOut = spec.outputWidth(in[3]);
    if (hOut < 1 || wOut < 1) {
      throw Shapes.error(op, "input " + Shapes.format(in) + " with " + spec + " gives an output of "
              + hOut + " x " + wOut + " (Hout = floor((H + 2P - K)/S) + 1)",
          "at least 1 x 1; use a smaller window, pad the input, or pool a larger image");
    }
    return new int[] {in[0], in[1], hOut, wOut};
  }

  private static void expectShape(String op, Tensor dy, int[] out, int[] in, Pool2dSpec spec) {
    if (!Arrays.equals(dy.shape(), out)) {
      throw Shapes.error(op, "dy has shape " + Shapes.format(dy.shape()),
          Shapes.format(out) + " (the output shape for input " + Shapes.format(in) + " with " + spec + ")");
    }
  }
}
