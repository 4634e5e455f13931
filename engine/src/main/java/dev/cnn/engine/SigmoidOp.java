package dev.cnn.engine;

import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;

/** {@code y = 1 / (1 + e^-x)}. Backward: {@code dL/dx = g * y * (1 - y)}. */
final class SigmoidOp implements Op {
  private Tensor y;

  private SigmoidOp(Tensor y) {
    this.y = y;
  }

  static Variable apply(Variable x) {
    Tensor y = TensorMath.sigmoid(x.value());
    return Graph.record(new SigmoidOp(y), y, x);
  }

  @Override
  public String name() {
    return "sigmoid";
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    return new Tensor[] {Elementwise.zip("sigmoid backward", g, y, (gi, yi) -> gi * yi * (1 - yi))};
  }

  @Override
  public void release() {
    y = null;
  }
}
