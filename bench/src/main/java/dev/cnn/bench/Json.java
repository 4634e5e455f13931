package dev.cnn.bench;

import java.util.Locale;
import java.util.StringJoiner;

/** The little JSON writing the benchmarks need (numbers, strings, arrays); no dependency. */
final class Json {
  private Json() {}

  /** A JSON string literal, or {@code null}. */
  static String string(String s) {
    if (s == null) return "null";
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        default:
          if (ch < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
          } else {
            sb.append(ch);
          }
      }
    }
    return sb.append('"').toString();
  }

  /** A JSON number with up to 4 decimals, or {@code null} for null, NaN and infinities. */
  static String number(Double x) {
    if (x == null || !Double.isFinite(x)) return "null";
    String s = String.format(Locale.ROOT, "%.4f", x);
    // trim trailing zeros, keep at least one digit after the point
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s + "0" : s;
  }

  /** A JSON array of numbers, or {@code null}. */
  static String numbers(double[] xs) {
    if (xs == null) return "null";
    StringJoiner j = new StringJoiner(", ", "[", "]");
    for (double x : xs) j.add(number(x));
    return j.toString();
  }
}
