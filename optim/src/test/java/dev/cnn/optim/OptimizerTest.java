package dev.cnn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** What the golden trajectories do not show: gradients left alone, float32 rounding, state keys. */
class OptimizerTest {
  private static final List<Function<Map<String, Variable>, Optimizer>> ALL = List.of(
      p -> Sgd.builder(0.1).momentum(0.9).nesterov(true).weightDecay(0.1).build(p),
      p -> Adam.adam(0.1).weightDecay(0.1).amsgrad(true).build(p),
      p -> Adam.adamW(0.1).build(p),
      p -> RmsProp.builder(0.1).momentum(0.5).centered(true).weightDecay(0.1).build(p));

  /** Gives p the gradient g exactly: the gradient of sum(p * g) is g. */
  private static void setGrad(Variable p, Tensor g) {
    p.zeroGrad();
    Ops.sum(Ops.mul(p, Variable.constant(g))).backward();
  }

  @Test
  void stepLeavesTheGradientsUnchangedInBothDtypes() {
    for (DType dt : DType.values()) {
      for (Function<Map<String, Variable>, Optimizer> make : ALL) {
        Variable w = Variable.parameter(Tensor.of(new double[] {0.5, -1.5, 2}, 3).to(dt), "w");
        Optimizer opt = make.apply(Map.of("w", w));
        Tensor g = Tensor.of(new double[] {0.25, -0.75, 1.0}, 3).to(dt);
        for (int s = 0; s < 3; s++) {
          setGrad(w, g);
          opt.step();
          assertArrayEquals(g.toDoubleArray(), w.grad().toDoubleArray(), 0.0, opt + " " + dt + " step " + s);
        }
      }
    }
  }

  /**
   * decayBiasAndNorm(false): with a zero gradient, weight decay alone moves a parameter, so each
   * optimiser must shrink the matrix and leave the vector (a bias) exactly as it was; with the
   * default, both shrink. The exemption is a hyperparameter a checkpoint records.
   */
  @Test
  void decayBiasAndNormFalseExemptsOneDimensionalParameters() {
    List<Function<Boolean, Function<Map<String, Variable>, Optimizer>>> kinds = List.of(
        on -> p -> Sgd.builder(0.1).weightDecay(0.1).decayBiasAndNorm(on).build(p),
        on -> p -> Adam.adam(0.1).weightDecay(0.1).decayBiasAndNorm(on).build(p),
        on -> p -> Adam.adamW(0.1).weightDecay(0.1).decayBiasAndNorm(on).build(p),
        on -> p -> RmsProp.builder(0.1).weightDecay(0.1).decayBiasAndNorm(on).build(p));
    for (Function<Boolean, Function<Map<String, Variable>, Optimizer>> kind : kinds) {
      for (boolean decayAll : new boolean[] {true, false}) {
        Variable w = Variable.parameter(Tensor.of(new double[] {1, -2, 3, 4}, 2, 2), "w");
        Variable b = Variable.parameter(Tensor.of(new double[] {0.5, -0.5}, 2), "b");
        Map<String, Variable> params = new LinkedHashMap<>();
        params.put("0.weight", w);
        params.put("0.bias", b);
        Optimizer opt = kind.apply(decayAll).apply(params);
        setGrad(w, Tensor.zeros(DType.FLOAT64, 2, 2));
        setGrad(b, Tensor.zeros(DType.FLOAT64, 2));
        opt.step();
        String what = opt + (decayAll ? " decaying all" : " exempting biases and norms");
        assertTrue(Math.abs(w.value().getFlat(0)) < 1, what + ": the matrix decays");
        assertEquals(!decayAll, b.value().getFlat(0) == 0.5 && b.value().getFlat(1) == -0.5, what + ": the bias");
        assertEquals(decayAll ? java.util.Set.of() : java.util.Set.of("0.bias"), opt.exemptFromWeightDecay(), what);
        assertEquals(decayAll ? null : Boolean.FALSE, opt.hyperparameters().get("decay_bias_and_norm"), what);
      }
    }
  }

  @Test
  void parametersWithoutAGradientAreLeftAlone() {
    for (Function<Map<String, Variable>, Optimizer> make : ALL) {
      Variable used = Variable.parameter(Tensor.of(new double[] {1, 2}, 2), "used");
      Variable unused = Variable.parameter(Tensor.of(new double[] {3, 4}, 2), "unused");
      Map<String, Variable> params = new LinkedHashMap<>();
      params.put("used", used);
      params.put("unused", unused);
      Optimizer opt = make.apply(params);
      setGrad(used, Tensor.of(new double[] {1, 1}, 2));
      opt.step();
      assertNull(unused.grad());
      assertArrayEquals(new double[] {3, 4}, unused.value().doubleData(), 0.0, opt.toString());
      assertTrue(used.value().doubleData()[0] != 1, opt + " did not move the parameter with a gradient");
      assertTrue(opt.state().keySet().stream().noneMatch(k -> k.startsWith("unused.")),
          opt + " made state for a parameter that had no gradient: " + opt.state().keySet());
    }
  }

