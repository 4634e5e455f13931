package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import java.util.Map;

/**
 * Activation applied element by element: {@code y = 1 / (1 + e^-x)}. Any per-sample shape; the
 * output has the input's shape. No parameters.
 *
 * <p>The same as PyTorch's {@code nn.Sigmoid}.
 */
public final class Sigmoid extends Layer {

  /** A Sigmoid layer (it has no options). */
  public Sigmoid() {}

  static Sigmoid fromConfig(Map<String, Object> map) {
    return new Sigmoid();
  }

  @Override
  public LayerType type() {
    return LayerType.SIGMOID;
  }

  @Override
  public int[] outputShape(int[] inputShape) {
    return inputShape.clone();
  }

  @Override
  public Variable forward(Variable x, Mode mode) {
    return Ops.sigmoid(x);
  }

  @Override
  public Map<String, Object> config() {
    return Config.of();
  }
}
