package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import java.util.Map;

/**
 * Activation applied element by element: {@code y = x} for {@code x > 0}, else
 * {@code alpha * (e^x - 1)}. Any per-sample shape; the output has the input's shape. No
 * parameters.
 *
 * <p>Default as PyTorch's {@code nn.ELU}: alpha 1.0.
 */
public final class ELU extends Layer {
  private final double alpha;

  /** ELU with PyTorch's default alpha, 1.0. */
  public ELU() {
    this(1.0);
  }

  /**
   * ELU with this alpha.
   *
   * @throws IllegalArgumentException if alpha is not finite
   */
  public ELU(double alpha) {
    if (!Double.isFinite(alpha)) {
      throw new IllegalArgumentException("ELU: alpha = " + alpha + "; expected a finite number"
          + " (usually positive)");
    }
    this.alpha = alpha;
  }

  static ELU fromConfig(Map<String, Object> map) {
    return new ELU(new Config(LayerType.ELU, map).number("alpha"));
  }

  public double alpha() {
    return alpha;
  }

  @Override
  public LayerType type() {
    return LayerType.ELU;
  }

  @Override
  public int[] outputShape(int[] inputShape) {
    return inputShape.clone();
  }

  @Override
  public Variable forward(Variable x, Mode mode) {
    return Ops.elu(x, alpha);
  }

  @Override
  public Map<String, Object> config() {
    return Config.of("alpha", alpha);
  }
}
