package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import java.util.Map;

/**
 * Activation applied element by element: {@code y = tanh(x) = (e^x - e^-x) / (e^x + e^-x)}. Any
 * per-sample shape; the output has the input's shape. No parameters.
 *
 * <p>The same as PyTorch's {@code nn.Tanh}.
 */
public final class Tanh extends Layer {

  /** A Tanh layer (it has no options). */
  public Tanh() {}

  static Tanh fromConfig(Map<String, Object> map) {
    return new Tanh();
  }

  @Override
  public LayerType type() {
    return LayerType.TANH;
  }

  @Override
  public int[] outputShape(int[] inputShape) {
    return inputShape.clone();
  }

  @Override
  public Variable forward(Variable x, Mode mode) {
    return Ops.tanh(x);
  }

  @Override
  public Map<String, Object> config() {
    return Config.of();
  }
}
