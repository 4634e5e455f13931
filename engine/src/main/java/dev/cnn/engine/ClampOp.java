package dev.cnn.engine;

import dev.cnn.tensor.Tensor;

/**
 * {@code y = min(max(x, lo), hi)}. Backward: {@code dL/dx = g} where {@code lo <= x <= hi}, 0
 * where x was clipped (PyTorch counts the bounds themselves as inside).
 */
final class ClampOp implements Op {
  private Tensor x;
  private final double lo;
  private final double hi;

  private ClampOp(Tensor x, double lo, double hi) {
    this.x = x;
    this.lo = lo;
    this.hi = hi;
  }

  static Variable apply(Variable x, double lo, double hi) {
    if (!(lo <= hi)) {
      throw new IllegalArgumentException("clamp: lo = " + lo + " and hi = " + hi
          + "; expected lo <= hi (use -Infinity or Infinity for a one-sided clamp)");
    }
    Tensor y = Elementwise.map(x.value(), v -> Math.min(Math.max(v, lo), hi));
    return Graph.record(new ClampOp(x.value(), lo, hi), y, x);
  }

  @Override
  public String name() {
    return "clamp";
  }

  @Override
  public String attributes() {
    return "lo=" + lo + ", hi=" + hi;
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    return new Tensor[] {Elementwise.zip("clamp backward", g, x, (gi, xi) -> xi >= lo && xi <= hi ? gi : 0)};
  }

  @Override
  public void release() {
    x = null;
  }
}
