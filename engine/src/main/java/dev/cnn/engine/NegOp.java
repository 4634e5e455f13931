package dev.cnn.engine;

import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;

/** {@code y = -x}. Backward: {@code dL/dx = -g}. */
final class NegOp implements Op {
  static Variable apply(Variable x) {
    return Graph.record(new NegOp(), TensorMath.neg(x.value()), x);
  }

  @Override
  public String name() {
    return "neg";
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    return new Tensor[] {TensorMath.neg(g)};
  }
}
