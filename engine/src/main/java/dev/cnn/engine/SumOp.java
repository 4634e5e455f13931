package dev.cnn.engine;

import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;

/**
 * {@code y = sum of x over the given axes} (all axes when none are given), keeping them as size 1
 * or dropping them. Backward: every element of x fed exactly one output with weight 1, so
 * {@code dL/dx = g broadcast back to x's shape}.
 */
final class SumOp implements Op {
  private final int[] xShape;
  private final int[] keptShape;

  private SumOp(int[] xShape, int[] keptShape) {
    this.xShape = xShape;
    this.keptShape = keptShape;
  }

  static Variable apply(Variable x, boolean keepDims, int... axes) {
    int[] ax = Axes.normalize("sum", x.shape(), axes);
    Tensor y = reduce(x.value(), ax);
    int[] kept = y.shape();
    return Graph.record(new SumOp(x.shape(), kept), y.reshape(Axes.reduced(x.shape(), ax, keepDims)), x);
  }

  /** The sum over {@code axes} with the axes kept as size 1, last axis first. */
  static Tensor reduce(Tensor x, int[] axes) {
    Tensor y = x;
    for (int i = axes.length - 1; i >= 0; i--) y = TensorMath.sum(y, axes[i], true);
    return y == x ? x.copy() : y;
  }

  /** g (shaped like the reduced result) repeated along the reduced axes to {@code shape}. */
  static Tensor expand(Tensor g, int[] keptShape, int[] shape) {
    return TensorMath.add(Tensor.zeros(g.dtype(), shape), g.reshape(keptShape));
  }

  @Override
  public String name() {
    return "sum";
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    return new Tensor[] {expand(g, keptShape, xShape)};
  }
}
