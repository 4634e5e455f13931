package dev.cnn.diagnose;

import dev.cnn.data.AugmentationPreview;
import dev.cnn.data.Dataset;
import dev.cnn.optim.Diagnostics;
import dev.cnn.optim.LrRangeTest;
import dev.cnn.optim.EpochMetrics;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's figures, drawn as PNG images from {@link ReportInputs} (XChart for the plots,
 * Java2D for the confusion matrix). Each figure is a pure function of the inputs; a figure whose
 * data the run did not record (no diagnostics, no reliability bins, no epochs) is left out.
 * Rendering is headless: no display is needed.
 */
public final class ReportFigures {
  /** The width of a single-chart figure, in pixels (keeps each PNG well under 100 KB). */
  static final int WIDTH = 800;
  /** The height of a single-chart figure, in pixels. */
  static final int HEIGHT = 500;
  /** Class names longer than this are shortened in the figures (the HTML shows them in full). */
  static final int MAX_LABEL = 18;

  private static final Color TRAIN = new Color(0x1f77b4);
  private static final Color VALIDATION = new Color(0xff7f0e);
  private static final Color TEST = new Color(0xff7f0e);
  private static final Color BEST = new Color(0x2ca02c);
  private static final Color PERFECT = new Color(0x999999);

  static {
    // Charts are drawn into images; never try to open a display (servers and CI have none).
    if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
  }

  private ReportFigures() {}

  /**
   * One rendered figure.
   *
   * @param id its {@link Figures} id, also the PNG's base name
   * @param title its heading in the report
   * @param caption a sentence on how to read it
   * @param png the PNG bytes
   */
  public record Rendered(String id, String title, String caption, byte[] png) {
    /** The file name in the report directory: {@code <id>.png}. */
    public String fileName() {
      return id + ".png";
    }
  }

