package dev.cnn.tensor;

/**
 * The reductions behind {@link TensorMath}: sum, mean, max and argmax along one axis
 * ({@link Axis}: the tensor as {@code [outer, len, inner]}) or over all elements, and the dot
 * product. Float32 tensors go to the {@link ElementwiseKernel} in force, float64 tensors to its
 * generated twin. Max and argmax are exact on both kernel paths; sums along the last axis may be
 * reassociated by the vector kernel (see {@link ElementwiseKernel}).
 */
final class Reductions {
  private Reductions() {}

  /** {@code out[o, j] = sum_k x[o, k, j]}; 0 along an empty axis. */
  static Tensor sum(Tensor x, int axis, boolean keepDims) {
    Axis ax = new Axis("sum", x, axis);
    Tensor out = Tensor.zeros(x.dtype(), ax.resultShape(keepDims));
    if (x.dtype() == DType.FLOAT32) {
      TensorMath.kernel().sumAxis(x.floatData(), 0, ax.outer, ax.len, ax.inner, out.floatData(), 0);
    } else {
      TensorMath.FLOAT64.sumAxis(x.doubleData(), 0, ax.outer, ax.len, ax.inner, out.doubleData(), 0);
    }
    return out;
  }

  /** {@code sum(x, axis) / len}; NaN along an empty axis. */
  static Tensor mean(Tensor x, int axis, boolean keepDims) {
    int len = new Axis("mean", x, axis).len;
    Tensor out = sum(x, axis, keepDims);
    if (out.dtype() == DType.FLOAT32) {
      float[] z = out.floatData();
      TensorMath.kernel().binaryScalarRight(BinaryOp.DIV, z, 0, (float) len, z, 0, z.length);
    } else {
      double[] z = out.doubleData();
      TensorMath.FLOAT64.binaryScalarRight(BinaryOp.DIV, z, 0, len, z, 0, z.length);
    }
    return out;
  }

  /** {@code out[o, j] = max_k x[o, k, j]} (NaN if any is NaN). */
  static Tensor max(Tensor x, int axis, boolean keepDims) {
    Axis ax = new Axis("max", x, axis).nonEmpty();
    Tensor out = Tensor.zeros(x.dtype(), ax.resultShape(keepDims));
    if (x.dtype() == DType.FLOAT32) {
      TensorMath.kernel().maxAxis(x.floatData(), 0, ax.outer, ax.len, ax.inner, out.floatData(), 0);
    } else {
      TensorMath.FLOAT64.maxAxis(x.doubleData(), 0, ax.outer, ax.len, ax.inner, out.doubleData(), 0);
    }
    return out;
  }

  /** {@code out[o, j] = argmax_k x[o, k, j]}: the first maximum, or the first NaN. */
  static int[] argmax(Tensor x, int axis) {
    Axis ax = new Axis("argmax", x, axis).nonEmpty();
    int[] out = new int[ax.outer * ax.inner];
    if (x.dtype() == DType.FLOAT32) {
      TensorMath.kernel().argmaxAxis(x.floatData(), 0, ax.outer, ax.len, ax.inner, out, 0);
    } else {
      TensorMath.FLOAT64.argmaxAxis(x.doubleData(), 0, ax.outer, ax.len, ax.inner, out, 0);
    }
    return out;
  }

  /** The sum of all elements (0 for none). */
  static double sum(Tensor x) {
    if (x.dtype() == DType.FLOAT32) return TensorMath.kernel().sum(x.floatData(), 0, x.size());
    return TensorMath.FLOAT64.sum(x.doubleData(), 0, x.size());
  }

  /** The mean of all elements (NaN for none). */
  static double mean(Tensor x) {
    if (x.dtype() == DType.FLOAT32) return TensorMath.kernel().sum(x.floatData(), 0, x.size()) / (float) x.size();
    return sum(x) / x.size();
  }

  /** The largest element (NaN if any is NaN). */
  static double max(Tensor x) {
    checkNotEmpty("max", x);
    if (x.dtype() == DType.FLOAT32) return TensorMath.kernel().max(x.floatData(), 0, x.size());
    return TensorMath.FLOAT64.max(x.doubleData(), 0, x.size());
  }

  /** The flat index of the largest element. */
  static int argmax(Tensor x) {
    checkNotEmpty("argmax", x);
    return argmax(x.reshape(x.size()), 0)[0];
  }

  /** {@code sum_i a_i * b_i} over two tensors of the same shape. */
  static double dot(Tensor a, Tensor b) {
    Elementwise.checkSameShape("dot", a, b);
    if (a.dtype() == DType.FLOAT32) return TensorMath.kernel().dot(a.floatData(), 0, b.floatData(), 0, a.size());
    return TensorMath.FLOAT64.dot(a.doubleData(), 0, b.doubleData(), 0, a.size());
  }

  private static void checkNotEmpty(String op, Tensor x) {
    if (x.size() == 0) {
      throw Shapes.error(op, "x has shape " + Shapes.format(x.shape()) + " and no elements",
          "at least one element");
    }
  }
}
