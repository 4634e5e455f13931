package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cnn train --dropout P: the classifier's rate, saved with the run, refused where it cannot apply. */
class DropoutOptionTest {
  @TempDir Path dir;

  @Test
  void theRateReachesTheModelAndTheRunsOptions() throws Exception {
    Path run = dir.resolve("run");
    CnnTest.Run r = CnnTest.run("train", "--dropout", "0.2", "--limit", "300,60", "--epochs", "1", "--threads", "2",
        "--no-report", "--out", run.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertEquals(0.2, new ObjectMapper().readTree(run.resolve(RunDirectory.OPTIONS).toFile()).get("config")
        .get("dropout").asDouble(), 0);
    String architecture = Files.readString(run.resolve("model.json"));
    assertTrue(architecture.contains("0.2") && !architecture.contains("0.5"), "the Dropout layer has p = 0.2: "
        + architecture);
  }

  @Test
  void ratesOutsideTheRangeAndModelsWithoutDropoutAreRefused() {
    CnnTest.Run r = CnnTest.run("train", "--dropout", "1.5", "--out", dir.resolve("x").toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("--dropout") && r.err().contains("[0, 1)"), r.err());
    r = CnnTest.run("train", "--dropout", "0.3", "--model", "lenet5", "--out", dir.resolve("x").toString());
    assertTrue(r.err().contains("lenet5 has no dropout layer"), r.err());
  }
}
