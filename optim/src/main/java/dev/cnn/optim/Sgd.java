package dev.cnn.optim;

import dev.cnn.engine.Variable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and (L2) weight decay,
 * exactly as PyTorch's {@code torch.optim.SGD}. At step t, for each parameter x with gradient g:
 * <pre>
 *   g = g + weightDecay * x
 *   if momentum != 0:
 *     b = g                                    at the first step
 *     b = momentum * b + (1 - dampening) * g   after it
 *     g = nesterov ? g + momentum * b : b
 *   x = x - lr * g
 * </pre>
 */
public final class Sgd extends Optimizer {
  private final double momentum;
  private final double dampening;
  private final boolean nesterov;
  private final double weightDecay;

  private Sgd(Map<String, Variable> params, Builder b) {
    super("SGD", params, b.lr, b.decayBiasAndNorm);
    this.momentum = b.momentum;
    this.dampening = b.dampening;
    this.nesterov = b.nesterov;
    this.weightDecay = b.weightDecay;
  }

  /** Plain SGD with this learning rate; add momentum and the rest on the builder. */
  public static Builder builder(double lr) {
    return new Builder(lr);
  }

  @Override
  public Map<String, Object> hyperparameters() {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("momentum", momentum);
    h.put("dampening", dampening);
    h.put("nesterov", nesterov);
    h.put("weight_decay", weightDecay);
    putDecayGroups(h);
    return h;
  }

  @Override
  List<String> bufferKinds() {
    return List.of("momentum_buffer");
  }

  @Override
  protected Rule rule(String name, int size, long t) {
    double weightDecay = weightDecayOf(name, this.weightDecay);
    double lr = learningRate();
    boolean first = momentum != 0 && !hasBuffer(name, "momentum_buffer");
    double[] b = momentum != 0 ? buffer(name, "momentum_buffer", size) : null;
    return (x, g, from, to) -> {
      for (int i = from; i < to; i++) {
        if (weightDecay != 0) g[i] += weightDecay * x[i];
        if (b != null) {
          b[i] = first ? g[i] : momentum * b[i] + (1 - dampening) * g[i];
          g[i] = nesterov ? g[i] + momentum * b[i] : b[i];
        }
        x[i] -= lr * g[i];
      }
    };
  }

  /** SGD's hyperparameters, validated by {@link #build}. */
  public static final class Builder {
    private final double lr;
    private double momentum;
    private double dampening;
    private boolean nesterov;
    private double weightDecay;
    private boolean decayBiasAndNorm = true;

    private Builder(double lr) {
      this.lr = Hyper.nonNegative("SGD", "learning rate", lr);
    }

    /** Momentum factor in [0, 1) (0: none; 0.9 is usual). */
    public Builder momentum(double m) {
      this.momentum = Hyper.unitOpen("SGD", "momentum", m);
      return this;
    }

    /** Dampening of the momentum's new gradient, in [0, 1]. */
    public Builder dampening(double d) {
      this.dampening = Hyper.unitClosed("SGD", "dampening", d);
      return this;
    }

    public Builder nesterov(boolean on) {
      this.nesterov = on;
      return this;
    }

    /** L2 penalty coefficient (added to the gradient), >= 0. */
    public Builder weightDecay(double wd) {
      this.weightDecay = Hyper.nonNegative("SGD", "weight decay", wd);
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

    /**
     * @throws IllegalArgumentException for Nesterov without momentum or with dampening (as PyTorch)
     */
    public Sgd build(Map<String, Variable> parameters) {
      if (nesterov && (momentum == 0 || dampening != 0)) {
        throw new IllegalArgumentException("SGD: Nesterov momentum needs momentum > 0 and dampening = 0; got momentum "
            + momentum + ", dampening " + dampening);
      }
      return new Sgd(parameters, this);
    }
  }
}
