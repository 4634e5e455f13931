package dev.cnn.tune;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One hyperparameter of a {@link SearchSpace}: a real number in a range, an integer in a range,
 * or one of a list of values. Values travel as strings, the way a command line takes them.
 *
 * <p>Each range has a position in the unit interval, which is how the search space maps a point
 * to the unit cube for the Gaussian process: for a linear range of x in [low, high] the position
 * is {@code u = (x - low) / (high - low)}; for a log range it is
 * {@code u = (ln x - ln low) / (ln high - ln low)}, so that equal steps in u are equal ratios of
 * x (1e-4 to 1e-3 is as far as 1e-3 to 1e-2).
 */
public sealed interface Parameter {

  /** The parameter's name, as it appears before the {@code =} of a spec (e.g. {@code lr}). */
  String name();

  /**
   * How many coordinates of the unit cube the parameter takes: 1 for a range, m for a
   * categorical with m values (one-hot).
   */
  int width();

  /**
   * A real number in [low, high], linear or log-scaled.
   *
   * @param name the parameter's name
   * @param low the smallest value, finite
   * @param high the largest value, finite and greater than {@code low}
   * @param log whether the range is log-scaled; then {@code low > 0}
   */
  record Continuous(String name, double low, double high, boolean log) implements Parameter {
    /**
     * How many significant digits a value gets as a string. Six separate points 1e-6 of the range
     * apart, far finer than any hyperparameter matters, and keep the strings short on a command
     * line ({@code 0.00123457}, not {@code 0.0012345678901234567}).
     */
    public static final int SIGNIFICANT_DIGITS = 6;

    /** Checks the range; the message names the parameter, what was expected and what was found. */
    public Continuous {
      checkName(name);
      if (!Double.isFinite(low) || !Double.isFinite(high)) {
        throw new IllegalArgumentException("parameter " + name + ": the range " + low + ".." + high
            + " has an end that is not a finite number; give two finite numbers, e.g. 0..0.5");
      }
      checkRange(name, low, high, log, "log:1e-5..");
    }

    @Override
    public int width() {
      return 1;
    }

    /**
     * The value at position u of the unit interval (u is clamped to [0, 1]):
     * {@code low + u (high - low)}, or {@code exp(ln low + u (ln high - ln low))} for a log range;
     * the result is clamped to [low, high] against rounding.
     */
    public double fromUnit(double u) {
      double t = Math.min(1, Math.max(0, u));
      double x = log ? Math.exp(Math.log(low) + t * (Math.log(high) - Math.log(low))) : low + t * (high - low);
      return Math.min(high, Math.max(low, x));
    }

    /** The position of x in the unit interval, the inverse of {@link #fromUnit}. */
    public double toUnit(double x) {
      return log ? (Math.log(x) - Math.log(low)) / (Math.log(high) - Math.log(low)) : (x - low) / (high - low);
    }

    /**
     * x as a string: rounded to {@value #SIGNIFICANT_DIGITS} significant digits, trailing zeros
     * dropped ({@code 0.001}, {@code 2.5}, {@code 1.5E-7}, {@code 100}). If rounding would take
     * the value outside [low, high] (an end with more digits), the end itself is written in full
     * ({@link Double#toString}). Parsing the string gives back a value in the range, and formatting
     * that value again gives the same string.
     */
    public String format(double x) {
      double clamped = Math.min(high, Math.max(low, x));
      BigDecimal rounded = new BigDecimal(clamped)
          .round(new MathContext(SIGNIFICANT_DIGITS, RoundingMode.HALF_EVEN))
          .stripTrailingZeros();
      double back = rounded.doubleValue();
      if (back < low || back > high) return Double.toString(back < low ? low : high);
      int exponent = rounded.precision() - rounded.scale() - 1; // the power of ten of the first digit
      boolean plain = rounded.signum() == 0 || (exponent >= -5 && exponent < 15);
      return plain ? rounded.toPlainString() : rounded.toString();
    }
  }

