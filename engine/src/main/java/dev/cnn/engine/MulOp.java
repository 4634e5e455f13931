package dev.cnn.engine;

import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;

/**
 * {@code y = a * b} element-wise, with broadcasting.
 *
 * <p>Backward (product rule): {@code dL/da = sumTo(g * b, shape(a))},
 * {@code dL/db = sumTo(g * a, shape(b))}.
 */
final class MulOp implements Op {
  private Tensor a;
  private Tensor b;

  private MulOp(Tensor a, Tensor b) {
    this.a = a;
    this.b = b;
  }

  static Variable apply(Variable a, Variable b) {
    Tensor y = TensorMath.mul(a.value(), b.value());
    return Graph.record(new MulOp(a.value(), b.value()), y, a, b);
  }

  @Override
  public String name() {
    return "mul";
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    return new Tensor[] {
      needsGrad[0] ? Broadcast.reduce(TensorMath.mul(g, b), a.shape()) : null,
      needsGrad[1] ? Broadcast.reduce(TensorMath.mul(g, a), b.shape()) : null
    };
  }

  @Override
  public void release() {
    a = null;
    b = null;
  }
}
