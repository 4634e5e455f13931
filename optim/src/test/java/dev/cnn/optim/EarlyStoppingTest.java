package dev.cnn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.Dense;
import dev.cnn.layers.Sequential;
import dev.cnn.tensor.Log;
import dev.cnn.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * EarlyStopping on scripted metric sequences, driven through onEpochEnd as the trainer would. Before
 * each epoch's metrics are reported, every weight of a tiny model is set to {@code epoch + 1}, so
 * the weights found in the model afterwards say which epoch's were restored.
 */
class EarlyStoppingTest {
  @BeforeAll
  static void quiet() {
    Log.setLevel(Log.Level.WARN);
  }

  @AfterAll
  static void loud() {
    Log.setLevel(Log.Level.INFO);
  }

  /** What a scripted run did: the last epoch that ran, and whose weights the model holds. */
  record Run(int lastEpoch, int weightsOfEpoch, boolean stopped, String reason) {}

  private static Run run(EarlyStopping es, Metric metric, double... values) {
    Sequential model = Sequential.builder(2).add(Dense.of(2, 2)).build(7);
    TrainingContext ctx = new TrainingContext(model, Sgd.builder(0.1).build(model.parameters()), new ArrayList<>());
    es.onTrainBegin(ctx);
    int last = -1;
    for (int e = 0; e < values.length && !ctx.stopRequested(); e++) {
      setWeights(model, e + 1);
      es.onEpochEnd(ctx, metrics(metric, e, values[e]));
      last = e;
    }
    es.onTrainEnd(ctx);
    return new Run(last, weightTag(model) - 1, ctx.stopRequested(), ctx.stopReason());
  }

  static EpochMetrics metrics(Metric metric, int epoch, double v) {
    double nan = Double.NaN;
    switch (metric) {
      case LOSS:
        return new EpochMetrics(epoch, v, nan, nan, nan, 0.1, 1, 0);
      case ACCURACY:
        return new EpochMetrics(epoch, nan, v, nan, nan, 0.1, 1, 0);
      case VAL_LOSS:
        return new EpochMetrics(epoch, nan, nan, v, nan, 0.1, 1, 0);
      default:
        return new EpochMetrics(epoch, nan, nan, nan, v, 0.1, 1, 0);
    }
  }

  static void setWeights(Sequential model, float value) {
    for (Tensor t : model.stateDict().values()) Arrays.fill(t.floatData(), value);
  }

  /** The single value every weight holds (fails if they differ). */
  static int weightTag(Sequential model) {
    float tag = Float.NaN;
    for (Tensor t : model.stateDict().values()) {
      for (float v : t.floatData()) {
        if (Float.isNaN(tag)) tag = v;
        assertEquals(tag, v, 0f, "the weights are a mixture of epochs");
      }
    }
    return (int) tag;
  }

  @Test
  void stopsAfterPatienceEpochsWithoutImprovementAndRestoresTheBest() {
    EarlyStopping es = EarlyStopping.on(Metric.VAL_LOSS).patience(2).restoreBestWeights(true).build();
    Run r = run(es, Metric.VAL_LOSS, 1.0, 0.8, 0.9, 0.85, 0.7, 0.6);
    assertEquals(3, r.lastEpoch()); // epochs 2 and 3 do not beat 0.8
    assertTrue(r.stopped());
    assertEquals(1, r.weightsOfEpoch());
    assertEquals(1, es.bestEpoch());
    assertEquals(0.8, es.best());
    assertEquals(3, es.stoppedEpoch());
    assertTrue(r.reason().contains("val_loss") && r.reason().contains("epoch 2")
        && r.reason().contains("restored the weights of epoch 2"), r.reason());
  }

  @Test
  void withoutRestoringTheLastWeightsStay() {
    EarlyStopping es = EarlyStopping.on(Metric.VAL_LOSS).patience(2).build();
    Run r = run(es, Metric.VAL_LOSS, 1.0, 0.8, 0.9, 0.85, 0.7);
    assertEquals(3, r.lastEpoch());
    assertEquals(3, r.weightsOfEpoch());
    assertNull(es.bestWeights());
  }

  @Test
  void patienceZeroStopsAtTheFirstEpochWithoutImprovement() {
    Run r = run(EarlyStopping.on(Metric.VAL_LOSS).restoreBestWeights(true).build(), Metric.VAL_LOSS,
        3, 2, 1, 1, 0.5);
    assertEquals(3, r.lastEpoch()); // 1 does not beat 1
    assertEquals(2, r.weightsOfEpoch());
  }

  @Test
  void aMaxMetricImprovesUpwards() {
    Run r = run(EarlyStopping.on(Metric.VAL_ACCURACY).patience(2).restoreBestWeights(true).build(),
        Metric.VAL_ACCURACY, 0.5, 0.7, 0.6, 0.65, 0.9);
    assertEquals(3, r.lastEpoch());
    assertEquals(1, r.weightsOfEpoch());
    // The same values watched as a MIN metric: 0.5 stays best, epochs 1 and 2 do not beat it.
    Run min = run(EarlyStopping.on(Metric.VAL_ACCURACY).mode(Metric.Direction.MIN).patience(2)
        .restoreBestWeights(true).build(), Metric.VAL_ACCURACY, 0.5, 0.7, 0.6, 0.65, 0.9);
    assertEquals(2, min.lastEpoch());
    assertEquals(0, min.weightsOfEpoch());
  }

