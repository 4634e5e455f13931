package dev.cnn.tensor;

/**
 * The element-wise, reduction and softmax kernel family, on contiguous float32 ranges.
 *
 * <p>Every range is an array, an offset and a length; the element i of a range is
 * {@code x[xOff + i]}. An axis reduction sees its input as a row-major block
 * {@code [outer, axisLen, inner]} (the axis in the middle) and writes {@code [outer, inner]}.
 * Arguments are checked by {@link TensorMath}; implementations trust them.
 *
 * <p>Inputs are not modified; {@code out} is modified. For the element-wise methods {@code out}
 * may be the same range as an input (in place), but must not partly overlap one. The reductions
 * and softmax need {@code out} separate from {@code x}.
 *
 * <p><b>Exactness.</b> The element-wise ops, max and argmax are computed in the same order as
 * {@link ScalarElementwise} and must agree with it bit for bit. Sums (sum, dot, and the sums
 * inside mean and softmax over the last axis) may be reassociated by a SIMD implementation; they
 * agree within {@code n * 2^-23 * sum |x_i|}, twice the classic bound for recursive summation.
 * Axis sums with {@code inner > 1} add the rows in order and agree exactly.
 */
interface ElementwiseKernel {
  /** {@code out[i] = op(a[i], b[i])} for i in [0, n). */
  void binary(BinaryOp op, float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n);

  /** {@code out[i] = op(a[i], b)}: the right operand is one value, broadcast. */
  void binaryScalarRight(BinaryOp op, float[] a, int aOff, float b, float[] out, int oOff, int n);

  /** {@code out[i] = op(a, b[i])}: the left operand is one value, broadcast. */
  void binaryScalarLeft(BinaryOp op, float a, float[] b, int bOff, float[] out, int oOff, int n);

  /** {@code out[i] = op(x[i])}. */
  void unary(UnaryOp op, float[] x, int xOff, float[] out, int oOff, int n);

  /** {@code out[i] = scale * x[i] + shift}: a multiply then an add, two roundings (no FMA). */
  void scaleShift(float scale, float shift, float[] x, int xOff, float[] out, int oOff, int n);

  /**
   * {@code out[i] = selector[i] > 0 ? x[i] : 0}: x where the selector is positive, else +0 (also
   * where the selector is NaN). ReLU's gradient, with the ReLU's output as the selector.
   */
  void wherePositive(float[] selector, int sOff, float[] x, int xOff, float[] out, int oOff, int n);

  /** {@code sum_i x[i]}, starting from +0 (the sum of nothing is 0). */
  float sum(float[] x, int xOff, int n);

  /** {@code sum_i a[i] * b[i]}. */
  float dot(float[] a, int aOff, float[] b, int bOff, int n);

  /** {@code max_i x[i]} as {@link Math#max}: NaN if any is NaN; n must be >= 1. */
  float max(float[] x, int xOff, int n);

  /**
   * The first index of the largest element: the first NaN if there is one, else the first i with
   * {@code x[i] == max} (so -0 and +0 tie); n must be >= 1.
   */
  int argmax(float[] x, int xOff, int n);

  /** {@code out[o, j] = sum_k x[o, k, j]} over a block {@code [outer, axisLen, inner]}. */
  void sumAxis(float[] x, int xOff, int outer, int axisLen, int inner, float[] out, int oOff);

  /** {@code out[o, j] = max_k x[o, k, j]}; axisLen must be >= 1. */
  void maxAxis(float[] x, int xOff, int outer, int axisLen, int inner, float[] out, int oOff);

  /** {@code out[o, j] = argmax_k x[o, k, j]}, ties and NaN as {@link #argmax}; axisLen >= 1. */
  void argmaxAxis(float[] x, int xOff, int outer, int axisLen, int inner, int[] out, int oOff);

  /**
   * Softmax along the middle axis of {@code [outer, axisLen, inner]}:
   * {@code out[o, k, j] = e^(x[o,k,j] - m) / sum_k' e^(x[o,k',j] - m)} with
   * {@code m = max_k x[o, k, j]}, so no exponential overflows. Same shape in and out.
   */
  void softmax(float[] x, int xOff, int outer, int axisLen, int inner, float[] out, int oOff);

  /**
   * Log-softmax along the middle axis, by the log-sum-exp trick:
   * {@code out = (x - m) - ln(sum_k e^(x_k - m))}, finite for any finite logits.
   */
  void logSoftmax(float[] x, int xOff, int outer, int axisLen, int inner, float[] out, int oOff);
}
