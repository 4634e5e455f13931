package dev.cnn.engine;

import dev.cnn.tensor.DType;
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
    Tensor dx = Tensor.zeros(g.dtype(), g.shape());
    if (g.dtype() == DType.FLOAT32) { // the hot path of every CNN: a plain loop, no per-element call
      float[] gf = g.floatData(), yf = y.floatData(), d = dx.floatData();
      for (int i = 0; i < d.length; i++) d[i] = yf[i] > 0 ? gf[i] : 0f;
    } else {
      double[] gd = g.doubleData(), yd = y.doubleData(), d = dx.doubleData();
      for (int i = 0; i < d.length; i++) d[i] = yd[i] > 0 ? gd[i] : 0.0;
    }
    return new Tensor[] {dx};
  }

  @Override
  public void release() {
    y = null;
  }
}
