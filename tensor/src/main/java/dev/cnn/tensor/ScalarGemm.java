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
 *
 * <p>{@code ScalarGemm64}, the float64 GEMM (gradient checks), is generated from this file; see
 * {@link ScalarConv} for why and how.
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
}
