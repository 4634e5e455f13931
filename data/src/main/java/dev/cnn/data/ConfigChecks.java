package dev.cnn.data;

/**
 * The argument checks of the augmentation and class-balance code, each giving an
 * {@link IllegalArgumentException} that names the setting, the value found and the range allowed:
 * {@code "augmentation: rotation = 200.0 degrees, expected a value in [0, 180]"}.
 */
final class ConfigChecks {
  private ConfigChecks() {}

  /** Checks {@code lo <= value <= hi} (and that value is a number). */
  static double inClosed(String owner, String name, double value, double lo, double hi, String unit) {
    if (!(value >= lo && value <= hi)) {
      throw new IllegalArgumentException(owner + ": " + name + " = " + value + unit + ", expected a value in ["
          + fmt(lo) + ", " + fmt(hi) + "]");
    }
    return value;
  }

  /** Checks {@code lo <= value < hi}. */
  static double inHalfOpen(String owner, String name, double value, double lo, double hi, String unit) {
    if (!(value >= lo && value < hi)) {
      throw new IllegalArgumentException(owner + ": " + name + " = " + value + unit + ", expected a value in ["
          + fmt(lo) + ", " + fmt(hi) + ")");
    }
    return value;
  }

  /** Checks a range {@code [lo, hi]}: both within {@code [min, max]} and {@code lo <= hi}. */
  static void range(String owner, String name, double lo, double hi, double min, double max) {
    if (!(lo >= min && hi <= max && lo <= hi)) {
      throw new IllegalArgumentException(owner + ": " + name + " = [" + lo + ", " + hi + "], expected lo <= hi with both in ["
          + fmt(min) + ", " + fmt(max) + "]");
    }
  }

  /** Checks that a range's low end is strictly positive. */
  static void positiveRange(String owner, String name, double lo, double hi, double max) {
    if (!(lo > 0 && hi <= max && lo <= hi)) {
      throw new IllegalArgumentException(owner + ": " + name + " = [" + lo + ", " + hi + "], expected 0 < lo <= hi <= "
          + fmt(max));
    }
  }

  static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
    return Double.toString(v);
  }
}
