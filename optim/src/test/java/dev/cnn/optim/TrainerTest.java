package dev.cnn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Variable;
import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.Sequential;
import dev.cnn.tensor.Batch;
import dev.cnn.tensor.Log;
import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.Workspace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fit loop: the same as the loop written by hand, schedules, clipping, callbacks' order, resuming. */
class TrainerTest {
  private static final List<Batch> DATA = Fixtures.batches(Fixtures.blobs(11, 50, 50, 2), 25);

  @BeforeAll
  static void quiet() {
    Log.setLevel(Log.Level.WARN);
  }

  @AfterAll
  static void loud() {
    Log.setLevel(Log.Level.INFO);
  }

  /** The loop of the README, by hand: zeroGrad, forward, loss, backward, step. */
  @Test
  void fitIsTheLoopWrittenByHand() {
    Sequential a = Fixtures.mlp(8, 21), b = Fixtures.mlp(8, 21);
    CrossEntropyLoss loss = CrossEntropyLoss.of();
    Trainer.Result r = Trainer.builder(a, loss, Sgd.builder(0.1).momentum(0.9).build(a.parameters())).epochs(3)
        .build().fit(DATA, null);

    Optimizer opt = Sgd.builder(0.1).momentum(0.9).build(b.parameters());
    for (int epoch = 0; epoch < 3; epoch++) {
      double sum = 0;
      int n = 0;
      for (Batch batch : DATA) {
        opt.zeroGrad();
        Variable logits = b.forward(Variable.constant(batch.inputs()), Mode.TRAIN);
        Variable l = loss.compute(logits, batch.labels());
        l.backward();
        opt.step();
        sum += l.value().getFlat(0) * batch.size();
        n += batch.size();
      }
      assertEquals(sum / n, r.history().get(epoch).loss(), 0.0, "epoch " + epoch);
    }
    assertTrue(Fixtures.sameWeights(a, b));
    assertTrue(r.history().get(2).loss() < r.history().get(0).loss(), "did not learn: " + r.history());
    assertTrue(r.history().get(2).accuracy() > 0.8, "accuracy " + r.history().get(2).accuracy());
  }

  @Test
  void theScheduleSetsEachEpochsRate() {
    Sequential m = Fixtures.mlp(4, 1);
    LrSchedule s = LrSchedule.cosine(4, 0.1).withWarmup(2, 0.5);
    Trainer.Result r = Trainer.builder(m, CrossEntropyLoss.of(), Adam.adam(0.02).build(m.parameters()))
        .epochs(7).schedule(s).build().fit(DATA, null);
    for (int e = 0; e < 7; e++) assertEquals(0.02 * s.factor(e), r.history().get(e).learningRate(), 1e-15);
  }

  /** With clipGradientNorm every step sees gradients whose global norm is at most the bound. */
  @Test
  void clippingBoundsEveryStepsGradients() {
    Sequential m = Fixtures.mlp(8, 2);
    List<Double> norms = new ArrayList<>();
    Callback watch = new Callback() {
      @Override
      public void onBatchEnd(TrainingContext ctx, int epoch, int batch, double loss) {
        double s = 0;
        for (Variable p : ctx.model().parameters().values()) for (double v : p.grad().toDoubleArray()) s += v * v;
        norms.add(Math.sqrt(s));
      }
    };
    Trainer.builder(m, CrossEntropyLoss.of(), Sgd.builder(0.1).build(m.parameters())).epochs(2)
        .clipGradientNorm(0.01).callbacks(watch).build().fit(DATA, null);
    assertEquals(2 * DATA.size(), norms.size());
    for (double n : norms) assertTrue(n <= 0.01 * (1 + 1e-6), "norm " + n);
  }

