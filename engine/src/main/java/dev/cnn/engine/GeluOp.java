package dev.cnn.engine;

import dev.cnn.tensor.Tensor;

/**
 * The Gaussian error linear unit, exact form (PyTorch's default):
 * {@code y = x * Phi(x)} with {@code Phi(x) = (1 + erf(x / sqrt 2)) / 2} the standard normal CDF.
 * Backward (product rule): {@code dL/dx = g * (Phi(x) + x * phi(x))} with
 * {@code phi(x) = e^(-x^2/2) / sqrt(2 pi)} the normal density.
 */
final class GeluOp implements Op {
  private static final double INV_SQRT2 = 1 / Math.sqrt(2);
  private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
  private Tensor x;

  private GeluOp(Tensor x) {
    this.x = x;
  }

  static Variable apply(Variable x) {
    Tensor y = Elementwise.map(x.value(), v -> v * cdf(v));
    return Graph.record(new GeluOp(x.value()), y, x);
  }

  @Override
  public String name() {
    return "gelu";
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    return new Tensor[] {Elementwise.zip("gelu backward", g, x,
        (gi, xi) -> gi * (cdf(xi) + xi * INV_SQRT_2PI * Math.exp(-0.5 * xi * xi)))};
  }

  @Override
  public void release() {
    x = null;
  }

  /** The standard normal CDF. */
  static double cdf(double v) {
    return 0.5 * (1 + erf(v * INV_SQRT2));
  }

  /**
   * The error function to double precision, by the series
   * {@code erf(z) = 2/sqrt(pi) * e^(-z^2) * sum_n (2 z^2)^n z / (1 * 3 * ... * (2n + 1))}, whose
   * terms are all of one sign (no cancellation). For {@code |z| >= 6}, erf(z) rounds to +-1.
   */
  static double erf(double z) {
    if (Double.isNaN(z)) return z;
    if (Math.abs(z) >= 6) return Math.signum(z);
    double z2 = z * z, term = z, sum = z;
    for (int n = 1; Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= 2 * z2 / (2 * n + 1);
      sum += term;
    }
    return 2 / Math.sqrt(Math.PI) * Math.exp(-z2) * sum;
  }
}
