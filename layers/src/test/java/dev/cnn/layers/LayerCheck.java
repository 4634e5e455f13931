package dev.cnn.layers;

import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;
import java.util.function.Supplier;

/** {@link LayerGradCheck} for the properties, and the float64 inputs they draw. */
final class LayerCheck {
  private LayerCheck() {}

  static LayerGradCheck of(Supplier<Layer> factory, int... sampleShape) {
    return LayerGradCheck.of(factory, sampleShape);
  }

  // ------------------------------------------------------------------ float64 inputs

  /** Uniform float64 in [lo, hi). */
  static Tensor uniform(Rng rng, double lo, double hi, int... shape) {
    return Tensor.uniform(rng, DType.FLOAT64, lo, hi, shape);
  }

  /** Uniform in [-1, -0.1] and [0.1, 1]: at least 0.1 away from the kink at 0 of relu and its kin. */
  static Tensor awayFromZero(Rng rng, int... shape) {
    Tensor t = uniform(rng, -1, 1, shape);
    double[] d = t.doubleData();
    for (int i = 0; i < d.length; i++) d[i] = Math.copySign(0.1 + 0.9 * Math.abs(d[i]), d[i]);
    return t;
  }

  /** Distinct values in random order, at least 0.05 apart: no ties for max pooling. */
  static Tensor distinct(Rng rng, int... shape) {
    int n = Shapes.size(shape);
    double[] d = new double[n];
    for (int i = 0; i < n; i++) d[i] = -1 + 2.0 * i / Math.max(1, n - 1);
    for (int i = n - 1; i > 0; i--) { // Fisher-Yates
      int j = rng.nextInt(i + 1);
      double t = d[i];
      d[i] = d[j];
      d[j] = t;
    }
    for (int i = 0; i < n; i++) d[i] *= Math.max(1, 0.05 * (n - 1) / 2);
    return Tensor.of(d, shape);
  }

  /** {@code [n, sample...]}. */
  static int[] batch(int n, int... sample) {
    int[] s = new int[sample.length + 1];
    s[0] = n;
    System.arraycopy(sample, 0, s, 1, sample.length);
    return s;
  }

  /** A random per-sample shape of this rank with axes in [1, maxDim]. */
  static int[] shape(Rng rng, int rank, int maxDim) {
    int[] s = new int[rank];
    for (int i = 0; i < rank; i++) s[i] = 1 + rng.nextInt(maxDim);
    return s;
  }
}
