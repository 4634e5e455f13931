package dev.cnn.engine;

import dev.cnn.tensor.Tensor;

/**
 * {@code y = ln(1 + e^x)}, computed as {@code max(x, 0) + ln(1 + e^-|x|)} so that it neither
 * overflows for large x nor loses digits for very negative x. Backward:
 * {@code dL/dx = g * sigmoid(x)}. (The losses on probabilities use it: {@code ln sigmoid(x) =
 * -softplus(-x)}, smooth everywhere, where a composite of relu and abs would get the slope at 0
 * wrong.)
 */
final class SoftplusOp implements Op {
  private Tensor x;

  private SoftplusOp(Tensor x) {
    this.x = x;
  }

  static Variable apply(Variable x) {
    Tensor y = Elementwise.map(x.value(), v -> Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))));
    return Graph.record(new SoftplusOp(x.value()), y, x);
  }

  @Override
  public String name() {
    return "softplus";
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    return new Tensor[] {Elementwise.zip("softplus backward", g, x, (gi, xi) -> gi / (1 + Math.exp(-xi)))};
  }

  @Override
  public void release() {
    x = null;
  }
}
