package dev.cnn.tensor;

/**
 * Softmax and log-softmax along one axis, behind {@link TensorMath}. For each slice along the axis
 * (the tensor as {@code [outer, len, inner]}, {@link Axis}), with {@code m} its maximum:
 * <pre>
 *   softmax:     out_k = e^(x_k - m) / sum_k' e^(x_k' - m)
 *   log-softmax: out_k = (x_k - m) - ln(sum_k' e^(x_k' - m))
 * </pre>
 * Subtracting m keeps every exponential at most 1, so large logits do not overflow; log-softmax
 * stays finite where {@code log(softmax(x))} would give {@code -Infinity}. Float32 tensors go to
 * the {@link ElementwiseKernel} in force, float64 tensors to its generated twin.
 */
final class Softmax {
  private Softmax() {}

  /** Softmax ({@code log} false) or log-softmax along {@code axis}; a new tensor of x's shape. */
  static Tensor along(String op, Tensor x, int axis, boolean log) {
    Axis ax = new Axis(op, x, axis);
    Tensor out = Tensor.zeros(x.dtype(), x.shape());
    if (x.dtype() == DType.FLOAT32) {
      float[] in = x.floatData(), z = out.floatData();
      if (log) TensorMath.kernel().logSoftmax(in, 0, ax.outer, ax.len, ax.inner, z, 0);
      else TensorMath.kernel().softmax(in, 0, ax.outer, ax.len, ax.inner, z, 0);
    } else {
      double[] in = x.doubleData(), z = out.doubleData();
      if (log) TensorMath.FLOAT64.logSoftmax(in, 0, ax.outer, ax.len, ax.inner, z, 0);
      else TensorMath.FLOAT64.softmax(in, 0, ax.outer, ax.len, ax.inner, z, 0);
    }
    return out;
  }
}
