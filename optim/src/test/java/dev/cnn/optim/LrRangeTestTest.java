package dev.cnn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.Sequential;
import dev.cnn.tensor.Batch;
import java.util.List;
import org.junit.jupiter.api.Test;

class LrRangeTestTest {
  private static List<Batch> data() {
    return Fixtures.batches(Fixtures.blobs(3, 200, 200, 2.0), 16);
  }

  @Test
  void theRateGrowsExponentiallyAndTheTestStopsWhenTheLossBlowsUp() {
    Sequential model = Fixtures.mlp(16, 1);
    LrRangeTest.Result r = LrRangeTest.run(model, CrossEntropyLoss.builder().build(),
        Sgd.builder(1e-5).build(model.parameters()), data(), 1e-5, 1e3, 200);
    assertEquals(1e-5, r.lr()[0], 1e-18);
    for (int t = 1; t < r.lr().length; t++) {
      assertEquals(Math.pow(1e8, 1 / 199.0), r.lr()[t] / r.lr()[t - 1], 1e-9, "a constant factor per step");
    }
    assertNotNull(r.stopReason(), "SGD at rates up to 1000 diverges: " + r.lr()[r.lr().length - 1]);
    assertTrue(r.lr().length < 200, "stopped early");
    double stopAt = r.lr()[r.lr().length - 1];
    assertTrue(r.suggested() > 1e-5 && r.suggested() < stopAt, "suggested " + r.suggested() + " below " + stopAt);
    assertTrue(r.minimumOver10() < stopAt / 10 * 1.0001, "min / 10 is below the divergence");
  }

  @Test
  void aGentleRangeRunsToTheEnd() {
    Sequential model = Fixtures.mlp(16, 1);
    LrRangeTest.Result r = LrRangeTest.run(model, CrossEntropyLoss.builder().build(),
        Sgd.builder(1e-6).build(model.parameters()), data(), 1e-6, 1e-3, 30);
    assertNull(r.stopReason());
    assertEquals(30, r.lr().length);
    assertEquals(1e-3, r.lr()[29], 1e-15);
    assertEquals(r.loss()[0], r.smoothed()[0], 1e-12, "the bias correction makes s_0 the first loss");
  }

  @Test
  void theSteepestDescentOfASigmoidCurveIsItsMiddle() {
    int n = 41;
    double[] lr = new double[n], s = new double[n];
    for (int t = 0; t < n; t++) {
      lr[t] = Math.pow(10, -6 + 0.1 * t); // 1e-6 .. 1e-2
      s[t] = 2 - 1 / (1 + Math.exp(-3 * (Math.log10(lr[t]) + 4))) + (t == n - 1 ? 5 : 0); // steepest at 1e-4
    }
    assertEquals(1e-4, LrRangeTest.steepest(lr, s), 1e-12);
    assertEquals(lr[n - 2], LrRangeTest.minimum(lr, s), 1e-15);
  }

  @Test
  void badRangesAreNamed() {
    Sequential model = Fixtures.mlp(4, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LrRangeTest.run(model,
        CrossEntropyLoss.builder().build(), Sgd.builder(1e-3).build(model.parameters()), data(), 1, 1e-3, 100));
    assertTrue(e.getMessage().contains("from 1.0 to 0.001; expected 0 < start < end"), e.getMessage());
  }
}
