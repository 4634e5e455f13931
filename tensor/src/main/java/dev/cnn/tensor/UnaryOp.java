package dev.cnn.tensor;

import java.util.Locale;

/**
 * Element-wise unary operations, {@code out = f(x)}. {@link #apply(float)} is the definition the
 * kernels reproduce. The transcendental functions are computed in double precision with
 * {@link Math} and rounded once to float, so each float32 result is within one ulp of the exact
 * value (usually correctly rounded).
 *
 * <p>The float32 method equals {@code (float) apply((double) x)} for every op, bit for bit (for
 * -x, |x|, x * x, sqrt and max because double rounding of one operation is innocuous, 53 >= 2 *
 * 24 + 2; the transcendentals are written that way). It keeps its own switch for speed, as
 * {@link BinaryOp} explains, and {@code OpsTest} checks the equality.
 */
public enum UnaryOp {
  /** -x. */
  NEG,
  /** |x|. */
  ABS,
  /** e^x. */
  EXP,
  /** ln x (NaN for x < 0, -Infinity for x = 0). */
  LOG,
  /** sqrt(x) (NaN for x < 0); correctly rounded. */
  SQRT,
  /** x * x. */
  SQUARE,
  /** max(x, 0), as {@link Math#max(float, float)}: relu(NaN) is NaN, relu(-0) is +0. */
  RELU,
  /** 1 / (1 + e^-x), saturating cleanly to 0 and 1. */
  SIGMOID,
  /** tanh(x). */
  TANH;

  /** The operation on a float32 value. */
  public float apply(float x) {
    switch (this) {
      case NEG:
        return -x;
      case ABS:
        return Math.abs(x);
      case EXP:
        return (float) Math.exp(x);
      case LOG:
        return (float) Math.log(x);
      case SQRT:
        // sqrt in double then one rounding to float equals the correctly rounded float sqrt
        // (53 >= 2 * 24 + 2 bits, so the double rounding is innocuous).
        return (float) Math.sqrt(x);
      case SQUARE:
        return x * x;
      case RELU:
        return Math.max(x, 0f);
      case SIGMOID:
        return (float) (1.0 / (1.0 + Math.exp(-(double) x)));
      case TANH:
        return (float) Math.tanh(x);
      default:
        throw new AssertionError(this);
    }
  }

  /** The operation on a float64 value. */
  public double apply(double x) {
    switch (this) {
      case NEG:
        return -x;
      case ABS:
        return Math.abs(x);
      case EXP:
        return Math.exp(x);
      case LOG:
        return Math.log(x);
      case SQRT:
        return Math.sqrt(x);
      case SQUARE:
        return x * x;
      case RELU:
        return Math.max(x, 0.0);
      case SIGMOID:
        return 1.0 / (1.0 + Math.exp(-x));
      case TANH:
        return Math.tanh(x);
      default:
        throw new AssertionError(this);
    }
  }

  /** Lower-case name for messages and graph labels: "exp", "relu", ... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