  /** Every figure the inputs have data for, in the report's order. */
  public static List<Rendered> render(ReportInputs in) {
    RunEvidence ev = in.evidence();
    List<Rendered> out = new ArrayList<>();
    if (!ev.history().isEmpty()) {
      out.add(new Rendered(Figures.LEARNING_CURVES, "Learning curves",
          "Loss and accuracy per epoch for the training and the validation data, with the learning rate below;"
              + " the green line marks the best epoch. A validation curve that turns up while the training"
              + " curve keeps falling is overfitting; two high, flat curves are underfitting.",
          png(learningCurves(ev))));
    }
    out.add(new Rendered(Figures.CONFUSION_MATRIX, "Confusion matrix (test set)",
        "Rows are the true classes, columns the predicted ones; each cell holds a count of test images. Blue on the"
            + " diagonal is the share of the class recognised; red off it is the share taken for another class (full"
            + " red at half the row). Red cells are the confusions to look at.",
        png(confusionMatrix(ev))));
    out.add(new Rendered(Figures.PER_CLASS, "Precision, recall and F1 per class",
        "For each class on the test set: precision (of the images predicted as the class, the share that are it),"
            + " recall (of the class's images, the share found) and F1; n is the number of test images.",
        png(perClass(ev))));
    out.add(new Rendered(Figures.CLASS_COUNTS, "Images per class",
        "Training and test images per class; a class with far fewer training images than the others is usually"
            + " predicted less often than it should be.",
        png(classCounts(ev, in.testCounts()))));
    if (in.reliability() != null) {
      out.add(new Rendered(Figures.RELIABILITY, "Reliability diagram",
          "Test images are grouped by the model's confidence; each point is a group's accuracy against its mean"
              + " confidence. Points below the diagonal mean over-confidence, above it under-confidence.",
          png(reliability(in.reliability()))));
    }
    if (!ev.diagnostics().isEmpty()) {
      if (hasAny(ev.diagnostics(), Diagnostics.Epoch::gradientNorms)) {
        out.add(new Rendered(Figures.GRADIENTS, "Gradient norm per layer",
            "The L2 norm of each parameter's gradient, averaged over the epoch (log scale). Norms that shrink"
                + " towards zero in the first layers are vanishing gradients; norms that grow by orders of magnitude"
                + " are exploding ones.",
            png(perLayer(ev.diagnostics(), Diagnostics.Epoch::gradientNorms, "Gradient norm per parameter",
                "gradient L2 norm", true))));
      }
      if (hasAny(ev.diagnostics(), Diagnostics.Epoch::reluZeroFractions)) {
        out.add(new Rendered(Figures.DEAD_RELUS, "Dead ReLUs per layer",
            "The fraction of each ReLU layer's outputs that are exactly zero, averaged over the epoch. A layer"
                + " near 1.0 passes almost nothing on: its units are dead.",
            png(perLayer(ev.diagnostics(), Diagnostics.Epoch::reluZeroFractions, "Zero outputs per ReLU layer",
                "fraction of outputs that are zero", false))));
      }
    }
    if (in.labelErrors() != null) {
      LabelErrors le = in.labelErrors();
      out.add(new Rendered(Figures.LABEL_NOISE, "Estimated label noise (training set)",
          String.format(Locale.ROOT, "Confident learning's estimate of how many training images were given each"
              + " label (rows) while belonging to each class (columns), from %d-fold out-of-sample predictions."
              + " Red cells off the diagonal are labels given to the wrong class: about %.1f%% of all labels.",
              le.folds(), 100 * le.estimatedNoiseRate()),
          png(heatMap(le.estimatedCounts(), le.classNames(),
              "Estimated training images per given and true label", "given label", "true label (estimated)"))));
    }
    if (in.study() != null) {
      ReportInputs.Study st = in.study();
      out.add(new Rendered(Figures.STUDY_BEST, "Hyperparameter study: best so far",
          "This run's options come from the cnn tune study in " + st.directory() + " (" + st.trials().size()
              + " trials). Each point is a trial's " + st.objective() + " on validation data; the line is the best"
              + " so far.", StudyFigures.bestSoFar(st.trials(), st.direction(), st.objective())));
      for (dev.cnn.tune.Parameter p : st.space().parameters()) {
        out.add(new Rendered(Figures.STUDY_PREFIX + "objective-" + p.name().replaceAll("[^a-z0-9-]", "-"),
            "Study: " + st.objective() + " against " + p.name(), "Each complete trial's " + st.objective()
                + " against the value of " + p.name() + " it tried.",
            StudyFigures.objectiveAgainst(p, st.trials(), st.objective())));
      }
      byte[] gp = StudyFigures.gaussianProcess(st.space(), st.trials(), st.objective(), st.seed());
      if (gp != null) {
        out.add(new Rendered(Figures.STUDY_PREFIX + "gaussian-process", "Study: the Gaussian process",
            "The Gaussian process fitted to the trials, its mean and a band of two standard deviations: where the"
                + " band is wide, the study has not looked.", gp));
      }
    }
    if (in.augmentation() != null) {
      ReportInputs.AugmentationSample a = in.augmentation();
      out.add(new Rendered(Figures.AUGMENTATION, "Augmentation preview",
          "The first column shows training images as they are stored (the first of each class); the others, what"
              + " --augment " + a.spec() + " makes of them in training. An augmented image that no longer looks like"
              + " its class (a digit turned into another, an object cropped away) teaches the model a wrong label.",
          png(augmentationPreview(a))));
    }
    return out;
  }

  // ---------------------------------------------------------------- learning-rate range test

  /**
   * The LR range test's curve as a PNG ({@code cnn lr-find}): raw and smoothed loss against the
   * learning rate on a log axis, the suggested rate and min/10 marked.
   */
  public static byte[] lrRangeTest(LrRangeTest.Result r) {
    XYChart c = xy(WIDTH, HEIGHT, "Learning-rate range test", "learning rate (log scale)", "training loss");
    c.getStyler().setXAxisLogarithmic(true);
    c.getStyler().setXAxisDecimalPattern("0.#E0");
    List<Double> x = new ArrayList<>(), raw = new ArrayList<>(), smooth = new ArrayList<>();
    for (int t = 0; t < r.lr().length; t++) {
      if (!Double.isFinite(r.loss()[t]) || !Double.isFinite(r.smoothed()[t])) continue;
      x.add(r.lr()[t]);
      raw.add(r.loss()[t]);
      smooth.add(r.smoothed()[t]);
    }
    if (x.isEmpty()) {
      x.add(r.lr()[0]);
      raw.add(0.0);
      smooth.add(0.0);
    }
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (double v : smooth) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    // The raw losses run far off the scale once the rate diverges: show them up to twice the smoothed range.
    c.getStyler().setYAxisMax(hi + (hi - lo) + 1e-9);
    XYSeries rs = c.addSeries("batch loss", x, raw);
    rs.setLineColor(new Color(0xc8d3e6));
    rs.setMarker(SeriesMarkers.NONE);
    XYSeries ss = c.addSeries("smoothed", x, smooth);
    ss.setLineColor(TRAIN);
    ss.setMarker(SeriesMarkers.NONE);
    if (Double.isFinite(r.suggested())) markRate(c, String.format(Locale.ROOT, "suggested %.2g", r.suggested()),
        r.suggested(), lo, hi, BEST);
    if (Double.isFinite(r.minimumOver10())) markRate(c, String.format(Locale.ROOT, "min / 10: %.2g",
        r.minimumOver10()), r.minimumOver10(), lo, hi, VALIDATION);
    return png(image(c));
  }

