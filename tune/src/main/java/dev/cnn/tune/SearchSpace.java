package dev.cnn.tune;

import dev.cnn.tensor.Rng;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The hyperparameters a search may vary, each with its range or values (names unique, in the
 * order given).
 *
 * <h2>Spec syntax ({@link #parse})</h2>
 * One spec per parameter, {@code name=definition}:
 * <table>
 *   <caption>The forms of a definition</caption>
 *   <tr><th>spec</th><th>parameter</th></tr>
 *   <tr><td>{@code dropout=0..0.5}</td><td>a real number in [0, 0.5], linear</td></tr>
 *   <tr><td>{@code lr=log:1e-4..1e-1}</td><td>a real number in [1e-4, 1e-1], log-scaled (both ends
 *       &gt; 0)</td></tr>
 *   <tr><td>{@code epochs=int:2..6}</td><td>an integer in [2, 6], linear</td></tr>
 *   <tr><td>{@code filters=int-log:8..64}</td><td>an integer in [8, 64], log-scaled (both ends
 *       &gt; 0)</td></tr>
 *   <tr><td>{@code optimizer=adam,sgd}, {@code batch-size=32,64,128}</td><td>one of a comma list
 *       of values, kept as strings</td></tr>
 *   <tr><td>{@code seed=3}</td><td>a single value: a categorical with one value (fixed)</td></tr>
 * </table>
 * Numbers are decimal ({@code 0.5}, {@code 1e-4}, {@code -5}); a range is {@code low..high} with
 * low &lt; high. A definition with {@code ..} and no prefix is a real range, so a categorical value
 * cannot contain {@code ..}; spaces around names, ends and values are dropped.
 *
 * <h2>The unit cube</h2>
 * A point of the space maps to the unit cube [0, 1]^D, D = {@link #dimensions()}, parameter by
 * parameter in order: a real or integer range takes one coordinate, its position
 * ({@link Parameter.Continuous#toUnit}, {@link Parameter.IntRange#toUnit}: linear, or linear in
 * the logarithm for a log range); a categorical with m values takes m coordinates, the one-hot
 * vector of its value. {@link #decode} maps any u in the cube back: a range's value at its
 * position (an integer range rounds), a categorical's value at the largest coordinate of its
 * block (the first on ties). So {@code encode(decode(u))} is a vertex-snapped u, and decoding it
 * again gives the same point.
 *
 * <h2>Values as strings</h2>
 * A point is a {@code Map<String, String>} from name to value, in parameter order, as a command
 * line would take it: real numbers with 6 significant digits and no trailing zeros
 * ({@link Parameter.Continuous#format}: {@code 0.001}, {@code 0.0316228}, {@code 1.5E-7}),
 * integers as integers, categorical values as listed.
 *
 * @param parameters the parameters, at least one, names unique
 */
public record SearchSpace(List<Parameter> parameters) {
  /**
   * The most points {@link #grid} builds. A million maps of a few strings is some hundreds of MB;
   * a grid that large is a mistake in the spec (too many points per range), not a plan to run.
   */
  public static final int MAX_GRID_POINTS = 1_000_000;

  /** A decimal number: optional sign, digits with an optional fraction, optional exponent. */
  private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  /** An integer: optional sign, digits. */
  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");

  private static final String FORMS = "0..0.5, log:1e-4..1e-1, int:2..6, int-log:8..64, adam,sgd or 3";

  /** Checks that there is at least one parameter and that names are unique. */
  public SearchSpace {
    if (parameters == null || parameters.isEmpty()) {
      throw new IllegalArgumentException("search space: no parameters; give at least one, e.g. lr=log:1e-4..1e-1");
    }
    Set<String> names = new HashSet<>();
    for (Parameter p : parameters) {
      if (p == null) throw new IllegalArgumentException("search space: a parameter is null in " + parameters);
      if (!names.add(p.name())) {
        throw new IllegalArgumentException("search space: the name " + p.name()
            + " is given twice; give each parameter once");
      }
    }
    parameters = List.copyOf(parameters);
  }

  /**
   * The space of these specs, one parameter per spec, in order (syntax in the class comment).
   *
   * @throws IllegalArgumentException naming the spec, what is wrong and how to write it
   */
  public static SearchSpace parse(List<String> specs) {
    if (specs == null || specs.isEmpty()) {
      throw new IllegalArgumentException("search space: no specs; give at least one, e.g. lr=log:1e-4..1e-1");
    }
    List<Parameter> parameters = new ArrayList<>();
    Map<String, String> specOf = new LinkedHashMap<>();
    for (String spec : specs) {
      Parameter p = parseSpec(spec);
      String earlier = specOf.putIfAbsent(p.name(), spec);
      if (earlier != null) {
        throw new IllegalArgumentException("search space: " + spec + ": the name " + p.name()
            + " is already given by " + earlier + "; give each parameter once");
      }
      parameters.add(p);
    }
    return new SearchSpace(parameters);
  }

  private static Parameter parseSpec(String spec) {
    if (spec == null) throw new IllegalArgumentException("search space: a spec is null");
    String who = "search space: " + spec + ": ";
    int eq = spec.indexOf('=');
    if (eq < 0) {
      throw new IllegalArgumentException(who + "no '='; write name=definition, e.g. lr=log:1e-4..1e-1");
    }
    String name = spec.substring(0, eq).trim();
    String body = spec.substring(eq + 1).trim();
    if (name.isEmpty()) {
      throw new IllegalArgumentException(who + "the name before '=' is empty; write e.g. lr=log:1e-4..1e-1");
    }
    if (body.isEmpty()) {
      throw new IllegalArgumentException(who + "nothing after '='; give a range or values, e.g. " + FORMS);
    }
    try {
      if (body.startsWith("log:")) {
        double[] r = parseRange(who, body.substring("log:".length()));
        return new Parameter.Continuous(name, r[0], r[1], true);
      }
      if (body.startsWith("int-log:")) {
        int[] r = parseIntRange(who, body.substring("int-log:".length()));
        return new Parameter.IntRange(name, r[0], r[1], true);
      }
      if (body.startsWith("int:")) {
        int[] r = parseIntRange(who, body.substring("int:".length()));
        return new Parameter.IntRange(name, r[0], r[1], false);
      }
      if (body.contains("..")) {
        double[] r = parseRange(who, body);
        return new Parameter.Continuous(name, r[0], r[1], false);
      }
      List<String> values = new ArrayList<>();
      for (String v : body.split(",", -1)) values.add(v.trim());
      return new Parameter.Categorical(name, values);
    } catch (IllegalArgumentException e) {
      if (e.getMessage().startsWith(who)) throw e;
      throw new IllegalArgumentException(who + e.getMessage(), e);
    }
  }

  /** The two ends of {@code low..high}, as written (order and emptiness are the parameter's checks). */
  private static String[] splitRange(String who, String range) {
    int dots = range.indexOf("..");
    if (dots < 0) {
      throw new IllegalArgumentException(who + "expected a range low..high, found '" + range + "'; write e.g. 2..6");
    }
    String low = range.substring(0, dots).trim(), high = range.substring(dots + 2).trim();
    if (low.isEmpty() || high.isEmpty()) {
      throw new IllegalArgumentException(who + "the range '" + range + "' lacks an end; write low..high, e.g. 0..0.5");
    }
    if (high.contains("..")) {
      throw new IllegalArgumentException(who + "the range '" + range + "' has more than one '..'; write low..high");
    }
    return new String[] {low, high};
  }

  private static double[] parseRange(String who, String range) {
    String[] ends = splitRange(who, range);
    double[] r = new double[2];
    for (int i = 0; i < 2; i++) {
      if (!NUMBER.matcher(ends[i]).matches()) {
        throw new IllegalArgumentException(who + "'" + ends[i]
            + "' is not a number; write a decimal such as 0.5 or 1e-4");
      }
      r[i] = Double.parseDouble(ends[i]);
      if (!Double.isFinite(r[i])) {
        throw new IllegalArgumentException(who + "'" + ends[i] + "' is too large for a double; use a smaller bound");
      }
    }
    return r;
  }

  private static int[] parseIntRange(String who, String range) {
    String[] ends = splitRange(who, range);
    int[] r = new int[2];
    for (int i = 0; i < 2; i++) {
      if (!INTEGER.matcher(ends[i]).matches()) {
        throw new IllegalArgumentException(who + "'" + ends[i] + "' is not an integer; an int range takes whole "
            + "numbers, e.g. int:2..6 (use 0..0.5 for real numbers)");
      }
      try {
        r[i] = Integer.parseInt(ends[i]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(who + "'" + ends[i] + "' does not fit in an int (at most "
            + Integer.MAX_VALUE + ")", e);
      }
    }
    return r;
  }

  /** The parameters' names, in order. */
  public List<String> names() {
    List<String> names = new ArrayList<>();
    for (Parameter p : parameters) names.add(p.name());
    return names;
  }

  /**
   * D, the dimension of the unit cube the space maps to: the sum of the parameters'
   * {@link Parameter#width() widths} (1 per range, m per categorical with m values).
   */
  public int dimensions() {
    int d = 0;
    for (Parameter p : parameters) d += p.width();
    return d;
  }

  /**
   * The point's coordinates in the unit cube (the class comment says how), length
   * {@link #dimensions()}.
   *
   * @param values a value for every parameter and for nothing else, as strings
   * @throws IllegalArgumentException naming the parameter whose value is missing, unparsable or
   *     outside its range, or the name the space does not have
   */
  public double[] encode(Map<String, String> values) {
    for (String name : values.keySet()) {
      if (parameters.stream().noneMatch(p -> p.name().equals(name))) {
        throw new IllegalArgumentException("search space: encode: the space has no parameter " + name
            + "; its parameters are " + names());
      }
    }
    double[] u = new double[dimensions()];
    int offset = 0;
    for (Parameter p : parameters) {
      String v = values.get(p.name());
      String who = "search space: encode: " + p.name() + "=" + v + ": ";
      if (v == null) {
        throw new IllegalArgumentException("search space: encode: no value for " + p.name() + " in " + values
            + "; give every parameter of " + names());
      }
      if (p instanceof Parameter.Continuous c) {
        double x = parseValue(who, v);
        if (x < c.low() || x > c.high()) {
          throw new IllegalArgumentException(who + "outside the range " + describe(c) + "; give a value inside it");
        }
        u[offset] = c.toUnit(x);
      } else if (p instanceof Parameter.IntRange r) {
        int k;
        try {
          k = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(who + "not an integer; give a whole number in " + describe(r), e);
        }
        if (k < r.low() || k > r.high()) {
          throw new IllegalArgumentException(who + "outside the range " + describe(r) + "; give a value inside it");
        }
        u[offset] = r.toUnit(k);
      } else {
        Parameter.Categorical c = (Parameter.Categorical) p;
        int index = c.indexOf(v);
        if (index < 0) {
          throw new IllegalArgumentException(who + "not one of " + c.values() + "; give one of them");
        }
        u[offset + index] = 1;
      }
      offset += p.width();
    }
    return u;
  }

  /**
   * The point at u (coordinates clamped to [0, 1]): each range's value at its coordinate, each
   * categorical's value at the largest coordinate of its one-hot block (the first on ties). The
   * map is in parameter order and unmodifiable.
   *
   * @param u a point of the unit cube, length {@link #dimensions()}, no NaN
   */
  public Map<String, String> decode(double[] u) {
    if (u.length != dimensions()) {
      throw new IllegalArgumentException("search space: decode: " + u.length + " coordinates; expected "
          + dimensions() + " (one per range, one per categorical value) for " + names());
    }
    for (int i = 0; i < u.length; i++) {
      if (Double.isNaN(u[i])) throw new IllegalArgumentException("search space: decode: coordinate " + i + " is NaN");
    }
    Map<String, String> point = new LinkedHashMap<>();
    int offset = 0;
    for (Parameter p : parameters) {
      if (p instanceof Parameter.Continuous c) {
        point.put(p.name(), c.format(c.fromUnit(u[offset])));
      } else if (p instanceof Parameter.IntRange r) {
        point.put(p.name(), Integer.toString(r.fromUnit(u[offset])));
      } else {
        Parameter.Categorical c = (Parameter.Categorical) p;
        int best = 0;
        for (int j = 1; j < c.width(); j++) {
          if (u[offset + j] > u[offset + best]) best = j;
        }
        point.put(p.name(), c.values().get(best));
      }
      offset += p.width();
    }
    return Collections.unmodifiableMap(point);
  }

  /**
   * A random point, uniform in the unit cube and then decoded: uniform over each linear range,
   * log-uniform over each log range (an integer range: each integer an equal slice, in log space
   * for a log range), each categorical value equally likely. Draws {@link #dimensions()} numbers
   * from {@code rng}.
   */
  public Map<String, String> sample(Rng rng) {
    double[] u = new double[dimensions()];
    for (int i = 0; i < u.length; i++) u[i] = rng.nextDouble();
    return decode(u);
  }

  /**
   * Every point of the grid: the Cartesian product of each parameter's grid values, the first
   * parameter varying slowest (nested loops in parameter order, each parameter's values in the
   * order below). A parameter's grid values are
   * <ul>
   *   <li>a real range: {@code pointsPerContinuous} values evenly spaced from low to high
   *       inclusive (in log space for a log range): the value at positions i / (k - 1),
   *       i = 0..k-1; one point is the middle, position 1/2;
   *   <li>an integer range: every integer if there are at most {@code pointsPerContinuous} of
   *       them; else {@code pointsPerContinuous} values evenly spaced from low to high (in log
   *       space for a log range), rounded, each kept once;
   *   <li>a categorical: every value, in order.
   * </ul>
   *
   * @param pointsPerContinuous values per real range, at least 1
   * @throws IllegalArgumentException if the grid would have more than {@value #MAX_GRID_POINTS}
   *     points
   */
  public List<Map<String, String>> grid(int pointsPerContinuous) {
    if (pointsPerContinuous < 1) {
      throw new IllegalArgumentException("search space: grid: pointsPerContinuous = " + pointsPerContinuous
          + "; expected at least 1");
    }
    List<List<String>> axes = new ArrayList<>();
    long size = 1;
    for (Parameter p : parameters) {
      List<String> axis = gridValues(p, pointsPerContinuous);
      axes.add(axis);
      size *= axis.size();
      if (size > MAX_GRID_POINTS) {
        throw new IllegalArgumentException("search space: grid: more than " + MAX_GRID_POINTS + " points with "
            + pointsPerContinuous + " per range over " + names() + "; give fewer points per range or fewer "
            + "parameters, or use random or bayes");
      }
    }
    List<Map<String, String>> grid = new ArrayList<>((int) size);
    int[] index = new int[axes.size()];
    for (long n = 0; n < size; n++) {
      Map<String, String> point = new LinkedHashMap<>();
      for (int i = 0; i < axes.size(); i++) point.put(parameters.get(i).name(), axes.get(i).get(index[i]));
      grid.add(Collections.unmodifiableMap(point));
      for (int i = axes.size() - 1; i >= 0; i--) { // the odometer: the last parameter turns fastest
        if (++index[i] < axes.get(i).size()) break;
        index[i] = 0;
      }
    }
    return Collections.unmodifiableList(grid);
  }

  private static List<String> gridValues(Parameter p, int k) {
    List<String> values = new ArrayList<>();
    if (p instanceof Parameter.Continuous c) {
      for (int i = 0; i < k; i++) values.add(c.format(c.fromUnit(k == 1 ? 0.5 : (double) i / (k - 1))));
      return List.copyOf(new LinkedHashSet<>(values));
    }
    if (p instanceof Parameter.IntRange r) {
      long count = (long) r.high() - r.low() + 1;
      if (count <= k) {
        for (long v = r.low(); v <= r.high(); v++) values.add(Long.toString(v));
        return values;
      }
      for (int i = 0; i < k; i++) {
        double t = k == 1 ? 0.5 : (double) i / (k - 1);
        double x = r.log()
            ? Math.exp(Math.log(r.low()) + t * (Math.log(r.high()) - Math.log(r.low())))
            : r.low() + t * ((double) r.high() - r.low());
        values.add(Long.toString(Math.min(r.high(), Math.max(r.low(), Math.round(x)))));
      }
      return List.copyOf(new LinkedHashSet<>(values));
    }
    return ((Parameter.Categorical) p).values();
  }

  private static double parseValue(String who, String v) {
    String t = v.trim();
    if (!NUMBER.matcher(t).matches()) {
      throw new IllegalArgumentException(who + "not a number; give a decimal such as 0.5 or 1e-4");
    }
    return Double.parseDouble(t);
  }

  private static String describe(Parameter.Continuous c) {
    return (c.log() ? "log:" : "") + formatEnd(c.low()) + ".." + formatEnd(c.high());
  }

  private static String describe(Parameter.IntRange r) {
    return (r.log() ? "int-log:" : "int:") + r.low() + ".." + r.high();
  }

  /** A range end for a message: a whole number without {@code .0}, anything else as {@link Double#toString}. */
  static String formatEnd(double x) {
    if (x == Math.rint(x) && Math.abs(x) < 1e15) return Long.toString((long) x);
    return Double.toString(x);
  }
}
