package dev.cnn.engine;

import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;

/**
 * {@code y = a / b} element-wise, with broadcasting.
 *
 * <p>Backward (quotient rule): {@code dL/da = sumTo(g / b, shape(a))},
 * {@code dL/db = sumTo(-g * a / b^2, shape(b)) = sumTo(-g * y / b, shape(b))}.
 */
final class DivOp implements Op {
  private Tensor b;
  private Tensor y;
  private final int[] aShape;

  private DivOp(int[] aShape, Tensor b, Tensor y) {
    this.aShape = aShape;
    this.b = b;
    this.y = y;
  }

  static Variable apply(Variable a, Variable b) {
    Tensor y = TensorMath.div(a.value(), b.value());
    return Graph.record(new DivOp(a.shape(), b.value(), y), y, a, b);
  }

  @Override
  public String name() {
    return "div";
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    Tensor gOverB = TensorMath.div(g, b);
    return new Tensor[] {
      needsGrad[0] ? Broadcast.reduce(gOverB, aShape) : null,
      needsGrad[1] ? Broadcast.reduce(TensorMath.neg(TensorMath.mul(gOverB, y)), b.shape()) : null
    };
  }

  @Override
  public void release() {
    b = null;
    y = null;
  }
}