  private static void markRate(XYChart c, String name, double rate, double lo, double hi, Color color) {
    XYSeries s = c.addSeries(name, new double[] {rate, rate}, new double[] {lo, hi});
    s.setLineColor(color);
    s.setLineStyle(SeriesLines.DASH_DASH);
    s.setMarker(SeriesMarkers.NONE);
  }

  // ---------------------------------------------------------------- augmentation preview

  /** Rows in the augmentation preview (one per class, the first classes when there are more). */
  static final int PREVIEW_ROWS = 8;
  /** Augmented versions shown per image. */
  static final int PREVIEW_VARIANTS = 7;

  /** The first image of each class (up to {@link #PREVIEW_ROWS}), each beside its augmented versions. */
  static BufferedImage augmentationPreview(ReportInputs.AugmentationSample a) {
    Dataset d = a.images();
    List<Integer> rows = new ArrayList<>();
    boolean[] seen = new boolean[d.classes()];
    for (int i = 0; i < d.size() && rows.size() < PREVIEW_ROWS; i++) {
      if (!seen[d.label(i)]) {
        seen[d.label(i)] = true;
        rows.add(i);
      }
    }
    Dataset firsts = d.subset(rows.stream().mapToInt(Integer::intValue).toArray());
    return AugmentationPreview.render(firsts, a.augmentation(), firsts.size(), PREVIEW_VARIANTS, a.seed());
  }

  // ---------------------------------------------------------------- learning curves

  /** Loss and accuracy side by side, the learning rate in a strip below. */
  static BufferedImage learningCurves(RunEvidence ev) {
    List<EpochMetrics> h = ev.history();
    int best = bestEpoch(h);
    XYChart loss = xy(WIDTH / 2, 330, "Loss", "epoch", "loss");
    line(loss, "train", h, EpochMetrics::loss, TRAIN);
    line(loss, "validation", h, EpochMetrics::valLoss, VALIDATION);
    XYChart acc = xy(WIDTH / 2, 330, "Accuracy", "epoch", "accuracy");
    line(acc, "train", h, m -> m.accuracy(), TRAIN);
    line(acc, "validation", h, EpochMetrics::valAccuracy, VALIDATION);
    acc.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE); // accuracy rises: the lower right is free
    XYChart lr = xy(WIDTH, 200, "Learning rate", "epoch", "rate");
    line(lr, "learning rate", h, EpochMetrics::learningRate, new Color(0x9467bd));
    if (best >= 0) {
      for (XYChart c : List.of(loss, acc, lr)) markEpoch(c, "best epoch " + (best + 1), best + 1, BEST);
    }
    BufferedImage img = new BufferedImage(WIDTH, 530, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.drawImage(image(loss), 0, 0, null);
    g.drawImage(image(acc), WIDTH / 2, 0, null);
    g.drawImage(image(lr), 0, 330, null);
    g.dispose();
    return img;
  }

  /** The epoch with the lowest validation loss (the lowest training loss without validation), or -1. */
  static int bestEpoch(List<EpochMetrics> h) {
    boolean val = h.stream().anyMatch(m -> Double.isFinite(m.valLoss()));
    int best = -1;
    double bestLoss = Double.POSITIVE_INFINITY;
    for (int i = 0; i < h.size(); i++) {
      double v = val ? h.get(i).valLoss() : h.get(i).loss();
      if (Double.isFinite(v) && v < bestLoss) {
        bestLoss = v;
        best = i;
      }
    }
    return best;
  }