  /**
   * float32 parameters are read into doubles, updated in double and rounded once: one step from
   * float values equals the double-precision formula rounded to float, exactly.
   */
  @Test
  void float32ParametersAreUpdatedInDoubleAndRoundedOnce() {
    float[] x0 = {0.3f, -1.2f, 7.5f};
    float[] g0 = {0.1f, 0.7f, -2.5f};
    Variable w = Variable.parameter(Tensor.of(x0, 3), "w");
    Adam adam = Adam.adam(0.01).build(Map.of("w", w));
    setGrad(w, Tensor.of(g0, 3));
    adam.step();
    for (int i = 0; i < 3; i++) {
      double g = g0[i], m = (1 - 0.9) * g, v = (1 - 0.999) * g * g; // Adam's first step, default betas
      double expected = x0[i] - 0.01 / (1 - 0.9) * m / (Math.sqrt(v) / Math.sqrt(1 - 0.999) + 1e-8);
      assertEquals((float) expected, w.value().floatData()[i], 0.0f, "element " + i);
    }
  }

  @Test
  void stateNamesEveryBufferAndTheStep() {
    Variable w = Variable.parameter(Tensor.of(new double[] {1, 2}, 2), "w");
    Map<String, Variable> p = Map.of("0.weight", w);
    setGrad(w, Tensor.of(new double[] {1, -1}, 2));
    Optimizer sgd = Sgd.builder(0.1).momentum(0.9).build(p);
    sgd.step();
    assertEquals(List.of("step", "lr", "0.weight.momentum_buffer"), List.copyOf(sgd.state().keySet()));
    Optimizer ams = Adam.adam(0.1).amsgrad(true).build(p);
    ams.step();
    ams.step();
    assertEquals(List.of("step", "lr", "0.weight.exp_avg", "0.weight.exp_avg_sq", "0.weight.max_exp_avg_sq"),
        List.copyOf(ams.state().keySet()));
    assertEquals(2.0, ams.state().get("step").getFlat(0));
    Optimizer rms = RmsProp.builder(0.1).centered(true).momentum(0.5).build(p);
    rms.step();
    assertEquals(List.of("step", "lr", "0.weight.square_avg", "0.weight.grad_avg", "0.weight.momentum_buffer"),
        List.copyOf(rms.state().keySet()));
  }

  @Test
  void stateIsACopy() {
    Variable w = Variable.parameter(Tensor.of(new double[] {1, 2}, 2), "w");
    Optimizer opt = Adam.adam(0.1).build(Map.of("w", w));
    setGrad(w, Tensor.of(new double[] {1, -1}, 2));
    opt.step();
    Map<String, Tensor> saved = opt.state();
    double before = saved.get("w.exp_avg").getFlat(0);
    opt.step();
    assertEquals(before, saved.get("w.exp_avg").getFlat(0), 0.0);
  }

  @Test
  void loadStateRejectsForeignOrMisshapenBuffers() {
    Variable w = Variable.parameter(Tensor.of(new double[] {1, 2}, 2), "w");
    Optimizer opt = Adam.adam(0.1).build(Map.of("w", w));
    Map<String, Tensor> bad = new LinkedHashMap<>();
    bad.put("step", Tensor.of(new double[] {1}, 1));
    bad.put("lr", Tensor.of(new double[] {0.1}, 1));
    bad.put("v.exp_avg", Tensor.of(new double[] {0, 0}, 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.loadState(bad));
    assertTrue(e.getMessage().contains("'v.exp_avg'") && e.getMessage().contains("[w]"), e.getMessage());
    bad.remove("v.exp_avg");
    bad.put("w.exp_avg", Tensor.of(new double[] {0, 0, 0}, 3));
    e = assertThrows(IllegalArgumentException.class, () -> opt.loadState(bad));
    assertTrue(e.getMessage().contains("3 values"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> opt.loadState(Map.of()));
    assertTrue(e.getMessage().contains("'step' or 'lr' is missing"), e.getMessage());
  }

  @Test
  void loadStateRejectsTheStateOfAnotherOptimizer() {
    Variable w = Variable.parameter(Tensor.of(new double[] {1, 2}, 2), "w");
    Optimizer sgd = Sgd.builder(0.1).momentum(0.9).build(Map.of("w", w));
    setGrad(w, Tensor.of(new double[] {1, -1}, 2));
    sgd.step();
    Optimizer adam = Adam.adam(0.1).build(Map.of("w", w));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adam.loadState(sgd.state()));
    assertTrue(e.getMessage().contains("'w.momentum_buffer' is not Adam's") && e.getMessage().contains("exp_avg"),
        e.getMessage());
    RmsProp.builder(0.1).momentum(0.9).build(Map.of("w", w)).loadState(sgd.state()); // same name, same meaning
  }

  @Test
  void adamWDecaysEvenWithAZeroGradientAndAdamDoesNotMoveThen() {
    // AdamW: x (1 - lr wd) with m = v = 0 afterwards; Adam's coupled decay moves x through the moments.
    Variable a = Variable.parameter(Tensor.of(new double[] {2.0}, 1), "a");
    Optimizer adamW = Adam.adamW(0.1).weightDecay(0.5).build(Map.of("a", a));
    setGrad(a, Tensor.of(new double[] {0.0}, 1));
    adamW.step();
    assertEquals(2.0 * (1 - 0.1 * 0.5), a.value().getFlat(0), 1e-15);
    Variable b = Variable.parameter(Tensor.of(new double[] {2.0}, 1), "b");
    Optimizer adam = Adam.adam(0.1).build(Map.of("b", b));
    setGrad(b, Tensor.of(new double[] {0.0}, 1));
    adam.step();
    assertEquals(2.0, b.value().getFlat(0), 0.0);
    assertTrue(adamW.toString().startsWith("AdamW(lr=0.1"), adamW.toString());
  }
}
