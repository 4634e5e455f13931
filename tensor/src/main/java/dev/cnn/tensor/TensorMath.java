package dev.cnn.tensor;

import java.util.Arrays;

/**
 * Element-wise arithmetic with NumPy broadcasting, unary functions, reductions and softmax on
 * {@link Tensor}s of either {@link DType}.
 *
 * <p><b>Broadcasting</b> (NumPy's rules): the two shapes are aligned at their last axis, the
 * shorter one padded with leading 1s; along each axis the sizes must be equal or one of them 1,
 * and the result takes the larger. So {@code [N, C, H, W] + [1, C, 1, 1]} adds a per-channel bias,
 * {@code [M, N] + [N]} adds a row vector to every row, and {@code [M, 1] * [1, N]} is an outer
 * product.
 *
 * <p><b>How it runs.</b> Float32 tensors go to the {@link ElementwiseKernel} chosen once by
 * {@link Kernels} (Vector API or the scalar reference). A broadcast is decomposed into outer loops
 * here and contiguous inner runs in the kernel: adjacent axes that broadcast the same way are
 * merged, and the innermost merged axis becomes one kernel call, either two arrays side by side
 * or an array against one broadcast value. Same shapes are one call; a channel bias is one call
 * per (n, c) with the bias value broadcast over H*W; a row vector is one call per row. Float64
 * tensors (for gradient checks) run as plain double loops in this class.
 *
 * <p><b>Exactness and determinism.</b> Element-wise results are the IEEE operation of
 * {@link BinaryOp#apply}/{@link UnaryOp#apply}, identical on both kernel paths. Sums along the
 * last axis (sum, mean, dot, softmax) may be reassociated by the vector kernel and agree with the
 * scalar path within {@code n * 2^-23 * sum |x_i|}. Nothing depends on threads.
 *
 * <p>Unless stated otherwise, input tensors are not modified and every method returns a new
 * tensor of the inputs' dtype. Errors name the op, the shapes received and the shapes expected.
 */
public final class TensorMath {
  private static final class Holder {
    static final ElementwiseKernel KERNEL =
        Kernels.select(ElementwiseKernel.class, "dev.cnn.tensor.VectorElementwise", new ScalarElementwise());
  }

  private TensorMath() {}

  /** The kernel in force (tests check that forcing the scalar path really takes it). */
  static ElementwiseKernel kernel() {
    Kernels.requireValidSetting(); // a bad cnn.kernels is an IllegalArgumentException here, not in Holder's initialiser
    return Holder.KERNEL;
  }

  // ================================================================ binary, broadcasting

  /**
   * {@code a + b}, broadcast.
   *
   * @param a not modified
   * @param b not modified
   */
  public static Tensor add(Tensor a, Tensor b) {
    return binary(BinaryOp.ADD, a, b);
  }

  /**
   * {@code a - b}, broadcast.
   *
   * @param a not modified
   * @param b not modified
   */
  public static Tensor sub(Tensor a, Tensor b) {
    return binary(BinaryOp.SUB, a, b);
  }

  /**
   * {@code a * b} element-wise (Hadamard), broadcast.
   *
   * @param a not modified
   * @param b not modified
   */
  public static Tensor mul(Tensor a, Tensor b) {
    return binary(BinaryOp.MUL, a, b);
  }

  /**
   * {@code a / b}, broadcast (IEEE: x/0 is +-Infinity).
   *
   * @param a not modified
   * @param b not modified
   */
  public static Tensor div(Tensor a, Tensor b) {
    return binary(BinaryOp.DIV, a, b);
  }

  /**
   * {@code max(a, b)} element-wise, broadcast; NaN wins.
   *
   * @param a not modified
   * @param b not modified
   */
  public static Tensor maximum(Tensor a, Tensor b) {
    return binary(BinaryOp.MAX, a, b);
  }

  /**
   * {@code min(a, b)} element-wise, broadcast; NaN wins.
   *
   * @param a not modified
   * @param b not modified
   */
  public static Tensor minimum(Tensor a, Tensor b) {
    return binary(BinaryOp.MIN, a, b);
  }

