package dev.cnn.engine;

import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;

/** {@code y = tanh(x)}. Backward: {@code dL/dx = g * (1 - y^2)}. */
final class TanhOp implements Op {
  private Tensor y;

  private TanhOp(Tensor y) {
    this.y = y;
  }

  static Variable apply(Variable x) {
    Tensor y = TensorMath.tanh(x.value());
    return Graph.record(new TanhOp(y), y, x);
  }

  @Override
  public String name() {
    return "tanh";
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    return new Tensor[] {Elementwise.zip("tanh backward", g, y, (gi, yi) -> gi * (1 - yi * yi))};
  }

  @Override
  public void release() {
    y = null;
  }
}
