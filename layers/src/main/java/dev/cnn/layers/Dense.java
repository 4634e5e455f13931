package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Shapes;
import java.util.Map;

/**
 * Fully connected layer: {@code y = x W^T + b}, input {@code [in]} per sample, output
 * {@code [out]}; weight {@code [out, in]} and bias {@code [out]} in PyTorch's layout (so
 * {@code nn.Linear} weights load unchanged).
 *
 * <p>Defaults as PyTorch's {@code nn.Linear}: weight and bias from U(-1/sqrt(in), 1/sqrt(in))
 * ({@link Init#torchDefault()}), bias on. {@code in} may be left out and is then inferred from
 * the input shape when the model is built.
 */
public final class Dense extends Layer {
  private final int in;
  private final int out;
  private final boolean bias;
  private final Init weightInit;
  private final Init biasInit;

  private Dense(Builder b) {
    this.in = b.in;
    this.out = b.out;
    this.bias = b.bias;
    this.weightInit = b.weightInit;
    this.biasInit = b.biasInit;
  }

  /** {@code in -> out} features with PyTorch's defaults. */
  public static Dense of(int in, int out) {
    return builder(out).in(in).build();
  }

  /** A dense layer with {@code out} outputs; the rest is optional. */
  public static Builder builder(int out) {
    return new Builder(out);
  }

  static Dense fromConfig(Map<String, Object> map) {
    Config c = new Config(LayerType.DENSE, map);
    return builder(c.integer("out")).in(c.integer("in")).bias(c.bool("bias"))
        .weightInit(Init.parse(c.string("weight_init"))).biasInit(Init.parse(c.string("bias_init"))).build();
  }

  @Override
  public LayerType type() {
    return LayerType.DENSE;
  }

  @Override
  public int[] outputShape(int[] inputShape) {
    if (inputShape.length != 1 || (in > 0 && inputShape[0] != in)) {
      throw Shapes.error("Dense(" + (in > 0 ? in + " -> " : "") + out + ")", "input shape "
          + Shapes.format(inputShape), (in > 0 ? "[" + in + "]" : "a vector [in]")
          + " per sample" + (inputShape.length > 1 ? " (add a Flatten layer before it)" : ""));
    }
    return new int[] {out};
  }

  @Override
  protected void create(int[] inputShape, Rng rng) {
    int fanIn = inputShape[0];
    addParameter("weight", weightInit.create(rng, fanIn, out, out, fanIn));
    if (bias) addParameter("bias", biasInit.create(rng, fanIn, out, out));
  }

  @Override
  public Variable forward(Variable x, Mode mode) {
    return Ops.linear(x, parameter("weight"), parameter("bias"));
  }

  @Override
  public Map<String, Object> config() {
    Variable weight = parameter("weight");
    return Config.of("in", weight != null ? weight.shape()[1] : in, "out", out, "bias", bias,
        "weight_init", weightInit.label(), "bias_init", biasInit.label());
  }

  /** Options of a {@link Dense} layer, validated by {@link #build()}. */
  public static final class Builder {
    private final int out;
    private int in = -1;
    private boolean bias = true;
    private Init weightInit = Init.torchDefault();
    private Init biasInit = Init.torchDefault();

    private Builder(int out) {
      this.out = out;
    }

    /** Input features (checked against the input shape; inferred when not given). */
    public Builder in(int features) {
      this.in = features;
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

    public Dense build() {
      if (out < 1) throw new IllegalArgumentException("Dense: out = " + out + "; expected >= 1 output features");
      if (in == 0 || in < -1) throw new IllegalArgumentException("Dense: in = " + in + "; expected >= 1 input features");
      if (weightInit == null || biasInit == null) throw new IllegalArgumentException("Dense: an initialiser is null");
      return new Dense(this);
    }
  }
}
