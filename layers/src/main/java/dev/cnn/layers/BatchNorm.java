package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;
import java.util.Map;

/**
 * Batch normalisation per channel: {@code y = weight[c] * (x - mu[c]) / sqrt(var[c] + eps) + bias[c]},
 * for vectors ({@link Input#VECTORS}: input {@code [C]} per sample, PyTorch's
 * {@code nn.BatchNorm1d}, made by {@link BatchNorm1d}) or images ({@link Input#IMAGES}: input
 * {@code [C, H, W]} per sample, PyTorch's {@code nn.BatchNorm2d}, made by {@link BatchNorm2d}).
 * The output has the input's shape. One implementation serves both: they differ only in the shape
 * they accept, their name in architecture files ({@code batch_norm1d}, {@code batch_norm2d}) and
 * the name of the size in their config ({@code features}, {@code channels}).
 * <ul>
 *   <li>{@link Mode#TRAIN}: mu and var are the mean and biased variance of channel c over the
 *       batch, and over the image for images ({@code N} or {@code N*H*W} values, at least 2),
 *       and the buffers are updated:
 *       {@code running = (1 - momentum) * running + momentum * batch statistic}, with the unbiased
 *       variance for {@code running_var}.
 *   <li>{@link Mode#EVAL}: mu and var are {@code running_mean} and {@code running_var}.
 * </ul>
 * Parameters {@code weight} (gamma, init 1) and {@code bias} (beta, init 0), buffers
 * {@code running_mean} (init 0) and {@code running_var} (init 1), each {@code [C]}: PyTorch's names
 * and initial values, so safetensors files exchange with PyTorch. PyTorch's
 * {@code num_batches_tracked} buffer is not kept (it matters only with {@code momentum=None}, a
 * cumulative average, which this layer does not offer). PyTorch's {@code nn.BatchNorm1d} also
 * takes {@code [C, L]} samples; this layer takes vectors only.
 *
 * <p>Defaults as PyTorch's: momentum 0.1, eps 1e-5, affine and tracked running statistics. The
 * op itself (forward and backward) is the engine's {@link Ops#batchNorm}.
 */
public final class BatchNorm extends Layer {
  /** PyTorch's default weight of the batch statistic in the running averages. */
  static final double DEFAULT_MOMENTUM = 0.1;
  /** PyTorch's default constant added to the variance. */
  static final double DEFAULT_EPS = 1e-5;

  /** What a sample is: the two kinds of batch normalisation. */
  public enum Input {
    /** Samples {@code [C]}: {@code batch_norm1d} in architecture files, size key {@code features}. */
    VECTORS(LayerType.BATCH_NORM1D, "BatchNorm1d", "features", 1),
    /** Samples {@code [C, H, W]}: {@code batch_norm2d} in architecture files, size key {@code channels}. */
    IMAGES(LayerType.BATCH_NORM2D, "BatchNorm2d", "channels", 3);

    private final LayerType type;
    private final String title;
    private final String sizeKey;
    private final int rank;

    Input(LayerType type, String title, String sizeKey, int rank) {
      this.type = type;
      this.title = title;
      this.sizeKey = sizeKey;
      this.rank = rank;
    }

    /** The layer's name in messages and in PyTorch: {@code BatchNorm1d} or {@code BatchNorm2d}. */
    public String title() {
      return title;
    }
  }

  private final Input input;
  private final int channels;
  private final double momentum;
  private final double eps;

  private BatchNorm(Builder b) {
    this.input = b.input;
    this.channels = b.channels;
    this.momentum = b.momentum;
    this.eps = b.eps;
  }

  /** Options for a batch norm over {@code channels} channels (features) of {@code input} samples. */
  public static Builder builder(Input input, int channels) {
    if (input == null) throw new IllegalArgumentException("BatchNorm: input is null; expected VECTORS or IMAGES");
    return new Builder(input, channels);
  }

  /** The layer an architecture file's config describes ({@code features} or {@code channels}, momentum, eps). */
  static BatchNorm fromConfig(Input input, Map<String, Object> map) {
    Config c = new Config(input.type, map);
    return builder(input, c.integer(input.sizeKey)).momentum(c.number("momentum")).eps(c.number("eps")).build();
  }

  /** Whether this normalises vectors or images. */
  public Input input() {
    return input;
  }

  /** C: the number of channels (features) normalised. */
  public int channels() {
    return channels;
  }

  @Override
  public LayerType type() {
    return input.type;
  }

  @Override
  public int[] outputShape(int[] s) {
    if (s.length != input.rank || s[0] != channels) {
      String expected = input == Input.VECTORS ? "[" + channels + "] per sample" : "[" + channels + ", H, W] per sample";
      String hint = "";
      if (input == Input.VECTORS && s.length == 3) hint = " (use BatchNorm2d for images)";
      if (input == Input.IMAGES && s.length == 1) hint = " (use BatchNorm1d for vectors)";
      throw Shapes.error(input.title + "(" + channels + ")", "input shape " + Shapes.format(s), expected + hint);
    }
    return s.clone();
  }

  /** weight (gamma) = 1, bias (beta) = 0, running_mean = 0, running_var = 1, each {@code [C]}. */
  @Override
  protected void create(int[] inputShape, Rng rng) {
    addParameter("weight", Tensor.ones(DType.FLOAT32, channels));
    addParameter("bias", Tensor.zeros(DType.FLOAT32, channels));
    addBuffer("running_mean", Tensor.zeros(DType.FLOAT32, channels));
    addBuffer("running_var", Tensor.ones(DType.FLOAT32, channels));
  }

  @Override
  public Variable forward(Variable x, Mode mode) {
    return Ops.batchNorm(x, parameter("weight"), parameter("bias"), buffer("running_mean"), buffer("running_var"),
        momentum, eps, mode);
  }

  @Override
  public Map<String, Object> config() {
    return Config.of(input.sizeKey, channels, "momentum", momentum, "eps", eps);
  }

  /** Options of a {@link BatchNorm} layer, validated by {@link #build()}. */
  public static final class Builder {
    private final Input input;
    private final int channels;
    private double momentum = DEFAULT_MOMENTUM;
    private double eps = DEFAULT_EPS;

    private Builder(Input input, int channels) {
      this.input = input;
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

    /**
     * @throws IllegalArgumentException naming the layer and the option when the size is below 1,
     *     momentum is outside [0, 1] or eps is not a finite value above 0
     */
    public BatchNorm build() {
      String layer = input.title;
      if (channels < 1) {
        throw new IllegalArgumentException(layer + ": " + input.sizeKey + " = " + channels + "; expected >= 1");
      }
      if (!(momentum >= 0 && momentum <= 1)) {
        throw new IllegalArgumentException(layer + ": momentum = " + momentum + "; expected a value in [0, 1]"
            + " (the weight of the batch statistic in the running average; PyTorch's default is 0.1)");
      }
      if (!(eps > 0) || Double.isInfinite(eps)) {
        throw new IllegalArgumentException(layer + ": eps = " + eps + "; expected a finite value > 0"
            + " (PyTorch's default is 1e-5)");
      }
      return new BatchNorm(this);
    }
  }
}
