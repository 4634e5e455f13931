package dev.cnn.tensor;

/**
 * The float64 twin of {@link ScalarElementwise}: the same loops on {@code double[]}, for the float64
 * tensors of gradient checks. GENERATED from ScalarElementwise.java by Float64Twins (test sources):
 * do not edit; edit ScalarElementwise.java and regenerate (see Float64Twins).
 */
final class ScalarElementwise64 {
  public void binary(BinaryOp op, double[] a, int aOff, double[] b, int bOff, double[] out, int oOff, int n) {
    for (int i = 0; i < n; i++) out[oOff + i] = op.apply(a[aOff + i], b[bOff + i]);
  }

  public void binaryScalarRight(BinaryOp op, double[] a, int aOff, double b, double[] out, int oOff, int n) {
    for (int i = 0; i < n; i++) out[oOff + i] = op.apply(a[aOff + i], b);
  }

  public void binaryScalarLeft(BinaryOp op, double a, double[] b, int bOff, double[] out, int oOff, int n) {
    for (int i = 0; i < n; i++) out[oOff + i] = op.apply(a, b[bOff + i]);
  }

  public void unary(UnaryOp op, double[] x, int xOff, double[] out, int oOff, int n) {
    for (int i = 0; i < n; i++) out[oOff + i] = op.apply(x[xOff + i]);
  }

  public void scaleShift(double scale, double shift, double[] x, int xOff, double[] out, int oOff, int n) {
    for (int i = 0; i < n; i++) out[oOff + i] = scale * x[xOff + i] + shift;
  }

  public void wherePositive(double[] selector, int sOff, double[] x, int xOff, double[] out, int oOff, int n) {
    for (int i = 0; i < n; i++) out[oOff + i] = selector[sOff + i] > 0 ? x[xOff + i] : 0.0;
  }

  public double sum(double[] x, int xOff, int n) {
    double s = 0.0;
    for (int i = 0; i < n; i++) s += x[xOff + i];
    return s;
  }

  public double dot(double[] a, int aOff, double[] b, int bOff, int n) {
    double s = 0.0;
    for (int i = 0; i < n; i++) s += a[aOff + i] * b[bOff + i];
    return s;
  }

  public double max(double[] x, int xOff, int n) {
    double m = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) m = Math.max(m, x[xOff + i]);
    return m;
  }

  public int argmax(double[] x, int xOff, int n) {
    int best = 0;
    for (int i = 1; i < n; i++) {
      if (isBetter(x[xOff + i], x[xOff + best])) best = i;
    }
    return best;
  }

  /** Whether v replaces the best so far: strictly larger, or the first NaN (NaN wins, as in NumPy). */
  static boolean isBetter(double v, double best) {
    return v > best || (Double.isNaN(v) && !Double.isNaN(best));
  }

  public void sumAxis(double[] x, int xOff, int outer, int axisLen, int inner, double[] out, int oOff) {
    for (int o = 0; o < outer; o++) {
      int dst = oOff + o * inner;
      for (int j = 0; j < inner; j++) out[dst + j] = 0.0;
      for (int k = 0; k < axisLen; k++) {
        int src = xOff + (o * axisLen + k) * inner;
        for (int j = 0; j < inner; j++) out[dst + j] += x[src + j];
      }
    }
  }

  public void maxAxis(double[] x, int xOff, int outer, int axisLen, int inner, double[] out, int oOff) {
    for (int o = 0; o < outer; o++) {
      int dst = oOff + o * inner;
      for (int j = 0; j < inner; j++) out[dst + j] = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < axisLen; k++) {
        int src = xOff + (o * axisLen + k) * inner;
        for (int j = 0; j < inner; j++) out[dst + j] = Math.max(out[dst + j], x[src + j]);
      }
    }
  }

  public void argmaxAxis(double[] x, int xOff, int outer, int axisLen, int inner, int[] out, int oOff) {
    for (int o = 0; o < outer; o++) {
      int dst = oOff + o * inner;
      int base = xOff + o * axisLen * inner;
      for (int j = 0; j < inner; j++) {
        int best = 0;
        for (int k = 1; k < axisLen; k++) {
          if (isBetter(x[base + k * inner + j], x[base + best * inner + j])) best = k;
        }
        out[dst + j] = best;
      }
    }
  }

  public void softmax(double[] x, int xOff, int outer, int axisLen, int inner, double[] out, int oOff) {
    softmax(x, xOff, outer, axisLen, inner, out, oOff, false);
  }

  public void logSoftmax(double[] x, int xOff, int outer, int axisLen, int inner, double[] out, int oOff) {
    softmax(x, xOff, outer, axisLen, inner, out, oOff, true);
  }

  /**
   * One column (o, j) at a time: m = max_k x; e_k = exp(x_k - m); s = sum_k e_k (in order of k);
   * then softmax = e_k / s, or log-softmax = (x_k - m) - ln(s).
   */
  private static void softmax(double[] x, int xOff, int outer, int axisLen, int inner,
      double[] out, int oOff, boolean log) {
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < inner; j++) {
        int in = xOff + o * axisLen * inner + j;
        int dst = oOff + o * axisLen * inner + j;
        double m = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < axisLen; k++) m = Math.max(m, x[in + k * inner]);
        double s = 0.0;
        for (int k = 0; k < axisLen; k++) {
          double e = Math.exp(x[in + k * inner] - m);
          if (!log) out[dst + k * inner] = e;
          s += e;
        }
        if (log) {
          double logS = Math.log(s);
          for (int k = 0; k < axisLen; k++) out[dst + k * inner] = (x[in + k * inner] - m) - logS;
        } else {
          for (int k = 0; k < axisLen; k++) out[dst + k * inner] /= s;
        }
      }
    }
  }
}
