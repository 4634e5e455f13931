package dev.cnn.engine;

import dev.cnn.tensor.Tensor;

/**
 * {@code y = x^p} for a constant exponent p. Backward: {@code dL/dx = g * p * x^(p-1)}.
 * (For a non-integer p, x must be positive, as for {@link Math#pow}.)
 */
final class PowOp implements Op {
  private Tensor x;
  private final double p;

  private PowOp(Tensor x, double p) {
    this.x = x;
    this.p = p;
  }

  static Variable apply(Variable x, double p) {
    Tensor y = Elementwise.map(x.value(), v -> Math.pow(v, p));
    return Graph.record(new PowOp(x.value(), p), y, x);
  }

  @Override
  public String name() {
    return "pow";
  }

  @Override
  public String attributes() {
    return "p=" + p;
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    return new Tensor[] {Elementwise.zip("pow backward", g, x, (gi, xi) -> gi * p * Math.pow(xi, p - 1))};
  }

  @Override
  public void release() {
    x = null;
  }
}
