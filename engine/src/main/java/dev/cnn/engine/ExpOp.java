package dev.cnn.engine;

import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;

/** {@code y = e^x}. Backward: {@code dL/dx = g * e^x = g * y} (the output is saved, not x). */
final class ExpOp implements Op {
  private Tensor y;

  private ExpOp(Tensor y) {
    this.y = y;
  }

  static Variable apply(Variable x) {
    Tensor y = TensorMath.exp(x.value());
    return Graph.record(new ExpOp(y), y, x);
  }

  @Override
  public String name() {
    return "exp";
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    return new Tensor[] {TensorMath.mul(g, y)};
  }

  @Override
  public void release() {
    y = null;
  }
}
