package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end through the command line: train on a small shapes set, then use what it wrote. */
class TrainCommandTest {
  @Test
  void trainsOnShapesAndWritesMetricsThatTheOtherCommandsCanUse(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("run");
    CnnTest.Run r = CnnTest.run("train", "--limit", "2400,480", "--epochs", "2", "--seed", "7", "--threads", "2",
        "--out", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("precision") && r.out().contains("confusion matrix"), r.out());
    assertTrue(r.out().contains(out.toAbsolutePath().toString()), "says where it wrote: " + r.out());
    for (String f : List.of("model.safetensors", "model.json", "history.csv", "history.json", "metrics.json", "classes.json")) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f + " missing");
    }

    JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
    for (String key : List.of("test_accuracy", "test_loss", "per_class", "confusion_matrix", "epochs_run",
        "best_epoch", "seconds_per_epoch", "images_per_second", "seed", "config")) {
      assertTrue(m.has(key), "metrics.json lacks " + key);
    }
    double accuracy = m.get("test_accuracy").asDouble();
    assertTrue(accuracy > 0.35 && accuracy <= 1, "8 classes: chance is 0.125, got " + accuracy);
    assertTrue(m.get("test_loss").asDouble() > 0);
    assertEquals(8, m.get("per_class").size());
    int total = 0;
    for (JsonNode c : m.get("per_class")) {
      for (String k : List.of("label", "name", "precision", "recall", "f1", "support")) assertTrue(c.has(k), k);
      assertTrue(c.get("recall").asDouble() >= 0 && c.get("recall").asDouble() <= 1);
      total += c.get("support").asInt();
    }
    assertEquals(8, m.get("confusion_matrix").size());
    int matrixTotal = 0;
    for (JsonNode row : m.get("confusion_matrix")) for (JsonNode v : row) matrixTotal += v.asInt();
    assertEquals(total, matrixTotal);
    assertEquals(2, m.get("epochs_run").asInt());
    assertEquals(2, m.get("seconds_per_epoch").size());
    assertTrue(m.get("images_per_second").asDouble() > 0);
    assertEquals(7, m.get("seed").asLong());
    assertEquals("shapes", m.get("config").get("dataset").asText());
    assertEquals(64, m.get("config").get("batch_size").asInt());

    CnnTest.Run summary = CnnTest.run("summary", "--model", out.toString());
    assertEquals(0, summary.exitCode(), summary.err());
    CnnTest.Run eval = CnnTest.run("evaluate", "--model", out.toString(), "--seed", "7");
    assertEquals(0, eval.exitCode(), eval.err());
    assertTrue(Files.isRegularFile(out.resolve("evaluation.json")));

    // predict: a drawn white square on black, as a PNG
    java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(56, 56, java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = img.createGraphics();
    g.setColor(java.awt.Color.WHITE);
    g.fillRect(14, 14, 28, 28);
    g.dispose();
    Path png = dir.resolve("square.png");
    javax.imageio.ImageIO.write(img, "png", png.toFile());
    CnnTest.Run predict = CnnTest.run("predict", "--model", out.toString(), "--json", "--top", "2", png.toString());
    assertEquals(0, predict.exitCode(), predict.err());
    JsonNode p = new ObjectMapper().readTree(predict.out());
    JsonNode top = p.get("predictions").get(0).get("top");
    assertEquals(2, top.size());
    assertTrue(top.get(0).get("probability").asDouble() >= top.get(1).get("probability").asDouble());
    assertTrue(List.of("circle", "ring", "square", "frame", "triangle", "cross", "bar", "star")
        .contains(top.get(0).get("name").asText()));
    CnnTest.Run notImage = CnnTest.run("predict", "--model", out.toString(), out.resolve("metrics.json").toString());
    assertEquals(1, notImage.exitCode());
    assertTrue(notImage.err().contains("not an image"), notImage.err());
  }

  @Test
  void aResumedRunEndsWithTheWeightsOfTheUninterruptedOne(@TempDir Path dir) throws Exception {
    Path straight = dir.resolve("straight"), interrupted = dir.resolve("interrupted");
    String[] common = {"--limit", "640,160", "--seed", "3", "--augment", "rotate=10,hflip", "--val-split", "0.2",
        "--early-stopping", "5"};
    assertEquals(0, CnnTest.run(concat(new String[] {"train", "--epochs", "3", "--out", straight.toString()}, common)).exitCode());
    assertEquals(0, CnnTest.run(concat(new String[] {"train", "--epochs", "2", "--out", interrupted.toString()}, common)).exitCode());
    CnnTest.Run resumed = CnnTest.run(concat(new String[] {"train", "--epochs", "3", "--resume", interrupted.toString()}, common));
    assertEquals(0, resumed.exitCode(), resumed.err());
    assertTrue(resumed.out().contains("resuming"), resumed.out());
    assertTrue(java.util.Arrays.equals(Files.readAllBytes(straight.resolve("model.safetensors")),
        Files.readAllBytes(interrupted.resolve("model.safetensors"))), "weights differ after resuming");
    CnnTest.Run changed = CnnTest.run(concat(new String[] {"train", "--epochs", "3", "--lr", "0.01", "--resume",
        interrupted.toString()}, common));
    assertEquals(1, changed.exitCode());
    assertTrue(changed.err().contains("other options"), changed.err());
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void badOptionsGetOneMessageAndNoStackTrace(@TempDir Path dir) {
    for (String[] args : new String[][] {
        {"train", "--optimizer", "adagrad", "--out", dir.toString()},
        {"train", "--lr", "-1", "--out", dir.toString()},
        {"train", "--early-stopping", "3", "--val-split", "0", "--out", dir.toString()},
        {"train", "--lr-schedule", "cosine:x", "--out", dir.toString()},
        {"train", "--dataset", "folder:" + dir.resolve("missing"), "--out", dir.toString()},
        {"train", "--model", "resnet", "--limit", "100", "--out", dir.toString()}}) {
      CnnTest.Run r = CnnTest.run(args);
      assertEquals(1, r.exitCode(), String.join(" ", args) + "\n" + r.err());
      assertTrue(r.err().contains("cnn train: error: "), r.err());
      assertFalse(r.err().contains("\tat "), "no stack trace expected:\n" + r.err());
    }
  }
}
