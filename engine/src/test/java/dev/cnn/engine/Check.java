package dev.cnn.engine;

import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;

/** Shared helpers for gradient properties: float64 inputs and the gradient check itself. */
final class Check {
  private Check() {}


  /** Uniform float64 in [-1, 1). */
  static Tensor uniform(Rng rng, int... shape) {
    return Tensor.uniform(rng, DType.FLOAT64, -1, 1, shape);
  }

  /** Uniform in [lo, hi). */
  static Tensor uniform(Rng rng, double lo, double hi, int... shape) {
    return Tensor.uniform(rng, DType.FLOAT64, lo, hi, shape);
  }

  /**
   * Uniform in [-1, -0.1] and [0.1, 1]: at least 0.1 away from 0, the kink of relu, abs, leaky
   * relu and elu (a finite difference across a kink measures neither side's slope).
   */
  static Tensor awayFromZero(Rng rng, int... shape) {
    Tensor t = uniform(rng, shape);
    double[] d = t.doubleData();
    for (int i = 0; i < d.length; i++) d[i] = Math.copySign(0.1 + 0.9 * Math.abs(d[i]), d[i]);
    return t;
  }

  /**
   * Distinct values in random order with gaps of at least 0.05 between any two: no ties for max
   * and max-pooling, whose gradient is undefined at a tie.
   */
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

  /**
   * Runs the gradient check of f at these inputs: the full Jacobian when every input is small,
   * random probes (8 of them) otherwise; fails with the report.
   */
  static GradCheck.Report gradients(long seed, GradCheck.Function f, Tensor... inputs) {
    GradCheck.Report report = GradCheck.of(f, inputs).seed(seed).bySize().check();
    report.assertPassed();
    return report;
  }

  /** A random shape of this rank with axes in [1, maxDim]. */
  static int[] shape(Rng rng, int rank, int maxDim) {
    int[] s = new int[rank];
    for (int i = 0; i < rank; i++) s[i] = 1 + rng.nextInt(maxDim);
    return s;
  }

  /**
   * A shape that broadcasts to {@code shape}: some leading axes dropped, some of the rest set to 1.
   */
  static int[] broadcastPartner(Rng rng, int[] shape) {
    int drop = rng.nextInt(shape.length + 1);
    int[] s = new int[shape.length - drop];
    for (int i = 0; i < s.length; i++) s[i] = rng.nextInt(3) == 0 ? 1 : shape[i + drop];
    return s;
  }
}
