package dev.cnn.engine;

import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;

/**
 * {@code y = |x|}. Backward: {@code dL/dx = g * sign(x)}, with sign(0) = 0 (PyTorch's choice of
 * subgradient at the kink).
 */
final class AbsOp implements Op {
  private Tensor x;

  private AbsOp(Tensor x) {
    this.x = x;
  }

  static Variable apply(Variable x) {
    return Graph.record(new AbsOp(x.value()), TensorMath.abs(x.value()), x);
  }

  @Override
  public String name() {
    return "abs";
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    return new Tensor[] {Elementwise.zip("abs backward", g, x, (gi, xi) -> gi * Math.signum(xi))};
  }

  @Override
  public void release() {
    x = null;
  }
}
