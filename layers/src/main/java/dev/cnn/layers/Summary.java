package dev.cnn.layers;

import dev.cnn.engine.Variable;
import dev.cnn.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * A model's layers as a table, as Keras's {@code model.summary()} prints it: each layer's name and
 * type, its output shape with the batch axis shown as {@code N}, and its number of scalars; then
 * the totals.
 *
 * <pre>
 * Layer (type)          Output shape         Param #
 * ==================================================
 * 0 (conv2d)            [N, 32, 28, 28]          320
 * 1 (relu)              [N, 32, 28, 28]            0
 * ...
 * ==================================================
 * Total params: 421,642 (1.61 MB)
 * Trainable params: 421,642 (1.61 MB)
 * Non-trainable params: 0 (0.00 B)
 * </pre>
 *
 * A layer's count includes its buffers, and the buffers are the non-trainable count, as Keras
 * counts batch normalisation's moving mean and variance; so total = trainable + non-trainable.
 * Sizes are float32 bytes (4 per scalar), in units of 1024.
 */
public final class Summary {
  /**
   * One layer (or a graph's merge node: {@code type} null, {@code typeName} "add" or "concat"): its
   * name in the model, its kind and the kind's name ({@link Layer#typeName()}), its per-sample
   * output shape, its numbers of trainable scalars (parameters) and non-trainable ones (buffers),
   * and the nodes it takes its input from (in a {@link GraphModel}; a stack's previous layer).
   */
  public record Row(String name, LayerType type, String typeName, int[] outputShape, long trainable, long nonTrainable,
      List<String> inputs) {
    public Row {
      outputShape = outputShape.clone();
      inputs = List.copyOf(inputs);
    }

    /** A copy of the per-sample output shape. */
    @Override
    public int[] outputShape() {
      return outputShape.clone();
    }

    /** The output shape with the batch axis: {@code "[N, 32, 28, 28]"}. */
    public String batchShape() {
      StringJoiner j = new StringJoiner(", ", "[", "]");
      j.add("N");
      for (int d : outputShape) j.add(Integer.toString(d));
      return j.toString();
    }

    /** Parameters and buffers together: Keras's "Param #". */
    public long total() {
      return trainable + nonTrainable;
    }
  }

  private final String title;
  private final List<Row> rows;
  private final boolean connections;

  private Summary(String title, List<Row> rows, boolean connections) {
    this.title = title;
    this.rows = rows;
    this.connections = connections;
  }

  /** A summary of these rows under this title; with {@code connections}, a "Connected to" column. */
  static Summary of(String title, List<Row> rows, boolean connections) {
    return new Summary(title, Collections.unmodifiableList(new ArrayList<>(rows)), connections);
  }

  /** The summary of a built model. */
  public static Summary of(Sequential model) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < model.layers().size(); i++) {
      Layer layer = model.layers().get(i);
      long trainable = 0, nonTrainable = 0;
      for (Variable v : layer.parameters().values()) trainable += v.value().size();
      for (Tensor t : layer.buffers().values()) nonTrainable += t.size();
      rows.add(new Row(model.layerNames().get(i), layer.type(), layer.typeName(), model.outputShape(i), trainable,
          nonTrainable, List.of(i == 0 ? GraphModel.INPUT : model.layerNames().get(i - 1))));
    }
    return of("Sequential, input [N, " + join(model.inputShape()) + "]", rows, false);
  }

  public List<Row> rows() {
    return rows;
  }

  /** Trainable plus non-trainable scalars. */
  public long totalParameters() {
    return trainableParameters() + nonTrainableParameters();
  }

  /** Scalars the optimiser updates: the parameters. */
  public long trainableParameters() {
    long n = 0;
    for (Row r : rows) n += r.trainable();
    return n;
  }

  /** Scalars saved with the model but not trained: the buffers (batch norm's running statistics). */
  public long nonTrainableParameters() {
    long n = 0;
    for (Row r : rows) n += r.nonTrainable();
    return n;
  }

  /** The table shown in the class comment. */
  @Override
  public String toString() {
    int columns = connections ? 4 : 3;
    List<String[]> cells = new ArrayList<>();
    cells.add(connections ? new String[] {"Layer (type)", "Output shape", "Param #", "Connected to"}
        : new String[] {"Layer (type)", "Output shape", "Param #"});
    for (Row r : rows) {
      String[] c = {r.name() + " (" + r.typeName() + ")", r.batchShape(), count(r.total()), String.join(", ", r.inputs())};
      cells.add(Arrays.copyOf(c, columns));
    }
    int[] width = new int[columns];
    for (String[] c : cells) for (int k = 0; k < columns; k++) width[k] = Math.max(width[k], c[k].length());
    String format = "%-" + (width[0] + 3) + "s%-" + (width[1] + 3) + "s%" + width[2] + "s"
        + (connections ? "   %-" + width[3] + "s" : "") + "%n";
    int ruleWidth = width[0] + width[1] + width[2] + 6 + (connections ? width[3] + 3 : 0);
    String rule = "=".repeat(ruleWidth) + System.lineSeparator();
    StringBuilder sb = new StringBuilder();
    sb.append(title).append(System.lineSeparator());
    for (int i = 0; i < cells.size(); i++) {
      sb.append(String.format(Locale.ROOT, format, (Object[]) cells.get(i)).replaceAll(" +(\\R)$", "$1"));
      if (i == 0) sb.append(rule);
    }
    sb.append(rule);
    sb.append("Total params: ").append(withSize(totalParameters())).append(System.lineSeparator());
    sb.append("Trainable params: ").append(withSize(trainableParameters())).append(System.lineSeparator());
    sb.append("Non-trainable params: ").append(withSize(nonTrainableParameters())).append(System.lineSeparator());
    return sb.toString();
  }

  private static String join(int[] shape) {
    StringJoiner j = new StringJoiner(", ");
    for (int d : shape) j.add(Integer.toString(d));
    return j.toString();
  }

  /** {@code 421642 -> "421,642"}. */
  private static String count(long n) {
    return String.format(Locale.US, "%,d", n);
  }

  /** {@code "421,642 (1.61 MB)"}: float32 bytes. */
  private static String withSize(long n) {
    double bytes = 4.0 * n;
    String[] units = {"B", "KB", "MB", "GB"};
    int u = 0;
    while (bytes >= 1024 && u < units.length - 1) {
      bytes /= 1024;
      u++;
    }
    return count(n) + String.format(Locale.ROOT, " (%.2f %s)", bytes, units[u]);
  }
}
