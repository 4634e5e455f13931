package dev.cnn.engine;

import dev.cnn.tensor.Pooling;
import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;

/**
 * Global average pooling: x {@code [N, C, H, W]} to y {@code [N, C, 1, 1]}, the mean of each
 * channel's H x W plane:
 * <pre>
 *   y[n][c][0][0] = (1 / (H*W)) * sum_{h, w} x[n][c][h][w]
 * </pre>
 * The two size-1 axes are kept (as {@link Pooling#globalAvgForward} returns them); flatten the
 * result ({@link Ops#flatten}) to get {@code [N, C]} for a dense layer.
 *
 * <p>Backward: every element of the plane fed the mean with weight {@code 1/(H*W)}, so
 * {@code dL/dx[n][c][h][w] = g[n][c][0][0] / (H*W)}. Nothing is saved but the input shape.
 */
final class GlobalAvgPool2dOp implements Op {
  private final int[] xShape;

  private GlobalAvgPool2dOp(int[] xShape) {
    this.xShape = xShape;
  }

  static Variable apply(Variable x) {
    Shapes.requireNonNull("globalAvgPool2d", "x", x, "a variable [N, C, H, W]");
    Tensor y = Pooling.globalAvgForward(x.value());
    return Graph.record(new GlobalAvgPool2dOp(x.shape()), y, x);
  }

  @Override
  public String name() {
    return "globalAvgPool2d";
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    return new Tensor[] {Pooling.globalAvgBackward(g, xShape)};
  }
}
