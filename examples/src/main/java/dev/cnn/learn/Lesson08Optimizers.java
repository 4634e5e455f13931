package dev.cnn.learn;

import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.optim.Adam;
import dev.cnn.optim.Optimizer;
import dev.cnn.optim.Sgd;
import dev.cnn.tensor.Tensor;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Lesson 8 (learn/08-optimizers.md): three steps of SGD, SGD with momentum and Adam on
 * {@code L(w) = (w1^2 + 10 w2^2) / 2}, the update rules written out, against the engine's
 * optimisers.
 */
public final class Lesson08Optimizers {
  private Lesson08Optimizers() {}

  static final double[] START = {1.0, -2.0};

  /** dL/dw = (w1, 10 w2). */
  static double[] grad(double[] w) {
    return new double[] {w[0], 10 * w[1]};
  }

  public static void main(String[] args) {
    System.out.println("L(w) = (w1^2 + 10 w2^2) / 2, from w = (1, -2); gradient (w1, 10 w2)");

    // SGD: w = w - lr g
    double lr = 0.05;
    double[] w = START.clone();
    double[][] sgd = new double[3][];
    for (int t = 0; t < 3; t++) {
      double[] g = grad(w);
      for (int i = 0; i < 2; i++) w[i] -= lr * g[i];
      sgd[t] = w.clone();
    }
    compare("SGD, lr 0.05: w = w - lr g", sgd, params -> Sgd.builder(lr).build(params));
    System.out.printf(Locale.ROOT, "  each step: w1 times 1 - lr = %.2f, w2 times 1 - 10 lr = %.1f; w2 diverges for lr > %.1f%n",
        1 - lr, 1 - 10 * lr, 2 / 10.0);

    // Momentum: b = m b + g (b = g at the first step); w = w - lr b
    double m = 0.9;
    w = START.clone();
    double[] b = new double[2];
    double[][] momentum = new double[3][];
    for (int t = 0; t < 3; t++) {
      double[] g = grad(w);
      for (int i = 0; i < 2; i++) {
        b[i] = t == 0 ? g[i] : m * b[i] + g[i];
        w[i] -= lr * b[i];
      }
      momentum[t] = w.clone();
    }
    compare("SGD with momentum 0.9: b = 0.9 b + g, w = w - lr b", momentum,
        params -> Sgd.builder(lr).momentum(m).build(params));
    System.out.printf(Locale.ROOT, "  steps along w1: %.4f, %.4f, %.4f%n", START[0] - momentum[0][0],
        momentum[0][0] - momentum[1][0], momentum[1][0] - momentum[2][0]);

    // Adam: running means of g and g^2, corrected for starting at zero; a step of about lr per weight.
    double alr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8;
    w = START.clone();
    double[] m1 = new double[2], m2 = new double[2];
    double[][] adam = new double[3][];
    for (int t = 1; t <= 3; t++) {
      double[] g = grad(w);
      for (int i = 0; i < 2; i++) {
        m1[i] = b1 * m1[i] + (1 - b1) * g[i];
        m2[i] = b2 * m2[i] + (1 - b2) * g[i] * g[i];
        double mHat = m1[i] / (1 - Math.pow(b1, t)), vHat = m2[i] / (1 - Math.pow(b2, t));
        w[i] -= alr * mHat / (Math.sqrt(vHat) + eps);
      }
      adam[t - 1] = w.clone();
    }
    compare("Adam, lr 0.1, betas 0.9 and 0.999: w = w - lr m^ / (sqrt(v^) + eps)", adam, params -> Adam.adam(alr).build(params));
  }

  /** The three steps by hand, and the same three by the engine's optimizer (float32). */
  private static void compare(String title, double[][] hand, Function<Map<String, Variable>, Optimizer> make) {
    Variable w = Variable.parameter(Tensor.of(new float[] {(float) START[0], (float) START[1]}, 2), "w");
    Optimizer opt = make.apply(Map.of("w", w));
    Variable scale = Variable.constant(Tensor.of(new float[] {0.5f, 5f}, 2));
    System.out.println(title);
    for (int t = 0; t < 3; t++) {
      opt.zeroGrad();
      Ops.sum(Ops.mul(scale, Ops.mul(w, w))).backward(); // (w1^2 + 10 w2^2) / 2
      opt.step();
      float[] e = w.value().floatData();
      System.out.printf(Locale.ROOT, "  step %d: by hand (%.4f, %.4f)   engine (%.4f, %.4f)%n", t + 1, hand[t][0],
          hand[t][1], e[0], e[1]);
    }
  }
}
