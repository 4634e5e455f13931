package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import java.util.Map;

/**
 * Activation applied element by element: {@code y = x * sigmoid(x) = x / (1 + e^-x)} (also called
 * swish). Any per-sample shape; the output has the input's shape. No parameters.
 *
 * <p>The same as PyTorch's {@code nn.SiLU}.
 */
public final class SiLU extends Layer {

  /** A SiLU layer (it has no options). */
  public SiLU() {}

  static SiLU fromConfig(Map<String, Object> map) {
    return new SiLU();
  }

  @Override
  public LayerType type() {
    return LayerType.SILU;
  }

  @Override
  public int[] outputShape(int[] inputShape) {
    return inputShape.clone();
  }

  @Override
  public Variable forward(Variable x, Mode mode) {
    return Ops.silu(x);
  }

  @Override
  public Map<String, Object> config() {
    return Config.of();
  }
}
