package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Conv2dSpec;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Shapes;
import java.util.Map;

/**
 * Depthwise-separable convolution (Keras' {@code SeparableConv2D}; MobileNet's building block): a
 * depthwise convolution that filters each input channel on its own, then a 1x1 (pointwise)
 * convolution that mixes the channels:
 * <pre>
 *   d = conv2d(x, depthwise_weight, groups = Cin)        depthwise_weight [Cin*M, 1, K, K], d [Cin*M, Hout, Wout]
 *   y = conv2d(d, pointwise_weight) + bias                pointwise_weight [Cout, Cin*M, 1, 1], bias [Cout]
 * </pre>
 * M is the depth multiplier (filters per input channel, default 1); stride, padding and dilation
 * apply to the depthwise step, so the output size is {@link Conv2d}'s for the same options. It
 * computes a restricted {@code K x K} convolution (the weight factored into a per-channel filter
 * times a channel mix) with {@code Cin*M*(K*K + Cout)} weights instead of {@code Cin*Cout*K*K}:
 * for 64 -> 128 channels, 3x3, 8,768 instead of 73,728. Backward is the two convolutions' own.
 *
 * <p>Defaults: stride 1, padding 0, dilation 1, multiplier 1, bias on; each weight from
 * U(-1/sqrt(fanIn), 1/sqrt(fanIn)) with its own fan-in ({@code K*K} and {@code Cin*M}), as two
 * PyTorch {@code nn.Conv2d}s would be.
 */
public final class SeparableConv2d extends Layer {
  private final int in;
  private final int out;
  private final int kernel;
  private final int stride;
  private final Padding padding;
  private final int dilation;
  private final int multiplier;
  private final boolean bias;
  private final Init weightInit;
  private final Init biasInit;
  private Conv2dSpec depthwise;
  private Conv2dSpec pointwise;

  private SeparableConv2d(Builder b) {
    this.in = b.in;
    this.out = b.out;
    this.kernel = b.kernel;
    this.stride = b.stride;
    this.padding = b.padding;
    this.dilation = b.dilation;
    this.multiplier = b.multiplier;
    this.bias = b.bias;
    this.weightInit = b.weightInit;
    this.biasInit = b.biasInit;
  }

  /** {@code in -> out} channels, kernel {@code k x k}; other options at their defaults. */
  public static SeparableConv2d of(int in, int out, int k) {
    return builder(in, out).kernel(k).build();
  }

  public static Builder builder(int in, int out) {
    return new Builder(in, out);
  }

  static SeparableConv2d fromConfig(Map<String, Object> map) {
    Config c = new Config(LayerType.SEPARABLE_CONV2D, map);
    return builder(c.integer("in"), c.integer("out")).kernel(c.integer("kernel")).stride(c.integer("stride"))
        .padding(Padding.parse(c.string("padding"))).dilation(c.integer("dilation"))
        .depthMultiplier(c.integer("depth_multiplier")).bias(c.bool("bias"))
        .weightInit(Init.parse(c.string("weight_init"))).biasInit(Init.parse(c.string("bias_init"))).build();
  }

  @Override
  public LayerType type() {
    return LayerType.SEPARABLE_CONV2D;
  }

  private String label() {
    return "SeparableConv2d(" + in + " -> " + out + ", kernel " + kernel + ")";
  }

  @Override
  public int[] outputShape(int[] s) {
    return Conv2d.outputShape(label(), s, in, out, kernel, stride, padding, dilation);
  }

  @Override
  protected void create(int[] inputShape, Rng rng) {
    int pad = padding.resolve(label(), kernel, stride, dilation);
    int mid = in * multiplier;
    depthwise = Conv2dSpec.of(stride, pad, dilation, in);
    pointwise = Conv2dSpec.of(1, 0, 1, 1);
    int dwFanIn = kernel * kernel, pwFanIn = mid;
    addParameter("depthwise_weight", weightInit.create(rng, dwFanIn, mid * kernel * kernel, mid, 1, kernel, kernel));
    addParameter("pointwise_weight", weightInit.create(rng, pwFanIn, out, out, mid, 1, 1));
    if (bias) addParameter("bias", biasInit.create(rng, pwFanIn, out, out));
  }

  @Override
  public Variable forward(Variable x, Mode mode) {
    Variable d = Ops.conv2d(x, parameter("depthwise_weight"), null, depthwise);
    return Ops.conv2d(d, parameter("pointwise_weight"), parameter("bias"), pointwise);
  }

  @Override
  public Map<String, Object> config() {
    return Config.of("in", in, "out", out, "kernel", kernel, "stride", stride, "padding", padding.label(),
        "dilation", dilation, "depth_multiplier", multiplier, "bias", bias, "weight_init", weightInit.label(),
        "bias_init", biasInit.label());
  }

  /** Options of a {@link SeparableConv2d} layer, validated by {@link #build()}. */
  public static final class Builder {
    private final int in;
    private final int out;
    private int kernel = 3;
    private int stride = 1;
    private Padding padding = Padding.of(0);
    private int dilation = 1;
    private int multiplier = 1;
    private boolean bias = true;
    private Init weightInit = Init.torchDefault();
    private Init biasInit = Init.torchDefault();

    private Builder(int in, int out) {
      this.in = in;
      this.out = out;
    }

    public Builder kernel(int k) {
      this.kernel = k;
      return this;
    }

    public Builder stride(int s) {
      this.stride = s;
      return this;
    }

    /** Zero padding in pixels on every side. */
    public Builder padding(int pixels) {
      return padding(Padding.of(pixels));
    }

    public Builder padding(Padding p) {
      this.padding = p;
      return this;
    }

    public Builder dilation(int d) {
      this.dilation = d;
      return this;
    }

    /** Depthwise filters per input channel (Keras' {@code depth_multiplier}). */
    public Builder depthMultiplier(int m) {
      this.multiplier = m;
      return this;
    }

    public Builder bias(boolean on) {
      this.bias = on;
      return this;
    }

    /** The initialiser of both weights (each with its own fan-in and fan-out). */
    public Builder weightInit(Init init) {
      this.weightInit = init;
      return this;
    }

    public Builder biasInit(Init init) {
      this.biasInit = init;
      return this;
    }

    public SeparableConv2d build() {
      String op = "SeparableConv2d";
      Shapes.checkPositive(op, "in channels", in);
      Shapes.checkPositive(op, "out channels", out);
      Shapes.checkPositive(op, "kernel", kernel);
      Shapes.checkPositive(op, "stride", stride);
      Shapes.checkPositive(op, "dilation", dilation);
      Shapes.checkPositive(op, "depth multiplier", multiplier);
      if (padding == null) {
        throw new IllegalArgumentException("SeparableConv2d: padding is null; use Padding.of(n), SAME or VALID");
      }
      if (weightInit == null || biasInit == null) {
        throw new IllegalArgumentException("SeparableConv2d: an initialiser is null");
      }
      return new SeparableConv2d(this);
    }
  }
}
