package dev.cnn.engine;

import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;

/**
 * {@code y = max(x, 0)}. Backward: {@code dL/dx = g} where {@code x > 0}, else 0 (the subgradient
 * 0 at the kink, as in PyTorch). {@code y > 0} exactly where {@code x > 0}, so y is saved.
 */
final class ReluOp implements Op {
  private Tensor y;

  private ReluOp(Tensor y) {
    this.y = y;
  }

  static Variable apply(Variable x) {
    Tensor y = TensorMath.relu(x.value());
    return Graph.record(new ReluOp(y), y, x);
  }

  @Override
  public String name() {
    return "relu";
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    return new Tensor[] {TensorMath.wherePositive(y, g)}; // g where y > 0, else 0
  }

  @Override
  public void release() {
    y = null;
  }
}
