package dev.cnn.tensor;

/**
 * Element-wise arithmetic with NumPy broadcasting, unary functions, reductions and softmax on
 * {@link Tensor}s of either {@link DType}: the public facade. Each method is one line that hands
 * over to the class doing the work:
 * <ul>
 *   <li>{@code Broadcast}: the broadcasting rule (NumPy's: shapes aligned at their last axis,
 *       sizes equal or 1; {@code [N, C, H, W] + [1, C, 1, 1]} adds a per-channel bias) and the
 *       plan that runs a broadcast as outer loops over contiguous inner runs, one kernel call each;
 *   <li>{@code Elementwise}: binary ops, unary ops, scale-and-shift, the ReLU-gradient select,
 *       {@link #sumTo} (undoing a broadcast), and the cutting of long arrays into parallel blocks;
 *   <li>{@code Reductions}: sum, mean, max, argmax along an axis or over everything, dot;
 *   <li>{@code Softmax}: softmax and log-softmax along an axis.
 * </ul>
 *
 * <p><b>How it runs.</b> Float32 tensors go to the {@link ElementwiseKernel} chosen once by
 * {@link Kernels} (Vector API or the scalar reference {@code ScalarElementwise}); float64 tensors
 * (for gradient checks) to {@code ScalarElementwise64}, the same reference loops on
 * {@code double[]}, generated from {@code ScalarElementwise}.
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

  /** The float64 kernels: the reference loops on double[] (generated from ScalarElementwise). */
  static final ScalarElementwise64 FLOAT64 = new ScalarElementwise64();

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
    Elementwise.checkSameDType(op.label(), a, b);
    int[] shape = Broadcast.shape(op.label(), a.shape(), b.shape());
    return Elementwise.binary(op, a, b, Tensor.forOverwrite(a.dtype(), shape));
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
    return Elementwise.binary(op, a, b, out);
  }

  /**
   * {@code op(a, b)} with a scalar right operand, e.g. {@code binary(MUL, x, 0.5)}. For float32
   * tensors b is rounded to float first.
   *
   * @param a not modified
   */
  public static Tensor binary(BinaryOp op, Tensor a, double b) {
    return Elementwise.binary(op, a, b);
  }

  /**
   * {@code op(a, b)} with a scalar left operand, e.g. {@code binary(SUB, 1.0, x)} for 1 - x.
   *
   * @param b not modified
   */
  public static Tensor binary(BinaryOp op, double a, Tensor b) {
    return Elementwise.binary(op, a, b);
  }

  /**
   * The shape of {@code op(a, b)} under NumPy broadcasting.
   *
   * @throws IllegalArgumentException naming both shapes and the first axis that does not match
   */
  public static int[] broadcastShape(int[] a, int[] b) {
    return Broadcast.shape("broadcast", a, b);
  }


  /** Size of axis {@code fromEnd} counted from the last (0 = last), 1 beyond the rank. */

  /**
   * Sums {@code x} down to {@code shape}, undoing a broadcast: {@code sumTo(g, b.shape())} is the
   * gradient of b in {@code a (op) b} when g is the gradient of the broadcast result. The result
   * has exactly {@code shape}; {@code x}'s shape must be what {@code shape} broadcasts to.
   *
   * @param x not modified
   * @throws IllegalArgumentException if {@code shape} does not broadcast to x's shape
   */
  public static Tensor sumTo(Tensor x, int... shape) {
    return Elementwise.sumTo(x, shape);
  }

  // ================================================================ unary

  /**
   * {@code out = op(x)} element-wise.
   *
   * @param x not modified
   */
  public static Tensor unary(UnaryOp op, Tensor x) {
    Shapes.requireNonNull("unary", "op", op, "a UnaryOp");
    return Elementwise.unary(op, x, Tensor.forOverwrite(x.dtype(), x.shape()));
  }

  /**
   * {@code out = op(x)} element-wise, into an existing tensor (may be x itself).
   *
   * @param x not modified (unless it is out)
   * @param out modified; same shape and dtype as x
   * @return out
   */
  public static Tensor unary(UnaryOp op, Tensor x, Tensor out) {
    return Elementwise.unary(op, x, out);
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
    return Elementwise.scaleShift(x, scale, shift);
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
    return Elementwise.wherePositive(selector, x);
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
    return Reductions.sum(x, axis, keepDims);
  }

  /**
   * The mean along {@code axis}: {@code sum(x, axis) / x.dim(axis)} (NaN for an empty axis).
   *
   * @param x not modified
   */
  public static Tensor mean(Tensor x, int axis, boolean keepDims) {
    return Reductions.mean(x, axis, keepDims);
  }

  /**
   * The largest element along {@code axis} (NaN if any is NaN). Shape as for {@link #sum}.
   *
   * @param x not modified
   * @throws IllegalArgumentException if the axis is empty
   */
  public static Tensor max(Tensor x, int axis, boolean keepDims) {
    return Reductions.max(x, axis, keepDims);
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
    return Reductions.argmax(x, axis);
  }

  /**
   * The sum of all elements (0 for an empty tensor).
   *
   * @param x not modified
   */
  public static double sum(Tensor x) {
    return Reductions.sum(x);
  }

  /**
   * The mean of all elements (NaN for an empty tensor).
   *
   * @param x not modified
   */
  public static double mean(Tensor x) {
    return Reductions.mean(x);
  }

  /**
   * The largest element (NaN if any is NaN).
   *
   * @param x not modified
   * @throws IllegalArgumentException if x is empty
   */
  public static double max(Tensor x) {
    return Reductions.max(x);
  }

  /**
   * The flat (row-major) index of the largest element; ties and NaN as {@link #argmax(Tensor, int)}.
   *
   * @param x not modified
   * @throws IllegalArgumentException if x is empty
   */
  public static int argmax(Tensor x) {
    return Reductions.argmax(x);
  }

  /**
   * {@code sum_i a_i * b_i} over all elements of two tensors of the same shape.
   *
   * @param a not modified
   * @param b not modified
   */
  public static double dot(Tensor a, Tensor b) {
    return Reductions.dot(a, b);
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
    return Softmax.along("softmax", x, axis, false);
  }

  /**
   * Log-softmax along {@code axis} by the log-sum-exp trick:
   * {@code out_k = (x_k - m) - ln(sum_k' e^(x_k' - m))}. Stays finite for logits of any finite
   * size (e.g. 1000), where {@code log(softmax(x))} would give {@code -Infinity}. Same shape as x.
   *
   * @param x not modified
   */
  public static Tensor logSoftmax(Tensor x, int axis) {
    return Softmax.along("logSoftmax", x, axis, true);
  }
}
