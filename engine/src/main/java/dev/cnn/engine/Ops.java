package dev.cnn.engine;

import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;

/**
 * The differentiable operations: each computes its result now and, when an input requires a
 * gradient, records itself so that {@link Variable#backward()} can run through it.
 *
 * <p>Shapes follow NumPy/PyTorch broadcasting for the element-wise binary ops: axes are aligned
 * from the right, and an axis of size 1 (or a missing one) repeats to match the other operand.
 * Each method's javadoc gives the forward formula; the derivative is documented on the op class
 * (the list is in {@link Op}) and in {@code engine/README.md}.
 *
 * <p>Inputs are never modified. float32 and float64 are both supported; the operands of one op
 * must share a dtype.
 */
public final class Ops {
  private Ops() {}

  // ------------------------------------------------------------------ arithmetic (broadcasting)

  /** {@code a + b}, broadcasting. */
  public static Variable add(Variable a, Variable b) {
    return AddOp.apply(a, b);
  }

  /** {@code a - b}, broadcasting. */
  public static Variable sub(Variable a, Variable b) {
    return SubOp.apply(a, b);
  }

  /** {@code a * b} element-wise, broadcasting. */
  public static Variable mul(Variable a, Variable b) {
    return MulOp.apply(a, b);
  }

  /** {@code a / b} element-wise, broadcasting. */
  public static Variable div(Variable a, Variable b) {
    return DivOp.apply(a, b);
  }

  /** {@code x + c} for a constant c (a composite: add with a scalar constant). */
  public static Variable add(Variable x, double c) {
    return add(x, constant(x, c));
  }

  /** {@code c * x} for a constant c (a composite: mul with a scalar constant). */
  public static Variable mul(Variable x, double c) {
    return mul(x, constant(x, c));
  }

  /** {@code -x}. */
  public static Variable neg(Variable x) {
    return NegOp.apply(x);
  }

  // ------------------------------------------------------------------ element-wise functions

  /** {@code e^x}. */
  public static Variable exp(Variable x) {
    return ExpOp.apply(x);
  }

  /** {@code ln x}. */
  public static Variable log(Variable x) {
    return LogOp.apply(x);
  }

  /** {@code sqrt(x)}. */
  public static Variable sqrt(Variable x) {
    return SqrtOp.apply(x);
  }

  /** {@code x^p} for a constant exponent p. */
  public static Variable pow(Variable x, double p) {
    return PowOp.apply(x, p);
  }

  /** {@code |x|}; its gradient at 0 is 0. */
  public static Variable abs(Variable x) {
    return AbsOp.apply(x);
  }

  /** {@code min(max(x, lo), hi)}; the gradient passes where {@code lo <= x <= hi}. */
  public static Variable clamp(Variable x, double lo, double hi) {
    return ClampOp.apply(x, lo, hi);
  }

  // ------------------------------------------------------------------ activations

  /** {@code max(x, 0)}. */
  public static Variable relu(Variable x) {
    return ReluOp.apply(x);
  }

  /** {@code x} for {@code x > 0}, else {@code slope * x} (PyTorch's default slope is 0.01). */
  public static Variable leakyRelu(Variable x, double slope) {
    return LeakyReluOp.apply(x, slope);
  }

  /** {@code x} for {@code x > 0}, else {@code alpha * (e^x - 1)} (PyTorch's default alpha is 1). */
  public static Variable elu(Variable x, double alpha) {
    return EluOp.apply(x, alpha);
  }

  /** {@code x * Phi(x)}, Phi the standard normal CDF (the exact GELU, PyTorch's default). */
  public static Variable gelu(Variable x) {
    return GeluOp.apply(x);
  }

  /** {@code x * sigmoid(x)} (SiLU, also called swish). */
  public static Variable silu(Variable x) {
    return SiluOp.apply(x);
  }

  /** {@code 1 / (1 + e^-x)}. */
  public static Variable sigmoid(Variable x) {
    return SigmoidOp.apply(x);
  }

  /** {@code tanh(x)}. */
  public static Variable tanh(Variable x) {
    return TanhOp.apply(x);
  }

  // ------------------------------------------------------------------ linear algebra

  /**
   * Matrix product over the last two axes, broadcasting the others:
   * {@code a [..., m, k] @ b [..., k, n] -> [..., m, n]}. A dense layer is
   * {@code matmul(x [N, in], w [in, out])}.
   */
  public static Variable matmul(Variable a, Variable b) {
    return MatmulOp.apply(a, b);
  }

  // ------------------------------------------------------------------ reductions

  /** The sum of all elements, a scalar of shape {@code []}. */
  public static Variable sum(Variable x) {
    return SumOp.apply(x, false);
  }

  /**
   * The sum over {@code axes} (negative axes count from the end), which are kept as size 1 when
   * {@code keepDims}, dropped otherwise.
   */
  public static Variable sum(Variable x, boolean keepDims, int... axes) {
    requireAxes("sum", axes);
    return SumOp.apply(x, keepDims, axes);
  }

  /** The mean of all elements, a scalar of shape {@code []}. */
  public static Variable mean(Variable x) {
    return MeanOp.apply(x, false);
  }

  /** The mean over {@code axes}, kept as size 1 when {@code keepDims}. */
  public static Variable mean(Variable x, boolean keepDims, int... axes) {
    requireAxes("mean", axes);
    return MeanOp.apply(x, keepDims, axes);
  }

  // ------------------------------------------------------------------ shapes

  /** x viewed with a new shape of the same size (one axis may be -1, inferred). */
  public static Variable reshape(Variable x, int... shape) {
    return ReshapeOp.apply(x, shape);
  }

