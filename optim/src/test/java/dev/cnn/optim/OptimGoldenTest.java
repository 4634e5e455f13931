package dev.cnn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * PyTorch's float64 trajectories (golden/optim.json, written by src/test/python/optim_golden.py;
 * see its header to regenerate): every optimiser configuration, replayed here with the engine's
 * float64 ops on the same two problems (a tanh perceptron with mean squared error, and the
 * Rosenbrock function), gives the same parameters after each of 20 steps; the schedules give
 * PyTorch's rate at every epoch; gradient clipping gives clip_grad_norm_'s norm and gradients.
 *
 * <p>Tolerance: 1e-6 relative, per element, against {@code max(|expected|, rms(expected))} (the
 * rms floor keeps an element that passes near zero from inflating the ratio). Both sides compute
 * in double precision and differ only in the order of a few additions and multiplications, so the
 * deviations are about 1e-13 (printed after the run); a wrong rule (a bias correction, the order
 * of decay and momentum, Nesterov's look-ahead) is off by 1e-3 or more within a few steps.
 */
class OptimGoldenTest {
  private static final double RTOL = 1e-6;
  private static final JsonNode DOC = load();
  private static final double[] WORST = new double[4]; // parameters, losses, schedules, clipping

  private static JsonNode load() {
    try (InputStream in = OptimGoldenTest.class.getResourceAsStream("/golden/optim.json")) {
      assertNotNull(in, "golden/optim.json is missing from the test resources");
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new AssertionError("cannot read golden/optim.json", e);
    }
  }

  @AfterAll
  static void report() {
    System.out.printf(Locale.ROOT, "OptimGoldenTest: largest relative deviation from PyTorch: parameters %.3g,"
        + " losses %.3g, schedules %.3g, clipping %.3g%n", WORST[0], WORST[1], WORST[2], WORST[3]);
  }

  // ------------------------------------------------------------------------------ optimisers

  @TestFactory
  Stream<DynamicTest> everyOptimizerCaseFollowsPyTorchsTrajectory() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : DOC.get("optimizers")) {
      tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> replay(c)));
    }
    assertTrue(tests.size() >= 40, "only " + tests.size() + " optimiser cases");
    return tests.stream();
  }

  private static void replay(JsonNode c) {
    String name = c.get("name").asText();
    Map<String, Variable> params = initial(c);
    Optimizer opt = optimizer(c, params);
    JsonNode lrs = c.get("lrs"), losses = c.get("losses"), steps = c.get("steps");
    assertEquals(DOC.get("steps").asInt(), steps.size(), name);
    for (int s = 0; s < steps.size(); s++) {
      double loss = step(c, opt, params, lrs.get(s).asDouble());
      WORST[1] = Math.max(WORST[1], check(name + " loss before step " + (s + 1), new double[] {loss},
          new double[] {losses.get(s).asDouble()}));
      for (Map.Entry<String, Variable> p : params.entrySet()) {
        double[] expected = data(steps.get(s).get(p.getKey()));
        WORST[0] = Math.max(WORST[0], check(name + " " + p.getKey() + " after step " + (s + 1),
            p.getValue().value().doubleData(), expected));
      }
    }
  }

  /**
   * The optimiser's state round trip: stopping after 10 steps, building a new optimiser from
   * {@link Optimizer#state()} with {@link Optimizer#loadState} and continuing gives the very same
   * parameters (bit for bit) as running straight through.
   */
  @TestFactory
  Stream<DynamicTest> resumingFromSavedStateContinuesBitForBit() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : DOC.get("optimizers")) {
      tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> {
        JsonNode lrs = c.get("lrs");
        Map<String, Variable> straight = initial(c), resumed = initial(c);
        Optimizer a = optimizer(c, straight), b = optimizer(c, resumed);
        for (int s = 0; s < lrs.size(); s++) {
          if (s == lrs.size() / 2) {
            Map<String, Tensor> saved = b.state();
            b = optimizer(c, resumed);
            b.setLearningRate(123); // overwritten by the state
            b.loadState(saved);
            assertEquals(s, b.steps());
          }
          step(c, a, straight, lrs.get(s).asDouble());
          step(c, b, resumed, lrs.get(s).asDouble());
        }
        for (String k : straight.keySet()) {
          assertArrayEquals(straight.get(k).value().doubleData(), resumed.get(k).value().doubleData(), 0.0,
              c.get("name").asText() + " " + k);
        }
      }));
    }
    return tests.stream();
  }

  /**
   * Every option of every optimiser's builder is exercised by some golden case (so that a new
   * option cannot be added without a PyTorch comparison), and every case's options are known here.
   */
  @Test
  void everyBuilderOptionHasAGoldenCase() {
    Map<String, Class<?>> builders = Map.of("sgd", Sgd.Builder.class, "adam", Adam.Builder.class,
        "adamw", Adam.Builder.class, "rmsprop", RmsProp.Builder.class);
    Set<String> covered = new TreeSet<>();
    for (JsonNode c : DOC.get("optimizers")) {
      Iterator<String> keys = c.get("options").fieldNames();
      while (keys.hasNext()) covered.add(c.get("optimizer").asText() + " " + camel(keys.next()));
    }
    Set<String> missing = new TreeSet<>();
    for (Map.Entry<String, Class<?>> e : builders.entrySet()) {
      for (Method m : e.getValue().getDeclaredMethods()) {
        if (!Modifier.isPublic(m.getModifiers()) || Modifier.isStatic(m.getModifiers())
            || m.getName().equals("build")) {
          continue;
        }
        if (!covered.contains(e.getKey() + " " + m.getName())) missing.add(e.getKey() + " " + m.getName());
      }
    }
    assertTrue(missing.isEmpty(), "builder options without a golden case: " + missing);
  }

  /** One step: zeroGrad, loss, backward, step at this learning rate; returns the loss. */
  private static double step(JsonNode c, Optimizer opt, Map<String, Variable> params, double lr) {
    opt.setLearningRate(lr);
    opt.zeroGrad();
    Variable loss = loss(c.get("problem").asText(), params);
    loss.backward();
    opt.step();
    return loss.value().getFlat(0);
  }

  private static Map<String, Variable> initial(JsonNode c) {
    Map<String, Variable> params = new LinkedHashMap<>();
    c.get("initial").fields().forEachRemaining(e ->
        params.put(e.getKey(), Variable.parameter(tensor(e.getValue()), e.getKey())));
    return params;
  }

  /** The problems of optim_golden.py, with the engine's float64 ops. */
  private static Variable loss(String problem, Map<String, Variable> p) {
    switch (problem) {
      case "mlp": { // mean((tanh(X W1^T + b1) W2^T + b2 - Y)^2)
        Variable x = Variable.constant(tensor(DOC.get("problems").get("mlp").get("x")));
        Variable y = Variable.constant(tensor(DOC.get("problems").get("mlp").get("y")));
        Variable h = Ops.tanh(Ops.linear(x, p.get("w1"), p.get("b1")));
        Variable d = Ops.sub(Ops.linear(h, p.get("w2"), p.get("b2")), y);
        return Ops.mean(Ops.mul(d, d));
      }
      case "rosenbrock": { // sum_i 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2
        Variable x = p.get("x");
        int n = x.shape()[0];
        Variable a = Ops.slice(x, 0, 0, n - 1), b = Ops.slice(x, 0, 1, n);
        Variable r = Ops.sub(b, Ops.mul(a, a)), q = Ops.add(Ops.neg(a), 1.0);
        return Ops.sum(Ops.add(Ops.mul(Ops.mul(r, r), 100.0), Ops.mul(q, q)));
      }
      default:
        throw new AssertionError("unknown problem '" + problem + "' in golden/optim.json");
    }
  }

  /** The case's optimiser from PyTorch's option names; an unknown option fails the test. */
  private static Optimizer optimizer(JsonNode c, Map<String, Variable> params) {
    String kind = c.get("optimizer").asText();
    double lr = c.get("lrs").get(0).asDouble();
    JsonNode o = c.get("options");
    Set<String> known;
    Optimizer opt;
    switch (kind) {
      case "sgd": {
        known = Set.of("momentum", "dampening", "nesterov", "weight_decay", "decay_bias_and_norm");
        Sgd.Builder b = Sgd.builder(lr);
        if (o.has("momentum")) b.momentum(o.get("momentum").asDouble());
        if (o.has("dampening")) b.dampening(o.get("dampening").asDouble());
        if (o.has("nesterov")) b.nesterov(o.get("nesterov").asBoolean());
        if (o.has("weight_decay")) b.weightDecay(o.get("weight_decay").asDouble());
        if (o.has("decay_bias_and_norm")) b.decayBiasAndNorm(o.get("decay_bias_and_norm").asBoolean());
        opt = b.build(params);
        break;
      }
      case "adam":
      case "adamw": {
        known = Set.of("betas", "eps", "weight_decay", "amsgrad", "decay_bias_and_norm");
        Adam.Builder b = kind.equals("adam") ? Adam.adam(lr) : Adam.adamW(lr);
        if (o.has("betas")) b.betas(o.get("betas").get(0).asDouble(), o.get("betas").get(1).asDouble());
        if (o.has("eps")) b.eps(o.get("eps").asDouble());
        if (o.has("weight_decay")) b.weightDecay(o.get("weight_decay").asDouble());
        if (o.has("amsgrad")) b.amsgrad(o.get("amsgrad").asBoolean());
        if (o.has("decay_bias_and_norm")) b.decayBiasAndNorm(o.get("decay_bias_and_norm").asBoolean());
        opt = b.build(params);
        break;
      }
      case "rmsprop": {
        known = Set.of("alpha", "eps", "momentum", "centered", "weight_decay", "decay_bias_and_norm");
        RmsProp.Builder b = RmsProp.builder(lr);
        if (o.has("alpha")) b.alpha(o.get("alpha").asDouble());
        if (o.has("eps")) b.eps(o.get("eps").asDouble());
        if (o.has("momentum")) b.momentum(o.get("momentum").asDouble());
        if (o.has("centered")) b.centered(o.get("centered").asBoolean());
        if (o.has("weight_decay")) b.weightDecay(o.get("weight_decay").asDouble());
        if (o.has("decay_bias_and_norm")) b.decayBiasAndNorm(o.get("decay_bias_and_norm").asBoolean());
        opt = b.build(params);
        break;
      }
      default:
        throw new AssertionError("unknown optimizer '" + kind + "' in golden/optim.json");
    }
    o.fieldNames().forEachRemaining(k -> {
      if (!known.contains(k)) fail(c.get("name").asText() + ": option '" + k + "' is not replayed by this test");
    });
    return opt;
  }

  // ------------------------------------------------------------------------------- schedules

  @TestFactory
  Stream<DynamicTest> everyScheduleGivesPyTorchsRates() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : DOC.get("schedules")) {
      tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> {
        LrSchedule s = schedule(c.get("spec"));
        double base = c.get("base_lr").asDouble();
        double[] expected = data(c.get("lrs")), actual = new double[expected.length];
        if (c.has("steps_per_epoch")) { // the rate before every optimiser step
          int spe = c.get("steps_per_epoch").asInt();
          assertTrue(s.perStep(), c.get("name").asText() + " sets the rate before every step");
          for (int t = 0; t < expected.length; t++) actual[t] = base * s.factor(t / spe, t % spe, spe);
          WORST[2] = Math.max(WORST[2], check(c.get("name").asText() + " rates by step", actual, expected));
          return;
        }
        for (int e = 0; e < expected.length; e++) actual[e] = base * s.factor(e);
        WORST[2] = Math.max(WORST[2], check(c.get("name").asText() + " rates by epoch", actual, expected));
      }));
    }
    return tests.stream();
  }

  private static LrSchedule schedule(JsonNode spec) {
    LrSchedule s;
    switch (spec.get("kind").asText()) {
      case "constant":
        s = LrSchedule.constant();
        break;
      case "step":
        s = LrSchedule.step(spec.get("step_size").asInt(), spec.get("gamma").asDouble());
        break;
      case "exponential":
        s = LrSchedule.exponential(spec.get("gamma").asDouble());
        break;
      case "cosine":
        s = LrSchedule.cosine(spec.get("t_max").asInt(), spec.get("min_factor").asDouble());
        break;
      case "one_cycle":
        s = LrSchedule.oneCycle(spec.get("epochs").asInt(), spec.get("pct_start").asDouble(),
            spec.get("div_factor").asDouble(), spec.get("final_div_factor").asDouble());
        break;
      default:
        throw new AssertionError("unknown schedule " + spec);
    }
    if (spec.has("warmup")) s = s.withWarmup(spec.get("warmup").asInt(), spec.get("start_factor").asDouble());
    if (spec.has("warmup_steps")) s = s.withWarmupSteps(spec.get("warmup_steps").asInt(), spec.get("start_factor").asDouble());
    return s;
  }

  // -------------------------------------------------------------------------------- clipping

  @TestFactory
  Stream<DynamicTest> clippingByGlobalNormMatchesClipGradNorm() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : DOC.get("clipping")) {
      tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> {
        List<Variable> params = new ArrayList<>();
        Variable total = null;
        for (JsonNode g : c.get("grads")) { // grad of sum(p * G) is exactly G
          Tensor grad = tensor(g);
          Variable p = Variable.parameter(Tensor.zeros(DType.FLOAT64, grad.shape()), "p" + params.size());
          params.add(p);
          Variable term = Ops.sum(Ops.mul(p, Variable.constant(grad)));
          total = total == null ? term : Ops.add(total, term);
        }
        total.backward();
        double norm = GradientClipping.byGlobalNorm(params, c.get("max_norm").asDouble());
        String name = c.get("name").asText();
        WORST[3] = Math.max(WORST[3], check(name + " total norm", new double[] {norm},
            new double[] {c.get("total_norm").asDouble()}));
        for (int i = 0; i < params.size(); i++) {
          WORST[3] = Math.max(WORST[3], check(name + " gradient " + i, params.get(i).grad().doubleData(),
              data(c.get("clipped").get(i))));
        }
      }));
    }
    return tests.stream();
  }

  // --------------------------------------------------------------------------------- helpers

  /** Asserts closeness and returns the largest relative deviation. */
  private static double check(String what, double[] actual, double[] expected) {
    assertEquals(expected.length, actual.length, what + ": length");
    double ss = 0;
    for (double v : expected) ss += v * v;
    double rms = Math.sqrt(ss / expected.length), worst = 0;
    for (int i = 0; i < expected.length; i++) {
      double scale = Math.max(Math.abs(expected[i]), rms);
      double rel = scale == 0 ? Math.abs(actual[i]) : Math.abs(actual[i] - expected[i]) / scale;
      if (!(rel <= RTOL)) {
        fail(String.format(Locale.ROOT, "%s: element %d is %.17g, PyTorch has %.17g (relative deviation %.3g > %g)",
            what, i, actual[i], expected[i], rel, RTOL));
      }
      worst = Math.max(worst, rel);
    }
    return worst;
  }

  private static Tensor tensor(JsonNode t) {
    JsonNode shape = t.get("shape");
    int[] s = new int[shape.size()];
    for (int i = 0; i < s.length; i++) s[i] = shape.get(i).asInt();
    return Tensor.of(data(t.get("data")), s);
  }

  private static double[] data(JsonNode n) {
    if (n.has("data")) n = n.get("data");
    double[] d = new double[n.size()];
    for (int i = 0; i < d.length; i++) d[i] = n.get(i).asDouble();
    return d;
  }

  private static String camel(String snake) {
    StringBuilder sb = new StringBuilder();
    boolean up = false;
    for (char ch : snake.toCharArray()) {
      if (ch == '_') {
        up = true;
      } else {
        sb.append(up ? Character.toUpperCase(ch) : ch);
        up = false;
      }
    }
    return sb.toString();
  }
}
