package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reduced bench/diagnose-eval.sh (fewer images): shapes runs with one planted fault each; the diagnosis that
 * cnn train writes at its end must name that fault, and raise no unrelated warning.
 */
class PlantedFaultsTest {
  @TempDir Path dir;

  /** The ids of the warning and critical findings of a run trained with these options. */
  private List<String> serious(String name, String... options) throws IOException {
    Path run = dir.resolve(name);
    List<String> args = new ArrayList<>(List.of("train", "--threads", "2", "--seed", "1", "--out", run.toString()));
    args.addAll(Arrays.asList(options));
    CnnTest.Run r = CnnTest.run(args.toArray(new String[0]));
    assertEquals(0, r.exitCode(), r.err());
    List<String> ids = new ArrayList<>();
    for (JsonNode f : new ObjectMapper().readTree(run.resolve("diagnosis.json").toFile()).get("findings")) {
      if (!f.get("severity").asText().equals("info")) ids.add(f.get("id").asText());
    }
    return ids;
  }

  @Test
  void aCleanRunStoppedByEarlyStoppingRaisesNoWarning() throws IOException {
    assertEquals(List.of(), serious("clean", "--limit", "2400,480", "--epochs", "30", "--early-stopping", "3",
        "--val-split", "0.1"));
  }

  @Test
  void eachPlantedFaultIsFoundAndNothingElse() throws IOException {
    assertEquals(List.of("divergence"), serious("diverging", "--limit", "1200,240", "--epochs", "2", "--optimizer",
        "sgd", "--lr", "50"));
    assertEquals(List.of("learning-rate-too-low"), serious("crawling", "--limit", "1200,240", "--epochs", "3", "--lr",
        "0.000001"));
    assertEquals(List.of("too-little-training"), serious("short", "--limit", "2400,480", "--epochs", "2"));
    assertEquals(List.of("overfitting"), serious("overfitting", "--limit", "400,800", "--epochs", "40",
        "--val-split", "0.2"));
    List<String> imbalance = serious("imbalance", "--limit", "2400,480", "--epochs", "30", "--early-stopping", "3",
        "--val-split", "0.1", "--subsample", "circle=0.05,ring=0.05,square=0.05");
    assertTrue(imbalance.equals(List.of("class-imbalance")), imbalance.toString());
  }
}
