package dev.cnn.engine;

import dev.cnn.tensor.Pooling;
import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;

/**
 * Adaptive average pooling: x {@code [N, C, H, W]} to y {@code [N, C, Hout, Wout]} for a fixed
 * output size, whatever H and W are (PyTorch's {@code adaptive_avg_pool2d}):
 * <pre>
 *   y[n][c][oh][ow] = mean of x[n][c][h][w] over h in [floor(oh*H/Hout), ceil((oh+1)*H/Hout)),
 *                                               w in [floor(ow*W/Wout), ceil((ow+1)*W/Wout))
 * </pre>
 * Backward: every pixel of a window fed its mean with weight {@code 1/|window|}, so
 * {@code dL/dx[n][c][h][w] = sum over the windows holding (h, w) of g[n][c][oh][ow] / |window|}
 * (windows overlap by a pixel when the sizes do not divide). Nothing is saved but the input shape.
 */
final class AdaptiveAvgPool2dOp implements Op {
  private final int[] xShape;

  private AdaptiveAvgPool2dOp(int[] xShape) {
    this.xShape = xShape;
  }

  static Variable apply(Variable x, int outH, int outW) {
    Shapes.requireNonNull("adaptiveAvgPool2d", "x", x, "a variable [N, C, H, W]");
    Tensor y = Pooling.adaptiveAvgForward(x.value(), outH, outW);
    return Graph.record(new AdaptiveAvgPool2dOp(x.shape()), y, x);
  }

  @Override
  public String name() {
    return "adaptiveAvgPool2d";
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    return new Tensor[] {Pooling.adaptiveAvgBackward(g, xShape)};
  }
}
