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
