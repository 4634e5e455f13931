package dev.cnn.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a model does on a dataset: mean loss, accuracy, the confusion matrix and per-class
 * precision, recall, F1 and support.
 *
 * <p>{@code confusion[t][p]} counts samples of true class t predicted as p (rows are true
 * classes). For class c: precision = {@code confusion[c][c] / sum_t confusion[t][c]} (0 when
 * nothing was predicted as c), recall = {@code confusion[c][c] / sum_p confusion[c][p]} (0 when c
 * has no samples), F1 = their harmonic mean (0 when both are 0), support = samples of class c.
 */
public record Evaluation(double loss, double accuracy, int[][] confusion, List<String> classNames) {
  /** One row of the per-class table. */
  public record ClassScore(int label, String name, double precision, double recall, double f1, int support) {}

  public int classes() {
    return confusion.length;
  }

  /** Samples evaluated. */
  public int samples() {
    int n = 0;
    for (int[] row : confusion) for (int v : row) n += v;
    return n;
  }

  public double precision(int c) {
    int predicted = 0;
    for (int[] row : confusion) predicted += row[c];
    return predicted == 0 ? 0 : (double) confusion[c][c] / predicted;
  }

  public double recall(int c) {
    int support = support(c);
    return support == 0 ? 0 : (double) confusion[c][c] / support;
  }

  public double f1(int c) {
    double p = precision(c), r = recall(c);
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }

  public int support(int c) {
    int n = 0;
    for (int v : confusion[c]) n += v;
    return n;
  }

  /** The per-class scores, by label. */
  public List<ClassScore> perClass() {
    List<ClassScore> out = new ArrayList<>();
    for (int c = 0; c < classes(); c++) {
      out.add(new ClassScore(c, name(c), precision(c), recall(c), f1(c), support(c)));
    }
    return out;
  }

  private String name(int c) {
    return classNames != null && c < classNames.size() ? classNames.get(c) : Integer.toString(c);
  }

  /** The per-class table and the confusion matrix, as plain text for a terminal or a log. */
  public String table() {
    StringBuilder sb = new StringBuilder();
    int w = 5;
    for (int c = 0; c < classes(); c++) w = Math.max(w, name(c).length());
    sb.append(String.format(Locale.ROOT, "%-" + w + "s  precision  recall     f1  support%n", "class"));
    for (ClassScore s : perClass()) {
      sb.append(String.format(Locale.ROOT, "%-" + w + "s  %9.4f  %6.4f  %5.4f  %7d%n", s.name(), s.precision(),
          s.recall(), s.f1(), s.support()));
    }
    sb.append(String.format(Locale.ROOT, "%-" + w + "s  accuracy %.4f on %d samples, loss %.4f%n%n", "", accuracy,
        samples(), loss));
    sb.append("confusion matrix (rows: true class, columns: predicted)\n");
    int cell = 4;
    for (int[] row : confusion) for (int v : row) cell = Math.max(cell, Integer.toString(v).length() + 1);
    sb.append(String.format(Locale.ROOT, "%-" + w + "s", ""));
    for (int c = 0; c < classes(); c++) sb.append(String.format(Locale.ROOT, "%" + cell + "d", c));
    sb.append('\n');
    for (int t = 0; t < classes(); t++) {
      sb.append(String.format(Locale.ROOT, "%-" + w + "s", name(t)));
      for (int p = 0; p < classes(); p++) sb.append(String.format(Locale.ROOT, "%" + cell + "d", confusion[t][p]));
      sb.append('\n');
    }
    return sb.toString();
  }
}
