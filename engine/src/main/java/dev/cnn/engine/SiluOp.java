package dev.cnn.engine;

import dev.cnn.tensor.Tensor;

/**
 * SiLU (swish): {@code y = x * sigmoid(x)}. Backward (product rule, with
 * {@code sigmoid' = s (1 - s)}): {@code dL/dx = g * s * (1 + x * (1 - s))}, {@code s = sigmoid(x)}.
 */
final class SiluOp implements Op {
  private Tensor x;

  private SiluOp(Tensor x) {
    this.x = x;
  }

  static Variable apply(Variable x) {
    Tensor y = Elementwise.map(x.value(), v -> v * sigmoid(v));
    return Graph.record(new SiluOp(x.value()), y, x);
  }

  @Override
  public String name() {
    return "silu";
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    return new Tensor[] {Elementwise.zip("silu backward", g, x, (gi, xi) -> {
      double s = sigmoid(xi);
      return gi * s * (1 + xi * (1 - s));
    })};
  }

  @Override
  public void release() {
    x = null;
  }

  private static double sigmoid(double v) {
    return 1 / (1 + Math.exp(-v));
  }
}
