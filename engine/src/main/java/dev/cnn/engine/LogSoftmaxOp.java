package dev.cnn.engine;

import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;

/**
 * {@code y = log(softmax(x))} along one axis: {@code y_k = x_k - ln(sum_j e^(x_j))} over the
 * indices j of that axis (computed by the log-sum-exp trick in {@link TensorMath#logSoftmax}, so
 * it stays finite for large logits). Same shape as x.
 *
 * <p>Backward: within one slice along the axis, {@code dy_j/dx_k = delta_jk - softmax(x)_k}, so
 * {@code dL/dx_k = g_k - softmax(x)_k sum_j g_j}, that is
 * {@code dL/dx = g - softmax(x) * sum(g, axis, keepDims)}, with {@code softmax(x) = e^y}.
 */
final class LogSoftmaxOp implements Op {
  private final int axis;
  private Tensor y;

  private LogSoftmaxOp(int axis, Tensor y) {
    this.axis = axis;
    this.y = y;
  }

  static Variable apply(Variable x, int axis) {
    Tensor y = TensorMath.logSoftmax(x.value(), axis); // checks the axis
    return Graph.record(new LogSoftmaxOp(x.value().normalizeAxis(axis), y), y, x);
  }

  @Override
  public String name() {
    return "logSoftmax";
  }

  @Override
  public String attributes() {
    return "axis=" + axis;
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    Tensor total = TensorMath.sum(g, axis, true); // sum_j g_j, per slice
    return new Tensor[] {TensorMath.sub(g, TensorMath.mul(TensorMath.exp(y), total))};
  }

  @Override
  public void release() {
    y = null;
  }
}
