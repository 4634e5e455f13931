package dev.cnn.layers;

import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import java.util.Locale;

/**
 * How a parameter is filled before training, as a small value object (it is saved in the
 * architecture JSON by its {@link #label()}).
 *
 * <p>fanIn and fanOut are the numbers of inputs and outputs each weight connects: for a dense
 * weight {@code [out, in]}, fanIn = in and fanOut = out; for a convolution weight
 * {@code [Cout, Cin/G, KH, KW]}, fanIn = {@code Cin/G * KH * KW} and fanOut =
 * {@code Cout * KH * KW} (PyTorch's {@code _calculate_fan_in_and_fan_out}).
 * <ul>
 *   <li>{@link #heNormal()}: N(0, 2 / fanIn) (Kaiming normal, for ReLU networks).
 *   <li>{@link #heUniform()}: U(-b, b), b = sqrt(6 / fanIn).
 *   <li>{@link #glorotNormal()}: N(0, 2 / (fanIn + fanOut)) (Xavier normal).
 *   <li>{@link #glorotUniform()}: U(-b, b), b = sqrt(6 / (fanIn + fanOut)).
 *   <li>{@link #torchDefault()}: U(-b, b), b = 1 / sqrt(fanIn): PyTorch's default for the weight
 *       of {@code nn.Linear} and {@code nn.Conv2d} ({@code kaiming_uniform_(a = sqrt(5))}) and
 *       for their bias.
 *   <li>{@link #zeros()}, {@link #constant(double)}.
 * </ul>
 * The values come from the caller's {@link Rng}, so the same seed gives the same weights.
 */
public record Init(Kind kind, double value) {
  /** The distribution. */
  public enum Kind {
    ZEROS, CONSTANT, HE_NORMAL, HE_UNIFORM, GLOROT_NORMAL, GLOROT_UNIFORM, TORCH_DEFAULT
  }

  public Init {
    if (kind == null) throw new IllegalArgumentException("Init: kind is null; expected one of " + java.util.Arrays.toString(Kind.values()));
    if (!Double.isFinite(value)) throw new IllegalArgumentException("Init: value = " + value + "; expected a finite number");
  }

  public static Init zeros() {
    return new Init(Kind.ZEROS, 0);
  }

  public static Init constant(double c) {
    return new Init(Kind.CONSTANT, c);
  }

  public static Init heNormal() {
    return new Init(Kind.HE_NORMAL, 0);
  }

  public static Init heUniform() {
    return new Init(Kind.HE_UNIFORM, 0);
  }

  public static Init glorotNormal() {
    return new Init(Kind.GLOROT_NORMAL, 0);
  }

  public static Init glorotUniform() {
    return new Init(Kind.GLOROT_UNIFORM, 0);
  }

  public static Init torchDefault() {
    return new Init(Kind.TORCH_DEFAULT, 0);
  }

  /** A new float32 tensor of this shape, filled from rng. */
  public Tensor create(Rng rng, int fanIn, int fanOut, int... shape) {
    switch (kind) {
      case ZEROS:
        return Tensor.zeros(DType.FLOAT32, shape);
      case CONSTANT:
        return Tensor.full(DType.FLOAT32, value, shape);
      case HE_NORMAL:
        return Tensor.normal(rng, DType.FLOAT32, 0, Math.sqrt(2.0 / fanIn), shape);
      case HE_UNIFORM:
        return uniform(rng, Math.sqrt(6.0 / fanIn), shape);
      case GLOROT_NORMAL:
        return Tensor.normal(rng, DType.FLOAT32, 0, Math.sqrt(2.0 / (fanIn + fanOut)), shape);
      case GLOROT_UNIFORM:
        return uniform(rng, Math.sqrt(6.0 / (fanIn + fanOut)), shape);
      case TORCH_DEFAULT:
        return uniform(rng, 1 / Math.sqrt(fanIn), shape);
      default:
        throw new AssertionError(kind);
    }
  }

  private static Tensor uniform(Rng rng, double bound, int... shape) {
    return Tensor.uniform(rng, DType.FLOAT32, -bound, bound, shape);
  }

  /** {@code "he_normal"}, {@code "constant(0.1)"}, ...: the name saved in architecture files. */
  public String label() {
    String name = kind.name().toLowerCase(Locale.ROOT);
    return kind == Kind.CONSTANT ? name + "(" + value + ")" : name;
  }

  /** The initialiser a {@link #label()} names. */
  public static Init parse(String label) {
    String s = label == null ? "" : label.trim().toLowerCase(Locale.ROOT);
    if (s.startsWith("constant(") && s.endsWith(")")) {
      try {
        return constant(Double.parseDouble(s.substring(9, s.length() - 1)));
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    for (Kind k : Kind.values()) {
      if (k != Kind.CONSTANT && k.name().toLowerCase(Locale.ROOT).equals(s)) return new Init(k, 0);
    }
    throw new IllegalArgumentException("initialiser '" + label + "' is unknown; expected zeros, constant(<number>),"
        + " he_normal, he_uniform, glorot_normal, glorot_uniform or torch_default");
  }
}