  @Test
  void minDeltaIgnoresSmallImprovements() {
    EarlyStopping es = EarlyStopping.on(Metric.LOSS).patience(2).minDelta(0.1).restoreBestWeights(true).build();
    // 0.95 is not below 1.0 - 0.1; 0.85 is (best 0.85); 0.8 and 0.79 are not below 0.75.
    Run r = run(es, Metric.LOSS, 1.0, 0.95, 0.85, 0.8, 0.79, 0.5);
    assertEquals(4, r.lastEpoch());
    assertEquals(2, r.weightsOfEpoch()); // not epoch 4, whose loss 0.79 was lower
    assertEquals(0.85, es.best());
    // Without minDelta the same sequence keeps improving and runs to the end.
    Run plain = run(EarlyStopping.on(Metric.LOSS).patience(2).restoreBestWeights(true).build(), Metric.LOSS,
        1.0, 0.95, 0.85, 0.8, 0.79, 0.5);
    assertEquals(5, plain.lastEpoch());
    assertFalse(plain.stopped());
    assertEquals(5, plain.weightsOfEpoch());
  }

  @Test
  void aBaselineNotYetBeatenKeepsThePatienceCounterRunning() {
    // Improving but above the baseline 0.5: the counter is not reset, so the first epoch without
    // improvement (epoch 2, with three epochs counted) stops training.
    EarlyStopping es = EarlyStopping.on(Metric.VAL_LOSS).patience(3).baseline(0.5).restoreBestWeights(true).build();
    Run r = run(es, Metric.VAL_LOSS, 1.0, 0.9, 0.95, 0.8, 0.7);
    assertEquals(2, r.lastEpoch());
    assertEquals(1, r.weightsOfEpoch());
    // Without the baseline the same values run on (one epoch without improvement < patience 3).
    Run plain = run(EarlyStopping.on(Metric.VAL_LOSS).patience(3).build(), Metric.VAL_LOSS, 1.0, 0.9, 0.95, 0.8, 0.7);
    assertEquals(4, plain.lastEpoch());
    // Once the baseline is beaten (0.4 at epoch 1), the counter resets as usual.
    Run beaten = run(EarlyStopping.on(Metric.VAL_LOSS).patience(3).baseline(0.5).restoreBestWeights(true).build(),
        Metric.VAL_LOSS, 1.0, 0.4, 0.45, 0.46, 0.47, 0.3);
    assertEquals(4, beaten.lastEpoch());
    assertEquals(1, beaten.weightsOfEpoch());
  }

  @Test
  void startFromEpochIgnoresTheEarlyEpochs() {
    EarlyStopping es = EarlyStopping.on(Metric.VAL_LOSS).patience(1).startFromEpoch(3).restoreBestWeights(true)
        .build();
    // Epochs 0-2 have the lowest values but are not watched; best is epoch 4 (0.9).
    Run r = run(es, Metric.VAL_LOSS, 0.1, 0.2, 0.3, 1.0, 0.9, 0.95, 0.96);
    assertEquals(5, r.lastEpoch());
    assertEquals(4, r.weightsOfEpoch());
    assertEquals(4, es.bestEpoch());
  }

  @Test
  void runningOutOfEpochsRestoresTheBestWeights() {
    EarlyStopping es = EarlyStopping.on(Metric.VAL_LOSS).patience(10).restoreBestWeights(true).build();
    Run r = run(es, Metric.VAL_LOSS, 1.0, 0.5, 0.7, 0.8);
    assertFalse(r.stopped());
    assertEquals(3, r.lastEpoch());
    assertEquals(1, r.weightsOfEpoch());
    assertEquals(-1, es.stoppedEpoch());
  }

  @Test
  void epochsWithoutTheMetricAreSkipped() {
    // NaN: no validation that epoch. It neither improves nor counts.
    Run r = run(EarlyStopping.on(Metric.VAL_LOSS).patience(1).restoreBestWeights(true).build(), Metric.VAL_LOSS,
        1.0, Double.NaN, Double.NaN, 0.9, 0.95);
    assertEquals(4, r.lastEpoch());
    assertTrue(r.stopped());
    assertEquals(3, r.weightsOfEpoch());
  }

  /** Through the real loop: the stop ends fit at the expected epoch and the kept weights are epoch 0's. */
  @Test
  void stopsTheTrainerAndRestoresThroughIt() {
    Sequential model = Fixtures.mlp(3, 11);
    var data = Fixtures.batches(Fixtures.blobs(5, 32, 32, 2.0), 16);
    List<Map<String, Tensor>> after = new ArrayList<>();
    Callback snapshot = new Callback() {
      @Override
      public void onEpochEnd(TrainingContext ctx, EpochMetrics m) {
        after.add(Weights.snapshot(ctx.model()));
      }
    };
    // minDelta 1e9: nothing after epoch 0 counts as an improvement; patience 2 stops after epoch 2.
    EarlyStopping es = EarlyStopping.on(Metric.LOSS).patience(2).minDelta(1e9).restoreBestWeights(true).build();
    Trainer.Result result = Trainer.builder(model, CrossEntropyLoss.of(),
        Adam.adam(0.01).build(model.parameters())).epochs(10).callbacks(snapshot, es).build().fit(data, null);
    assertEquals(3, result.history().size());
    assertTrue(result.stopReason().startsWith("early stopping"), result.stopReason());
    Fixtures.assertSameWeights(after.get(0), model);
  }
}