  private static void line(XYChart c, String name, List<EpochMetrics> h, Function<EpochMetrics, Double> f, Color color) {
    List<Double> x = new ArrayList<>(), y = new ArrayList<>();
    for (int i = 0; i < h.size(); i++) {
      double v = f.apply(h.get(i));
      if (Double.isFinite(v)) {
        x.add(i + 1.0);
        y.add(v);
      }
    }
    if (y.isEmpty()) return;
    XYSeries s = c.addSeries(name, x, y);
    s.setLineColor(color);
    s.setMarkerColor(color);
    s.setMarker(y.size() <= 30 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
  }

  /** A vertical dashed line at {@code x} spanning the chart's data. */
  private static void markEpoch(XYChart c, String name, double x, Color color) {
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (XYSeries s : c.getSeriesMap().values()) {
      for (double v : s.getYData()) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (!(lo <= hi)) return;
    XYSeries s = c.addSeries(name, new double[] {x, x}, new double[] {lo, hi});
    s.setLineColor(color);
    s.setLineStyle(SeriesLines.DASH_DASH);
    s.setMarker(SeriesMarkers.NONE);
  }

  // ---------------------------------------------------------------- confusion matrix

  /** The confusion matrix as a heat map: counts in the cells, colours by the row's share (Java2D). */
  static BufferedImage confusionMatrix(RunEvidence ev) {
    return heatMap(ev.testConfusion(), ev.classNames(),
        "Test confusion matrix: counts; colour = share of the true class's images", "true class", "predicted class");
  }

  /**
   * A k x k count matrix as a heat map (Java2D): counts in the cells; on the diagonal blue by the
   * row's share, off it red (full red at half the row).
   */
  static BufferedImage heatMap(int[][] m, List<String> names, String title, String rowTitle, String columnTitle) {
    int k = names.size();
    int cell = Math.max(8, Math.min(56, 560 / Math.max(1, k)));
    Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(9, Math.min(13, cell / 2 + 2)));
    Font cellFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(8, Math.min(13, cell / 3 + 2)));
    BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D pg = probe.createGraphics();
    FontMetrics lfm = pg.getFontMetrics(labelFont);
    int labelW = 0;
    for (String n : names) labelW = Math.max(labelW, lfm.stringWidth(shorten(n)));
    pg.dispose();
    int left = 40 + labelW + 8, top = 50, legendW = 110;
    int width = Math.max(500, left + k * cell + legendW), height = top + k * cell + labelW + 50;
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(title, 10, 22);
    boolean numbers = cell >= 22;
    for (int t = 0; t < k; t++) {
      int rowSum = 0;
      for (int n : m[t]) rowSum += n;
      for (int p = 0; p < k; p++) {
        double share = rowSum == 0 ? 0 : (double) m[t][p] / rowSum;
        Color c = t == p ? heat(share) : errorHeat(share);
        int x = left + p * cell, y = top + t * cell;
        g.setColor(c);
        g.fillRect(x, y, cell, cell);
        g.setColor(new Color(0xdddddd));
        g.drawRect(x, y, cell, cell);
        if (numbers) {
          g.setFont(cellFont);
          g.setColor(share > (t == p ? 0.5 : 0.25) ? Color.WHITE : Color.BLACK);
          String s = Integer.toString(m[t][p]);
          FontMetrics fm = g.getFontMetrics();
          g.drawString(s, x + (cell - fm.stringWidth(s)) / 2, y + (cell + fm.getAscent() - fm.getDescent()) / 2);
        }
      }
    }
    g.setColor(Color.BLACK);
    g.setFont(labelFont);
    FontMetrics fm = g.getFontMetrics();
    for (int i = 0; i < k; i++) {
      String s = shorten(names.get(i));
      g.drawString(s, left - 6 - fm.stringWidth(s), top + i * cell + (cell + fm.getAscent() - fm.getDescent()) / 2);
      AffineTransform saved = g.getTransform();
      g.translate(left + i * cell + (cell + fm.getAscent() - fm.getDescent()) / 2, top + k * cell + 6);
      g.rotate(Math.PI / 2);
      g.drawString(s, 0, 0);
      g.setTransform(saved);
    }
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
    AffineTransform saved = g.getTransform();
    g.translate(18, top + k * cell / 2 + 30);
    g.rotate(-Math.PI / 2);
    g.drawString(rowTitle, 0, 0);
    g.setTransform(saved);
    g.drawString(columnTitle, left + k * cell / 2 - 45, height - 12);
    // Legend: the two colour scales, correct (the diagonal) in blue and confused in red, 0 to 1.
    int lx = left + k * cell + 16, lh = Math.max(60, Math.min(200, k * cell));
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    for (int j = 0; j < 2; j++) {
      int x0 = lx + j * 24;
      for (int i = 0; i < lh; i++) {
        double v = 1 - (double) i / (lh - 1);
        g.setColor(j == 0 ? heat(v) : errorHeat(v));
        g.fillRect(x0, top + 14 + i, 16, 1);
      }
      g.setColor(Color.BLACK);
      g.drawRect(x0, top + 14, 16, lh);
    }
    g.drawString("ok", lx + 1, top + 10);
    g.drawString("err", lx + 23, top + 10);
    g.drawString("ok 1", lx + 46, top + 24);
    g.drawString("err .5+", lx + 46, top + 38);
    g.drawString("0", lx + 46, top + 14 + lh);
    g.dispose();
    return img;
  }

