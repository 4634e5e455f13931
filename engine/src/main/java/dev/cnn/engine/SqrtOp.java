package dev.cnn.engine;

import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;

/** {@code y = sqrt(x)}. Backward: {@code dL/dx = g / (2 sqrt(x)) = g / (2y)}. */
final class SqrtOp implements Op {
  private Tensor y;

  private SqrtOp(Tensor y) {
    this.y = y;
  }

  static Variable apply(Variable x) {
    Tensor y = TensorMath.sqrt(x.value());
    return Graph.record(new SqrtOp(y), y, x);
  }

  @Override
  public String name() {
    return "sqrt";
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    return new Tensor[] {Elementwise.zip("sqrt backward", g, y, (gi, yi) -> gi / (2 * yi))};
  }

  @Override
  public void release() {
    y = null;
  }
}