  /**
   * An integer in [low, high], linear or log-scaled.
   *
   * <p>Its position in the unit interval spans [low - 1/2, high + 1/2] (in log space for a log
   * range), and a value is the nearest integer to the real number there: each integer owns an
   * equal slice of the interval (equal in log space for a log range), so a uniform position gives
   * the ends as often as the middle.
   *
   * @param name the parameter's name
   * @param low the smallest value
   * @param high the largest value, greater than {@code low}
   * @param log whether the range is log-scaled; then {@code low >= 1}
   */
  record IntRange(String name, int low, int high, boolean log) implements Parameter {
    /** Checks the range; the message names the parameter, what was expected and what was found. */
    public IntRange {
      checkName(name);
      checkRange(name, low, high, log, "int-log:1..");
    }

    @Override
    public int width() {
      return 1;
    }

    /** The integer at position u of the unit interval (u clamped to [0, 1]), in [low, high]. */
    public int fromUnit(double u) {
      double t = Math.min(1, Math.max(0, u));
      double a = low - 0.5, b = high + 0.5;
      double x = log ? Math.exp(Math.log(a) + t * (Math.log(b) - Math.log(a))) : a + t * (b - a);
      return (int) Math.min(high, Math.max(low, Math.round(x)));
    }

    /** The position of integer k in the unit interval, the centre of its slice for a linear range. */
    public double toUnit(int k) {
      double a = low - 0.5, b = high + 0.5;
      return log ? (Math.log(k) - Math.log(a)) / (Math.log(b) - Math.log(a)) : (k - a) / (b - a);
    }
  }

  /**
   * One of a list of values, kept as strings ({@code adam}, {@code 64}). A list of one value is a
   * fixed parameter.
   *
   * @param name the parameter's name
   * @param values the values, at least one, none blank, no two equal
   */
  record Categorical(String name, List<String> values) implements Parameter {
    /** Checks the values; the message names the parameter, what was expected and what was found. */
    public Categorical {
      checkName(name);
      if (values == null || values.isEmpty()) {
        throw new IllegalArgumentException("parameter " + name + ": no values; give at least one, e.g. adam,sgd");
      }
      Set<String> seen = new HashSet<>();
      for (String v : values) {
        if (v == null || v.isBlank()) {
          throw new IllegalArgumentException("parameter " + name + ": a blank value in " + values
              + "; every value must be a non-empty string, e.g. adam,sgd");
        }
        if (!seen.add(v)) {
          throw new IllegalArgumentException("parameter " + name + ": the value '" + v + "' is listed twice in "
              + values + "; list each value once");
        }
      }
      values = List.copyOf(values);
    }

    @Override
    public int width() {
      return values.size();
    }

    /** The position of {@code value} in {@link #values()}, or -1 if it is not one of them. */
    public int indexOf(String value) {
      return values.indexOf(value);
    }
  }

  /**
   * A name is what a command line would write before {@code =}: not blank, without spaces,
   * {@code =} or {@code ,}.
   */
  private static void checkName(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("parameter name is empty; give a name such as lr or batch-size");
    }
    if (name.chars().anyMatch(c -> Character.isWhitespace(c) || c == '=' || c == ',')) {
      throw new IllegalArgumentException("parameter name '" + name
          + "' contains a space, '=' or ','; use letters, digits, '-', '_' or '.'");
    }
  }

  /**
   * low < high, and low > 0 for a log range; {@code logHint} starts the log range the message
   * suggests instead ({@code log:1e-5..} or {@code int-log:1..}).
   */
  private static void checkRange(String name, double low, double high, boolean log, String logHint) {
    String range = SearchSpace.formatEnd(low) + ".." + SearchSpace.formatEnd(high);
    if (low == high) {
      throw new IllegalArgumentException("parameter " + name + ": the range " + range
          + " is empty (low = high); give low < high, or a single value (e.g. " + name + "="
          + SearchSpace.formatEnd(low) + ") to fix it");
    }
    if (low > high) {
      throw new IllegalArgumentException("parameter " + name + ": the range " + range
          + " is reversed (low > high); write it low..high, e.g. " + SearchSpace.formatEnd(high) + ".."
          + SearchSpace.formatEnd(low));
    }
    if (log && low <= 0) {
      throw new IllegalArgumentException("parameter " + name + ": the log range " + range
          + " must be > 0 at both ends; use e.g. " + logHint + SearchSpace.formatEnd(high > 1e-5 ? high : 1));
    }
  }
}
