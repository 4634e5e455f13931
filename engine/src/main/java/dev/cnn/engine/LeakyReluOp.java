package dev.cnn.engine;

import dev.cnn.tensor.Tensor;

/**
 * {@code y = x} for {@code x > 0}, {@code slope * x} otherwise. Backward: {@code dL/dx = g} for
 * {@code x > 0}, {@code slope * g} otherwise.
 */
final class LeakyReluOp implements Op {
  private Tensor x;
  private final double slope;

  private LeakyReluOp(Tensor x, double slope) {
    this.x = x;
    this.slope = slope;
  }

  static Variable apply(Variable x, double slope) {
    Tensor y = Elementwise.map(x.value(), v -> v > 0 ? v : slope * v);
    return Graph.record(new LeakyReluOp(x.value(), slope), y, x);
  }

  @Override
  public String name() {
    return "leakyRelu";
  }

  @Override
  public String attributes() {
    return "slope=" + slope;
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    return new Tensor[] {Elementwise.zip("leakyRelu backward", g, x, (gi, xi) -> xi > 0 ? gi : slope * gi)};
  }

  @Override
  public void release() {
    x = null;
  }
}
