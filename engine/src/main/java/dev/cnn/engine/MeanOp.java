package dev.cnn.engine;

import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;

/**
 * {@code y = mean of x over the given axes} (all when none are given): the sum divided by the
 * count c of elements reduced into each output. Backward:
 * {@code dL/dx = (g / c) broadcast back to x's shape}.
 */
final class MeanOp implements Op {
  private final int[] xShape;
  private final int[] keptShape;
  private final int count;

  private MeanOp(int[] xShape, int[] keptShape, int count) {
    this.xShape = xShape;
    this.keptShape = keptShape;
    this.count = count;
  }

  static Variable apply(Variable x, boolean keepDims, int... axes) {
    int[] ax = Axes.normalize("mean", x.shape(), axes);
    Tensor sum = SumOp.reduce(x.value(), ax);
    int count = Shapes.size(x.shape()) / Math.max(1, Shapes.size(sum.shape()));
    if (x.value().size() == 0) count = 0;
    Tensor y = Elementwise.scale(sum, 1.0 / count).reshape(Axes.reduced(x.shape(), ax, keepDims));
    return Graph.record(new MeanOp(x.shape(), sum.shape(), count), y, x);
  }

  @Override
  public String name() {
    return "mean";
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    return new Tensor[] {SumOp.expand(Elementwise.scale(g, 1.0 / count), keptShape, xShape)};
  }
}
