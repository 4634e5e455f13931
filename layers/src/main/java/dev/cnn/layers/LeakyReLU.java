package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import java.util.Map;

/**
 * Activation applied element by element: {@code y = x} for {@code x > 0}, else {@code slope * x}.
 * Any per-sample shape; the output has the input's shape. No parameters.
 *
 * <p>Default as PyTorch's {@code nn.LeakyReLU}: slope ({@code negative_slope}) 0.01.
 */
public final class LeakyReLU extends Layer {
  private final double slope;

  /** LeakyReLU with PyTorch's default slope, 0.01. */
  public LeakyReLU() {
    this(0.01);
  }

  /**
   * LeakyReLU with this slope.
   *
   * @throws IllegalArgumentException if slope is not finite
   */
  public LeakyReLU(double slope) {
    if (!Double.isFinite(slope)) {
      throw new IllegalArgumentException("LeakyReLU: slope = " + slope + "; expected a finite number"
          + " (usually small and positive)");
    }
    this.slope = slope;
  }

  static LeakyReLU fromConfig(Map<String, Object> map) {
    return new LeakyReLU(new Config(LayerType.LEAKY_RELU, map).number("slope"));
  }

  public double slope() {
    return slope;
  }

  @Override
  public LayerType type() {
    return LayerType.LEAKY_RELU;
  }

  @Override
  public int[] outputShape(int[] inputShape) {
    return inputShape.clone();
  }

  @Override
  public Variable forward(Variable x, Mode mode) {
    return Ops.leakyRelu(x, slope);
  }

  @Override
  public Map<String, Object> config() {
    return Config.of("slope", slope);
  }
}
