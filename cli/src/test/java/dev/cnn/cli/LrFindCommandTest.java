package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.tensor.io.Csv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LrFindCommandTest {
  @TempDir Path dir;

  @Test
  void findsARateWritesTheCurveAndSuggestsATrainLine() throws Exception {
    Path out = dir.resolve("lr");
    CnnTest.Run r = CnnTest.run("lr-find", "--limit", "800,100", "--steps", "60", "--start", "1e-5", "--end", "10",
        "--threads", "2", "--out", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("suggested learning rate: "), r.out());
    assertTrue(r.out().contains("try: cnn train --limit 800,100 --lr "), r.out());
    List<List<String>> rows = Csv.parse(Files.readString(out.resolve(LrFindCommand.CSV)), "lr_find.csv");
    assertEquals(List.of("step", "lr", "loss", "smoothed_loss"), rows.get(0));
    assertTrue(rows.size() > 10, "a row per batch");
    assertTrue(Files.size(out.resolve(LrFindCommand.PNG)) > 1000, "the plot");
    assertTrue(!Files.exists(out.resolve(RunDirectory.OPTIONS)), "no run is written");
  }

  @Test
  void badRangesAndResumeAreRefused() {
    CnnTest.Run r = CnnTest.run("lr-find", "--start", "1", "--end", "0.1", "--out", dir.resolve("x").toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("--start 1.0 --end 0.1: expected 0 < --start < --end"), r.err());
    r = CnnTest.run("lr-find", "--steps", "2", "--out", dir.resolve("x").toString());
    assertTrue(r.err().contains("--steps 2: expected at least 5"), r.err());
    r = CnnTest.run("lr-find", "--resume", dir.toString());
    assertTrue(r.err().contains("lr-find trains a throw-away model and resumes nothing"), r.err());
  }
}
