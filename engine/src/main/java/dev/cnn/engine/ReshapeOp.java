package dev.cnn.engine;

import dev.cnn.tensor.Tensor;

/**
 * {@code y = x viewed with a new shape} (same elements in the same row-major order; one axis may
 * be -1 and is then inferred). Backward: {@code dL/dx = g viewed with x's shape}.
 */
final class ReshapeOp implements Op {
  private final int[] xShape;

  private ReshapeOp(int[] xShape) {
    this.xShape = xShape;
  }

  static Variable apply(Variable x, int... shape) {
    return Graph.record(new ReshapeOp(x.shape()), x.value().reshape(shape), x);
  }

  @Override
  public String name() {
    return "reshape";
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    return new Tensor[] {g.reshape(xShape)};
  }
}
