package dev.cnn.engine;

import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;

/**
 * {@code y = a - b} with broadcasting.
 *
 * <p>Backward: {@code dL/da = sumTo(g, shape(a))}, {@code dL/db = -sumTo(g, shape(b))}.
 */
final class SubOp implements Op {
  private final int[] aShape;
  private final int[] bShape;

  private SubOp(int[] aShape, int[] bShape) {
    this.aShape = aShape;
    this.bShape = bShape;
  }

  static Variable apply(Variable a, Variable b) {
    Tensor y = TensorMath.sub(a.value(), b.value());
    return Graph.record(new SubOp(a.shape(), b.shape()), y, a, b);
  }

  @Override
  public String name() {
    return "sub";
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    return new Tensor[] {
      needsGrad[0] ? Broadcast.reduce(g, aShape) : null,
      needsGrad[1] ? TensorMath.neg(Broadcast.reduce(g, bShape)) : null
    };
  }
}
