package dev.cnn.tensor;

import java.util.Arrays;

/**
 * The element-wise ops behind {@link TensorMath}: binary ops with broadcasting ({@link Broadcast}),
 * unary ops, scale-and-shift, the ReLU-gradient select, and {@link #sumTo}, which undoes a
 * broadcast. Float32 tensors go to the {@link ElementwiseKernel} in force
 * ({@link TensorMath#kernel()}), float64 tensors to its generated twin
 * ({@link TensorMath#FLOAT64}). Each output element is the IEEE operation of
 * {@link BinaryOp#apply}/{@link UnaryOp#apply}, on either kernel path; nothing depends on threads.
 */
final class Elementwise {
  /**
   * Elements per task when an element-wise kernel runs in parallel. Shorter arrays (under two
   * blocks) run on the calling thread: a 64K-float block is tens of microseconds of work, well
   * above the cost of a parallel region, and a ReLU and its gradient stream three arrays through
   * memory, which one core alone does not saturate (bench/README.md, "Figures behind the kernel
   * choices").
   */
  static final int PARALLEL_BLOCK = 1 << 16;

  private Elementwise() {}

  /** {@code out = op(a, b)} with broadcasting, into out (checked: see {@link TensorMath#binary(BinaryOp, Tensor, Tensor, Tensor)}). */
  static Tensor binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
    Shapes.requireNonNull("binary", "op", op, "a BinaryOp");
    String name = op.label();
    checkSameDType(name, a, b);
    checkSameDType(name, a, out);
    int[] shape = Broadcast.shape(name, a.shape(), b.shape());
    if (!Arrays.equals(shape, out.shape())) {
      throw Shapes.error(name, "out has shape " + Shapes.format(out.shape()) + " for operands "
          + Shapes.format(a.shape()) + " and " + Shapes.format(b.shape()),
          "the broadcast shape " + Shapes.format(shape));
    }
    checkNoBroadcastAlias(name, "a", a, out);
    checkNoBroadcastAlias(name, "b", b, out);
    if (out.size() == 0) return out;
    Broadcast.Plan plan = new Broadcast.Plan(a.shape(), b.shape(), shape);
    if (a.dtype() == DType.FLOAT32) {
      float[] x = a.floatData(), y = b.floatData(), z = out.floatData();
      ElementwiseKernel k = TensorMath.kernel();
      if (plan.kind == Broadcast.Plan.Kind.BOTH && plan.inner == z.length) { // same shapes: one run, in blocks
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
      ScalarElementwise64 k = TensorMath.FLOAT64;
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
    }
    return out;
  }

  /** {@code op(a, b)} with a scalar right operand (rounded to float for float32 tensors). */
  static Tensor binary(BinaryOp op, Tensor a, double b) {
    Shapes.requireNonNull("binary", "op", op, "a BinaryOp");
    Tensor out = Tensor.forOverwrite(a.dtype(), a.shape());
    if (a.dtype() == DType.FLOAT32) {
      float[] x = a.floatData(), z = out.floatData();
      ElementwiseKernel k = TensorMath.kernel();
      inBlocks(z.length, (from, count) -> k.binaryScalarRight(op, x, from, (float) b, z, from, count));
    } else {
      TensorMath.FLOAT64.binaryScalarRight(op, a.doubleData(), 0, b, out.doubleData(), 0, out.size());
    }
    return out;
  }

  /** {@code op(a, b)} with a scalar left operand (rounded to float for float32 tensors). */
  static Tensor binary(BinaryOp op, double a, Tensor b) {
    Shapes.requireNonNull("binary", "op", op, "a BinaryOp");
    Tensor out = Tensor.forOverwrite(b.dtype(), b.shape());
    if (b.dtype() == DType.FLOAT32) {
      float[] y = b.floatData(), z = out.floatData();
      ElementwiseKernel k = TensorMath.kernel();
      inBlocks(z.length, (from, count) -> k.binaryScalarLeft(op, (float) a, y, from, z, from, count));
    } else {
      TensorMath.FLOAT64.binaryScalarLeft(op, a, b.doubleData(), 0, out.doubleData(), 0, out.size());
    }
    return out;
  }

  /** {@code out = op(x)} into out, same shape and dtype (may be x). */
  static Tensor unary(UnaryOp op, Tensor x, Tensor out) {
    Shapes.requireNonNull("unary", "op", op, "a UnaryOp");
    checkSameShape(op.label(), x, out);
    if (x.dtype() == DType.FLOAT32) {
      float[] in = x.floatData(), z = out.floatData();
      ElementwiseKernel k = TensorMath.kernel();
      inBlocks(x.size(), (from, count) -> k.unary(op, in, from, z, from, count));
    } else {
      TensorMath.FLOAT64.unary(op, x.doubleData(), 0, out.doubleData(), 0, out.size());
    }
    return out;
  }

