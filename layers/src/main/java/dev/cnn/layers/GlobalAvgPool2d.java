package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Shapes;
import java.util.Map;

/**
 * Global average pooling: input {@code [C, H, W]} per sample, output {@code [C]}, each channel
 * replaced by the mean of its {@code H x W} plane: {@code y[c] = (1 / HW) sum_{i, j} x[c][i][j]}.
 * No parameters. Because the output no longer depends on H and W, a classifier head after it
 * takes images of any size.
 *
 * <p>The same as PyTorch's {@code nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())}: the
 * engine's op gives {@code [N, C, 1, 1]} and this layer flattens it to {@code [N, C]}.
 */
public final class GlobalAvgPool2d extends Layer {

  /** A global average pooling layer (it has no options). */
  public GlobalAvgPool2d() {}

  static GlobalAvgPool2d fromConfig(Map<String, Object> map) {
    return new GlobalAvgPool2d();
  }

  @Override
  public LayerType type() {
    return LayerType.GLOBAL_AVG_POOL2D;
  }

  @Override
  public int[] outputShape(int[] inputShape) {
    if (inputShape.length != 3) {
      throw Shapes.error("GlobalAvgPool2d", "input shape " + Shapes.format(inputShape), "[C, H, W] per sample");
    }
    return new int[] {inputShape[0]};
  }

  @Override
  public Variable forward(Variable x, Mode mode) {
    return Ops.flatten(Ops.globalAvgPool2d(x), 1);
  }

  @Override
  public Map<String, Object> config() {
    return Config.of();
  }
}
