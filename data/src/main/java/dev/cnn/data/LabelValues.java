package dev.cnn.data;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses {@code "LABEL=V,LABEL=V,..."}, where LABEL is a class index or a class name (names win
 * when a name is itself a number), into a map from class index to value. Shared by the class
 * weight and subsample options.
 */
final class LabelValues {
  private LabelValues() {}

  /**
   * @param what the option's name for messages, e.g. "class weights"
   * @param lo smallest allowed value
   * @param hi largest allowed value
   */
  static Map<Integer, Double> parse(String what, String spec, List<String> classNames, double lo, double hi) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException(what + ": spec is empty, expected LABEL=VALUE,... with LABEL a class index or name");
    }
    Map<Integer, Double> out = new LinkedHashMap<>();
    for (String raw : spec.split(",", -1)) {
      String item = raw.trim();
      int eq = item.lastIndexOf('=');
      if (eq <= 0 || eq == item.length() - 1) {
        throw new IllegalArgumentException(what + ": item '" + item + "' in '" + spec + "', expected LABEL=VALUE");
      }
      String label = item.substring(0, eq).trim();
      String value = item.substring(eq + 1).trim();
      int cls = classIndex(what, label, classNames);
      double v;
      try {
        v = Double.parseDouble(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(what + ": value '" + value + "' for class " + label + " is not a number");
      }
      if (!(v >= lo && v <= hi)) {
        throw new IllegalArgumentException(what + ": value " + v + " for class " + label + ", expected a value in ["
            + ConfigChecks.fmt(lo) + ", " + ConfigChecks.fmt(hi) + "]");
      }
      if (out.put(cls, v) != null) {
        throw new IllegalArgumentException(what + ": class " + label + " (index " + cls + ") is given twice in '" + spec + "'");
      }
    }
    return out;
  }

  static int classIndex(String what, String label, List<String> classNames) {
    int byName = classNames.indexOf(label);
    if (byName >= 0) return byName;
    try {
      int i = Integer.parseInt(label);
      if (i >= 0 && i < classNames.size()) return i;
      throw new IllegalArgumentException(what + ": class index " + i + " is outside [0, " + classNames.size() + ")");
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + ": '" + label + "' is neither a class index in [0, " + classNames.size()
          + ") nor a class name; the classes are " + classNames);
    }
  }
}
