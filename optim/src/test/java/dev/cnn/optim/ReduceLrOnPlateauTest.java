package dev.cnn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.Dense;
import dev.cnn.layers.Sequential;
import dev.cnn.tensor.Log;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ReduceLrOnPlateau on scripted metric sequences (Keras' semantics, as its class comment writes
 * them out), and through the trainer, where it composes with a schedule.
 */
class ReduceLrOnPlateauTest {
  @BeforeAll
  static void quiet() {
    Log.setLevel(Log.Level.WARN);
  }

  @AfterAll
  static void loud() {
    Log.setLevel(Log.Level.INFO);
  }

  /** The learning rate in force after each epoch's callback, starting from 0.1. */
  private static double[] rates(ReduceLrOnPlateau r, Metric metric, double... values) {
    Sequential model = Sequential.builder(2).add(Dense.of(2, 2)).build(1);
    TrainingContext ctx = new TrainingContext(model, Sgd.builder(0.1).build(model.parameters()), new ArrayList<>());
    double[] out = new double[values.length];
    for (int e = 0; e < values.length; e++) {
      r.onEpochEnd(ctx, EarlyStoppingTest.metrics(metric, e, values[e]));
      out[e] = ctx.optimizer().learningRate();
      assertEquals(out[e] / 0.1, ctx.learningRateScale(), 1e-12, "the scale follows the rate");
    }
    return out;
  }

  private static void assertRates(double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-12, "rate after epoch " + i + " of " + java.util.Arrays.toString(actual));
    }
  }

  @Test
  void reducesOnThePatienceThEpochWithoutImprovement() {
    ReduceLrOnPlateau r = new ReduceLrOnPlateau(Metric.VAL_LOSS, 0.5, 2, 0, 0, 0);
    // best 0.9 at epoch 1; epochs 2, 3 without improvement -> reduce after epoch 3; 4, 5 -> after 5.
    assertRates(new double[] {0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025},
        rates(r, Metric.VAL_LOSS, 1.0, 0.9, 0.95, 0.96, 0.97, 0.98, 0.5));
  }

  @Test
  void anImprovementResetsTheCount() {
    ReduceLrOnPlateau r = new ReduceLrOnPlateau(Metric.LOSS, 0.5, 2, 0, 0, 0);
    // Without the improvement at epoch 2 the rate would fall after epoch 2; with it, after epoch 4.
    assertRates(new double[] {0.1, 0.1, 0.1, 0.1, 0.05, 0.05},
        rates(r, Metric.LOSS, 1.0, 1.1, 0.9, 1.0, 0.95, 0.99));
  }

  @Test
  void minDeltaAndAMaxMetric() {
    // Accuracy must rise by more than 0.05: 0.52 and 0.54 do not count, so the rate falls after epoch 2.
    ReduceLrOnPlateau r = new ReduceLrOnPlateau(Metric.VAL_ACCURACY, 0.1, 2, 0.05, 0, 0);
    assertRates(new double[] {0.1, 0.1, 0.01, 0.01}, rates(r, Metric.VAL_ACCURACY, 0.5, 0.52, 0.54, 0.7));
  }

  /**
   * Cooldown 3 after a reduction at epoch 2: epochs 3 and 4 are not counted, epoch 5 (the last
   * cooldown epoch, in Keras' order) already counts, so with patience 2 the next reduction is
   * after epoch 6 = 2 + (3 - 1) + 2. Without the cooldown it would come after epoch 4.
   */
  @Test
  void cooldownDelaysTheNextReduction() {
    double[] flat = {1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0};
    assertRates(new double[] {0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025},
        rates(new ReduceLrOnPlateau(Metric.LOSS, 0.5, 2, 0, 3, 0), Metric.LOSS, flat));
    assertRates(new double[] {0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125, 0.0125, 0.00625},
        rates(new ReduceLrOnPlateau(Metric.LOSS, 0.5, 2, 0, 0, 0), Metric.LOSS, flat));
  }

  @Test
  void neverGoesBelowMinLr() {
    ReduceLrOnPlateau r = new ReduceLrOnPlateau(Metric.LOSS, 0.1, 1, 0, 0, 0.003);
    assertRates(new double[] {0.1, 0.01, 0.003, 0.003, 0.003}, rates(r, Metric.LOSS, 1, 1, 1, 1, 1));
  }

  @Test
  void epochsWithoutTheMetricAreSkipped() {
    ReduceLrOnPlateau r = new ReduceLrOnPlateau(Metric.VAL_LOSS, 0.5, 1, 0, 0, 0);
    assertRates(new double[] {0.1, 0.1, 0.1, 0.05}, rates(r, Metric.VAL_LOSS, 1, Double.NaN, Double.NaN, 2));
  }

  /**
   * In the trainer the reduction multiplies the scheduled rate from the next epoch on. With
   * minDelta 1e9 nothing after epoch 0 improves; patience 1 reduces after every later epoch.
   */
  @Test
  void composesWithTheScheduleInTheTrainer() {
    Sequential model = Fixtures.mlp(4, 3);
    var data = Fixtures.batches(Fixtures.blobs(2, 20, 20, 2), 10);
    Trainer.Result result = Trainer.builder(model, CrossEntropyLoss.of(), Sgd.builder(0.2).build(model.parameters()))
        .epochs(5).schedule(LrSchedule.exponential(0.9))
        .callbacks(new ReduceLrOnPlateau(Metric.LOSS, 0.5, 1, 1e9, 0, 0)).build().fit(data, null);
    List<EpochMetrics> h = result.history();
    assertEquals(5, h.size());
    double[] expected = {0.2, 0.2 * 0.9, 0.2 * 0.81 * 0.5, 0.2 * 0.729 * 0.25, 0.2 * 0.6561 * 0.125};
    for (int e = 0; e < 5; e++) assertEquals(expected[e], h.get(e).learningRate(), 1e-12, "epoch " + e);
  }
}
