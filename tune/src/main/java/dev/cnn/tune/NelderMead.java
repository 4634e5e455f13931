package dev.cnn.tune;

import java.util.Arrays;
import java.util.Comparator;
import java.util.function.ToDoubleFunction;

/**
 * The Nelder-Mead simplex method ("A simplex method for function minimization", Computer Journal
 * 7, 1965), in the form of Lagarias, Reeds, Wright and Wright (SIAM J. Optim. 9, 1998), restricted
 * to a box: every point it evaluates is first clamped to [lower, upper].
 *
 * <p>It keeps p + 1 points (a simplex) in p dimensions, sorted best first, x_0 .. x_p, and
 * replaces the worst, x_p, by trying points on the line from x_p through the centroid c of the
 * others:
 * <ul>
 *   <li>reflection x_r = c + (c - x_p); accepted if f(x_0) &lt;= f(x_r) &lt; f(x_{p-1});
 *   <li>expansion x_e = c + 2 (c - x_p) when x_r is the best yet, keeping the better of the two;
 *   <li>outside contraction x_c = c + (x_r - c) / 2 when x_r is only better than x_p, inside
 *       contraction x_c = c + (x_p - c) / 2 when it is not; accepted if it improves;
 *   <li>otherwise shrink every point halfway to x_0.
 * </ul>
 * It needs no gradient and never returns a point worse than its start (the best point is kept),
 * which is why it suits a marginal likelihood that may be flat or fail to factor in places (the
 * function may return +infinity there; NaN counts as +infinity).
 *
 * <p>It stops after {@code maxEvaluations} evaluations, or when the simplex has collapsed: the
 * values of its points lie within {@code tolerance} of each other and its points within
 * {@code tolerance} of each other in every coordinate.
 */
final class NelderMead {
  private NelderMead() {}

  /** Reflection, expansion, contraction and shrink coefficients (the standard 1, 2, 1/2, 1/2). */
  private static final double REFLECT = 1, EXPAND = 2, CONTRACT = 0.5, SHRINK = 0.5;

  /**
   * The best point found and its value.
   *
   * @param x the point, inside the box
   * @param value f(x)
   * @param evaluations how many times f was called
   */
  record Result(double[] x, double value, int evaluations) {}

  /**
   * Minimises f over the box from {@code start}; the first simplex is the start and the start
   * moved by {@code step} along each axis (by -step where +step would leave the box).
   */
  static Result minimize(ToDoubleFunction<double[]> f, double[] start, double step, double[] lower, double[] upper,
      int maxEvaluations, double tolerance) {
    int p = start.length;
    double[][] simplex = new double[p + 1][];
    double[] values = new double[p + 1];
    int[] evaluations = {0};
    ToDoubleFunction<double[]> g = x -> {
      evaluations[0]++;
      double v = f.applyAsDouble(x);
      return Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
    };
    simplex[0] = clamp(start.clone(), lower, upper);
    for (int i = 0; i < p; i++) {
      double[] x = simplex[0].clone();
      x[i] += x[i] + step <= upper[i] ? step : -step;
      simplex[i + 1] = clamp(x, lower, upper);
    }
    for (int i = 0; i <= p; i++) values[i] = g.applyAsDouble(simplex[i]);

    Integer[] order = new Integer[p + 1];
    while (true) {
      for (int i = 0; i <= p; i++) order[i] = i;
      final double[] v = values;
      Arrays.sort(order, Comparator.comparingDouble(i -> v[i]));
      double[][] sortedX = new double[p + 1][];
      double[] sortedV = new double[p + 1];
      for (int i = 0; i <= p; i++) {
        sortedX[i] = simplex[order[i]];
        sortedV[i] = values[order[i]];
      }
      simplex = sortedX;
      values = sortedV;
      if (evaluations[0] >= maxEvaluations || collapsed(simplex, values, tolerance)) break;

      double[] centroid = new double[p];
      for (int i = 0; i < p; i++) {
        for (int j = 0; j < p; j++) centroid[j] += simplex[i][j] / p;
      }
      double[] worst = simplex[p];
      double[] reflected = clamp(along(centroid, worst, -REFLECT), lower, upper);
      double fr = g.applyAsDouble(reflected);
      if (fr < values[0]) {
        double[] expanded = clamp(along(centroid, worst, -EXPAND), lower, upper);
        double fe = g.applyAsDouble(expanded);
        if (fe < fr) {
          simplex[p] = expanded;
          values[p] = fe;
        } else {
          simplex[p] = reflected;
          values[p] = fr;
        }
      } else if (fr < values[p - 1]) {
        simplex[p] = reflected;
        values[p] = fr;
      } else {
        boolean outside = fr < values[p];
        double[] contracted = clamp(outside
            ? along(centroid, worst, -REFLECT * CONTRACT)
            : along(centroid, worst, CONTRACT), lower, upper);
        double fc = g.applyAsDouble(contracted);
        if (outside ? fc <= fr : fc < values[p]) {
          simplex[p] = contracted;
          values[p] = fc;
        } else {
          for (int i = 1; i <= p; i++) {
            for (int j = 0; j < p; j++) simplex[i][j] = simplex[0][j] + SHRINK * (simplex[i][j] - simplex[0][j]);
            values[i] = g.applyAsDouble(simplex[i]);
          }
        }
      }
    }
    return new Result(simplex[0].clone(), values[0], evaluations[0]);
  }

  /** c + t (x - c): t = -1 reflects x through c, t = 1/2 is halfway from c to x. */
  private static double[] along(double[] c, double[] x, double t) {
    double[] y = new double[c.length];
    for (int j = 0; j < c.length; j++) y[j] = c[j] + t * (x[j] - c[j]);
    return y;
  }

  private static double[] clamp(double[] x, double[] lower, double[] upper) {
    for (int j = 0; j < x.length; j++) x[j] = Math.min(upper[j], Math.max(lower[j], x[j]));
    return x;
  }

  private static boolean collapsed(double[][] simplex, double[] values, double tolerance) {
    int p = values.length - 1;
    if (!(Math.abs(values[p] - values[0]) <= tolerance)) return false; // also false while values are infinite
    for (int i = 1; i <= p; i++) {
      for (int j = 0; j < p; j++) {
        if (Math.abs(simplex[i][j] - simplex[0][j]) > tolerance) return false;
      }
    }
    return true;
  }
}
