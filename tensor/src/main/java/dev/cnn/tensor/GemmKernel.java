package dev.cnn.tensor;

/**
 * The GEMM kernel family: {@code C = alpha * op(A) * op(B) + beta * C}, row-major, where
 * {@code op(X)} is X or its transpose.
 *
 * <p>Shapes: op(A) is m x k, op(B) is k x n, C is m x n. Element (i, p) of op(A) is
 * {@code a[aOff + i*lda + p]}, or {@code a[aOff + p*lda + i]} when transposed; likewise for B.
 * C's element (i, j) is {@code c[cOff + i*ldc + j]}. As in BLAS, when beta is 0 C is not read,
 * and when alpha is 0 A and B are not read (NaNs in them do not propagate). Arguments are checked by {@link Gemm}; implementations trust them.
 *
 * <p>A and B are not modified; C is modified.
 */
interface GemmKernel {
  void gemm(
      boolean transA, boolean transB, int m, int n, int k,
      float alpha, float[] a, int aOff, int lda,
      float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc);
}
