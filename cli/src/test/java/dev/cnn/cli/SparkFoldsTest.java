package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cnn diagnose RUN --label-errors --spark local[2]}: the folds train as Spark tasks and the
 * suspects are the local run's, file for file.
 */
class SparkFoldsTest {
  @TempDir Path dir;

  @Test
  void foldsOnSparkGiveTheLocalLabelErrors() throws IOException {
    Path run = dir.resolve("noisy");
    CnnTest.Run r = CnnTest.run("train", "--label-noise", "0.1", "--limit", "600,100", "--epochs", "1", "--threads", "2",
        "--no-report", "--out", run.toString());
    assertEquals(0, r.exitCode(), r.err());
    String[] diagnose = {"diagnose", run.toString(), "--label-errors", "--folds", "2", "--epochs", "1",
        "--no-data-checks"};
    CnnTest.Run spark = CnnTest.run(concat(diagnose, "--spark", "local[2]"));
    assertEquals(0, spark.exitCode(), spark.err());
    assertTrue(spark.out().contains("fold 2 of 2: trained on Spark, scored"), spark.out());
    String sparkCsv = Files.readString(run.resolve(DiagnoseCommand.LABEL_ERRORS_CSV));
    String sparkFold = Files.readString(run.resolve("label-errors/fold-1-of-2.json"));
    CnnTest.Run reuse = CnnTest.run(diagnose);
    assertTrue(reuse.out().contains("fold 1 of 2: read"), "the fold files serve a local run too: " + reuse.out());

    for (int f = 1; f <= 2; f++) Files.delete(run.resolve("label-errors/fold-" + f + "-of-2.json"));
    CnnTest.Run local = CnnTest.run(diagnose);
    assertEquals(0, local.exitCode(), local.err());
    assertTrue(local.out().contains("fold 2 of 2: trained on"), local.out());
    assertEquals(sparkFold, Files.readString(run.resolve("label-errors/fold-1-of-2.json")), "the same fold file");
    assertEquals(sparkCsv, Files.readString(run.resolve(DiagnoseCommand.LABEL_ERRORS_CSV)), "the same suspects");

    CnnTest.Run alone = CnnTest.run("diagnose", run.toString(), "--spark", "local[2]", "--no-data-checks");
    assertEquals(1, alone.exitCode());
    assertTrue(alone.err().contains("--spark local[2] sets up the label-error search, which is off"), alone.err());
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
