package dev.cnn.engine;

import dev.cnn.tensor.Pool2dSpec;
import dev.cnn.tensor.Pooling;
import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;

/**
 * 2-d average pooling: x {@code [N, C, H, W]} to y {@code [N, C, Hout, Wout]},
 * {@code Hout = floor((H + 2P - KH)/S) + 1}, each output the mean of its KH x KW window, with the
 * padding counted as zeros in the divisor (PyTorch's default, {@code count_include_pad=True}):
 * <pre>
 *   y[n][c][oh][ow] = (1 / (KH*KW)) * sum_{i &lt; KH, j &lt; KW} x[n][c][oh*S - P + i][ow*S - P + j]
 * </pre>
 *
 * <p>Backward: each real element of a window fed its output with weight {@code 1/(KH*KW)}, so
 * {@code dL/dx[n][c][ih][iw] = sum over the windows containing (ih, iw) of g[n][c][oh][ow] / (KH*KW)}.
 * Nothing is saved but the input shape.
 */
final class AvgPool2dOp implements Op {
  private final int[] xShape;
  private final Pool2dSpec spec;

  private AvgPool2dOp(int[] xShape, Pool2dSpec spec) {
    this.xShape = xShape;
    this.spec = spec;
  }

  static Variable apply(Variable x, Pool2dSpec spec) {
    Shapes.requireNonNull("avgPool2d", "x", x, "a variable [N, C, H, W]");
    Tensor y = Pooling.avgForward(x.value(), spec);
    return Graph.record(new AvgPool2dOp(x.shape(), spec), y, x);
  }

  @Override
  public String name() {
    return "avgPool2d";
  }

  @Override
  public String attributes() {
    return spec.label();
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    return new Tensor[] {Pooling.avgBackward(g, xShape, spec)};
  }
}
