package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Pool2dSpec;
import java.util.Map;

/**
 * 2-d max pooling: input {@code [C, H, W]} per sample, output {@code [C, Hout, Wout]} with
 * {@code Hout = floor((H + 2P - K) / S) + 1}; each output is the largest value of its
 * {@code K x K} window (padding is never the largest). The gradient goes to each window's
 * maximum. No parameters.
 *
 * <p>Defaults as PyTorch's {@code nn.MaxPool2d}: stride = kernel (windows that do not overlap),
 * padding 0; dilation 1 and floor rounding ({@code ceil_mode=False}) are fixed. The padding may be
 * at most half the kernel, PyTorch's limit too.
 */
public final class MaxPool2d extends Layer {
  private final Pool2dSpec spec;

  private MaxPool2d(Pool2dSpec spec) {
    this.spec = spec;
  }

  /** A {@code k x k} window, stride k, no padding: halves H and W for k = 2. */
  public static MaxPool2d of(int kernel) {
    return of(kernel, kernel, 0);
  }

  /**
   * A {@code k x k} window moved by {@code stride} pixels over the input padded by
   * {@code padding} pixels on every side.
   *
   * @throws IllegalArgumentException if kernel or stride is below 1, or padding is outside
   *     [0, kernel/2]
   */
  public static MaxPool2d of(int kernel, int stride, int padding) {
    return new MaxPool2d(PoolWindow.spec("MaxPool2d", kernel, stride, padding));
  }

  static MaxPool2d fromConfig(Map<String, Object> map) {
    Config c = new Config(LayerType.MAX_POOL2D, map);
    return of(c.integer("kernel"), c.integer("stride"), c.integer("padding"));
  }

  @Override
  public LayerType type() {
    return LayerType.MAX_POOL2D;
  }

  @Override
  public int[] outputShape(int[] inputShape) {
    return PoolWindow.outputShape(PoolWindow.label("MaxPool2d", spec), spec, inputShape);
  }

  @Override
  public Variable forward(Variable x, Mode mode) {
    return Ops.maxPool2d(x, spec);
  }

  @Override
  public Map<String, Object> config() {
    return Config.of("kernel", spec.kernelH(), "stride", spec.strideH(), "padding", spec.padH());
  }
}