  @Test
  void callbacksAreCalledInOrder() {
    List<String> calls = new ArrayList<>();
    Callback log = new Callback() {
      @Override
      public void onTrainBegin(TrainingContext ctx) {
        calls.add("trainBegin");
      }

      @Override
      public void onEpochBegin(TrainingContext ctx, int epoch) {
        calls.add("epochBegin " + epoch);
      }

      @Override
      public void onBatchLoss(TrainingContext ctx, int epoch, int batch, double loss) {
        calls.add("batchLoss " + epoch + "." + batch);
      }

      @Override
      public void onBatchEnd(TrainingContext ctx, int epoch, int batch, double loss) {
        calls.add("batchEnd " + epoch + "." + batch);
      }

      @Override
      public void onEpochEnd(TrainingContext ctx, EpochMetrics m) {
        calls.add("epochEnd " + m.epoch() + " history " + ctx.history().size());
        if (m.epoch() == 1) ctx.requestStop("enough");
      }

      @Override
      public void onTrainEnd(TrainingContext ctx) {
        calls.add("trainEnd " + ctx.stopReason());
      }
    };
    Sequential m = Fixtures.mlp(4, 1);
    Trainer.Result r = Trainer.builder(m, CrossEntropyLoss.of(), Sgd.builder(0.1).build(m.parameters())).epochs(5)
        .callbacks(log).build().fit(DATA.subList(0, 2), null);
    assertEquals(List.of("trainBegin", "epochBegin 0", "batchLoss 0.0", "batchEnd 0.0", "batchLoss 0.1", "batchEnd 0.1",
        "epochEnd 0 history 1", "epochBegin 1", "batchLoss 1.0", "batchEnd 1.0", "batchLoss 1.1", "batchEnd 1.1",
        "epochEnd 1 history 2", "trainEnd enough"), calls);
    assertEquals("enough", r.stopReason());
    assertEquals(2, r.history().size());
  }

  private static Trainer trainer(Sequential m, Optimizer opt, int epochs) {
    return Trainer.builder(m, CrossEntropyLoss.of(), opt).epochs(epochs).schedule(LrSchedule.step(1, 0.5))
        .callbacks(new ReduceLrOnPlateau(Metric.LOSS, 0.5, 1, 1e9, 0, 0)).build();
  }

  private static void assertSameRun(Sequential expectedModel, List<EpochMetrics> expected, Sequential model,
      List<EpochMetrics> actual) {
    assertTrue(Fixtures.sameWeights(expectedModel, model), "the resumed run's weights differ");
    assertEquals(expected.size(), actual.size());
    for (int e = 0; e < expected.size(); e++) {
      assertEquals(expected.get(e).loss(), actual.get(e).loss(), 0.0, "loss of epoch " + e);
      assertEquals(expected.get(e).learningRate(), actual.get(e).learningRate(), 0.0, "rate of epoch " + e);
    }
  }

  /**
   * Four epochs straight, or two and then two more with the same TrainingState: the same run,
   * bit for bit, although the schedule and ReduceLrOnPlateau changed the optimiser's rate in
   * between (the base rate comes from the state, not from the optimiser's rate at the second
   * trainer's construction).
   */
  @Test
  void resumingWithTheSameStateContinuesTheRun() {
    Sequential straight = Fixtures.mlp(8, 4), resumed = Fixtures.mlp(8, 4);
    Trainer.Result full = trainer(straight, Adam.adam(0.05).build(straight.parameters()), 4).fit(DATA, null);

    Optimizer opt = Adam.adam(0.05).build(resumed.parameters());
    Trainer.TrainingState state = new Trainer.TrainingState();
    ReduceLrOnPlateau reduce = new ReduceLrOnPlateau(Metric.LOSS, 0.5, 1, 1e9, 0, 0);
    Trainer.builder(resumed, CrossEntropyLoss.of(), opt).epochs(2).schedule(LrSchedule.step(1, 0.5))
        .callbacks(reduce).build().fit(DATA, null, state);
    assertEquals(2, state.history().size());
    assertEquals(0.05, state.baseLearningRate());
    Trainer.Result rest = Trainer.builder(resumed, CrossEntropyLoss.of(), opt).epochs(4)
        .schedule(LrSchedule.step(1, 0.5)).callbacks(reduce).build().fit(DATA, null, state);
    assertSameRun(straight, full.history(), resumed, rest.history());
  }

