package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import java.util.Map;

/**
 * Activation applied element by element: {@code y = x * Phi(x)}, Phi the standard normal
 * cumulative distribution function (the exact form, not the tanh approximation). Any per-sample
 * shape; the output has the input's shape. No parameters.
 *
 * <p>The same as PyTorch's {@code nn.GELU} with its default {@code approximate='none'}.
 */
public final class GELU extends Layer {

  /** A GELU layer (it has no options). */
  public GELU() {}

  static GELU fromConfig(Map<String, Object> map) {
    return new GELU();
  }

  @Override
  public LayerType type() {
    return LayerType.GELU;
  }

  @Override
  public int[] outputShape(int[] inputShape) {
    return inputShape.clone();
  }

  @Override
  public Variable forward(Variable x, Mode mode) {
    return Ops.gelu(x);
  }

  @Override
  public Map<String, Object> config() {
    return Config.of();
  }
}
