package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnn.data.SyntheticShapes;
import dev.cnn.tensor.io.Csv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Planted label noise, the label-error search of cnn diagnose, and cnn train --exclude, end to end. */
class LabelErrorsCommandTest {
  @TempDir static Path dir;
  static Path noisy;

  @BeforeAll
  static void train() {
    noisy = dir.resolve("noisy");
    CnnTest.Run r = CnnTest.run("train", "--label-noise", "0.1", "--label-noise-kind", "pairs", "--limit", "1200,200",
        "--epochs", "2", "--threads", "2", "--no-report", "--out", noisy.toString());
    assertEquals(0, r.exitCode(), r.err());
  }

  private static List<List<String>> csv(Path file) throws IOException {
    return Csv.parse(Files.readString(file), file.toString());
  }

  @Test
  void labelNoiseIsPlantedAndItsTruthWritten() throws IOException {
    List<List<String>> rows = csv(noisy.resolve(TrainingRun.LABEL_NOISE));
    assertEquals(List.of("index", "true_label", "given_label"), rows.get(0));
    int flipped = rows.size() - 1;
    assertTrue(flipped > 70 && flipped < 170, "about 10% of 1,200 flipped: " + flipped);
    for (List<String> r : rows.subList(1, rows.size())) {
      SyntheticShapes.Shape truth = SyntheticShapes.Shape.valueOf(r.get(1).toUpperCase(Locale.ROOT));
      assertEquals(truth.neighbour().label(), r.get(2), "pairs noise gives each class its look-alike: " + r);
    }
  }

  @Test
  void diagnoseFindsSuspectsWritesThemAndReusesItsFolds() throws IOException {
    CnnTest.Run r = CnnTest.run("diagnose", noisy.toString(), "--label-errors", "--folds", "3", "--epochs", "1",
        "--threads", "2");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("fold 3 of 3: trained on"), r.out());
    for (int f = 1; f <= 3; f++) {
      assertTrue(Files.isRegularFile(noisy.resolve("label-errors/fold-" + f + "-of-3.json")), "fold file " + f);
    }
    List<List<String>> rows = csv(noisy.resolve(DiagnoseCommand.LABEL_ERRORS_CSV));
    assertEquals(List.of("rank", "index", "file", "given_label", "suggested_label", "given_probability",
        "suggested_probability"), rows.get(0));
    assertTrue(rows.size() > 1, "some suspects among 10% flipped labels");
    assertEquals("1", rows.get(1).get(0));
    JsonNode d = new ObjectMapper().readTree(noisy.resolve("diagnosis.json").toFile());
    JsonNode le = d.get("label_errors");
    assertEquals(3, le.get("folds").asInt());
    assertEquals("low-confident-margin", le.get("filter").asText());
    assertEquals(rows.size() - 1, le.get("flagged").asInt());
    assertEquals(8, le.get("noise_matrix").size(), "k x k noise matrix");
    boolean finding = false;
    for (JsonNode f : d.get("findings")) finding |= f.get("id").asText().equals("label-errors");
    assertTrue(finding, "a label-errors finding");
    String html = Files.readString(noisy.resolve("report/index.html"));
    assertTrue(html.contains("id=\"label-errors\""), "the suspects' gallery");
    assertTrue(Files.size(noisy.resolve("report/label-noise.png")) > 1000, "the estimated noise figure");

    CnnTest.Run again = CnnTest.run("diagnose", noisy.toString(), "--label-errors", "--folds", "3", "--epochs", "1",
        "--threads", "2");
    assertEquals(0, again.exitCode(), again.err());
    assertTrue(again.out().contains("fold 1 of 3: read"), "finished folds are read back: " + again.out());
    assertEquals(rows, csv(noisy.resolve(DiagnoseCommand.LABEL_ERRORS_CSV)), "the same suspects");

    // The paper's filter over the same folds: read back, not trained again.
    CnnTest.Run paper = CnnTest.run("diagnose", noisy.toString(), "--label-errors", "--folds", "3", "--epochs", "1",
        "--filter-by", "noise-rate", "--threads", "2");
    assertEquals(0, paper.exitCode(), paper.err());
    assertTrue(paper.out().contains("fold 3 of 3: read"), paper.out());
    assertEquals("prune-by-noise-rate", new ObjectMapper().readTree(noisy.resolve("diagnosis.json").toFile())
        .get("label_errors").get("filter").asText());
    CnnTest.Run back = CnnTest.run("diagnose", noisy.toString(), "--label-errors", "--folds", "3", "--epochs", "1",
        "--threads", "2");
    assertEquals(0, back.exitCode(), back.err());
    assertEquals(rows, csv(noisy.resolve(DiagnoseCommand.LABEL_ERRORS_CSV)), "the default filter's suspects again");

