package dev.cnn.optim;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.engine.Variable;
import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.Dense;
import dev.cnn.layers.Sequential;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every invalid hyperparameter is rejected when it is set (or at build, for combinations), with a
 * message that names the owner, the parameter, the value given and the range expected.
 */
class HyperparameterValidationTest {
  private static final Map<String, Variable> PARAMS =
      Map.of("w", Variable.parameter(Tensor.zeros(DType.FLOAT64, 2), "w"));
  private static final double NAN = Double.NaN;
  private static final double INF = Double.POSITIVE_INFINITY;

  /** Asserts an IllegalArgumentException whose message contains every fragment. */
  private static void rejects(Executable call, String... fragments) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
    }
  }

  @Test
  void learningRateMustBeFiniteAndNonNegative() {
    for (double lr : new double[] {-0.1, NAN, INF, -INF}) {
      String v = Double.toString(lr);
      rejects(() -> Sgd.builder(lr), "SGD", "learning rate", v, "finite value >= 0");
      rejects(() -> Adam.adam(lr), "Adam", "learning rate", v, "finite value >= 0");
      rejects(() -> Adam.adamW(lr), "AdamW", "learning rate", v, "finite value >= 0");
      rejects(() -> RmsProp.builder(lr), "RMSprop", "learning rate", v, "finite value >= 0");
      rejects(() -> Sgd.builder(0.1).build(PARAMS).setLearningRate(lr), "SGD", "learning rate", v);
      rejects(() -> Adam.adamW(0.1).build(PARAMS).setLearningRate(lr), "AdamW", "learning rate", v);
      rejects(() -> RmsProp.builder(0.1).build(PARAMS).setLearningRate(lr), "RMSprop", "learning rate", v);
    }
  }

  @Test
  void sgdOptions() {
    for (double m : new double[] {-0.1, 1.0, 1.5, NAN}) {
      rejects(() -> Sgd.builder(0.1).momentum(m), "SGD", "momentum", Double.toString(m), "[0, 1)");
    }
    for (double d : new double[] {-0.1, 1.01, NAN}) {
      rejects(() -> Sgd.builder(0.1).dampening(d), "SGD", "dampening", Double.toString(d), "[0, 1]");
    }
    for (double wd : new double[] {-1e-4, NAN, INF}) {
      rejects(() -> Sgd.builder(0.1).weightDecay(wd), "SGD", "weight decay", Double.toString(wd), ">= 0");
    }
    rejects(() -> Sgd.builder(0.1).nesterov(true).build(PARAMS), "SGD", "Nesterov", "momentum > 0",
        "momentum 0.0");
    rejects(() -> Sgd.builder(0.1).momentum(0.9).dampening(0.1).nesterov(true).build(PARAMS), "SGD", "Nesterov",
        "dampening = 0", "dampening 0.1");
  }

  @Test
  void adamOptions() {
    for (String name : List.of("Adam", "AdamW")) {
      java.util.function.Supplier<Adam.Builder> b = () -> name.equals("Adam") ? Adam.adam(1e-3) : Adam.adamW(1e-3);
      for (double beta : new double[] {-0.1, 1.0, 2.0, NAN}) {
        rejects(() -> b.get().betas(beta, 0.999), name, "beta1", Double.toString(beta), "[0, 1)");
        rejects(() -> b.get().betas(0.9, beta), name, "beta2", Double.toString(beta), "[0, 1)");
      }
      for (double eps : new double[] {0, -1e-8, NAN, INF}) {
        rejects(() -> b.get().eps(eps), name, "eps", Double.toString(eps), "finite value > 0");
      }
      for (double wd : new double[] {-0.01, NAN, INF}) {
        rejects(() -> b.get().weightDecay(wd), name, "weight decay", Double.toString(wd), ">= 0");
      }
    }
  }

  @Test
  void rmsPropOptions() {
    for (double a : new double[] {-0.1, 1.0, NAN}) {
      rejects(() -> RmsProp.builder(0.01).alpha(a), "RMSprop", "alpha", Double.toString(a), "[0, 1)");
    }
    for (double eps : new double[] {0, -1, NAN, INF}) {
      rejects(() -> RmsProp.builder(0.01).eps(eps), "RMSprop", "eps", Double.toString(eps), "> 0");
    }
    for (double m : new double[] {-0.5, 1.0, NAN}) {
      rejects(() -> RmsProp.builder(0.01).momentum(m), "RMSprop", "momentum", Double.toString(m), "[0, 1)");
    }
    for (double wd : new double[] {-1, NAN}) {
      rejects(() -> RmsProp.builder(0.01).weightDecay(wd), "RMSprop", "weight decay", Double.toString(wd), ">= 0");
    }
  }

  @Test
  void anOptimizerNeedsParameters() {
    rejects(() -> Sgd.builder(0.1).build(Map.of()), "SGD", "no parameters", "model.parameters()");
    rejects(() -> Adam.adamW(0.1).build(null), "AdamW", "no parameters");
  }

  @Test
  void scheduleOptions() {
    rejects(() -> LrSchedule.step(0, 0.5), "step schedule", "step size = 0", ">= 1");
    for (double g : new double[] {0, -0.5, 1.5, NAN}) {
      rejects(() -> LrSchedule.step(2, g), "step schedule", "gamma", "(0, 1]");
      rejects(() -> LrSchedule.exponential(g), "exponential schedule", "gamma", "(0, 1]");
    }
    rejects(() -> LrSchedule.cosine(0, 0), "cosine schedule", "tMax = 0", ">= 1");
    for (double m : new double[] {-0.1, 1.1, NAN}) {
      rejects(() -> LrSchedule.cosine(10, m), "cosine schedule", "minimum factor", "[0, 1]");
    }
    rejects(() -> LrSchedule.constant().withWarmup(-1, 0.5), "warm-up", "epochs = -1", ">= 0");
    for (double f : new double[] {0, -0.1, 1.5, NAN}) {
      rejects(() -> LrSchedule.constant().withWarmup(3, f), "warm-up", "start factor", "(0, 1]");
    }
  }

  @Test
  void clippingOptions() {
    List<Variable> ps = List.copyOf(PARAMS.values());
    for (double c : new double[] {0, -1, NAN, INF}) {
      rejects(() -> GradientClipping.byGlobalNorm(ps, c), "clip by norm", "max norm", "finite value > 0");
      rejects(() -> GradientClipping.byValue(ps, c), "clip by value", "clip", "finite value > 0");
    }
  }

  @Test
  void callbackOptions() {
    rejects(() -> EarlyStopping.on(null), "EarlyStopping", "monitor");
    rejects(() -> EarlyStopping.on(Metric.VAL_LOSS).patience(-1), "EarlyStopping", "patience = -1", ">= 0");
    for (double d : new double[] {-0.1, NAN, INF}) {
      rejects(() -> EarlyStopping.on(Metric.VAL_LOSS).minDelta(d), "EarlyStopping", "minDelta", ">= 0");
    }
    rejects(() -> EarlyStopping.on(Metric.VAL_LOSS).baseline(NAN), "EarlyStopping", "baseline", "finite");
    rejects(() -> EarlyStopping.on(Metric.VAL_LOSS).startFromEpoch(-2), "EarlyStopping", "startFromEpoch = -2");

    for (double f : new double[] {0, 1, 1.5, NAN}) {
      rejects(() -> new ReduceLrOnPlateau(Metric.LOSS, f, 2, 0, 0, 0), "ReduceLrOnPlateau", "factor", "(0, 1)");
    }
    rejects(() -> new ReduceLrOnPlateau(Metric.LOSS, 0.5, -1, 0, 0, 0), "ReduceLrOnPlateau", "patience = -1");
    rejects(() -> new ReduceLrOnPlateau(Metric.LOSS, 0.5, 1, 0, -1, 0), "ReduceLrOnPlateau", "cooldown = -1");
    rejects(() -> new ReduceLrOnPlateau(Metric.LOSS, 0.5, 1, -1, 0, 0), "ReduceLrOnPlateau", "minDelta = -1");
    rejects(() -> new ReduceLrOnPlateau(Metric.LOSS, 0.5, 1, 0, 0, NAN), "ReduceLrOnPlateau", "minLr = NaN");
    rejects(() -> new ReduceLrOnPlateau(null, 0.5, 1, 0, 0, 0), "ReduceLrOnPlateau", "monitor");
  }

  @Test
  void trainerOptions() {
    Sequential model = Sequential.builder(2).add(Dense.of(2, 2)).build(1);
    Optimizer opt = Sgd.builder(0.1).build(model.parameters());
    CrossEntropyLoss loss = CrossEntropyLoss.of();
    rejects(() -> Trainer.builder(null, loss, opt), "Trainer", "model");
    rejects(() -> Trainer.builder(model, loss, opt).epochs(0), "Trainer", "epochs = 0", ">= 1");
    rejects(() -> Trainer.builder(model, loss, opt).clipGradientNorm(0), "Trainer", "clip norm", "> 0");
    rejects(() -> Trainer.builder(model, loss, opt).schedule(null), "Trainer", "schedule");
    rejects(() -> Trainer.builder(model, loss, opt).callbacks((Callback) null), "Trainer", "callback");
    rejects(() -> Trainer.builder(model, loss, opt).progress(null), "Trainer", "progress");
    rejects(() -> Trainer.TrainingState.after(List.of(), 1, -0.1), "TrainingState", "base learning rate");
  }
}
