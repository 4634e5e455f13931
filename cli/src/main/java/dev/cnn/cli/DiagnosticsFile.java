package dev.cnn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnn.optim.Diagnostics;
import dev.cnn.tensor.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code diagnostics.json} in a run directory: what {@code cnn train --diagnostics} recorded per
 * epoch (each parameter's gradient norm, each ReLU layer's fraction of zero outputs), which
 * {@code cnn diagnose} reads.
 * <pre>{"format": "cnn-diagnostics", "version": 1,
 *  "epochs": [{"epoch": 1, "gradient_norms": {"0.weight": 0.12, ...}, "relu_zero_fractions": {"1": 0.43, ...}}]}</pre>
 */
final class DiagnosticsFile {
  private DiagnosticsFile() {}

  static final String NAME = "diagnostics.json";
  private static final String FORMAT = "cnn-diagnostics";
  private static final ObjectMapper JSON = new ObjectMapper();

  static void write(Path dir, List<Diagnostics.Epoch> epochs) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", 1);
    ArrayNode rows = root.putArray("epochs");
    for (Diagnostics.Epoch e : epochs) {
      ObjectNode r = rows.addObject();
      r.put("epoch", e.epoch() + 1);
      ObjectNode g = r.putObject("gradient_norms");
      e.gradientNorms().forEach(g::put);
      ObjectNode z = r.putObject("relu_zero_fractions");
      e.reluZeroFractions().forEach(z::put);
    }
    AtomicFiles.writeString(dir.resolve(NAME), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
  }

  /** The recorded epochs, or an empty list when the run did not record any. */
  static List<Diagnostics.Epoch> read(Path dir) throws IOException {
    Path file = dir.resolve(NAME);
    if (!Files.isRegularFile(file)) return List.of();
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException(file + ": not a diagnostics file (" + e.getMessage() + ")", e);
    }
    if (root == null || !FORMAT.equals(root.path("format").asText())) {
      throw new IOException(file + ": not a diagnostics file (expected \"format\": \"" + FORMAT + "\")");
    }
    List<Diagnostics.Epoch> out = new ArrayList<>();
    for (JsonNode r : root.path("epochs")) {
      out.add(new Diagnostics.Epoch(r.path("epoch").asInt() - 1, numbers(r.path("gradient_norms")),
          numbers(r.path("relu_zero_fractions"))));
    }
    return out;
  }

  private static Map<String, Double> numbers(JsonNode o) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      m.put(e.getKey(), e.getValue().asDouble());
    }
    return m;
  }
}
