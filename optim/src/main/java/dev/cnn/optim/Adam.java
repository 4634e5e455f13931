package dev.cnn.optim;

import dev.cnn.engine.Variable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma and Ba, 2015) and AdamW (Loshchilov and Hutter, 2019), as PyTorch's
 * {@code torch.optim.Adam} and {@code torch.optim.AdamW}. At step t, for each parameter x with
 * gradient g:
 * <pre>
 *   AdamW: x = x * (1 - lr * weightDecay)          (decoupled decay, before the step)
 *   Adam:  g = g + weightDecay * x                  (coupled L2 decay)
 *   m = beta1 * m + (1 - beta1) * g                 first-moment estimate
 *   v = beta2 * v + (1 - beta2) * g^2               second-moment estimate
 *   vHat = amsgrad ? (vMax = max(vMax, v)) : v
 *   x = x - lr / (1 - beta1^t) * m / (sqrt(vHat) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * Defaults as PyTorch: betas (0.9, 0.999), eps 1e-8, weight decay 0 (Adam) or 0.01 (AdamW),
 * amsgrad off.
 */
public final class Adam extends Optimizer {
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final boolean decoupled;
  private final boolean amsgrad;

  private Adam(Map<String, Variable> params, Builder b) {
    super(Builder.name(b.decoupled), params, b.lr, b.decayBiasAndNorm);
    this.beta1 = b.beta1;
    this.beta2 = b.beta2;
    this.eps = b.eps;
    this.weightDecay = b.weightDecay;
    this.decoupled = b.decoupled;
    this.amsgrad = b.amsgrad;
  }

  /** Adam with coupled (L2) weight decay, default 0. */
  public static Builder adam(double lr) {
    return new Builder(lr, false);
  }

  /** AdamW: decoupled weight decay, default 0.01. */
  public static Builder adamW(double lr) {
    return new Builder(lr, true).weightDecay(0.01);
  }

  /** Whether the weight decay is decoupled (AdamW). */
  public boolean decoupled() {
    return decoupled;
  }

  @Override
  public Map<String, Object> hyperparameters() {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("beta1", beta1);
    h.put("beta2", beta2);
    h.put("eps", eps);
    h.put("weight_decay", weightDecay);
    putDecayGroups(h);
    h.put("amsgrad", amsgrad);
    return h;
  }

  @Override
  List<String> bufferKinds() {
    return List.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq");
  }

  @Override
  protected Rule rule(String name, int size, long t) {
    double weightDecay = weightDecayOf(name, this.weightDecay);
    double lr = learningRate();
    double[] m = buffer(name, "exp_avg", size), v = buffer(name, "exp_avg_sq", size);
    double[] vMax = amsgrad ? buffer(name, "max_exp_avg_sq", size) : null;
    double bias1 = 1 - Math.pow(beta1, t), bias2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
    double stepSize = lr / bias1;
    return (x, g, from, to) -> {
      for (int i = from; i < to; i++) {
        if (weightDecay != 0) {
          if (decoupled) x[i] *= 1 - lr * weightDecay;
          else g[i] += weightDecay * x[i];
        }
        m[i] = beta1 * m[i] + (1 - beta1) * g[i];
        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
        double vHat = v[i];
        if (vMax != null) vHat = vMax[i] = Math.max(vMax[i], v[i]);
        x[i] -= stepSize * m[i] / (Math.sqrt(vHat) / bias2Sqrt + eps);
      }
    };
  }

  /** Adam's hyperparameters, validated as they are set. */
  public static final class Builder {
    private final double lr;
    private final boolean decoupled;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double eps = 1e-8;
    private double weightDecay;
    private boolean decayBiasAndNorm = true;
    private boolean amsgrad;

    private Builder(double lr, boolean decoupled) {
      this.lr = Hyper.nonNegative(name(decoupled), "learning rate", lr);
      this.decoupled = decoupled;
    }

    private static String name(boolean decoupled) {
      return decoupled ? "AdamW" : "Adam";
    }

    /** Decay rates of the moment estimates, each in [0, 1). */
    public Builder betas(double b1, double b2) {
      this.beta1 = Hyper.unitOpen(name(decoupled), "beta1", b1);
      this.beta2 = Hyper.unitOpen(name(decoupled), "beta2", b2);
      return this;
    }

    /** Added to the denominator for stability, > 0. */
    public Builder eps(double e) {
      this.eps = Hyper.positive(name(decoupled), "eps", e);
      return this;
    }

    public Builder weightDecay(double wd) {
      this.weightDecay = Hyper.nonNegative(name(decoupled), "weight decay", wd);
      return this;
    }

    /**
     * Whether weight decay applies to one-dimensional parameters too (biases, batch-norm scales and
     * shifts): true by default, as in PyTorch; false exempts them, the usual practice.
     */
    public Builder decayBiasAndNorm(boolean on) {
      this.decayBiasAndNorm = on;
      return this;
    }

    public Builder amsgrad(boolean on) {
      this.amsgrad = on;
      return this;
    }

    public Adam build(Map<String, Variable> parameters) {
      return new Adam(parameters, this);
    }
  }
}
