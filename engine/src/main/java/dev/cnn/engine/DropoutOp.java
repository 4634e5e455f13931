package dev.cnn.engine;

import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;

/**
 * Inverted dropout in training mode: each element of x is kept with probability {@code 1 - p}
 * and scaled by {@code 1/(1 - p)}, or set to 0, so that the expected value of y is x:
 * <pre>
 *   y = x * mask,   mask[i] = 1/(1 - p) if u[i] &gt;= p, else 0,   u[i] uniform in [0, 1)
 * </pre>
 * The u[i] are drawn from the caller's {@link Rng}, one {@code nextDouble()} per element in
 * row-major order, so the mask depends only on the generator's state: the same seed gives the same
 * mask. Shapes: y and the mask have x's shape.
 *
 * <p>Backward: y is x times a constant mask, so {@code dL/dx = g * mask} (the same scaled mask,
 * saved by forward).
 */
final class DropoutOp implements Op {
  private Tensor mask;
  private final double p;

  private DropoutOp(Tensor mask, double p) {
    this.mask = mask;
    this.p = p;
  }

  static Variable apply(Variable x, double p, Mode mode, Rng rng) {
    Shapes.requireNonNull("dropout", "x", x, "a variable");
    if (!(p >= 0 && p < 1)) {
      throw new IllegalArgumentException("dropout: p = " + p + "; expected 0 <= p < 1 (p is the"
          + " probability of dropping an element; at p = 1 every element is dropped and the scale"
          + " 1/(1 - p) of the kept ones is infinite)");
    }
    Shapes.requireNonNull("dropout", "mode", mode, "Mode.TRAIN or Mode.EVAL");
    if (mode == Mode.EVAL || p == 0) return x; // the identity: nothing to record, nothing drawn
    Shapes.requireNonNull("dropout", "rng", rng, "a generator to draw the mask from in TRAIN mode");
    Tensor mask = Tensor.zeros(x.dtype(), x.shape());
    double scale = 1 / (1 - p);
    for (int i = 0; i < mask.size(); i++) {
      if (rng.nextDouble() >= p) mask.setFlat(i, scale);
    }
    Tensor y = TensorMath.mul(x.value(), mask);
    return Graph.record(new DropoutOp(mask, p), y, x);
  }

  @Override
  public String name() {
    return "dropout";
  }

  @Override
  public String attributes() {
    return "p=" + p;
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    return new Tensor[] {TensorMath.mul(g, mask)};
  }

  @Override
  public void release() {
    mask = null;
  }
}