  /** White to dark blue. */
  private static Color heat(double share) {
    double s = Math.max(0, Math.min(1, share));
    int r = (int) Math.round(255 + (8 - 255) * s), gr = (int) Math.round(255 + (48 - 255) * s),
        b = (int) Math.round(255 + (107 - 255) * s);
    return new Color(r, gr, b);
  }

  /** White to dark red, for the confusions off the diagonal; saturates at half the row, so a 20% confusion shows. */
  private static Color errorHeat(double share) {
    double s = Math.max(0, Math.min(1, 2 * share));
    int r = (int) Math.round(255 + (165 - 255) * s), gr = (int) Math.round(255 + (15 - 255) * s),
        b = (int) Math.round(255 + (21 - 255) * s);
    return new Color(r, gr, b);
  }

  // ---------------------------------------------------------------- per class

  /** Precision, recall and F1 per class on the test set; NaN where a class was never predicted or has no images. */
  static double[][] precisionRecallF1(int[][] m) {
    int k = m.length;
    double[][] out = new double[3][k];
    for (int c = 0; c < k; c++) {
      int row = 0, col = 0;
      for (int j = 0; j < k; j++) {
        row += m[c][j];
        col += m[j][c];
      }
      double p = col == 0 ? Double.NaN : (double) m[c][c] / col;
      double r = row == 0 ? Double.NaN : (double) m[c][c] / row;
      out[0][c] = p;
      out[1][c] = r;
      out[2][c] = Double.isNaN(p) || Double.isNaN(r) || p + r == 0 ? (p + r == 0 ? 0 : Double.NaN) : 2 * p * r / (p + r);
    }
    return out;
  }

  static BufferedImage perClass(RunEvidence ev) {
    int[][] m = ev.testConfusion();
    double[][] prf = precisionRecallF1(m);
    List<String> labels = new ArrayList<>();
    for (int c = 0; c < m.length; c++) {
      int n = 0;
      for (int v : m[c]) n += v;
      labels.add(uniqueLabel(labels, shorten(ev.classNames().get(c)) + " (n=" + n + ")"));
    }
    CategoryChart chart = category("Precision, recall and F1 per class (test set)", "class", "score");
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(1.0);
    String[] series = {"precision", "recall", "F1"};
    Color[] colors = {TRAIN, VALIDATION, BEST};
    for (int s = 0; s < 3; s++) {
      List<Double> y = new ArrayList<>();
      for (double v : prf[s]) y.add(Double.isFinite(v) ? v : 0.0);
      chart.addSeries(series[s], labels, y).setFillColor(colors[s]);
    }
    return image(chart);
  }

  static BufferedImage classCounts(RunEvidence ev, int[] testCounts) {
    List<String> labels = new ArrayList<>();
    for (String n : ev.classNames()) labels.add(uniqueLabel(labels, shorten(n)));
    CategoryChart chart = category("Images per class", "class", "images");
    List<Integer> train = new ArrayList<>(), test = new ArrayList<>();
    for (int v : ev.trainCounts()) train.add(v);
    for (int v : testCounts) test.add(v);
    chart.addSeries("train", labels, train).setFillColor(TRAIN);
    chart.addSeries("test", labels, test).setFillColor(TEST);
    return image(chart);
  }

  // ---------------------------------------------------------------- reliability