  /** {@code scale * x + shift}, two roundings (for float32, scale and shift rounded to float first). */
  static Tensor scaleShift(Tensor x, double scale, double shift) {
    Tensor out = Tensor.forOverwrite(x.dtype(), x.shape());
    if (x.dtype() == DType.FLOAT32) {
      float[] in = x.floatData(), z = out.floatData();
      ElementwiseKernel k = TensorMath.kernel();
      inBlocks(z.length, (from, count) -> k.scaleShift((float) scale, (float) shift, in, from, z, from, count));
    } else {
      TensorMath.FLOAT64.scaleShift(scale, shift, x.doubleData(), 0, out.doubleData(), 0, out.size());
    }
    return out;
  }

  /** {@code selector > 0 ? x : 0} element-wise. */
  static Tensor wherePositive(Tensor selector, Tensor x) {
    checkSameShape("wherePositive", selector, x);
    Tensor out = Tensor.forOverwrite(x.dtype(), x.shape());
    if (x.dtype() == DType.FLOAT32) {
      float[] sel = selector.floatData(), in = x.floatData(), z = out.floatData();
      ElementwiseKernel k = TensorMath.kernel();
      inBlocks(z.length, (from, count) -> k.wherePositive(sel, from, in, from, z, from, count));
    } else {
      TensorMath.FLOAT64.wherePositive(selector.doubleData(), 0, x.doubleData(), 0, out.doubleData(), 0, out.size());
    }
    return out;
  }

  /**
   * x summed down to {@code shape}, undoing a broadcast: each run of x is added to the target
   * element-wise (both full) or summed into its one target value (the target broadcast along it).
   */
  static Tensor sumTo(Tensor x, int... shape) {
    int[] xs = x.shape();
    int[] joint = shape.length <= xs.length ? Broadcast.shape("sumTo", xs, shape) : null;
    if (joint == null || !Arrays.equals(joint, xs)) {
      throw Shapes.error("sumTo", "x has shape " + Shapes.format(xs) + " and the target is "
          + Shapes.format(shape), "a target that broadcasts to x's shape (each of its axes equal"
          + " to x's or 1, at most x's rank)");
    }
    Tensor out = Tensor.zeros(x.dtype(), shape);
    if (x.size() == 0) return out;
    Broadcast.Plan plan = new Broadcast.Plan(xs, shape, xs);
    boolean both = plan.kind == Broadcast.Plan.Kind.BOTH;
    if (x.dtype() == DType.FLOAT32) {
      float[] src = x.floatData(), dst = out.floatData();
      ElementwiseKernel k = TensorMath.kernel();
      plan.forEachRun((xOff, tOff, unused) -> {
        if (both) k.binary(BinaryOp.ADD, dst, tOff, src, xOff, dst, tOff, plan.inner);
        else dst[tOff] += k.sum(src, xOff, plan.inner);
      });
    } else {
      double[] src = x.doubleData(), dst = out.doubleData();
      ScalarElementwise64 k = TensorMath.FLOAT64;
      plan.forEachRun((xOff, tOff, unused) -> {
        if (both) k.binary(BinaryOp.ADD, dst, tOff, src, xOff, dst, tOff, plan.inner);
        else dst[tOff] += k.sum(src, xOff, plan.inner);
      });
    }
    return out;
  }

  /** A kernel call over elements {@code [from, from + count)}. */
  @FunctionalInterface
  interface Block {
    void run(int from, int count);
  }

  /**
   * Runs {@code body} over {@code [0, n)} in blocks of {@link #PARALLEL_BLOCK}, in parallel when
   * there are two or more. Only for element-wise kernels, whose every output element is one
   * operation on its own inputs: the result is the same bit for bit however the range is cut.
   */
  static void inBlocks(int n, Block body) {
    if (n < 2 * PARALLEL_BLOCK) {
      body.run(0, n);
      return;
    }
    Parallel.forEach((n + PARALLEL_BLOCK - 1) / PARALLEL_BLOCK, b -> {
      int from = b * PARALLEL_BLOCK;
      body.run(from, Math.min(PARALLEL_BLOCK, n - from));
    });
  }

  static void checkSameDType(String op, Tensor a, Tensor b) {
    if (a.dtype() != b.dtype()) {
      throw Shapes.error(op, "operands are " + a.dtype() + " " + Shapes.format(a.shape()) + " and "
          + b.dtype() + " " + Shapes.format(b.shape()), "the same dtype; convert one with to(DType)");
    }
  }

  static void checkSameShape(String op, Tensor a, Tensor b) {
    checkSameDType(op, a, b);
    if (!Arrays.equals(a.shape(), b.shape())) {
      throw Shapes.error(op, "shapes " + Shapes.format(a.shape()) + " and " + Shapes.format(b.shape()),
          "two tensors of the same shape");
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
