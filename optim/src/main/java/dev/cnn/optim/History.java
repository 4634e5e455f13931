package dev.cnn.optim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnn.tensor.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The per-epoch metrics of a run, as CSV (one row per epoch, for spreadsheets and plots) and JSON
 * (for programs), both written atomically. Columns: epoch (1-based), loss, accuracy, val_loss,
 * val_accuracy (empty / null without validation), lr, seconds, data_wait_seconds.
 */
public final class History {
  private History() {}

  /** The CSV text. */
  public static String csv(List<EpochMetrics> epochs) {
    StringBuilder sb = new StringBuilder("epoch,loss,accuracy,val_loss,val_accuracy,lr,seconds,data_wait_seconds\n");
    for (EpochMetrics m : epochs) {
      sb.append(m.epoch() + 1).append(',').append(num(m.loss())).append(',').append(num(m.accuracy())).append(',')
          .append(num(m.valLoss())).append(',').append(num(m.valAccuracy())).append(',').append(num(m.learningRate()))
          .append(',').append(String.format(Locale.ROOT, "%.3f", m.seconds())).append(',')
          .append(String.format(Locale.ROOT, "%.3f", m.dataWaitSeconds())).append('\n');
    }
    return sb.toString();
  }

  /** The JSON document: {@code {"epochs": [{"epoch": 1, "loss": ..., ...}, ...]}}. */
  public static String json(List<EpochMetrics> epochs) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    ArrayNode rows = root.putArray("epochs");
    for (EpochMetrics m : epochs) {
      ObjectNode r = rows.addObject();
      r.put("epoch", m.epoch() + 1);
      put(r, "loss", m.loss());
      put(r, "accuracy", m.accuracy());
      put(r, "val_loss", m.valLoss());
      put(r, "val_accuracy", m.valAccuracy());
      put(r, "lr", m.learningRate());
      r.put("seconds", m.seconds());
      r.put("data_wait_seconds", m.dataWaitSeconds());
    }
    try {
      return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the history as JSON", e);
    }
  }

  /** Reads back what {@link #json} wrote (for resuming). */
  public static List<EpochMetrics> parseJson(String text) throws IOException {
    List<EpochMetrics> out = new ArrayList<>();
    for (var r : new ObjectMapper().readTree(text).path("epochs")) {
      out.add(new EpochMetrics(r.path("epoch").asInt() - 1, get(r, "loss"), get(r, "accuracy"), get(r, "val_loss"),
          get(r, "val_accuracy"), get(r, "lr"), r.path("seconds").asDouble(), r.path("data_wait_seconds").asDouble()));
    }
    return out;
  }

  /** Writes {@link #csv} to {@code file} atomically ({@link AtomicFiles}). */
  public static void writeCsv(List<EpochMetrics> epochs, Path file) throws IOException {
    AtomicFiles.writeString(file, csv(epochs));
  }

  /** Writes {@link #json} to {@code file} atomically ({@link AtomicFiles}). */
  public static void writeJson(List<EpochMetrics> epochs, Path file) throws IOException {
    AtomicFiles.writeString(file, json(epochs));
  }

  /** Shortest exact text of a double (round-trips), empty for NaN. */
  private static String num(double v) {
    return Double.isNaN(v) ? "" : Double.toString(v);
  }

  private static void put(ObjectNode r, String key, double v) {
    if (Double.isNaN(v)) r.putNull(key);
    else r.put(key, v);
  }

  private static double get(com.fasterxml.jackson.databind.JsonNode r, String key) {
    var v = r.path(key);
    return v.isNumber() ? v.asDouble() : Double.NaN;
  }
}
