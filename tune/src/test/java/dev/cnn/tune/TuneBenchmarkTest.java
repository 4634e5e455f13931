package dev.cnn.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.tensor.Rng;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TuneBenchmarkTest {
  private static final Pattern LINE = Pattern.compile(
      "\\{\"function\":\"(\\w+)\",\"sampler\":\"(\\w+)\",\"seed\":(\\d+),"
      + "\"best_by_eval\":\\[([^\\]]*)\\],\"regret_by_eval\":\\[([^\\]]*)\\]\\}");

  private static String[] run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    TuneBenchmark.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), log);
    return out.toString(StandardCharsets.UTF_8).split("\n");
  }

  @Test
  void printsOneJsonLinePerSeed() {
    String[] lines = run("--function", "noisy4", "--sampler", "random", "--budget", "8", "--seeds", "2",
        "--first-seed", "5");
    assertEquals(2, lines.length);
    for (int i = 0; i < 2; i++) {
      Matcher m = LINE.matcher(lines[i]);
      assertTrue(m.matches(), lines[i]);
      assertEquals("noisy4", m.group(1));
      assertEquals("random", m.group(2));
      assertEquals(5 + i, Integer.parseInt(m.group(3)));
      double[] best = Arrays.stream(m.group(4).split(",")).mapToDouble(Double::parseDouble).toArray();
      double[] regret = Arrays.stream(m.group(5).split(",")).mapToDouble(Double::parseDouble).toArray();
      assertEquals(8, best.length);
      assertEquals(8, regret.length);
      for (int t = 1; t < 8; t++) assertTrue(best[t] <= best[t - 1], "best so far never rises");
      for (double r : regret) assertTrue(r >= 0, "regret is measured noise-free against the minimum");
    }
  }

  @Test
  void regretIsTheBestPointsNoiseFreeValueMinusTheMinimum() {
    TuneBenchmark.Result r = TuneBenchmark.optimise(TestFunctions.BRANIN, new RandomSampler(), 10, new Rng(2));
    for (int t = 0; t < 10; t++) {
      assertEquals(r.bestByEval()[t] - TestFunctions.BRANIN_MINIMUM, r.regretByEval()[t], 1e-12);
    }
  }

  @Test
  void theGridHoldsTheBudget() {
    assertEquals(6, ((GridSampler) TuneBenchmark.sampler("grid", TestFunctions.BRANIN.space(), 30))
        .pointsPerContinuous()); // 6 x 6 = 36 >= 30 > 5 x 5
    assertEquals(2, ((GridSampler) TuneBenchmark.sampler("grid", TestFunctions.HARTMANN6.space(), 30))
        .pointsPerContinuous()); // 2^6 = 64 >= 30
    assertEquals(3, ((GridSampler) TuneBenchmark.sampler("grid", TestFunctions.BRANIN.space(), 9))
        .pointsPerContinuous());
    String[] lines = run("--function", "branin", "--sampler", "grid", "--budget", "30", "--seeds", "1");
    assertTrue(LINE.matcher(lines[0]).matches(), lines[0]);
  }

  @Test
  void badArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> run("--function", "branin"));
    assertThrows(IllegalArgumentException.class, () -> run("--function", "branin", "--sampler", "tpe"));
    assertThrows(IllegalArgumentException.class, () -> run("--function", "x", "--sampler", "random"));
    assertThrows(IllegalArgumentException.class,
        () -> run("--function", "branin", "--sampler", "random", "--budget", "0"));
    assertThrows(IllegalArgumentException.class, () -> run("--function", "branin", "--sampler", "random", "--seeds"));
  }
}
