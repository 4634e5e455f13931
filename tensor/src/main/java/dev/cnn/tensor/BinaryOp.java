package dev.cnn.tensor;

import java.util.Locale;

/**
 * Element-wise binary operations, {@code out = a (op) b}. {@link #apply(double, double)} is the
 * definition and {@link #apply(float, float)} its float32 result, which every kernel must
 * reproduce exactly: each is a single IEEE 754 operation (or {@link Math#max}/{@link Math#min},
 * which propagate NaN and order -0 below +0), so SIMD lanes compute bit-identical results.
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

  /**
   * The operation on float32 values: computed in float64 and rounded once to float. That is the
   * float32 operation, bit for bit: the exact result of +, -, * or / on two floats, rounded to
   * double (53 bits) and then to float (24 bits), rounds the same as rounding it to float at once,
   * since 53 >= 2 * 24 + 2 (Figueroa, "When is double rounding innocuous?", 1995); max and min
   * return one of their operands. So the definition is written once, in {@link #apply(double, double)}.
   */
  public float apply(float a, float b) {
    return (float) apply((double) a, (double) b);
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
