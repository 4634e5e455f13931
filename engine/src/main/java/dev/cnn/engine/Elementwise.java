package dev.cnn.engine;

import dev.cnn.tensor.DType;
import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;
import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Plain element-wise loops for the ops that the tensor kernels do not cover (their derivatives,
 * and activations such as GELU). Each value is computed in double and rounded once to float32.
 */
final class Elementwise {
  private Elementwise() {}

  /** {@code out[i] = f(x[i])}. */
  static Tensor map(Tensor x, DoubleUnaryOperator f) {
    Tensor out = Tensor.zeros(x.dtype(), x.shape());
    if (x.dtype() == DType.FLOAT32) {
      float[] in = x.floatData(), z = out.floatData();
      for (int i = 0; i < z.length; i++) z[i] = (float) f.applyAsDouble(in[i]);
    } else {
      double[] in = x.doubleData(), z = out.doubleData();
      for (int i = 0; i < z.length; i++) z[i] = f.applyAsDouble(in[i]);
    }
    return out;
  }

  /** {@code out[i] = f(a[i], b[i])} for two tensors of the same shape and dtype. */
  static Tensor zip(String op, Tensor a, Tensor b, DoubleBinaryOperator f) {
    if (!Arrays.equals(a.shape(), b.shape()) || a.dtype() != b.dtype()) {
      throw Shapes.error(op, "got " + a.dtype() + " " + Shapes.format(a.shape()) + " and "
          + b.dtype() + " " + Shapes.format(b.shape()), "two tensors of the same shape and dtype");
    }
    Tensor out = Tensor.zeros(a.dtype(), a.shape());
    if (a.dtype() == DType.FLOAT32) {
      float[] x = a.floatData(), y = b.floatData(), z = out.floatData();
      for (int i = 0; i < z.length; i++) z[i] = (float) f.applyAsDouble(x[i], y[i]);
    } else {
      double[] x = a.doubleData(), y = b.doubleData(), z = out.doubleData();
      for (int i = 0; i < z.length; i++) z[i] = f.applyAsDouble(x[i], y[i]);
    }
    return out;
  }

  /** A tensor of x's dtype and shape holding {@code scale * x}. */
  static Tensor scale(Tensor x, double scale) {
    return map(x, v -> scale * v);
  }
}
