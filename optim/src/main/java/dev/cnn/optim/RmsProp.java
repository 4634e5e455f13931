package dev.cnn.optim;

import dev.cnn.engine.Variable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RMSprop as PyTorch's {@code torch.optim.RMSprop}. At each step, for each parameter x with
 * gradient g:
 * <pre>
 *   g = g + weightDecay * x
 *   s = alpha * s + (1 - alpha) * g^2                   running mean of squared gradients
 *   centered: a = alpha * a + (1 - alpha) * g;  d = sqrt(s - a^2) + eps
 *   else:     d = sqrt(s) + eps
 *   momentum > 0: b = momentum * b + g / d;  x = x - lr * b
 *   else:         x = x - lr * g / d
 * </pre>
 * Defaults as PyTorch: alpha 0.99, eps 1e-8, no momentum, not centered, no weight decay.
 */
public final class RmsProp extends Optimizer {
  private final double alpha;
  private final double eps;
  private final double momentum;
  private final boolean centered;
  private final double weightDecay;

  private RmsProp(Map<String, Variable> params, Builder b) {
    super("RMSprop", params, b.lr, b.decayBiasAndNorm);
    this.alpha = b.alpha;
    this.eps = b.eps;
    this.momentum = b.momentum;
    this.centered = b.centered;
    this.weightDecay = b.weightDecay;
  }

  public static Builder builder(double lr) {
    return new Builder(lr);
  }

  @Override
  public Map<String, Object> hyperparameters() {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("alpha", alpha);
    h.put("eps", eps);
    h.put("momentum", momentum);
    h.put("centered", centered);
    h.put("weight_decay", weightDecay);
    putDecayGroups(h);
    return h;
  }

  @Override
  List<String> bufferKinds() {
    return List.of("square_avg", "grad_avg", "momentum_buffer");
  }

  @Override
  protected Rule rule(String name, int size, long t) {
    double weightDecay = weightDecayOf(name, this.weightDecay);
    double lr = learningRate();
    double[] s = buffer(name, "square_avg", size);
    double[] a = centered ? buffer(name, "grad_avg", size) : null;
    double[] b = momentum > 0 ? buffer(name, "momentum_buffer", size) : null;
    return (x, g, from, to) -> {
      for (int i = from; i < to; i++) {
        if (weightDecay != 0) g[i] += weightDecay * x[i];
        s[i] = alpha * s[i] + (1 - alpha) * g[i] * g[i];
        double d;
        if (a != null) {
          a[i] = alpha * a[i] + (1 - alpha) * g[i];
          d = Math.sqrt(s[i] - a[i] * a[i]) + eps;
        } else {
          d = Math.sqrt(s[i]) + eps;
        }
        if (b != null) {
          b[i] = momentum * b[i] + g[i] / d;
          x[i] -= lr * b[i];
        } else {
          x[i] -= lr * g[i] / d;
        }
      }
    };
  }

  /** RMSprop's hyperparameters, validated as they are set. */
  public static final class Builder {
    private final double lr;
    private double alpha = 0.99;
    private double eps = 1e-8;
    private double momentum;
    private boolean centered;
    private double weightDecay;
    private boolean decayBiasAndNorm = true;

    private Builder(double lr) {
      this.lr = Hyper.nonNegative("RMSprop", "learning rate", lr);
    }

    /** Smoothing constant of the squared-gradient average, in [0, 1). */
    public Builder alpha(double value) {
      this.alpha = Hyper.unitOpen("RMSprop", "alpha", value);
      return this;
    }

    public Builder eps(double value) {
      this.eps = Hyper.positive("RMSprop", "eps", value);
      return this;
    }

    /** Momentum in [0, 1). */
    public Builder momentum(double value) {
      this.momentum = Hyper.unitOpen("RMSprop", "momentum", value);
      return this;
    }

    public Builder centered(boolean on) {
      this.centered = on;
      return this;
    }

    public Builder weightDecay(double wd) {
      this.weightDecay = Hyper.nonNegative("RMSprop", "weight decay", wd);
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

    public RmsProp build(Map<String, Variable> parameters) {
      return new RmsProp(parameters, this);
    }
  }
}
