package dev.cnn.diagnose;

import dev.cnn.tensor.Rng;
import dev.cnn.tune.Direction;
import dev.cnn.tune.GaussianProcess;
import dev.cnn.tune.Parameter;
import dev.cnn.tune.SearchSpace;
import dev.cnn.tune.Trial;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The figures of a hyperparameter study ({@code cnn tune}): the best objective so far by trial,
 * the objective against each parameter, and for a search over one continuous parameter the
 * Gaussian process's mean with a band of two standard deviations.
 */
public final class StudyFigures {
  private StudyFigures() {}

  /** The best complete value so far after each trial (pruned and failed trials keep the previous best). */
  public static byte[] bestSoFar(List<Trial> trials, Direction direction, String objective) {
    XYChart c = ReportFigures.xyChart("Best " + objective + " so far", "trial", objective);
    List<Double> x = new ArrayList<>(), y = new ArrayList<>(), tx = new ArrayList<>(), ty = new ArrayList<>();
    double best = Double.NaN;
    for (Trial t : trials) {
      if (t.state() == Trial.State.COMPLETE) {
        tx.add(t.number() + 1.0);
        ty.add(t.value());
        if (Double.isNaN(best) || direction.better(t.value(), best)) best = t.value();
      }
      if (!Double.isNaN(best)) {
        x.add(t.number() + 1.0);
        y.add(best);
      }
    }
    if (!tx.isEmpty()) {
      XYSeries each = c.addSeries("trial", tx, ty);
      each.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      each.setMarker(SeriesMarkers.CIRCLE);
      XYSeries s = c.addSeries("best so far", x, y);
      s.setMarker(SeriesMarkers.NONE);
    }
    return ReportFigures.pngOf(c);
  }

  /** The objective of each complete trial against one parameter (log axis for log-scaled ranges). */
  public static byte[] objectiveAgainst(Parameter p, List<Trial> trials, String objective) {
    XYChart c = ReportFigures.xyChart(objective + " against " + p.name(), p.name(), objective);
    boolean log = p instanceof Parameter.Continuous cp && cp.log() || p instanceof Parameter.IntRange ip && ip.log();
    if (log) c.getStyler().setXAxisLogarithmic(true);
    List<Double> x = new ArrayList<>(), y = new ArrayList<>();
    List<String> categories = p instanceof Parameter.Categorical cat ? cat.values() : List.of();
    for (Trial t : trials) {
      if (t.state() != Trial.State.COMPLETE || !t.params().containsKey(p.name())) continue;
      String v = t.params().get(p.name());
      x.add(categories.isEmpty() ? Double.parseDouble(v) : categories.indexOf(v));
      y.add(t.value());
    }
    if (!x.isEmpty()) {
      XYSeries s = c.addSeries("trials", x, y);
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      s.setMarker(SeriesMarkers.CIRCLE);
    }
    if (!categories.isEmpty()) {
      c.setCustomXAxisTickLabelsFormatter(v -> {
        int i = (int) Math.round(v);
        return i >= 0 && i < categories.size() && Math.abs(v - i) < 1e-9 ? categories.get(i) : "";
      });
    }
    return ReportFigures.pngOf(c);
  }

  /**
   * For a one-parameter continuous search: the GP fitted to the complete trials, its mean and a
   * band of two standard deviations over the range, and the trials; null when the space is not
   * one continuous parameter or fewer than 2 trials completed.
   */
  public static byte[] gaussianProcess(SearchSpace space, List<Trial> trials, String objective, long seed) {
    if (space.parameters().size() != 1 || !(space.parameters().get(0) instanceof Parameter.Continuous p)) return null;
    List<double[]> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (Trial t : trials) {
      if (t.state() != Trial.State.COMPLETE) continue;
      xs.add(space.encode(t.params()));
      ys.add(t.value());
    }
    if (xs.size() < 2) return null;
    double mean = 0, sd = 0;
    for (double v : ys) mean += v / ys.size();
    for (double v : ys) sd += (v - mean) * (v - mean) / ys.size();
    sd = Math.sqrt(sd) > 0 ? Math.sqrt(sd) : 1;
    double[] y = new double[ys.size()];
    for (int i = 0; i < y.length; i++) y[i] = (ys.get(i) - mean) / sd;
    GaussianProcess gp = GaussianProcess.fit(xs.toArray(new double[0][]), y, new Rng(seed));
    XYChart c = ReportFigures.xyChart("Gaussian process over " + p.name(), p.name(), objective);
    if (p.log()) c.getStyler().setXAxisLogarithmic(true);
    int n = 200;
    double[] gx = new double[n], mu = new double[n], lo = new double[n], hi = new double[n];
    for (int i = 0; i < n; i++) {
      double u = i / (n - 1.0);
      gx[i] = Double.parseDouble(space.decode(new double[] {u}).get(p.name()));
      double[] pred = gp.predict(new double[] {u});
      mu[i] = mean + sd * pred[0];
      double s = sd * Math.sqrt(Math.max(0, pred[1]));
      lo[i] = mu[i] - 2 * s;
      hi[i] = mu[i] + 2 * s;
    }
    java.awt.Color bandColor = new java.awt.Color(0x9ecae1);
    XYSeries band = c.addSeries("mean +- 2 sd", gx, hi, null);
    band.setMarker(SeriesMarkers.NONE);
    band.setLineColor(bandColor);
    XYSeries low = c.addSeries(" ", gx, lo, null);
    low.setMarker(SeriesMarkers.NONE);
    low.setShowInLegend(false);
    low.setLineColor(bandColor);
    XYSeries m = c.addSeries("GP mean", gx, mu, null);
    m.setMarker(SeriesMarkers.NONE);
    List<Double> tx = new ArrayList<>();
    for (Trial t : trials) if (t.state() == Trial.State.COMPLETE) tx.add(Double.parseDouble(t.params().get(p.name())));
    XYSeries pts = c.addSeries("trials", tx, ys);
    pts.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    pts.setMarker(SeriesMarkers.CIRCLE);
    return ReportFigures.pngOf(c);
  }
}
