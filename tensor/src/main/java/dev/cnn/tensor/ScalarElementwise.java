package dev.cnn.tensor;

/**
 * The reference element-wise kernels: plain loops over {@link BinaryOp#apply} and
 * {@link UnaryOp#apply}, the oracle that {@link VectorElementwise} is tested against and the
 * fallback when the Vector API is not available.
 *
 * <p>Sums are recursive, left to right, from +0. Axis reductions visit the block
 * {@code [outer, axisLen, inner]} row by row ({@code o, k, j}, j innermost), so each output
 * element receives its terms in increasing k while the loads stream through memory.
 *
 * <p>{@code ScalarElementwise64}, what {@link TensorMath} runs on float64 tensors, is generated from
 * this file; see {@link ScalarConv} for why and how.
 */
final class ScalarElementwise implements ElementwiseKernel {
  @Override
  public void binary(BinaryOp op, float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n) {
    for (int i = 0; i < n; i++) out[oOff + i] = op.apply(a[aOff + i], b[bOff + i]);
  }

  @Override
  public void binaryScalarRight(BinaryOp op, float[] a, int aOff, float b, float[] out, int oOff, int n) {
    for (int i = 0; i < n; i++) out[oOff + i] = op.apply(a[aOff + i], b);
  }

  @Override
  public void binaryScalarLeft(BinaryOp op, float a, float[] b, int bOff, float[] out, int oOff, int n) {
    for (int i = 0; i < n; i++) out[oOff + i] = op.apply(a, b[bOff + i]);
  }

  @Override
  public void unary(UnaryOp op, float[] x, int xOff, float[] out, int oOff, int n) {
    for (int i = 0; i < n; i++) out[oOff + i] = op.apply(x[xOff + i]);
  }

  @Override
  public void scaleShift(float scale, float shift, float[] x, int xOff, float[] out, int oOff, int n) {
    for (int i = 0; i < n; i++) out[oOff + i] = scale * x[xOff + i] + shift;
  }

  @Override
  public void wherePositive(float[] selector, int sOff, float[] x, int xOff, float[] out, int oOff, int n) {
    for (int i = 0; i < n; i++) out[oOff + i] = selector[sOff + i] > 0 ? x[xOff + i] : 0f;
  }

  @Override
  public float sum(float[] x, int xOff, int n) {
    float s = 0f;
    for (int i = 0; i < n; i++) s += x[xOff + i];
    return s;
  }

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
    float s = 0f;
    for (int i = 0; i < n; i++) s += a[aOff + i] * b[bOff + i];
    return s;
  }

  @Override
  public float max(float[] x, int xOff, int n) {
    float m = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) m = Math.max(m, x[xOff + i]);
    return m;
  }

  @Override
  public int argmax(float[] x, int xOff, int n) {
    int best = 0;
    for (int i = 1; i < n; i++) {
      if (isBetter(x[xOff + i], x[xOff + best])) best = i;
    }
    return best;
  }

  /** Whether v replaces the best so far: strictly larger, or the first NaN (NaN wins, as in NumPy). */
  static boolean isBetter(float v, float best) {
    return v > best || (Float.isNaN(v) && !Float.isNaN(best));
  }

  @Override
  public void sumAxis(float[] x, int xOff, int outer, int axisLen, int inner, float[] out, int oOff) {
    for (int o = 0; o < outer; o++) {
      int dst = oOff + o * inner;
      for (int j = 0; j < inner; j++) out[dst + j] = 0f;
      for (int k = 0; k < axisLen; k++) {
        int src = xOff + (o * axisLen + k) * inner;
        for (int j = 0; j < inner; j++) out[dst + j] += x[src + j];
      }
    }
  }

  @Override
  public void maxAxis(float[] x, int xOff, int outer, int axisLen, int inner, float[] out, int oOff) {
    for (int o = 0; o < outer; o++) {
      int dst = oOff + o * inner;
      for (int j = 0; j < inner; j++) out[dst + j] = Float.NEGATIVE_INFINITY;
      for (int k = 0; k < axisLen; k++) {
        int src = xOff + (o * axisLen + k) * inner;
        for (int j = 0; j < inner; j++) out[dst + j] = Math.max(out[dst + j], x[src + j]);
      }
    }
  }

  @Override
  public void argmaxAxis(float[] x, int xOff, int outer, int axisLen, int inner, int[] out, int oOff) {
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

  @Override
  public void softmax(float[] x, int xOff, int outer, int axisLen, int inner, float[] out, int oOff) {
    softmax(x, xOff, outer, axisLen, inner, out, oOff, false);
  }

  @Override
  public void logSoftmax(float[] x, int xOff, int outer, int axisLen, int inner, float[] out, int oOff) {
    softmax(x, xOff, outer, axisLen, inner, out, oOff, true);
  }

  /**
   * One column (o, j) at a time: m = max_k x; e_k = exp(x_k - m); s = sum_k e_k (in order of k);
   * then softmax = e_k / s, or log-softmax = (x_k - m) - ln(s).
   */
  private static void softmax(float[] x, int xOff, int outer, int axisLen, int inner,
      float[] out, int oOff, boolean log) {
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < inner; j++) {
        int in = xOff + o * axisLen * inner + j;
        int dst = oOff + o * axisLen * inner + j;
        float m = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < axisLen; k++) m = Math.max(m, x[in + k * inner]);
        float s = 0f;
        for (int k = 0; k < axisLen; k++) {
          float e = (float) Math.exp(x[in + k * inner] - m);
          if (!log) out[dst + k * inner] = e;
          s += e;
        }
        if (log) {
          float logS = (float) Math.log(s);
          for (int k = 0; k < axisLen; k++) out[dst + k * inner] = (x[in + k * inner] - m) - logS;
        } else {
          for (int k = 0; k < axisLen; k++) out[dst + k * inner] /= s;
        }
      }
    }
  }
}
