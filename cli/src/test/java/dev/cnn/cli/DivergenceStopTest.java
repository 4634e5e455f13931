package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Adam at a rate of 50 keeps the loss finite but useless: training stops, and says what to try. */
class DivergenceStopTest {
  @Test
  void aRateOfFiftyStopsTheRunWithTheEvidenceAndALowerRate(@TempDir Path dir) {
    CnnTest.Run r = CnnTest.run("train", "--lr", "50", "--limit", "1280,160", "--epochs", "3", "--threads", "2",
        "--out", dir.resolve("run").toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("the loss diverged: 20 batches in a row"), r.out());
    assertTrue(r.out().contains("over 5x the") && r.out().contains("--lr 5.00"), r.out());
  }
}
