package dev.cnn.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnn.optim.EpochMetrics;
import dev.cnn.optim.Evaluation;
import dev.cnn.tensor.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code metrics.json}: {@code test_accuracy}, {@code test_loss}, {@code per_class} (label, name,
 * precision, recall, f1, support), {@code confusion_matrix} (rows = true class),
 * {@code epochs_run}, {@code best_epoch} (1-based), {@code seconds_per_epoch} (training only),
 * {@code images_per_second}, {@code seed}, {@code stop_reason} (only when training stopped early)
 * and {@code config}; written atomically.
 */
final class Metrics {
  private Metrics() {}

  static void write(Path file, Evaluation eval, List<EpochMetrics> history, int bestEpoch, int trainImages, long seed,
      Map<String, ?> config) throws IOException {
    write(file, eval, history, bestEpoch, trainImages, seed, config, null);
  }

  /** As above, with why training stopped before its last epoch ({@code stop_reason}; null when it did not). */
  static void write(Path file, Evaluation eval, List<EpochMetrics> history, int bestEpoch, int trainImages, long seed,
      Map<String, ?> config, String stopReason) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("test_accuracy", eval.accuracy());
    root.put("test_loss", eval.loss());
    ArrayNode perClass = root.putArray("per_class");
    for (Evaluation.ClassScore s : eval.perClass()) {
      ObjectNode o = perClass.addObject();
      o.put("label", s.label());
      o.put("name", s.name());
      o.put("precision", s.precision());
      o.put("recall", s.recall());
      o.put("f1", s.f1());
      o.put("support", s.support());
    }
    ArrayNode confusion = root.putArray("confusion_matrix");
    for (int[] row : eval.confusion()) {
      ArrayNode r = confusion.addArray();
      for (int v : row) r.add(v);
    }
    root.put("epochs_run", history.size());
    root.put("best_epoch", bestEpoch + 1);
    ArrayNode seconds = root.putArray("seconds_per_epoch");
    double total = 0;
    for (EpochMetrics m : history) {
      seconds.add(m.seconds());
      total += m.seconds();
    }
    root.put("images_per_second", total > 0 ? history.size() * (double) trainImages / total : 0);
    root.put("seed", seed);
    if (stopReason != null) root.put("stop_reason", stopReason);
    root.set("config", mapper.valueToTree(config));
    byte[] bytes = (mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
    AtomicFiles.write(file, bytes);
  }
}