    // Find, drop, retrain: the listed images are left out, and the run records which.
    Path cleaned = dir.resolve("cleaned");
    CnnTest.Run t = CnnTest.run("train", "--label-noise", "0.1", "--label-noise-kind", "pairs", "--limit", "1200,200",
        "--epochs", "1", "--threads", "2", "--no-report", "--exclude",
        noisy.resolve(DiagnoseCommand.LABEL_ERRORS_CSV).toString(), "--out", cleaned.toString());
    assertEquals(0, t.exitCode(), t.err());
    JsonNode saved = new ObjectMapper().readTree(cleaned.resolve(RunDirectory.OPTIONS).toFile()).get("config");
    assertEquals(rows.size() - 1, saved.get("excluded").size(), "run.json records the excluded images");
    for (List<String> row : csv(cleaned.resolve(TrainingRun.LABEL_NOISE)).subList(1, csv(cleaned.resolve(
        TrainingRun.LABEL_NOISE)).size())) {
      for (List<String> s : rows.subList(1, rows.size())) {
        assertTrue(!row.get(0).equals(s.get(1)), "excluded image " + s.get(1) + " is not in the new run's training set");
      }
    }
  }

  @Test
  void badLabelErrorAndExcludeOptionsGetOneMessageEach() throws IOException {
    assertMessage(CnnTest.run("diagnose", noisy.toString(), "--folds", "3"), "--folds 3 sets up the label-error"
        + " search, which is off; add --label-errors");
    assertMessage(CnnTest.run("diagnose", noisy.toString(), "--label-errors", "--folds", "1"), "--folds 1: expected"
        + " 2 or more folds");
    assertMessage(CnnTest.run("diagnose", noisy.toString(), "--label-errors", "--folds", "100000"),
        "--folds 100000: expected 2 to ");
    assertMessage(CnnTest.run("diagnose", noisy.toString(), "--label-errors", "--rank-by", "luck"),
        "--rank-by luck: expected self-confidence or normalized-margin");
    assertMessage(CnnTest.run("diagnose", noisy.toString(), "--label-errors", "--filter-by", "vibes"),
        "--filter-by vibes: expected confident-margin or noise-rate");
    assertMessage(CnnTest.run("diagnose", noisy.toString(), "--filter-by", "noise-rate"), "--filter-by noise-rate"
        + " sets up the label-error search, which is off; add --label-errors");
    Path out = dir.resolve("never");
    assertMessage(CnnTest.run("train", "--exclude", dir.resolve("missing.csv").toString(), "--out", out.toString()),
        "missing.csv: no such file");
    Path noIndex = Files.writeString(dir.resolve("no-index.csv"), "rank,file\n1,a.png\n");
    assertMessage(CnnTest.run("train", "--exclude", noIndex.toString(), "--out", out.toString()),
        "no 'index' column in its header (found: rank, file)");
    Path bad = Files.writeString(dir.resolve("bad.csv"), "index\n3\nseven\n");
    assertMessage(CnnTest.run("train", "--exclude", bad.toString(), "--out", out.toString()),
        "line 3: index 'seven'; expected a position in the training split");
    Path far = Files.writeString(dir.resolve("far.csv"), "index\n10000000\n");
    assertMessage(CnnTest.run("train", "--exclude", far.toString(), "--epochs", "1", "--out", out.toString()),
        "index 10000000 is outside the training split of shapes (10000 images");
    assertMessage(CnnTest.run("train", "--label-noise", "1.5", "--out", out.toString()),
        "--label-noise 1.5");
    assertMessage(CnnTest.run("train", "--label-noise-kind", "pairs", "--out", out.toString()),
        "--label-noise-kind pairs says how labels are flipped, and --label-noise is 0");
    assertMessage(CnnTest.run("train", "--label-noise", "0.1", "--dataset", "mnist", "--out", out.toString()),
        "planted label noise is for the built-in shapes dataset");
    assertTrue(!Files.exists(out), "no run directory was made by a refused command");
  }

  private static void assertMessage(CnnTest.Run r, String expected) {
    assertEquals(1, r.exitCode(), r.out() + r.err());
    assertTrue(r.err().contains(expected), "expected '" + expected + "' in:\n" + r.err());
    assertTrue(!r.err().contains("\tat "), "no stack trace:\n" + r.err());
  }
}