  /**
   * As from a checkpoint: a new model and optimiser get the saved weights and optimiser state,
   * and TrainingState.after gets the history, the scale and the base rate.
   */
  @Test
  void resumingFromSavedStateContinuesTheRun() {
    Sequential straight = Fixtures.mlp(8, 4), first = Fixtures.mlp(8, 4);
    Trainer.Result full = trainer(straight, Adam.adam(0.05).build(straight.parameters()), 4).fit(DATA, null);

    Optimizer opt1 = Adam.adam(0.05).build(first.parameters());
    ReduceLrOnPlateau reduce = new ReduceLrOnPlateau(Metric.LOSS, 0.5, 1, 1e9, 0, 0);
    Trainer.TrainingState s1 = new Trainer.TrainingState();
    Trainer.builder(first, CrossEntropyLoss.of(), opt1).epochs(2).schedule(LrSchedule.step(1, 0.5))
        .callbacks(reduce).build().fit(DATA, null, s1);
    Map<String, Tensor> weights = Weights.snapshot(first), optState = opt1.state();

    Sequential second = Fixtures.mlp(8, 99); // other initial weights, replaced by the saved ones
    second.loadStateDict(weights, "checkpoint");
    Optimizer opt2 = Adam.adam(0.05).build(second.parameters());
    opt2.loadState(optState); // its rate is now the last epoch's, not the base
    Trainer.TrainingState s2 = Trainer.TrainingState.after(s1.history(), s1.learningRateScale(),
        s1.baseLearningRate());
    Trainer.Result rest = Trainer.builder(second, CrossEntropyLoss.of(), opt2).epochs(4)
        .schedule(LrSchedule.step(1, 0.5)).callbacks(reduce).build().fit(DATA, null, s2);
    assertSameRun(straight, full.history(), second, rest.history());
  }

  /** An Iterable that can be iterated only once gives no batches in the second epoch: an error, not a silent stop. */
  @Test
  void anEpochWithoutBatchesIsAnError() {
    Sequential m = Fixtures.mlp(4, 1);
    java.util.Iterator<Batch> once = DATA.iterator();
    Iterable<Batch> oneShot = () -> once;
    Trainer t = Trainer.builder(m, CrossEntropyLoss.of(), Sgd.builder(0.1).build(m.parameters())).epochs(3).build();
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> t.fit(oneShot, null));
    assertTrue(e.getMessage().contains("no batches in epoch 2") && e.getMessage().contains("only once"),
        e.getMessage());
    e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> t.fit(List.of(), null));
    assertTrue(e.getMessage().contains("no batches in epoch 1"), e.getMessage());
  }

  @Test
  void validationIsMeasuredInEvalModeEachEpoch() {
    Sequential m = Fixtures.mlp(8, 6);
    Trainer.Result r = Trainer.builder(m, CrossEntropyLoss.of(), Adam.adam(0.01).build(m.parameters())).epochs(2)
        .build().fit(DATA, DATA.subList(0, 1));
    Evaluation after = Evaluator.evaluate(m, CrossEntropyLoss.of(), DATA.subList(0, 1), null);
    assertEquals(after.loss(), r.history().get(1).valLoss(), 0.0);
    assertEquals(after.accuracy(), r.history().get(1).valAccuracy(), 0.0);
    assertTrue(Double.isNaN(Trainer.builder(m, CrossEntropyLoss.of(), Adam.adam(0.01).build(m.parameters())).epochs(1)
        .build().fit(DATA, null).history().get(0).valLoss()));
  }

  /** fit and evaluate open a workspace per batch; inside the caller's scope they would keep every batch's arrays. */
  @Test
  void fitAndEvaluateRefuseToRunInsideAWorkspaceScope() {
    Sequential m = Fixtures.mlp(8, 21);
    Trainer t = Trainer.builder(m, CrossEntropyLoss.of(), Sgd.builder(0.1).build(m.parameters())).epochs(1).build();
    try (Workspace ws = Workspace.open()) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.fit(DATA, null));
      assertTrue(e.getMessage().startsWith("Trainer.fit: called inside an open Workspace scope"), e.getMessage());
      e = assertThrows(IllegalStateException.class, () -> Evaluator.evaluate(m, CrossEntropyLoss.of(), DATA, null));
      assertTrue(e.getMessage().startsWith("evaluate: called inside an open Workspace scope"), e.getMessage());
    }
    assertEquals(1, t.fit(DATA, null).history().size(), "outside a scope it trains");
  }
}