  /**
   * Axes {@code startAxis..} merged into one: {@code [N, C, H, W] -> [N, C*H*W]} for
   * {@code startAxis = 1} (a composite of reshape).
   */
  public static Variable flatten(Variable x, int startAxis) {
    int[] s = x.shape();
    int start = startAxis < 0 ? startAxis + s.length : startAxis;
    if (start < 0 || start >= Math.max(1, s.length)) {
      throw Shapes.error("flatten", "startAxis " + startAxis + " for shape " + Shapes.format(s),
          "an axis in [" + -s.length + ", " + (s.length - 1) + "]");
    }
    int[] out = new int[start + 1];
    System.arraycopy(s, 0, out, 0, start);
    int rest = 1;
    for (int i = start; i < s.length; i++) rest *= s[i];
    out[start] = rest;
    return reshape(x, out);
  }

  // ------------------------------------------------------------------ max, layout, softmax

  /**
   * The largest element, a scalar of shape {@code []}. Its gradient goes to the first maximum
   * (smallest row-major index) on a tie.
   *
   * @throws IllegalArgumentException if x has no elements
   */
  public static Variable max(Variable x) {
    return MaxOp.apply(x, false);
  }

  /**
   * The largest element over {@code axes} (negative axes count from the end), reduced together:
   * each output is the maximum of all the elements that share its coordinates on the other axes.
   * The axes are kept as size 1 when {@code keepDims}, dropped otherwise. On a tie the gradient
   * goes to the first maximum (smallest row-major index in x), as PyTorch's {@code max(dim)}.
   *
   * @throws IllegalArgumentException if no axis is given, an axis is out of range or repeated,
   *     or a reduced axis is empty
   */
  public static Variable max(Variable x, boolean keepDims, int... axes) {
    requireAxes("max", axes);
    return MaxOp.apply(x, keepDims, axes);
  }

  /**
   * x with its axes reordered (a copy): axis i of the result is axis {@code order[i]} of x, e.g.
   * {@code permute(x, 0, 2, 3, 1)} turns {@code [N, C, H, W]} into {@code [N, H, W, C]}.
   * Negative axes count from the end.
   *
   * @throws IllegalArgumentException unless order names every axis of x exactly once
   */
  public static Variable permute(Variable x, int... order) {
    return PermuteOp.apply(x, order);
  }

  /**
   * x with two axes swapped (a copy; a composite of {@link #permute}): {@code transpose(x, -2, -1)}
   * turns {@code [..., m, n]} into {@code [..., n, m]}. Negative axes count from the end.
   *
   * @throws IllegalArgumentException if an axis is out of range
   */
  public static Variable transpose(Variable x, int axis1, int axis2) {
    int rank = x.shape().length;
    int a = axis1 < 0 ? axis1 + rank : axis1;
    int b = axis2 < 0 ? axis2 + rank : axis2;
    if (a < 0 || a >= rank || b < 0 || b >= rank) {
      throw Shapes.error("transpose", "axes " + axis1 + " and " + axis2 + " for shape "
          + Shapes.format(x.shape()), "two axes in [" + -rank + ", " + (rank - 1) + "]");
    }
    int[] order = new int[rank];
    for (int i = 0; i < rank; i++) order[i] = i;
    order[a] = b;
    order[b] = a;
    return permute(x, order);
  }

  /**
   * The inputs joined along {@code axis} (negative counts from the end), in argument order:
   * {@code [2, 3]} and {@code [2, 5]} along axis 1 give {@code [2, 8]}.
   *
   * @throws IllegalArgumentException if there are no inputs, the axis is out of range, or the
   *     inputs differ in dtype, rank, or length along any other axis
   */
  public static Variable concat(int axis, Variable... xs) {
    return ConcatOp.apply(axis, xs);
  }

  /**
   * The indices {@code start <= k < end} of x along {@code axis}, as Python's
   * {@code x[..., start:end, ...]} (step 1): the result has length {@code end - start} there.
   * Negative axis, start and end count from the end; bounds outside the axis are rejected, not
   * clamped.
   *
   * @throws IllegalArgumentException if the axis is out of range, or unless
   *     {@code 0 <= start <= end <= length} once negative values have the length added
   */
  public static Variable slice(Variable x, int axis, int start, int end) {
    return SliceOp.apply(x, axis, start, end);
  }

  /**
   * Softmax along {@code axis} (negative counts from the end):
   * {@code y_k = e^(x_k) / sum_j e^(x_j)}, computed stably; each slice along the axis sums to 1.
   *
   * @throws IllegalArgumentException if the axis is out of range
   */
  public static Variable softmax(Variable x, int axis) {
    return SoftmaxOp.apply(x, axis);
  }

  /**
   * Log-softmax along {@code axis} (negative counts from the end):
   * {@code y_k = x_k - ln(sum_j e^(x_j))}, by the log-sum-exp trick, so it stays finite where
   * {@code log(softmax(x))} would underflow to {@code -Infinity}.
   *
   * @throws IllegalArgumentException if the axis is out of range
   */
  public static Variable logSoftmax(Variable x, int axis) {
    return LogSoftmaxOp.apply(x, axis);
  }

  // ------------------------------------------------------------------ helpers

  private static Variable constant(Variable like, double c) {
    return Variable.constant(Tensor.scalar(like.dtype(), c));
  }

  private static void requireAxes(String op, int[] axes) {
    if (axes == null || axes.length == 0) {
      throw new IllegalArgumentException(op + ": no axes given; pass at least one axis, or call "
          + op + "(x) to reduce over all of them");
    }
  }
}
