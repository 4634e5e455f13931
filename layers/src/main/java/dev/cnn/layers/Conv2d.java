package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Conv2dSpec;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Shapes;
import java.util.Map;

/**
 * 2-d convolution: input {@code [Cin, H, W]} per sample, output {@code [Cout, Hout, Wout]} with
 * {@code Hout = floor((H + 2P - D (K - 1) - 1) / S) + 1}; weight {@code [Cout, Cin/G, K, K]} and
 * bias {@code [Cout]} in PyTorch's layout. Kernel, stride, padding ({@link Padding}: pixels,
 * SAME or VALID) and dilation are the same along both axes; groups must divide both channel
 * counts.
 *
 * <p>Defaults as PyTorch's {@code nn.Conv2d}: stride 1, padding 0, dilation 1, groups 1, bias on,
 * weight and bias from U(-1/sqrt(fanIn), 1/sqrt(fanIn)) with {@code fanIn = Cin/G * K * K}.
 */
public final class Conv2d extends Layer {
  private final int in;
  private final int out;
  private final int kernel;
  private final int stride;
  private final Padding padding;
  private final int dilation;
  private final int groups;
  private final boolean bias;
  private final Init weightInit;
  private final Init biasInit;
  private Conv2dSpec spec;

  private Conv2d(Builder b) {
    this.in = b.in;
    this.out = b.out;
    this.kernel = b.kernel;
    this.stride = b.stride;
    this.padding = b.padding;
    this.dilation = b.dilation;
    this.groups = b.groups;
    this.bias = b.bias;
    this.weightInit = b.weightInit;
    this.biasInit = b.biasInit;
  }

  /** {@code in -> out} channels, kernel {@code k x k}; other options at their defaults. */
  public static Conv2d of(int in, int out, int k) {
    return builder(in, out).kernel(k).build();
  }

  public static Builder builder(int in, int out) {
    return new Builder(in, out);
  }

  static Conv2d fromConfig(Map<String, Object> map) {
    Config c = new Config(LayerType.CONV2D, map);
    return builder(c.integer("in"), c.integer("out")).kernel(c.integer("kernel")).stride(c.integer("stride"))
        .padding(Padding.parse(c.string("padding"))).dilation(c.integer("dilation")).groups(c.integer("groups"))
        .bias(c.bool("bias")).weightInit(Init.parse(c.string("weight_init")))
        .biasInit(Init.parse(c.string("bias_init"))).build();
  }

  @Override
  public LayerType type() {
    return LayerType.CONV2D;
  }

  private String label() {
    return "Conv2d(" + in + " -> " + out + ", kernel " + kernel + ")";
  }

  @Override
  public int[] outputShape(int[] s) {
    return outputShape(label(), s, in, out, kernel, stride, padding, dilation);
  }

  /**
   * The output shape {@code [out, Hout, Wout]} of a convolution of samples {@code s} (which must be
   * {@code [in, H, W]}), with {@code Hout = floor((H + 2P - D (K - 1) - 1) / S) + 1}; shared with
   * {@link SeparableConv2d}, whose depthwise step sets the size.
   *
   * @throws IllegalArgumentException naming {@code label} for a wrong input or an empty output
   */
  static int[] outputShape(String label, int[] s, int in, int out, int kernel, int stride, Padding padding,
      int dilation) {
    if (s.length != 3 || s[0] != in) {
      throw Shapes.error(label, "input shape " + Shapes.format(s), "[" + in + ", H, W] per sample");
    }
    int pad = padding.resolve(label, kernel, stride, dilation);
    int h = Conv2dSpec.outputSize(s[1], kernel, stride, pad, dilation);
    int w = Conv2dSpec.outputSize(s[2], kernel, stride, pad, dilation);
    if (h < 1 || w < 1) {
      throw Shapes.error(label, "input shape " + Shapes.format(s) + " gives an empty output "
          + Shapes.format(out, h, w), "H and W of at least " + (dilation * (kernel - 1) + 1 - 2 * pad)
          + " for kernel " + kernel + ", dilation " + dilation + " and padding " + pad);
    }
    return new int[] {out, h, w};
  }

  @Override
  protected void create(int[] inputShape, Rng rng) {
    int pad = padding.resolve(label(), kernel, stride, dilation);
    spec = Conv2dSpec.of(stride, pad, dilation, groups);
    int fanIn = in / groups * kernel * kernel, fanOut = out * kernel * kernel;
    addParameter("weight", weightInit.create(rng, fanIn, fanOut, out, in / groups, kernel, kernel));
    if (bias) addParameter("bias", biasInit.create(rng, fanIn, fanOut, out));
  }

  @Override
  public Variable forward(Variable x, Mode mode) {
    return Ops.conv2d(x, parameter("weight"), parameter("bias"), spec);
  }

  @Override
  public Map<String, Object> config() {
    return Config.of("in", in, "out", out, "kernel", kernel, "stride", stride, "padding", padding.label(),
        "dilation", dilation, "groups", groups, "bias", bias, "weight_init", weightInit.label(),
        "bias_init", biasInit.label());
  }

  /** Options of a {@link Conv2d} layer, validated by {@link #build()}. */
  public static final class Builder {
    private final int in;
    private final int out;
    private int kernel = 3;
    private int stride = 1;
    private Padding padding = Padding.of(0);
    private int dilation = 1;
    private int groups = 1;
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

    public Builder groups(int g) {
      this.groups = g;
      return this;
    }

    public Builder bias(boolean on) {
      this.bias = on;
      return this;
    }

    public Builder weightInit(Init init) {
      this.weightInit = init;
      return this;
    }

    public Builder biasInit(Init init) {
      this.biasInit = init;
      return this;
    }

    public Conv2d build() {
      positive("in channels", in);
      positive("out channels", out);
      positive("kernel", kernel);
      positive("stride", stride);
      positive("dilation", dilation);
      positive("groups", groups);
      if (padding == null) throw new IllegalArgumentException("Conv2d: padding is null; use Padding.of(n), SAME or VALID");
      if (in % groups != 0 || out % groups != 0) {
        throw new IllegalArgumentException("Conv2d: groups = " + groups + " must divide both channel counts (in "
            + in + ", out " + out + ")");
      }
      if (weightInit == null || biasInit == null) throw new IllegalArgumentException("Conv2d: an initialiser is null");
      return new Conv2d(this);
    }

    private static void positive(String name, int v) {
      if (v < 1) throw new IllegalArgumentException("Conv2d: " + name + " = " + v + "; expected >= 1");
    }
  }
}
