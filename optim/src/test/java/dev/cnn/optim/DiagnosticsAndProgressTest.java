package dev.cnn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.Dense;
import dev.cnn.layers.ReLU;
import dev.cnn.layers.Sequential;
import dev.cnn.tensor.Batch;
import dev.cnn.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The trainer's diagnostics (gradient norms, ReLU zero fractions) and its plain progress lines. */
class DiagnosticsAndProgressTest {
  private static final List<Batch> DATA = Fixtures.batches(Fixtures.blobs(3, 40, 40, 2), 20);

  /** 2 -> 8 -> ReLU -> 8 -> ReLU -> 2, with the layers named so that the records can be read by name. */
  private static Sequential model() {
    return Sequential.builder(2).add("fc1", Dense.of(2, 8)).add("act1", new ReLU()).add("fc2", Dense.of(8, 8))
        .add("act2", new ReLU()).add("out", Dense.of(8, 2)).build(5);
  }

  private static Trainer.Result fit(Sequential model, boolean diagnostics, int epochs) {
    return Trainer.builder(model, CrossEntropyLoss.of(), Sgd.builder(0.05).build(model.parameters()))
        .epochs(epochs).diagnostics(diagnostics).build().fit(DATA, null);
  }

  @Test
  void recordsEveryParametersGradientNormAndEveryReluZeroFraction() {
    Sequential model = model();
    Trainer.Result r = fit(model, true, 3);
    assertEquals(3, r.diagnostics().size());
    for (int e = 0; e < 3; e++) {
      Diagnostics.Epoch d = r.diagnostics().get(e);
      assertEquals(e, d.epoch());
      assertEquals(model.parameters().keySet(), d.gradientNorms().keySet());
      d.gradientNorms().forEach((name, norm) ->
          assertTrue(Double.isFinite(norm) && norm > 0, name + " has gradient norm " + norm));
      assertEquals(Set.of("act1", "act2"), d.reluZeroFractions().keySet());
      d.reluZeroFractions().forEach((name, f) -> assertTrue(f >= 0 && f <= 1, name + " zero fraction " + f));
    }
  }

  /** The first epoch's norms are the mean over its batches of each batch's gradient norm (before the step). */
  @Test
  void gradientNormsAreBatchMeans() {
    Sequential model = model(), copy = model();
    Trainer.Result r = fit(model, true, 1);
    // Replay the epoch by hand on an identical model.
    Optimizer opt = Sgd.builder(0.05).build(copy.parameters());
    double[] sum = new double[copy.parameters().size()];
    for (Batch b : DATA) {
      opt.zeroGrad();
      CrossEntropyLoss.of().compute(copy.forward(dev.cnn.engine.Variable.constant(b.inputs()),
          dev.cnn.engine.Mode.TRAIN), b.labels()).backward();
      int i = 0;
      for (var p : copy.parameters().values()) {
        double s = 0;
        for (double v : p.grad().toDoubleArray()) s += v * v;
        sum[i++] += Math.sqrt(s);
      }
      opt.step();
    }
    int i = 0;
    for (double norm : r.diagnostics().get(0).gradientNorms().values()) {
      assertEquals(sum[i++] / DATA.size(), norm, 1e-12 * norm);
    }
  }

  /** The norms are measured before clipping: with a tiny bound they are still the computed gradients' norms. */
  @Test
  void gradientNormsAreMeasuredBeforeClipping() {
    Sequential clipped = model(), copy = model();
    Batch first = DATA.get(0);
    Trainer.Result c = Trainer.builder(clipped, CrossEntropyLoss.of(), Sgd.builder(0.05).build(clipped.parameters()))
        .epochs(1).diagnostics(true).clipGradientNorm(1e-6).build().fit(List.of(first), null);
    CrossEntropyLoss.of().compute(copy.forward(dev.cnn.engine.Variable.constant(first.inputs()),
        dev.cnn.engine.Mode.TRAIN), first.labels()).backward();
    copy.parameters().forEach((name, p) -> {
      double s = 0;
      for (double v : p.grad().toDoubleArray()) s += v * v;
      assertTrue(Math.sqrt(s) > 1e-4, name);
      assertEquals(Math.sqrt(s), c.diagnostics().get(0).gradientNorms().get(name), 1e-12 * Math.sqrt(s), name);
    });
  }

  @Test
  void aReluAfterAHugeNegativeBiasIsDead() {
    Sequential model = model();
    Map<String, Tensor> state = model.stateDict();
    Arrays.fill(state.get("fc2.bias").floatData(), -1e6f);
    Trainer.Result r = fit(model, true, 1);
    Diagnostics.Epoch d = r.diagnostics().get(0);
    assertEquals(1.0, d.reluZeroFractions().get("act2"), 1e-12);
    assertTrue(d.reluZeroFractions().get("act1") < 0.9, "act1 " + d.reluZeroFractions().get("act1"));
    // Nothing flows back through a dead layer: the layers before it get zero gradients.
    assertEquals(0.0, d.gradientNorms().get("fc1.weight"));
    assertEquals(0.0, d.gradientNorms().get("fc2.weight"));
    assertTrue(d.gradientNorms().get("out.bias") > 0);
  }

  @Test
  void withoutDiagnosticsNothingIsRecordedAndTrainingIsTheSame() {
    Sequential a = model(), b = model();
    Trainer.Result on = fit(a, true, 2), off = fit(b, false, 2);
    assertTrue(off.diagnostics().isEmpty());
    assertTrue(Fixtures.sameWeights(a, b), "diagnostics changed the training");
    assertEquals(on.history().get(1).loss(), off.history().get(1).loss(), 0.0);
  }

  @Test
  void linesPrintsOneLinePerEpochWithTheEpochAndLoss() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Sequential model = model();
    Trainer.Result r = Trainer.builder(model, CrossEntropyLoss.of(), Sgd.builder(0.05).build(model.parameters()))
        .epochs(3).progress(Progress.lines(new PrintStream(bytes, true, StandardCharsets.UTF_8))).build()
        .fit(DATA, DATA);
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(3, lines.length, Arrays.toString(lines));
    for (int e = 0; e < 3; e++) {
      EpochMetrics m = r.history().get(e);
      String line = lines[e];
      assertTrue(line.startsWith("epoch " + (e + 1) + "/3"), line);
      assertTrue(line.contains(String.format(Locale.ROOT, "loss %.4f", m.loss())), line);
      assertTrue(line.contains(String.format(Locale.ROOT, "val_loss %.4f", m.valLoss())), line);
      assertTrue(line.contains("lr 0.0500"), line);
    }
  }
}
