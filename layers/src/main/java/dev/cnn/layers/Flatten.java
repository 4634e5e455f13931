package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Shapes;
import java.util.Map;

/**
 * Flattens each sample into a vector: input {@code [d1, ..., dk]} per sample (any rank k >= 1),
 * output {@code [d1 * ... * dk]}; {@code [C, H, W] -> [C*H*W]} in row-major order, so element
 * {@code (c, h, w)} lands at {@code c*H*W + h*W + w}. A reshape: no parameters; the gradient
 * is reshaped back.
 *
 * <p>The same as PyTorch's {@code nn.Flatten()} with its defaults ({@code start_dim=1,
 * end_dim=-1}): the batch axis is kept.
 */
public final class Flatten extends Layer {

  /** A flatten layer (it has no options). */
  public Flatten() {}

  static Flatten fromConfig(Map<String, Object> map) {
    return new Flatten();
  }

  @Override
  public LayerType type() {
    return LayerType.FLATTEN;
  }

  @Override
  public int[] outputShape(int[] inputShape) {
    if (inputShape.length == 0) {
      throw Shapes.error("Flatten", "input shape []", "at least one axis per sample");
    }
    return new int[] {Shapes.size(inputShape)};
  }

  @Override
  public Variable forward(Variable x, Mode mode) {
    return Ops.flatten(x, 1);
  }

  @Override
  public Map<String, Object> config() {
    return Config.of();
  }
}
