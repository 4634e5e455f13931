package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Pool2dSpec;
import java.util.Map;

/**
 * 2-d average pooling: input {@code [C, H, W]} per sample, output {@code [C, Hout, Wout]} with
 * {@code Hout = floor((H + 2P - K) / S) + 1}; each output is the sum of its {@code K x K} window
 * divided by {@code K * K}, padding counting as zeros in the divisor. No parameters.
 *
 * <p>Defaults as PyTorch's {@code nn.AvgPool2d}: stride = kernel, padding 0, and padded zeros
 * counted ({@code count_include_pad=True}); floor rounding ({@code ceil_mode=False}) is fixed. The
 * padding may be at most half the kernel, PyTorch's limit too.
 */
public final class AvgPool2d extends Layer {
  private final Pool2dSpec spec;

  private AvgPool2d(Pool2dSpec spec) {
    this.spec = spec;
  }

  /** A {@code k x k} window, stride k, no padding: halves H and W for k = 2. */
  public static AvgPool2d of(int kernel) {
    return of(kernel, kernel, 0);
  }

  /**
   * A {@code k x k} window moved by {@code stride} pixels over the input padded by
   * {@code padding} pixels on every side.
   *
   * @throws IllegalArgumentException if kernel or stride is below 1, or padding is outside
   *     [0, kernel/2]
   */
  public static AvgPool2d of(int kernel, int stride, int padding) {
    return new AvgPool2d(PoolWindow.spec("AvgPool2d", kernel, stride, padding));
  }

  static AvgPool2d fromConfig(Map<String, Object> map) {
    Config c = new Config(LayerType.AVG_POOL2D, map);
    return of(c.integer("kernel"), c.integer("stride"), c.integer("padding"));
  }

  @Override
  public LayerType type() {
    return LayerType.AVG_POOL2D;
  }

  @Override
  public int[] outputShape(int[] inputShape) {
    return PoolWindow.outputShape(PoolWindow.label("AvgPool2d", spec), spec, inputShape);
  }

  @Override
  public Variable forward(Variable x, Mode mode) {
    return Ops.avgPool2d(x, spec);
  }

  @Override
  public Map<String, Object> config() {
    return Config.of("kernel", spec.kernelH(), "stride", spec.strideH(), "padding", spec.padH());
  }
}