  /**
   * {@code out = op(a, b)} with broadcasting; out has shape {@code broadcastShape(a, b)}.
   *
   * @param a not modified
   * @param b not modified
   * @throws IllegalArgumentException if the dtypes differ or the shapes do not broadcast
   */
  public static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
    Shapes.requireNonNull("binary", "op", op, "a BinaryOp");
    checkSameDType(op.label(), a, b);
    int[] shape = broadcastShape(op.label(), a.shape(), b.shape());
    return binary(op, a, b, Tensor.forOverwrite(a.dtype(), shape));
  }

  /**
   * {@code out = op(a, b)} with broadcasting, into an existing tensor. {@code out} may be
   * {@code a} or {@code b} (in place, e.g. {@code binary(ADD, x, bias, x)}) when that operand
   * already has the result's shape.
   *
   * @param a not modified (unless it is out)
   * @param b not modified (unless it is out)
   * @param out modified; its shape must be {@code broadcastShape(a, b)} and its dtype a's
   * @return out
   */
  public static Tensor binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
    Shapes.requireNonNull("binary", "op", op, "a BinaryOp");
    String name = op.label();
    checkSameDType(name, a, b);
    checkSameDType(name, a, out);
    int[] shape = broadcastShape(name, a.shape(), b.shape());
    if (!Arrays.equals(shape, out.shape())) {
      throw Shapes.error(name, "out has shape " + Shapes.format(out.shape()) + " for operands "
          + Shapes.format(a.shape()) + " and " + Shapes.format(b.shape()),
          "the broadcast shape " + Shapes.format(shape));
    }
    checkNoBroadcastAlias(name, "a", a, out);
    checkNoBroadcastAlias(name, "b", b, out);
    if (out.size() == 0) return out;
    Plan plan = new Plan(a.shape(), b.shape(), shape);
    if (a.dtype() == DType.FLOAT32) {
      float[] x = a.floatData(), y = b.floatData(), z = out.floatData();
      ElementwiseKernel k = kernel();
      if (plan.kind == Plan.Kind.BOTH && plan.inner == z.length) { // same shapes: one run, in blocks
        inBlocks(z.length, (from, count) -> k.binary(op, x, from, y, from, z, from, count));
        return out;
      }
      plan.forEachRun((aOff, bOff, oOff) -> {
        switch (plan.kind) {
          case BOTH:
            k.binary(op, x, aOff, y, bOff, z, oOff, plan.inner);
            break;
          case B_SCALAR:
            k.binaryScalarRight(op, x, aOff, y[bOff], z, oOff, plan.inner);
            break;
          default:
            k.binaryScalarLeft(op, x[aOff], y, bOff, z, oOff, plan.inner);
            break;
        }
      });
    } else {
      double[] x = a.doubleData(), y = b.doubleData(), z = out.doubleData();
      int aStep = plan.kind == Plan.Kind.A_SCALAR ? 0 : 1, bStep = plan.kind == Plan.Kind.B_SCALAR ? 0 : 1;
      plan.forEachRun((aOff, bOff, oOff) -> {
        for (int i = 0; i < plan.inner; i++) z[oOff + i] = op.apply(x[aOff + i * aStep], y[bOff + i * bStep]);
      });
    }
    return out;
  }

  /**
   * {@code op(a, b)} with a scalar right operand, e.g. {@code binary(MUL, x, 0.5)}. For float32
   * tensors b is rounded to float first.
   *
   * @param a not modified
   */
  public static Tensor binary(BinaryOp op, Tensor a, double b) {
    Shapes.requireNonNull("binary", "op", op, "a BinaryOp");
    Tensor out = Tensor.forOverwrite(a.dtype(), a.shape());
    if (a.dtype() == DType.FLOAT32) {
      float[] x = a.floatData(), z = out.floatData();
      ElementwiseKernel k = kernel();
      inBlocks(z.length, (from, count) -> k.binaryScalarRight(op, x, from, (float) b, z, from, count));
    } else {
      double[] x = a.doubleData(), z = out.doubleData();
      for (int i = 0; i < z.length; i++) z[i] = op.apply(x[i], b);
    }
    return out;
  }

  /**
   * {@code op(a, b)} with a scalar left operand, e.g. {@code binary(SUB, 1.0, x)} for 1 - x.
   *
   * @param b not modified
   */
  public static Tensor binary(BinaryOp op, double a, Tensor b) {
    Shapes.requireNonNull("binary", "op", op, "a BinaryOp");
    Tensor out = Tensor.forOverwrite(b.dtype(), b.shape());
    if (b.dtype() == DType.FLOAT32) {
      float[] y = b.floatData(), z = out.floatData();
      ElementwiseKernel k = kernel();
      inBlocks(z.length, (from, count) -> k.binaryScalarLeft(op, (float) a, y, from, z, from, count));
    } else {
      double[] y = b.doubleData(), z = out.doubleData();
      for (int i = 0; i < z.length; i++) z[i] = op.apply(a, y[i]);
    }
    return out;
  }

  /**
   * The shape of {@code op(a, b)} under NumPy broadcasting.
   *
   * @throws IllegalArgumentException naming both shapes and the first axis that does not match
   */
  public static int[] broadcastShape(int[] a, int[] b) {
    return broadcastShape("broadcast", a, b);
  }

  private static int[] broadcastShape(String op, int[] a, int[] b) {
    int rank = Math.max(a.length, b.length);
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = dimFromEnd(a, rank - 1 - i), db = dimFromEnd(b, rank - 1 - i);
      if (da != db && da != 1 && db != 1) {
        throw Shapes.error(op, "shapes " + Shapes.format(a) + " and " + Shapes.format(b)
                + " do not broadcast: axis " + (i - rank) + " has sizes " + da + " and " + db,
            "equal sizes or 1 along every axis, the shapes aligned at their last axis"
                + " (NumPy broadcasting)");
      }
      out[i] = da == 1 ? db : da;
    }
    return out;
  }

  /** Size of axis {@code fromEnd} counted from the last (0 = last), 1 beyond the rank. */
  private static int dimFromEnd(int[] shape, int fromEnd) {
    int i = shape.length - 1 - fromEnd;
    return i >= 0 ? shape[i] : 1;
  }

  /**
   * Sums {@code x} down to {@code shape}, undoing a broadcast: {@code sumTo(g, b.shape())} is the
   * gradient of b in {@code a (op) b} when g is the gradient of the broadcast result. The result
   * has exactly {@code shape}; {@code x}'s shape must be what {@code shape} broadcasts to.
   *
   * @param x not modified
   * @throws IllegalArgumentException if {@code shape} does not broadcast to x's shape
   */
  public static Tensor sumTo(Tensor x, int... shape) {
    int[] xs = x.shape();
    int[] joint = shape.length <= xs.length ? broadcastShape("sumTo", xs, shape) : null;
    if (joint == null || !Arrays.equals(joint, xs)) {
      throw Shapes.error("sumTo", "x has shape " + Shapes.format(xs) + " and the target is "
          + Shapes.format(shape), "a target that broadcasts to x's shape (each of its axes equal"
          + " to x's or 1, at most x's rank)");
    }
    Tensor out = Tensor.zeros(x.dtype(), shape);
    if (x.size() == 0) return out;
    Plan plan = new Plan(xs, shape, xs);
    if (x.dtype() == DType.FLOAT32) {
      float[] src = x.floatData(), dst = out.floatData();
      ElementwiseKernel k = kernel();
      plan.forEachRun((xOff, tOff, unused) -> {
        if (plan.kind == Plan.Kind.BOTH) k.binary(BinaryOp.ADD, dst, tOff, src, xOff, dst, tOff, plan.inner);
        else dst[tOff] += k.sum(src, xOff, plan.inner);
      });
    } else {
      double[] src = x.doubleData(), dst = out.doubleData();
      int tStep = plan.kind == Plan.Kind.BOTH ? 1 : 0;
      plan.forEachRun((xOff, tOff, unused) -> {
        for (int i = 0; i < plan.inner; i++) dst[tOff + i * tStep] += src[xOff + i];
      });
    }
    return out;
  }

  // ================================================================ unary

  /**
   * {@code out = op(x)} element-wise.
   *
   * @param x not modified
   */
  public static Tensor unary(UnaryOp op, Tensor x) {
    Shapes.requireNonNull("unary", "op", op, "a UnaryOp");
    return unary(op, x, Tensor.forOverwrite(x.dtype(), x.shape()));
  }

  /**
   * {@code out = op(x)} element-wise, into an existing tensor (may be x itself).
   *
   * @param x not modified (unless it is out)
   * @param out modified; same shape and dtype as x
   * @return out
   */
  public static Tensor unary(UnaryOp op, Tensor x, Tensor out) {
    Shapes.requireNonNull("unary", "op", op, "a UnaryOp");
    checkSameShape(op.label(), x, out);
    if (x.dtype() == DType.FLOAT32) {
      float[] in = x.floatData(), z = out.floatData();
      ElementwiseKernel k = kernel();
      inBlocks(x.size(), (from, count) -> k.unary(op, in, from, z, from, count));
    } else {
      double[] in = x.doubleData(), z = out.doubleData();
      for (int i = 0; i < z.length; i++) z[i] = op.apply(in[i]);
    }
    return out;
  }

  /**
   * {@code -x}.
   *
   * @param x not modified
   */
  public static Tensor neg(Tensor x) {
    return unary(UnaryOp.NEG, x);
  }

  /**
   * {@code |x|}.
   *
   * @param x not modified
   */
  public static Tensor abs(Tensor x) {
    return unary(UnaryOp.ABS, x);
  }

  /**
   * {@code e^x}.
   *
   * @param x not modified
   */
  public static Tensor exp(Tensor x) {
    return unary(UnaryOp.EXP, x);
  }

  /**
   * {@code ln x}.
   *
   * @param x not modified
   */
  public static Tensor log(Tensor x) {
    return unary(UnaryOp.LOG, x);
  }

  /**
   * {@code sqrt(x)}.
   *
   * @param x not modified
   */
  public static Tensor sqrt(Tensor x) {
    return unary(UnaryOp.SQRT, x);
  }

  /**
   * {@code x * x}.
   *
   * @param x not modified
   */
  public static Tensor square(Tensor x) {
    return unary(UnaryOp.SQUARE, x);
  }

  /**
   * {@code max(x, 0)}.
   *
   * @param x not modified
   */
  public static Tensor relu(Tensor x) {
    return unary(UnaryOp.RELU, x);
  }

  /**
   * {@code 1 / (1 + e^-x)}.
   *
   * @param x not modified
   */
  public static Tensor sigmoid(Tensor x) {
    return unary(UnaryOp.SIGMOID, x);
  }

  /**
   * {@code tanh(x)}.
   *
   * @param x not modified
   */
  public static Tensor tanh(Tensor x) {
    return unary(UnaryOp.TANH, x);
  }

  /**
   * {@code scale * x + shift} element-wise: a multiply then an add, rounded after each (no fused
   * multiply-add), on both kernel paths. For float32, scale and shift are rounded to float first.
   *
   * @param x not modified
   */
  public static Tensor scaleShift(Tensor x, double scale, double shift) {
    Tensor out = Tensor.forOverwrite(x.dtype(), x.shape());
    if (x.dtype() == DType.FLOAT32) {
      float[] in = x.floatData(), z = out.floatData();
      ElementwiseKernel k = kernel();
      inBlocks(z.length, (from, count) -> k.scaleShift((float) scale, (float) shift, in, from, z, from, count));
    } else {
      double[] in = x.doubleData(), z = out.doubleData();
      for (int i = 0; i < z.length; i++) z[i] = scale * in[i] + shift;
    }
    return out;
  }

  /**
   * {@code out[i] = selector[i] > 0 ? x[i] : 0} element-wise: x where the selector is positive,
   * else 0 (also where the selector is NaN). With a ReLU's output as the selector and the
   * gradient of that output as x, this is the gradient of the ReLU's input.
   *
   * @param selector not modified
   * @param x not modified; same shape and dtype as the selector
   */
  public static Tensor wherePositive(Tensor selector, Tensor x) {
    checkSameShape("wherePositive", selector, x);
    Tensor out = Tensor.forOverwrite(x.dtype(), x.shape());
    if (x.dtype() == DType.FLOAT32) {
      float[] sel = selector.floatData(), in = x.floatData(), z = out.floatData();
      ElementwiseKernel k = kernel();
      inBlocks(z.length, (from, count) -> k.wherePositive(sel, from, in, from, z, from, count));
    } else {
      double[] s = selector.doubleData(), in = x.doubleData(), z = out.doubleData();
      for (int i = 0; i < z.length; i++) z[i] = s[i] > 0 ? in[i] : 0.0;
    }
    return out;
  }

  // ================================================================ reductions

  /**
   * {@code out[..., ...] = sum_k x[..., k, ...]} along {@code axis} (negative counts from the end).
   * Shape: x's without that axis, or with it set to 1 when {@code keepDims}. Summing an empty axis
   * gives 0.
   *
   * @param x not modified
   */
  public static Tensor sum(Tensor x, int axis, boolean keepDims) {
    Axis ax = new Axis("sum", x, axis);
    Tensor out = Tensor.zeros(x.dtype(), ax.resultShape(keepDims));
    if (x.dtype() == DType.FLOAT32) {
      kernel().sumAxis(x.floatData(), 0, ax.outer, ax.len, ax.inner, out.floatData(), 0);
    } else {
      double[] in = x.doubleData(), z = out.doubleData();
      for (int o = 0; o < ax.outer; o++) {
        for (int k = 0; k < ax.len; k++) {
          for (int j = 0; j < ax.inner; j++) z[o * ax.inner + j] += in[(o * ax.len + k) * ax.inner + j];
        }
      }
    }
    return out;
  }

  /**
   * The mean along {@code axis}: {@code sum(x, axis) / x.dim(axis)} (NaN for an empty axis).
   *
   * @param x not modified
   */
  public static Tensor mean(Tensor x, int axis, boolean keepDims) {
    int len = new Axis("mean", x, axis).len;
    Tensor out = sum(x, axis, keepDims);
    if (out.dtype() == DType.FLOAT32) {
      float[] z = out.floatData();
      kernel().binaryScalarRight(BinaryOp.DIV, z, 0, (float) len, z, 0, z.length);
    } else {
      double[] z = out.doubleData();
      for (int i = 0; i < z.length; i++) z[i] /= len;
    }
    return out;
  }

  /**
   * The largest element along {@code axis} (NaN if any is NaN). Shape as for {@link #sum}.
   *
   * @param x not modified
   * @throws IllegalArgumentException if the axis is empty
   */
  public static Tensor max(Tensor x, int axis, boolean keepDims) {
    Axis ax = new Axis("max", x, axis).nonEmpty();
    Tensor out = Tensor.zeros(x.dtype(), ax.resultShape(keepDims));
    if (x.dtype() == DType.FLOAT32) {
      kernel().maxAxis(x.floatData(), 0, ax.outer, ax.len, ax.inner, out.floatData(), 0);
    } else {
      double[] in = x.doubleData(), z = out.doubleData();
      Arrays.fill(z, Double.NEGATIVE_INFINITY);
      for (int o = 0; o < ax.outer; o++) {
        for (int k = 0; k < ax.len; k++) {
          for (int j = 0; j < ax.inner; j++) {
            int dst = o * ax.inner + j;
            z[dst] = Math.max(z[dst], in[(o * ax.len + k) * ax.inner + j]);
          }
        }
      }
    }
    return out;
  }

  /**
   * The index along {@code axis} of the largest element: the first one on ties (-0 ties with +0),
   * the first NaN if there is one (as NumPy). The indices are returned row-major in the shape of
   * x without that axis; e.g. for class scores {@code [N, classes]} and axis 1, the N predicted
   * classes.
   *
   * @param x not modified
   * @throws IllegalArgumentException if the axis is empty
   */
  public static int[] argmax(Tensor x, int axis) {
    Axis ax = new Axis("argmax", x, axis).nonEmpty();
    int[] out = new int[ax.outer * ax.inner];
    if (x.dtype() == DType.FLOAT32) {
      kernel().argmaxAxis(x.floatData(), 0, ax.outer, ax.len, ax.inner, out, 0);
    } else {
      double[] in = x.doubleData();
      for (int o = 0; o < ax.outer; o++) {
        for (int j = 0; j < ax.inner; j++) {
          int base = o * ax.len * ax.inner + j, best = 0;
          for (int k = 1; k < ax.len; k++) {
            double v = in[base + k * ax.inner], b = in[base + best * ax.inner];
            if (v > b || (Double.isNaN(v) && !Double.isNaN(b))) best = k;
          }
          out[o * ax.inner + j] = best;
        }
      }
    }
    return out;
  }

  /**
   * The sum of all elements (0 for an empty tensor).
   *
   * @param x not modified
   */
  public static double sum(Tensor x) {
    if (x.dtype() == DType.FLOAT32) return kernel().sum(x.floatData(), 0, x.size());
    double s = 0;
    for (double v : x.doubleData()) s += v;
    return s;
  }

  /**
   * The mean of all elements (NaN for an empty tensor).
   *
   * @param x not modified
   */
  public static double mean(Tensor x) {
    if (x.dtype() == DType.FLOAT32) return kernel().sum(x.floatData(), 0, x.size()) / (float) x.size();
    return sum(x) / x.size();
  }

  /**
   * The largest element (NaN if any is NaN).
   *
   * @param x not modified
   * @throws IllegalArgumentException if x is empty
   */
  public static double max(Tensor x) {
    checkNotEmpty("max", x);
    if (x.dtype() == DType.FLOAT32) return kernel().max(x.floatData(), 0, x.size());
    double m = Double.NEGATIVE_INFINITY;
    for (double v : x.doubleData()) m = Math.max(m, v);
    return m;
  }

  /**
   * The flat (row-major) index of the largest element; ties and NaN as {@link #argmax(Tensor, int)}.
   *
   * @param x not modified
   * @throws IllegalArgumentException if x is empty
   */
  public static int argmax(Tensor x) {
    checkNotEmpty("argmax", x);
    return argmax(x.reshape(x.size()), 0)[0];
  }

  /**
   * {@code sum_i a_i * b_i} over all elements of two tensors of the same shape.
   *
   * @param a not modified
   * @param b not modified
   */
  public static double dot(Tensor a, Tensor b) {
    checkSameShape("dot", a, b);
    if (a.dtype() == DType.FLOAT32) return kernel().dot(a.floatData(), 0, b.floatData(), 0, a.size());
    double[] x = a.doubleData(), y = b.doubleData();
    double s = 0;
    for (int i = 0; i < x.length; i++) s += x[i] * y[i];
    return s;
  }

  // ================================================================ softmax

  /**
   * Softmax along {@code axis}: {@code out_k = e^(x_k - m) / sum_k' e^(x_k' - m)} with m the max
   * along the axis, so large logits do not overflow. Same shape as x; each slice along the axis
   * sums to 1 (within rounding).
   *
   * @param x not modified
   */
  public static Tensor softmax(Tensor x, int axis) {
    return softmax("softmax", x, axis, false);
  }

  /**
   * Log-softmax along {@code axis} by the log-sum-exp trick:
   * {@code out_k = (x_k - m) - ln(sum_k' e^(x_k' - m))}. Stays finite for logits of any finite
   * size (e.g. 1000), where {@code log(softmax(x))} would give {@code -Infinity}. Same shape as x.
   *
   * @param x not modified
   */
  public static Tensor logSoftmax(Tensor x, int axis) {
    return softmax("logSoftmax", x, axis, true);
  }

  private static Tensor softmax(String op, Tensor x, int axis, boolean log) {
    Axis ax = new Axis(op, x, axis);
    Tensor out = Tensor.zeros(x.dtype(), x.shape());
    if (x.dtype() == DType.FLOAT32) {
      float[] in = x.floatData(), z = out.floatData();
      if (log) kernel().logSoftmax(in, 0, ax.outer, ax.len, ax.inner, z, 0);
      else kernel().softmax(in, 0, ax.outer, ax.len, ax.inner, z, 0);
      return out;
    }
    double[] in = x.doubleData(), z = out.doubleData();
    for (int o = 0; o < ax.outer; o++) {
      for (int j = 0; j < ax.inner; j++) {
        int base = o * ax.len * ax.inner + j;
        double m = Double.NEGATIVE_INFINITY, s = 0;
        for (int k = 0; k < ax.len; k++) m = Math.max(m, in[base + k * ax.inner]);
        for (int k = 0; k < ax.len; k++) s += Math.exp(in[base + k * ax.inner] - m);
        double logS = Math.log(s);
        for (int k = 0; k < ax.len; k++) {
          double shifted = in[base + k * ax.inner] - m;
          z[base + k * ax.inner] = log ? shifted - logS : Math.exp(shifted) / s;
        }
      }
    }
    return out;
  }

  // ================================================================ helpers

  /** A tensor seen as {@code [outer, len, inner]} around one axis. */
  private static final class Axis {
    final String op;
    final int[] shape;
    final int axis, outer, len, inner;

    Axis(String op, Tensor x, int axis) {
      this.op = op;
      this.shape = x.shape();
      int a = axis < 0 ? axis + shape.length : axis;
      if (a < 0 || a >= shape.length) {
        throw Shapes.error(op, "axis " + axis + " for a tensor of shape " + Shapes.format(shape),
            "-" + shape.length + " <= axis < " + shape.length);
      }
      this.axis = a;
      this.outer = Shapes.size(Arrays.copyOfRange(shape, 0, a));
      this.len = shape[a];
      this.inner = Shapes.size(Arrays.copyOfRange(shape, a + 1, shape.length));
    }

    Axis nonEmpty() {
      if (len == 0) {
        throw Shapes.error(op, "axis " + axis + " of shape " + Shapes.format(shape) + " is empty",
            "at least one element along the axis");
      }
      return this;
    }

    int[] resultShape(boolean keepDims) {
      if (keepDims) {
        int[] s = shape.clone();
        s[axis] = 1;
        return s;
      }
      int[] s = new int[shape.length - 1];
      System.arraycopy(shape, 0, s, 0, axis);
      System.arraycopy(shape, axis + 1, s, axis, shape.length - axis - 1);
      return s;
    }
  }

  /**
   * A broadcast {@code out = f(a, b)} as outer loops over contiguous inner runs. Axes of size 1
   * in the result are dropped, then neighbouring axes that broadcast the same way (both operands
   * full, only a full, only b full) are merged; the innermost merged axis is the run, the others
   * are walked like an odometer with per-operand strides (0 along a broadcast axis).
   */
  private static final class Plan {
    enum Kind {
      /** Both operands are contiguous along the run. */
      BOTH,
      /** a is contiguous along the run, b is one value. */
      B_SCALAR,
      /** b is contiguous along the run, a is one value. */
      A_SCALAR
    }

    /** Called once per run with the offsets of its first element in a, b and out. */
    interface Run {
      void at(int aOff, int bOff, int oOff);
    }

    final Kind kind;
    final int inner;
    private final int[] dims, aStride, bStride;

    Plan(int[] aShape, int[] bShape, int[] outShape) {
      int rank = outShape.length;
      // Merge axes right to left; lists are filled innermost first.
      int slots = Math.max(rank, 1); // a rank-0 result still has one run of one element
      int[] size = new int[slots], aFull = new int[slots], bFull = new int[slots];
      int m = 0;
      for (int i = rank - 1; i >= 0; i--) {
        int d = outShape[i];
        if (d == 1) continue;
        int fa = dimFromEnd(aShape, rank - 1 - i) == d ? 1 : 0;
        int fb = dimFromEnd(bShape, rank - 1 - i) == d ? 1 : 0;
        if (m > 0 && aFull[m - 1] == fa && bFull[m - 1] == fb) {
          size[m - 1] *= d;
        } else {
          size[m] = d;
          aFull[m] = fa;
          bFull[m] = fb;
          m++;
        }
      }
      if (m == 0) { // every axis has size 1: a single element
        size[0] = 1;
        aFull[0] = 1;
        bFull[0] = 1;
        m = 1;
      }
      inner = size[0];
      kind = aFull[0] == 1 && bFull[0] == 1 ? Kind.BOTH : aFull[0] == 1 ? Kind.B_SCALAR : Kind.A_SCALAR;
      dims = new int[m - 1];
      aStride = new int[m - 1];
      bStride = new int[m - 1];
      int aAcc = aFull[0] == 1 ? inner : 1, bAcc = bFull[0] == 1 ? inner : 1;
      for (int q = 1; q < m; q++) { // outer axis q, stored outermost first
        int at = m - 1 - q;
        dims[at] = size[q];
        aStride[at] = aFull[q] == 1 ? aAcc : 0;
        bStride[at] = bFull[q] == 1 ? bAcc : 0;
        if (aFull[q] == 1) aAcc *= size[q];
        if (bFull[q] == 1) bAcc *= size[q];
      }
    }

    void forEachRun(Run run) {
      int runs = 1;
      for (int d : dims) runs *= d;
      int[] index = new int[dims.length];
      int aOff = 0, bOff = 0;
      for (int r = 0; r < runs; r++) {
        run.at(aOff, bOff, r * inner);
        for (int d = dims.length - 1; d >= 0; d--) { // advance the odometer
          index[d]++;
          aOff += aStride[d];
          bOff += bStride[d];
          if (index[d] < dims[d]) break;
          aOff -= aStride[d] * dims[d];
          bOff -= bStride[d] * dims[d];
          index[d] = 0;
        }
      }
    }
  }

  /**
   * Elements per task when an element-wise kernel runs in parallel. Shorter arrays (under two
   * blocks) run on the calling thread: a 64K-float block is about 20-40 us of work, well above the
   * cost of a parallel region. FashionNet's ReLU and its gradient (1.6M floats) were 8% of a
   * training step on one thread: they stream three arrays through memory, which one core alone
   * does not saturate.
   */
  static final int PARALLEL_BLOCK = 1 << 16;

  /** A kernel call over elements {@code [from, from + count)}. */
  @FunctionalInterface
  private interface Block {
    void run(int from, int count);
  }

  /**
   * Runs {@code body} over {@code [0, n)} in blocks of {@link #PARALLEL_BLOCK}, in parallel when
   * there are two or more. Only for element-wise kernels, whose every output element is one
   * operation on its own inputs: the result is the same bit for bit however the range is cut.
   */
  private static void inBlocks(int n, Block body) {
    if (n < 2 * PARALLEL_BLOCK) {
      body.run(0, n);
      return;
    }
    Parallel.forEach((n + PARALLEL_BLOCK - 1) / PARALLEL_BLOCK, b -> {
      int from = b * PARALLEL_BLOCK;
      body.run(from, Math.min(PARALLEL_BLOCK, n - from));
    });
  }

  private static void checkSameDType(String op, Tensor a, Tensor b) {
    if (a.dtype() != b.dtype()) {
      throw Shapes.error(op, "operands are " + a.dtype() + " " + Shapes.format(a.shape()) + " and "
          + b.dtype() + " " + Shapes.format(b.shape()), "the same dtype; convert one with to(DType)");
    }
  }

  private static void checkSameShape(String op, Tensor a, Tensor b) {
    checkSameDType(op, a, b);
    if (!Arrays.equals(a.shape(), b.shape())) {
      throw Shapes.error(op, "shapes " + Shapes.format(a.shape()) + " and " + Shapes.format(b.shape()),
          "two tensors of the same shape");
    }
  }

  private static void checkNotEmpty(String op, Tensor x) {
    if (x.size() == 0) {
      throw Shapes.error(op, "x has shape " + Shapes.format(x.shape()) + " and no elements",
          "at least one element");
    }
  }

  /** out may share storage with an operand only if that operand is not broadcast. */
  private static void checkNoBroadcastAlias(String op, String name, Tensor operand, Tensor out) {
    boolean shared = operand.dtype() == DType.FLOAT32
        ? operand.floatData() == out.floatData()
        : operand.doubleData() == out.doubleData();
    if (shared && !Arrays.equals(operand.shape(), out.shape())) {
      throw Shapes.error(op, "out shares storage with " + name + " of shape "
          + Shapes.format(operand.shape()) + " but has shape " + Shapes.format(out.shape()),
          "out to be a separate tensor, or " + name + " itself only when it has the result's shape");
    }
  }
}
