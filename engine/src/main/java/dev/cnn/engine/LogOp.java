package dev.cnn.engine;

import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;

/** {@code y = ln x}. Backward: {@code dL/dx = g / x}. */
final class LogOp implements Op {
  private Tensor x;

  private LogOp(Tensor x) {
    this.x = x;
  }

  static Variable apply(Variable x) {
    return Graph.record(new LogOp(x.value()), TensorMath.log(x.value()), x);
  }

  @Override
  public String name() {
    return "log";
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    return new Tensor[] {TensorMath.div(g, x)};
  }

  @Override
  public void release() {
    x = null;
  }
}
