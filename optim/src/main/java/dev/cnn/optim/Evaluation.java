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
    return classNames != null && c < classNames.size() && classNames.get(c) != null ? classNames.get(c)
        : Integer.toString(c);
  }

  /** The longest column header of the confusion matrix; longer class names are abbreviated. */
  static final int HEADER_WIDTH = 6;

  /** The width {@link #table()} wraps the legend of abbreviated column headers at. */
  private static final int LEGEND_WIDTH = 100;

  /**
   * The per-class table and the confusion matrix, as plain text for a terminal or a log.
   *
   * <p>The matrix's rows carry the full class names; its columns carry the names too, each cut to
   * {@value #HEADER_WIDTH} characters: a longer name becomes its first {@code HEADER_WIDTH - 1}
   * characters and a dot ({@code Pullover} -&gt; {@code Pullo.}), and a legend below the matrix
   * gives the full name of every abbreviated column. Should two columns' headers come out equal,
   * the columns are headed by label (0 .. k-1) instead and the legend names every label. Without
   * class names the headers are the labels.
   */
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
    List<String> headers = columnHeaders();
    int cell = 4;
    for (int[] row : confusion) for (int v : row) cell = Math.max(cell, Integer.toString(v).length() + 1);
    for (String h : headers) cell = Math.max(cell, h.length() + 1);
    sb.append(String.format(Locale.ROOT, "%-" + w + "s", ""));
    for (String h : headers) sb.append(String.format(Locale.ROOT, "%" + cell + "s", h));
    sb.append('\n');
    for (int t = 0; t < classes(); t++) {
      sb.append(String.format(Locale.ROOT, "%-" + w + "s", name(t)));
      for (int p = 0; p < classes(); p++) sb.append(String.format(Locale.ROOT, "%" + cell + "d", confusion[t][p]));
      sb.append('\n');
    }
    appendLegend(sb, headers);
    return sb.toString();
  }

  /**
   * The confusion matrix's column headers, one per class: the class names, abbreviated to
   * {@value #HEADER_WIDTH} characters, or the labels when there are no names or two abbreviations
   * are equal.
   */
  List<String> columnHeaders() {
    List<String> headers = new ArrayList<>();
    for (int c = 0; c < classes(); c++) headers.add(abbreviate(name(c)));
    if (headers.stream().distinct().count() < headers.size()) {
      headers.clear();
      for (int c = 0; c < classes(); c++) headers.add(Integer.toString(c));
    }
    return headers;
  }

  /** A name of at most {@value #HEADER_WIDTH} characters as it is, a longer one cut and ending in a dot. */
  static String abbreviate(String name) {
    String n = name.strip();
    if (n.isEmpty()) return "?";
    if (n.length() <= HEADER_WIDTH) return n;
    return n.substring(0, HEADER_WIDTH - 1).strip() + ".";
  }

  /** "column key: Pullo. = Pullover, ..." for the headers that are not the full names, wrapped. */
  private void appendLegend(StringBuilder sb, List<String> headers) {
    List<String> entries = new ArrayList<>();
    for (int c = 0; c < classes(); c++) {
      if (!headers.get(c).equals(name(c))) entries.add(headers.get(c) + " = " + name(c));
    }
    if (entries.isEmpty()) return;
    StringBuilder line = new StringBuilder("column key:");
    for (int i = 0; i < entries.size(); i++) {
      String entry = " " + entries.get(i) + (i + 1 < entries.size() ? "," : "");
      if (line.length() + entry.length() > LEGEND_WIDTH && line.length() > "column key:".length()) {
        sb.append(line).append('\n');
        line = new StringBuilder(" ".repeat("column key:".length()));
      }
      line.append(entry);
    }
    sb.append(line).append('\n');
  }
}
