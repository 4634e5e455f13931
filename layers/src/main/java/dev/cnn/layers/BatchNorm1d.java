package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Shapes;
import java.util.Map;

/**
 * Batch normalisation per feature of vectors: input {@code [C]} per sample, output {@code [C]},
 * {@code y = weight[c] * (x - mu[c]) / sqrt(var[c] + eps) + bias[c]}.
 * <ul>
 *   <li>{@link Mode#TRAIN}: mu and var are the mean and biased variance of feature c over the
 *       batch (N values, so batches of at least 2), and the buffers are updated:
 *       {@code running = (1 - momentum) * running + momentum * batch statistic}, with the unbiased
 *       variance for {@code running_var}.
 *   <li>{@link Mode#EVAL}: mu and var are {@code running_mean} and {@code running_var}.
 * </ul>
 * Parameters {@code weight} (gamma, init 1) and {@code bias} (beta, init 0), buffers
 * {@code running_mean} (init 0) and {@code running_var} (init 1), each {@code [C]}: PyTorch's names
 * and initial values. PyTorch's {@code num_batches_tracked} buffer is not kept (it matters only
 * with {@code momentum=None}, which this layer does not offer). PyTorch's {@code nn.BatchNorm1d}
 * also takes {@code [C, L]} samples; this layer takes vectors only.
 *
 * <p>Defaults as PyTorch's {@code nn.BatchNorm1d}: momentum 0.1, eps 1e-5, affine and tracked
 * running statistics.
 */
public final class BatchNorm1d extends Layer {
  private final int features;
  private final double momentum;
  private final double eps;

  private BatchNorm1d(Builder b) {
    this.features = b.features;
    this.momentum = b.momentum;
    this.eps = b.eps;
  }

  /** Batch norm over {@code features} features with PyTorch's defaults. */
  public static BatchNorm1d of(int features) {
    return builder(features).build();
  }

  public static Builder builder(int features) {
    return new Builder(features);
  }

  static BatchNorm1d fromConfig(Map<String, Object> map) {
    Config c = new Config(LayerType.BATCH_NORM1D, map);
    return builder(c.integer("features")).momentum(c.number("momentum")).eps(c.number("eps")).build();
  }

  @Override
  public LayerType type() {
    return LayerType.BATCH_NORM1D;
  }

  @Override
  public int[] outputShape(int[] s) {
    if (s.length != 1 || s[0] != features) {
      throw Shapes.error("BatchNorm1d(" + features + ")", "input shape " + Shapes.format(s),
          "[" + features + "] per sample" + (s.length == 3 ? " (use BatchNorm2d for images)" : ""));
    }
    return s.clone();
  }

  @Override
  protected void create(int[] inputShape, Rng rng) {
    BatchNorm.create(this, features);
  }

  @Override
  public Variable forward(Variable x, Mode mode) {
    return BatchNorm.forward(this, x, momentum, eps, mode);
  }

  @Override
  public Map<String, Object> config() {
    return Config.of("features", features, "momentum", momentum, "eps", eps);
  }

  /** Options of a {@link BatchNorm1d} layer, validated by {@link #build()}. */
  public static final class Builder {
    private final int features;
    private double momentum = BatchNorm.DEFAULT_MOMENTUM;
    private double eps = BatchNorm.DEFAULT_EPS;

    private Builder(int features) {
      this.features = features;
    }

    /** Weight of the batch statistic in the running averages, in [0, 1] (default 0.1). */
    public Builder momentum(double m) {
      this.momentum = m;
      return this;
    }

    /** Added to the variance before the square root, {@code > 0} (default 1e-5). */
    public Builder eps(double e) {
      this.eps = e;
      return this;
    }

    public BatchNorm1d build() {
      BatchNorm.validate("BatchNorm1d", "features", features, momentum, eps);
      return new BatchNorm1d(this);
    }
  }
}
