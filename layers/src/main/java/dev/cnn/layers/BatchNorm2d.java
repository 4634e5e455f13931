package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Shapes;
import java.util.Map;

/**
 * Batch normalisation per channel of images: input {@code [C, H, W]} per sample, output the same
 * shape, {@code y = weight[c] * (x - mu[c]) / sqrt(var[c] + eps) + bias[c]}.
 * <ul>
 *   <li>{@link Mode#TRAIN}: mu and var are the mean and biased variance of channel c over the
 *       batch and the image ({@code N*H*W} values, at least 2), and the buffers are updated:
 *       {@code running = (1 - momentum) * running + momentum * batch statistic}, with the unbiased
 *       variance for {@code running_var}.
 *   <li>{@link Mode#EVAL}: mu and var are {@code running_mean} and {@code running_var}.
 * </ul>
 * Parameters {@code weight} (gamma, init 1) and {@code bias} (beta, init 0), buffers
 * {@code running_mean} (init 0) and {@code running_var} (init 1), each {@code [C]}: PyTorch's names
 * and initial values. PyTorch's {@code num_batches_tracked} buffer is not kept (it matters only
 * with {@code momentum=None}, a cumulative average, which this layer does not offer).
 *
 * <p>Defaults as PyTorch's {@code nn.BatchNorm2d}: momentum 0.1, eps 1e-5, affine and tracked
 * running statistics.
 */
public final class BatchNorm2d extends Layer {
  private final int channels;
  private final double momentum;
  private final double eps;

  private BatchNorm2d(Builder b) {
    this.channels = b.channels;
    this.momentum = b.momentum;
    this.eps = b.eps;
  }

  /** Batch norm over {@code channels} channels with PyTorch's defaults. */
  public static BatchNorm2d of(int channels) {
    return builder(channels).build();
  }

  public static Builder builder(int channels) {
    return new Builder(channels);
  }

  static BatchNorm2d fromConfig(Map<String, Object> map) {
    Config c = new Config(LayerType.BATCH_NORM2D, map);
    return builder(c.integer("channels")).momentum(c.number("momentum")).eps(c.number("eps")).build();
  }

  @Override
  public LayerType type() {
    return LayerType.BATCH_NORM2D;
  }

  @Override
  public int[] outputShape(int[] s) {
    if (s.length != 3 || s[0] != channels) {
      throw Shapes.error("BatchNorm2d(" + channels + ")", "input shape " + Shapes.format(s),
          "[" + channels + ", H, W] per sample" + (s.length == 1 ? " (use BatchNorm1d for vectors)" : ""));
    }
    return s.clone();
  }

  @Override
  protected void create(int[] inputShape, Rng rng) {
    BatchNorm.create(this, channels);
  }

  @Override
  public Variable forward(Variable x, Mode mode) {
    return BatchNorm.forward(this, x, momentum, eps, mode);
  }

  @Override
  public Map<String, Object> config() {
    return Config.of("channels", channels, "momentum", momentum, "eps", eps);
  }

  /** Options of a {@link BatchNorm2d} layer, validated by {@link #build()}. */
  public static final class Builder {
    private final int channels;
    private double momentum = BatchNorm.DEFAULT_MOMENTUM;
    private double eps = BatchNorm.DEFAULT_EPS;

    private Builder(int channels) {
      this.channels = channels;
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

    public BatchNorm2d build() {
      BatchNorm.validate("BatchNorm2d", "channels", channels, momentum, eps);
      return new BatchNorm2d(this);
    }
  }
}
