package dev.cnn.tensor;

/**
 * The reference GEMM: three plain loops, the oracle that the vector kernel is tested against and
 * the fallback when the Vector API is not available.
 *
 * <pre>
 *   C[i][j] = alpha * sum_p op(A)[i][p] * op(B)[p][j] + beta * C[i][j]
 * </pre>
 *
 * The loop order is i, p, j (not i, j, p): the innermost loop walks along a row of B and a row of
 * C, which are contiguous in memory, so it streams through the cache (and C2 auto-vectorises it
 * when B is not transposed).
 */
final class ScalarGemm implements GemmKernel {
  @Override
  public void gemm(
      boolean transA, boolean transB, int m, int n, int k,
      float alpha, float[] a, int aOff, int lda,
      float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      int cRow = cOff + i * ldc;
      // C[i][:] = beta * C[i][:]  (beta == 0 ignores what C held, NaN included)
      for (int j = 0; j < n; j++) c[cRow + j] = beta == 0f ? 0f : beta * c[cRow + j];
      if (alpha == 0f) continue; // as in BLAS, A and B are not read (a NaN there does not leak)
      for (int p = 0; p < k; p++) {
        float aip = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
        if (transB) {
          for (int j = 0; j < n; j++) c[cRow + j] += aip * b[bOff + j * ldb + p];
        } else {
          int bRow = bOff + p * ldb;
          for (int j = 0; j < n; j++) c[cRow + j] += aip * b[bRow + j];
        }
      }
    }
  }

  /**
   * The same three loops in float64, the only GEMM for double tensors (used by gradient checks,
   * where precision matters and speed does not).
   */
  static void gemm64(
      boolean transA, boolean transB, int m, int n, int k,
      double alpha, double[] a, int aOff, int lda,
      double[] b, int bOff, int ldb,
      double beta, double[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      int cRow = cOff + i * ldc;
      for (int j = 0; j < n; j++) c[cRow + j] = beta == 0 ? 0 : beta * c[cRow + j];
      if (alpha == 0) continue;
      for (int p = 0; p < k; p++) {
        double aip = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
        for (int j = 0; j < n; j++) {
          c[cRow + j] += aip * (transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j]);
        }
      }
    }
  }
}
