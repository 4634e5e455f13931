package dev.cnn.engine;

import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;

/**
 * {@code y = a + b} with broadcasting.
 *
 * <p>Backward: {@code dL/da = sumTo(g, shape(a))}, {@code dL/db = sumTo(g, shape(b))}: each
 * element of an input that was broadcast fed several outputs, so it collects their gradients.
 */
final class AddOp implements Op {
  private final int[] aShape;
  private final int[] bShape;

  private AddOp(int[] aShape, int[] bShape) {
    this.aShape = aShape;
    this.bShape = bShape;
  }

  static Variable apply(Variable a, Variable b) {
    Tensor y = TensorMath.add(a.value(), b.value());
    return Graph.record(new AddOp(a.shape(), b.shape()), y, a, b);
  }

  @Override
  public String name() {
    return "add";
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    return new Tensor[] {
      needsGrad[0] ? Broadcast.reduce(g, aShape) : null,
      needsGrad[1] ? Broadcast.reduce(g, bShape) : null
    };
  }
}
