package dev.cnn.tensor;

import java.util.Locale;

/**
 * Element-wise unary operations, {@code out = f(x)}. {@link #apply(double)} is the definition;
 * {@link #apply(float)} rounds it to float, and the kernels reproduce that. The transcendental functions are computed in double precision with
 * {@link Math} and rounded once to float, so each float32 result is within one ulp of the exact
 * value (usually correctly rounded).
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

  /**
   * The operation on a float32 value: computed in float64 and rounded once to float. For -x, |x|,
   * x * x, sqrt and max that is the float32 operation bit for bit (the exact result rounded to
   * double, then to float, rounds as if rounded to float at once, since 53 >= 2 * 24 + 2); the
   * transcendental functions are the double-precision {@link Math} result rounded once, within one
   * ulp of the exact value. So the definition is written once, in {@link #apply(double)}.
   */
  public float apply(float x) {
    return (float) apply((double) x);
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
