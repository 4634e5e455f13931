package dev.cnn.tensor;

/**
 * The float64 twin of {@link ScalarGemm}: the same loops on {@code double[]}, for the float64
 * tensors of gradient checks. GENERATED from ScalarGemm.java by Float64Twins (test sources):
 * do not edit; edit ScalarGemm.java and regenerate (see Float64Twins).
 */
final class ScalarGemm64 {
  public void gemm(
      boolean transA, boolean transB, int m, int n, int k,
      double alpha, double[] a, int aOff, int lda,
      double[] b, int bOff, int ldb,
      double beta, double[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      int cRow = cOff + i * ldc;
      // C[i][:] = beta * C[i][:]  (beta == 0 ignores what C held, NaN included)
      for (int j = 0; j < n; j++) c[cRow + j] = beta == 0.0 ? 0.0 : beta * c[cRow + j];
      if (alpha == 0.0) continue; // as in BLAS, A and B are not read (a NaN there does not leak)
      for (int p = 0; p < k; p++) {
        double aip = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
        if (transB) {
          for (int j = 0; j < n; j++) c[cRow + j] += aip * b[bOff + j * ldb + p];
        } else {
          int bRow = bOff + p * ldb;
          for (int j = 0; j < n; j++) c[cRow + j] += aip * b[bRow + j];
        }
      }
    }
  }
}
