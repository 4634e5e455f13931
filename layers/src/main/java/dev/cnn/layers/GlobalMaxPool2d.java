package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Shapes;
import java.util.Map;

/**
 * Global max pooling: input {@code [C, H, W]} per sample, output {@code [C]}, each channel
 * replaced by the largest value of its {@code H x W} plane: {@code y[c] = max_{i, j} x[c][i][j]}.
 * No parameters. Backward sends each channel's gradient to the position of its maximum (the first
 * one in row-major order on a tie, as {@link Ops#max(Variable, boolean, int...)}). Like
 * {@link GlobalAvgPool2d}, it makes the head after it independent of the image size.
 *
 * <p>The same as PyTorch's {@code nn.Sequential(nn.AdaptiveMaxPool2d(1), nn.Flatten())}.
 */
public final class GlobalMaxPool2d extends Layer {

  /** A global max pooling layer (it has no options). */
  public GlobalMaxPool2d() {}

  static GlobalMaxPool2d fromConfig(Map<String, Object> map) {
    return new GlobalMaxPool2d();
  }

  @Override
  public LayerType type() {
    return LayerType.GLOBAL_MAX_POOL2D;
  }

  @Override
  public int[] outputShape(int[] inputShape) {
    if (inputShape.length != 3) {
      throw Shapes.error("GlobalMaxPool2d", "input shape " + Shapes.format(inputShape), "[C, H, W] per sample");
    }
    return new int[] {inputShape[0]};
  }

  @Override
  public Variable forward(Variable x, Mode mode) {
    return Ops.max(x, false, 2, 3); // [N, C, H, W] -> [N, C]
  }

  @Override
  public Map<String, Object> config() {
    return Config.of();
  }
}
