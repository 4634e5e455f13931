package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cnn train --spark local[2]}: a data-parallel run end to end, and its options checked. */
class SparkTrainTest {
  @TempDir Path dir;

  @Test
  void trainsDataParallelInLocalModeAndWritesTheModel() throws IOException {
    Path out = dir.resolve("run");
    CnnTest.Run r = CnnTest.run("train", "--spark", "local[2]", "--workers", "2", "--sync-every", "2",
        "--dataset", "shapes", "--limit", "1024,200", "--epochs", "1", "--batch-size", "32", "--optimizer", "sgd",
        "--lr", "0.05", "--out", out.toString());
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().contains("data-parallel on Spark local[2]: 2 workers x batch 32, averaged every 2 steps, 16 steps"),
        r.out());
    assertTrue(r.out().matches("(?s).*1024 images in [0-9.]+ s: \\d+ images/s, [0-9.]+% of the time synchronising; test"
        + " accuracy [0-9.]+% on 200 images.*"), r.out());
    assertTrue(Files.isRegularFile(out.resolve("model.safetensors")) && Files.isRegularFile(out.resolve("classes.json")));
    assertEquals(9, Files.readAllLines(out.resolve("rounds.csv")).size(), "a header and 8 rounds");
    CnnTest.Run eval = CnnTest.run("evaluate", "--model", out.toString(), "--dataset", "shapes"); // a run like any other
    assertEquals(0, eval.exitCode(), eval.err());
  }

  @Test
  void sparkOptionsAreChecked() {
    CnnTest.Run r = CnnTest.run("train", "--workers", "4");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--workers is for data-parallel training on Spark; add --spark MASTER"), r.err());
    r = CnnTest.run("train", "--spark", "local[2]", "--dataset", "folder:" + dir, "--out", dir.resolve("x").toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("--spark trains on shapes, fashion-mnist or mnist"), r.err());
    r = CnnTest.run("train", "--spark", "local[2]", "--optimizer", "rmsprop", "--out", dir.resolve("y").toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("--optimizer rmsprop: --spark trains with sgd or adam"), r.err());
  }
}
