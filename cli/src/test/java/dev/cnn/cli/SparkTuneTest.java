package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.tune.StudyJournal;
import dev.cnn.tune.Trial;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cnn tune --spark local[2]}: random search gives the local run's trials, parameters and
 * values alike (each trial trains bit for bit as it would here); Bayesian search proposes distinct
 * points within a round (the constant liar); pruning is refused.
 */
class SparkTuneTest {
  @TempDir Path dir;

  private static final List<String> SMALL = List.of("--limit", "400,100", "--epochs", "1", "--threads", "1",
      "--search", "lr=log:1e-3..1e-2", "--search", "batch-size=32,64", "--trials", "4", "--seed", "5");

  private static CnnTest.Run tune(Path out, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("tune"));
    args.addAll(SMALL);
    args.addAll(List.of("--out", out.toString()));
    args.addAll(List.of(more));
    return CnnTest.run(args.toArray(String[]::new));
  }

  @Test
  void randomSearchOnSparkGivesTheLocalTrials() throws IOException {
    CnnTest.Run local = tune(dir.resolve("local"), "--strategy", "random");
    assertEquals(0, local.exitCode(), local.err());
    CnnTest.Run spark = tune(dir.resolve("spark"), "--strategy", "random", "--spark", "local[2]", "--parallel", "2");
    assertEquals(0, spark.exitCode(), spark.err());
    List<Trial> a = StudyJournal.read(dir.resolve("local").resolve(StudyJournal.FILE)).trials();
    List<Trial> b = StudyJournal.read(dir.resolve("spark").resolve(StudyJournal.FILE)).trials();
    assertEquals(4, b.size(), "each trial recorded once");
    for (int i = 0; i < 4; i++) {
      assertEquals(a.get(i).number(), b.get(i).number());
      assertEquals(a.get(i).params(), b.get(i).params(), "trial " + i);
      assertEquals(a.get(i).state(), b.get(i).state(), "trial " + i);
      assertEquals(a.get(i).value(), b.get(i).value(), 0.0, "trial " + i + ": the same training");
    }
  }

  @Test
  void bayesianRoundsProposeDistinctPointsAndPruningIsRefused() throws IOException {
    CnnTest.Run r = tune(dir.resolve("bayes"), "--strategy", "bayes", "--spark", "local[2]", "--parallel", "2");
    assertEquals(0, r.exitCode(), r.err());
    List<Trial> trials = StudyJournal.read(dir.resolve("bayes").resolve(StudyJournal.FILE)).trials();
    assertEquals(4, trials.size());
    assertEquals(4, new HashSet<>(trials.stream().map(Trial::params).toList()).size(), "no point proposed twice");
    CnnTest.Run pruned = tune(dir.resolve("pruned"), "--spark", "local[2]", "--prune");
    assertEquals(1, pruned.exitCode());
    assertTrue(pruned.err().contains("--prune cannot be used with --spark"), pruned.err());
  }
}