  static BufferedImage reliability(ReportInputs.Reliability r) {
    XYChart c = xy(WIDTH, HEIGHT, String.format(Locale.ROOT, "Reliability (ECE = %.3f)", r.ece()), "confidence",
        "accuracy");
    c.getStyler().setXAxisMin(0.0);
    c.getStyler().setXAxisMax(1.0);
    c.getStyler().setYAxisMin(0.0);
    c.getStyler().setYAxisMax(1.0);
    XYSeries diag = c.addSeries("perfect calibration", new double[] {0, 1}, new double[] {0, 1});
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW); // over-confidence is below the diagonal
    diag.setLineColor(PERFECT);
    diag.setLineStyle(SeriesLines.DASH_DASH);
    diag.setMarker(SeriesMarkers.NONE);
    List<Double> x = new ArrayList<>(), y = new ArrayList<>();
    for (int i = 0; i < r.binCounts().length; i++) {
      if (r.binCounts()[i] > 0 && Double.isFinite(r.binConfidence()[i]) && Double.isFinite(r.binAccuracy()[i])) {
        x.add(r.binConfidence()[i]);
        y.add(r.binAccuracy()[i]);
      }
    }
    if (!x.isEmpty()) {
      XYSeries s = c.addSeries("model", x, y);
      s.setLineColor(TRAIN);
      s.setMarkerColor(TRAIN);
      s.setMarker(SeriesMarkers.CIRCLE);
    }
    return image(c);
  }

  // ---------------------------------------------------------------- diagnostics

  private static boolean hasAny(List<Diagnostics.Epoch> d, Function<Diagnostics.Epoch, Map<String, Double>> f) {
    return d.stream().anyMatch(e -> f.apply(e) != null && !f.apply(e).isEmpty());
  }

  /** One line per name (parameter or layer) over the epochs; on a log scale, non-positive values are left out. */
  static BufferedImage perLayer(List<Diagnostics.Epoch> d, Function<Diagnostics.Epoch, Map<String, Double>> f,
      String title, String yTitle, boolean log) {
    XYChart c = xy(WIDTH, HEIGHT, title, "epoch", yTitle);
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setYAxisLogarithmic(log);
    if (!log) {
      c.getStyler().setYAxisMin(0.0);
      c.getStyler().setYAxisMax(1.0);
    }
    Set<String> names = new LinkedHashSet<>();
    for (Diagnostics.Epoch e : d) if (f.apply(e) != null) names.addAll(f.apply(e).keySet());
    for (String name : names) {
      List<Double> x = new ArrayList<>(), y = new ArrayList<>();
      for (Diagnostics.Epoch e : d) {
        Double v = f.apply(e) == null ? null : f.apply(e).get(name);
        if (v != null && Double.isFinite(v) && (!log || v > 0)) {
          x.add(e.epoch() + 1.0);
          y.add(v);
        }
      }
      if (y.isEmpty()) continue;
      XYSeries s = c.addSeries(name, x, y);
      s.setMarker(y.size() <= 30 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    }
    return image(c);
  }

  // ---------------------------------------------------------------- helpers

  /** A line chart of the report's size and style (for the study figures). */
  static XYChart xyChart(String title, String xTitle, String yTitle) {
    return xy(WIDTH, HEIGHT, title, xTitle, yTitle);
  }

  /** The chart drawn as PNG bytes. */
  static byte[] pngOf(Chart<?, ?> chart) {
    return png(image(chart));
  }

  private static XYChart xy(int w, int h, String title, String xTitle, String yTitle) {
    XYChart c = new XYChartBuilder().width(w).height(h).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    style(c.getStyler());
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    c.getStyler().setMarkerSize(5);
    c.getStyler().setXAxisDecimalPattern("0.##");
    return c;
  }

  private static CategoryChart category(String title, String xTitle, String yTitle) {
    CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
        .yAxisTitle(yTitle).build();
    style(c.getStyler());
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    c.getStyler().setXAxisLabelRotation(45);
    c.getStyler().setAvailableSpaceFill(0.8);
    c.getStyler().setOverlapped(false);
    return c;
  }

  private static void style(Styler s) {
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBorderVisible(false);
    s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    s.setLegendBorderColor(new Color(0xcccccc));
    s.setAntiAlias(true);
  }

  private static BufferedImage image(Chart<?, ?> chart) {
    return BitmapEncoder.getBufferedImage(chart);
  }

  static byte[] png(BufferedImage img) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer in this JVM");
    } catch (IOException e) {
      throw new UncheckedIOException("ReportFigures: could not encode a figure as PNG", e);
    }
    return out.toByteArray();
  }

  /** A class name cut to {@link #MAX_LABEL} characters for an axis label. */
  static String shorten(String s) {
    return s.length() <= MAX_LABEL ? s : s.substring(0, MAX_LABEL - 1) + "\u2026";
  }

  /** XChart needs distinct category labels; two names that shorten alike get a suffix. */
  private static String uniqueLabel(List<String> taken, String label) {
    String l = label;
    for (int i = 2; taken.contains(l); i++) l = label + " #" + i;
    return l;
  }
}
