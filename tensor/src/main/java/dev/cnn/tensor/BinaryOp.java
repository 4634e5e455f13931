package dev.cnn.tensor;

import java.util.Locale;

/**
 * Element-wise binary operations, {@code out = a (op) b}. {@link #apply(float, float)} is the
 * definition every kernel must reproduce exactly: each is a single IEEE 754 operation (or
 * {@link Math#max}/{@link Math#min}, which propagate NaN and order -0 below +0), so SIMD lanes
 * compute bit-identical results.
 *
 * <p><b>Why two switches.</b> The float32 method is the float64 one rounded to float, bit for bit:
 * the exact result of +, -, * or / on two floats, rounded to double and then to float, rounds the
 * same as rounding it to float at once (53 >= 2 * 24 + 2: double rounding is innocuous, Figueroa
 * 1995), and max and min return an operand. It could therefore be written as
 * {@code (float) apply((double) a, (double) b)}, but that made the scalar kernels' loops 1.5x
 * (div) to 2.5x (max) slower: C2 no longer vectorises them, and a double division is slower than a
 * float one. So it keeps its own switch, and {@code OpsTest} checks, on ordinary and extreme
 * values, that it equals the float64 definition rounded, for every op.
 */
public enum BinaryOp {
  /** a + b. */
  ADD,
  /** a - b. */
  SUB,
  /** a * b. */
  MUL,
  /** a / b (IEEE: x/0 is +-Infinity, 0/0 is NaN). */
  DIV,
  /** max(a, b), as {@link Math#max(float, float)}: NaN if either is NaN, +0 above -0. */
  MAX,
  /** min(a, b), as {@link Math#min(float, float)}: NaN if either is NaN, -0 below +0. */
  MIN;

  /** The operation on float32 values. */
  public float apply(float a, float b) {
    switch (this) {
      case ADD:
        return a + b;
      case SUB:
        return a - b;
      case MUL:
        return a * b;
      case DIV:
        return a / b;
      case MAX:
        return Math.max(a, b);
      case MIN:
        return Math.min(a, b);
      default:
        throw new AssertionError(this);
    }
  }

  /** The operation on float64 values. */
  public double apply(double a, double b) {
    switch (this) {
      case ADD:
        return a + b;
      case SUB:
        return a - b;
      case MUL:
        return a * b;
      case DIV:
        return a / b;
      case MAX:
        return Math.max(a, b);
      case MIN:
        return Math.min(a, b);
      default:
        throw new AssertionError(this);
    }
  }

  /** Lower-case name for messages and graph labels: "add", "maximum", ... */
  public String label() {
    switch (this) {
      case MAX:
        return "maximum";
      case MIN:
        return "minimum";
      default:
        return name().toLowerCase(Locale.ROOT);
    }
  }
}
