package dev.cnn.engine;

import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;

/**
 * {@code y = softmax(x)} along one axis: {@code y_k = e^(x_k) / sum_j e^(x_j)} over the indices
 * j of that axis (computed stably by {@link TensorMath#softmax}). Same shape as x.
 *
 * <p>Backward: within one slice along the axis, {@code dy_j/dx_k = y_j (delta_jk - y_k)}, so
 * {@code dL/dx_k = sum_j g_j y_j (delta_jk - y_k) = y_k (g_k - sum_j g_j y_j)}, that is
 * {@code dL/dx = y * (g - sum(g * y, axis, keepDims))}.
 */
final class SoftmaxOp implements Op {
  private final int axis;
  private Tensor y;

  private SoftmaxOp(int axis, Tensor y) {
    this.axis = axis;
    this.y = y;
  }

  static Variable apply(Variable x, int axis) {
    Tensor y = TensorMath.softmax(x.value(), axis); // checks the axis
    return Graph.record(new SoftmaxOp(x.value().normalizeAxis(axis), y), y, x);
  }

  @Override
  public String name() {
    return "softmax";
  }

  @Override
  public String attributes() {
    return "axis=" + axis;
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    Tensor dot = TensorMath.sum(TensorMath.mul(g, y), axis, true); // sum_j g_j y_j, per slice
    return new Tensor[] {TensorMath.mul(y, TensorMath.sub(g, dot))};
  }

  @Override
  public void release() {
    y = null;
  }
}
