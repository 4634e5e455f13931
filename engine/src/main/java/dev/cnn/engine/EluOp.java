package dev.cnn.engine;

import dev.cnn.tensor.Tensor;

/**
 * {@code y = x} for {@code x > 0}, {@code alpha * (e^x - 1)} otherwise. Backward:
 * {@code dL/dx = g} for {@code x > 0}, {@code g * alpha * e^x = g * (y + alpha)} otherwise.
 */
final class EluOp implements Op {
  private Tensor x;
  private final double alpha;

  private EluOp(Tensor x, double alpha) {
    this.x = x;
    this.alpha = alpha;
  }

  static Variable apply(Variable x, double alpha) {
    Tensor y = Elementwise.map(x.value(), v -> v > 0 ? v : alpha * Math.expm1(v));
    return Graph.record(new EluOp(x.value(), alpha), y, x);
  }

  @Override
  public String name() {
    return "elu";
  }

  @Override
  public String attributes() {
    return "alpha=" + alpha;
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    return new Tensor[] {Elementwise.zip("elu backward", g, x, (gi, xi) -> xi > 0 ? gi : gi * alpha * Math.exp(xi))};
  }

  @Override
  public void release() {
    x = null;
  }
}
