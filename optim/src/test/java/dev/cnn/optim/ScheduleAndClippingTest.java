package dev.cnn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The schedules' formulas at every epoch, and gradient clipping's bound (PyTorch's values are in OptimGoldenTest). */
class ScheduleAndClippingTest {
  private static final int EPOCHS = 60;

  @Test
  void constantIsOne() {
    for (int e = 0; e < EPOCHS; e++) assertEquals(1.0, LrSchedule.constant().factor(e));
  }

  @Test
  void stepMultipliesByGammaEveryStepSizeEpochs() {
    for (int size : new int[] {1, 3, 7}) {
      LrSchedule s = LrSchedule.step(size, 0.5);
      double expected = 1;
      for (int e = 0; e < EPOCHS; e++) {
        if (e > 0 && e % size == 0) expected *= 0.5;
        assertEquals(expected, s.factor(e), 1e-15 * expected, "step size " + size + " epoch " + e);
      }
    }
  }

  @Test
  void exponentialMultipliesByGammaEveryEpoch() {
    LrSchedule s = LrSchedule.exponential(0.9);
    double expected = 1;
    for (int e = 0; e < EPOCHS; e++) {
      assertEquals(expected, s.factor(e), 1e-13 * expected, "epoch " + e);
      expected *= 0.9;
    }
  }

  @Test
  void cosineFallsFromOneToTheMinimumAndStaysThere() {
    int tMax = 17;
    double min = 0.05;
    LrSchedule s = LrSchedule.cosine(tMax, min);
    double previous = Double.POSITIVE_INFINITY;
    for (int e = 0; e < EPOCHS; e++) {
      double expected = e >= tMax ? min : min + (1 - min) * 0.5 * (1 + Math.cos(Math.PI * e / tMax));
      assertEquals(expected, s.factor(e), 1e-15, "epoch " + e);
      assertTrue(s.factor(e) <= previous, "not monotone at epoch " + e);
      previous = s.factor(e);
    }
    assertEquals(1.0, s.factor(0), 0.0);
    assertEquals(min, s.factor(tMax), 1e-16);
    assertEquals((1 + min) / 2, LrSchedule.cosine(10, min).factor(5), 1e-15);
  }

  @Test
  void oneCycleRisesToOneThenFallsToTheFloorStepByStep() {
    int epochs = 4, spe = 10, total = epochs * spe;
    LrSchedule s = LrSchedule.oneCycle(epochs, 0.3, 25, 1e4);
    assertTrue(s.perStep());
    assertEquals(1 / 25.0, s.factor(0, 0, spe), 1e-15);
    double peak = 0;
    int peakAt = -1;
    for (int t = 0; t < total; t++) {
      double f = s.factor(t / spe, t % spe, spe);
      if (f > peak) {
        peak = f;
        peakAt = t;
      }
    }
    assertEquals(1.0, peak, 1e-12);
    assertEquals(11, peakAt, "the peak at pctStart * T - 1 = 11");
    assertEquals(1 / 25.0 / 1e4, s.factor(epochs - 1, spe - 1, spe), 1e-18, "the floor at the last step");
    assertThrows(IllegalArgumentException.class, () -> LrSchedule.oneCycle(3, 1.0, 25, 1e4));
    assertThrows(IllegalArgumentException.class, () -> LrSchedule.oneCycle(0, 0.3, 25, 1e4));
  }

  @Test
  void warmupInStepsMultipliesIntoTheScheduleUnderIt() {
    LrSchedule s = LrSchedule.cosine(4, 0).withWarmupSteps(6, 0.1);
    assertTrue(s.perStep());
    int spe = 4;
    for (int t = 0; t < 16; t++) {
      int e = t / spe;
      double warm = t < 6 ? 0.1 + 0.9 * t / 6 : 1;
      assertEquals(warm * LrSchedule.cosine(4, 0).factor(e), s.factor(e, t % spe, spe), 1e-15, "step " + t);
    }
    assertFalse(LrSchedule.cosine(4, 0).perStep());
  }

  /** The trainer sets a per-step schedule's rate before every step; a source without a batch count is refused. */
  @Test
  void theTrainerSetsAPerStepRateBeforeEveryStep() {
    Fixtures.Points p = Fixtures.blobs(3, 40, 40, 2);
    List<dev.cnn.tensor.Batch> batches = Fixtures.batches(p, 16); // 5 batches per epoch
    dev.cnn.layers.Sequential model = Fixtures.mlp(4, 1);
    Optimizer sgd = Sgd.builder(0.2).build(model.parameters());
    LrSchedule s = LrSchedule.oneCycle(2, 0.3, 25, 1e4);
    List<Double> seen = new ArrayList<>();
    Callback record = new Callback() {
      @Override
      public void onBatchEnd(TrainingContext ctx, int epoch, int batch, double loss) {
        seen.add(ctx.optimizer().learningRate());
      }
    };
    Trainer.builder(model, dev.cnn.layers.CrossEntropyLoss.of(), sgd).epochs(2).schedule(s).callbacks(record)
        .progress(Progress.none()).build().fit(batches, null);
    assertEquals(10, seen.size());
    for (int t = 0; t < 10; t++) assertEquals(0.2 * s.factor(t / 5, t % 5, 5), seen.get(t), 1e-15, "step " + t);
    Iterable<dev.cnn.tensor.Batch> uncounted = batches::iterator;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder(Fixtures.mlp(4, 1),
        dev.cnn.layers.CrossEntropyLoss.of(), Sgd.builder(0.2).build(Fixtures.mlp(4, 1).parameters())).epochs(1)
        .schedule(s).progress(Progress.none()).build().fit(uncounted, null));
    assertTrue(e.getMessage().contains("needs the number of batches per epoch"), e.getMessage());
  }

  @Test
  void warmupRisesLinearlyThenHandsOverAtTheInnerSchedulesEpochZero() {
    int w = 5;
    double start = 0.2;
    LrSchedule inner = LrSchedule.step(4, 0.1);
    LrSchedule s = inner.withWarmup(w, start);
    for (int e = 0; e < EPOCHS; e++) {
      double expected = e < w ? start + (1 - start) * e / w : inner.factor(e - w);
      assertEquals(expected, s.factor(e), 1e-15, "epoch " + e);
    }
    assertEquals(start, s.factor(0), 0.0);
    assertEquals(1.0, s.factor(w), 0.0); // the inner schedule's epoch 0
    assertEquals(0.1, s.factor(w + 4), 1e-16);
    LrSchedule none = inner.withWarmup(0, 0.5); // no warm-up epochs: the inner schedule itself
    for (int e = 0; e < EPOCHS; e++) assertEquals(inner.factor(e), none.factor(e), 0.0);
  }

  /** Gives each parameter the gradient g exactly: the gradient of sum(p * g) is g. */
  private static List<Variable> withGradients(List<Tensor> grads) {
    List<Variable> params = new ArrayList<>();
    for (Tensor g : grads) {
      Variable p = Variable.parameter(Tensor.zeros(g.dtype(), g.shape()), "p" + params.size());
      params.add(p);
      Ops.sum(Ops.mul(p, Variable.constant(g))).backward();
    }
    return params;
  }

  private static double globalNorm(List<Variable> params) {
    double s = 0;
    for (Variable p : params) for (double v : p.grad().toDoubleArray()) s += v * v;
    return Math.sqrt(s);
  }

  /**
   * After byGlobalNorm the global norm is at most maxNorm (plus float32 rounding); the returned
   * value is the norm before; gradients below the bound are untouched; clipped ones keep their
   * direction (all scaled by one factor).
   */
  @Property(tries = 200)
  void byGlobalNormBoundsTheNorm(@ForAll @IntRange(min = 1, max = 4) int tensors,
      @ForAll @IntRange(min = 1, max = 9) int size, @ForAll @DoubleRange(min = -3, max = 3) double log10Scale,
      @ForAll @DoubleRange(min = -2, max = 2) double log10MaxNorm, @ForAll boolean float32, @ForAll long seed) {
    Rng rng = new Rng(seed);
    double scale = Math.pow(10, log10Scale), maxNorm = Math.pow(10, log10MaxNorm);
    List<Tensor> grads = new ArrayList<>();
    for (int t = 0; t < tensors; t++) {
      grads.add(Tensor.normal(rng, float32 ? DType.FLOAT32 : DType.FLOAT64, 0, scale, 1 + rng.nextInt(size)));
    }
    List<Variable> params = withGradients(grads);
    double before = globalNorm(params);
    double returned = GradientClipping.byGlobalNorm(params, maxNorm);
    assertEquals(before, returned, 1e-12 * before);
    double after = globalNorm(params);
    double tiny = float32 ? 1e-6 : 1e-12;
    assertTrue(after <= maxNorm * (1 + tiny), "norm " + before + " clipped to " + maxNorm + " is " + after);
    if (before <= maxNorm) {
      for (int t = 0; t < tensors; t++) {
        assertArrayEquals(grads.get(t).toDoubleArray(), params.get(t).grad().toDoubleArray(), 0.0);
      }
    } else {
      double coef = maxNorm / (before + 1e-6);
      assertEquals(maxNorm, after, maxNorm * (float32 ? 1e-6 : 1e-9) + 1e-6);
      for (int t = 0; t < tensors; t++) {
        double[] g = grads.get(t).toDoubleArray(), c = params.get(t).grad().toDoubleArray();
        for (int i = 0; i < g.length; i++) assertEquals(g[i] * coef, c[i], Math.abs(g[i] * coef) * tiny + 1e-300);
      }
    }
  }

  @Test
  void byValueClampsEveryElement() {
    List<Variable> params = withGradients(List.of(Tensor.of(new double[] {-3, -0.5, 0, 0.5, 3}, 5),
        Tensor.of(new float[] {10f, -10f}, 2)));
    GradientClipping.byValue(params, 1.0);
    assertArrayEquals(new double[] {-1, -0.5, 0, 0.5, 1}, params.get(0).grad().toDoubleArray(), 0.0);
    assertArrayEquals(new double[] {1, -1}, params.get(1).grad().toDoubleArray(), 0.0);
  }

  @Test
  void parametersWithoutGradientsAreSkipped() {
    List<Variable> params = new ArrayList<>(withGradients(List.of(Tensor.of(new double[] {3, 4}, 2))));
    params.add(Variable.parameter(Tensor.zeros(DType.FLOAT64, 3), "no grad"));
    assertEquals(5.0, GradientClipping.byGlobalNorm(params, 1.0), 1e-15);
    assertEquals(1.0, globalNorm(params.subList(0, 1)), 1e-6);
    GradientClipping.byValue(params, 0.1);
  }
}
