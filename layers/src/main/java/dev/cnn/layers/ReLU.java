package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;
import dev.cnn.tensor.UnaryOp;
import java.util.Map;

/**
 * Activation applied element by element: {@code y = max(x, 0)}; its gradient is 1 where
 * {@code x > 0}, else 0. Any per-sample shape; the output has the input's shape. No parameters.
 *
 * <p>The same as PyTorch's {@code nn.ReLU}.
 */
public final class ReLU extends Layer {

  /** A ReLU layer (it has no options). */
  public ReLU() {}

  static ReLU fromConfig(Map<String, Object> map) {
    return new ReLU();
  }

  @Override
  public LayerType type() {
    return LayerType.RELU;
  }

  @Override
  public int[] outputShape(int[] inputShape) {
    return inputShape.clone();
  }

  @Override
  public Variable forward(Variable x, Mode mode) {
    return Ops.relu(x);
  }

  @Override
  boolean applyInPlace(Tensor x) {
    TensorMath.unary(UnaryOp.RELU, x, x);
    return true;
  }

  @Override
  public Map<String, Object> config() {
    return Config.of();
  }
}
