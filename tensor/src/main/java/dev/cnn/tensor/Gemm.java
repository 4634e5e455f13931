package dev.cnn.tensor;

/**
 * General matrix multiplication, {@code C = alpha * op(A) * op(B) + beta * C}, on row-major
 * float32 matrices; {@code op(X)} is X or its transpose. Every transpose that backward needs
 * (A*B, A*B^T, A^T*B, A^T*B^T) runs without materialising a transposed copy.
 *
 * <p>Shapes: op(A) is m x k, op(B) is k x n, C is m x n. The leading dimension of a matrix is the
 * distance between the starts of two consecutive stored rows: A is stored m x k (lda >= k), or
 * k x m when transposed (lda >= m); likewise B. When {@code beta == 0} C is only written, never
 * read; when {@code alpha == 0} A and B are not read (as in BLAS). A and B are not modified; C is modified; C must not overlap A or B.
 *
 * <p>The implementation is chosen once by {@link Kernels}: a packed, cache-blocked, parallel
 * Vector API kernel, or the plain-loop reference {@link ScalarGemm}. Results are bit-identical
 * from run to run and for any thread count; the two implementations agree within float rounding
 * (the vector kernel uses fused multiply-add and sums in k-blocks whose depth depends on the
 * vector width). float64 runs the reference loops, generated on {@code double[]}
 * ({@code ScalarGemm64}).
 */
public final class Gemm {
  /** Whether an operand is used as stored or transposed. */
  public enum Transpose {
    /** op(X) = X. */
    NO,
    /** op(X) = X^T. */
    YES
  }

  private static final class Holder {
    static final GemmKernel KERNEL =
        Kernels.select(GemmKernel.class, "dev.cnn.tensor.VectorGemm", new ScalarGemm());
  }

  /** The float64 GEMM: the reference loops on double[] (generated from ScalarGemm). */
  private static final ScalarGemm64 FLOAT64 = new ScalarGemm64();

  private Gemm() {}

  /** The kernel in force (tests check that forcing the scalar path really takes it). */
  static GemmKernel kernel() {
    Kernels.requireValidSetting(); // a bad cnn.kernels is an IllegalArgumentException here, not in Holder's initialiser
    return Holder.KERNEL;
  }

  /**
   * {@code C = alpha * op(A) * op(B) + beta * C} on arrays, with explicit offsets and leading
   * dimensions.
   *
   * @param a not modified
   * @param b not modified
   * @param c modified
   * @throws IllegalArgumentException naming the operand whose size or leading dimension is wrong
   */
  public static void gemm(
      Transpose transA, Transpose transB, int m, int n, int k,
      float alpha, float[] a, int aOff, int lda,
      float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    check(transA, transB, m, n, k, a == null ? -1 : a.length, aOff, lda,
        b == null ? -1 : b.length, bOff, ldb, c == null ? -1 : c.length, cOff, ldc, c == a || c == b ? (c == a ? "A" : "B") : null);
    kernel().gemm(transA == Transpose.YES, transB == Transpose.YES, m, n, k,
        alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
  }

  /**
   * The float64 variant, {@code C = alpha * op(A) * op(B) + beta * C}, computed by the plain-loop
   * reference in double precision (float64 exists for gradient checks, not for speed). Same
   * shapes, checks and contract as the float32 method.
   */
  public static void gemm(
      Transpose transA, Transpose transB, int m, int n, int k,
      double alpha, double[] a, int aOff, int lda,
      double[] b, int bOff, int ldb,
      double beta, double[] c, int cOff, int ldc) {
    check(transA, transB, m, n, k, a == null ? -1 : a.length, aOff, lda,
        b == null ? -1 : b.length, bOff, ldb, c == null ? -1 : c.length, cOff, ldc, c == a || c == b ? (c == a ? "A" : "B") : null);
    FLOAT64.gemm(transA == Transpose.YES, transB == Transpose.YES, m, n, k,
        alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
  }

  /** {@code C = op(A) * op(B)} for dense matrices stored contiguously (offset 0, tight rows). */
  public static void gemm(Transpose transA, Transpose transB, int m, int n, int k,
      float[] a, float[] b, float[] c) {
    gemm(transA, transB, m, n, k, 1f, a, 0, transA == Transpose.YES ? m : k,
        b, 0, transB == Transpose.YES ? k : n, 0f, c, 0, n);
  }

  /**
   * The matrix product of two rank-2 tensors of the same type: (m x k) * (k x n) -> (m x n).
   *
   * @throws IllegalArgumentException if a tensor is not rank 2, the inner dimensions differ or
   *     the types differ
   */
  public static Tensor matmul(Tensor a, Tensor b) {
    if (a.rank() != 2 || b.rank() != 2) {
      throw Shapes.error("matmul", "got shapes " + Shapes.format(a.shape()) + " and "
          + Shapes.format(b.shape()), "two rank-2 tensors (m x k) and (k x n)");
    }
    if (a.dim(1) != b.dim(0)) {
      throw Shapes.error("matmul", "A is " + Shapes.format(a.shape()) + " and B is "
          + Shapes.format(b.shape()), "A's columns (" + a.dim(1) + ") to equal B's rows ("
          + b.dim(0) + ")");
    }
    if (a.dtype() != b.dtype()) {
      throw Shapes.error("matmul", "A is " + a.dtype() + " and B is " + b.dtype(),
          "the same type; convert one with to(DType)");
    }
    int m = a.dim(0), k = a.dim(1), n = b.dim(1);
    Tensor c = Tensor.zeros(a.dtype(), m, n);
    if (a.dtype() == DType.FLOAT32) {
      gemm(Transpose.NO, Transpose.NO, m, n, k, a.floatData(), b.floatData(), c.floatData());
    } else {
      gemm(Transpose.NO, Transpose.NO, m, n, k, 1.0, a.doubleData(), 0, k, b.doubleData(), 0, n,
          0.0, c.doubleData(), 0, n);
    }
    return c;
  }

  /** Checks sizes (array lengths; -1 for a null array) and names the operand that is wrong. */
  private static void check(
      Transpose transA, Transpose transB, int m, int n, int k,
      int aLen, int aOff, int lda, int bLen, int bOff, int ldb, int cLen, int cOff, int ldc,
      String aliased) {
    if (transA == null || transB == null) {
      throw new IllegalArgumentException("gemm: transA and transB must be Transpose.NO or Transpose.YES, not null");
    }
    Shapes.checkNonNegative("gemm", "m", m);
    Shapes.checkNonNegative("gemm", "n", n);
    Shapes.checkNonNegative("gemm", "k", k);
    boolean ta = transA == Transpose.YES, tb = transB == Transpose.YES;
    checkOperand("A", aLen, aOff, lda, ta ? k : m, ta ? m : k, ta);
    checkOperand("B", bLen, bOff, ldb, tb ? n : k, tb ? k : n, tb);
    checkOperand("C", cLen, cOff, ldc, m, n, false);
    if (aliased != null) {
      throw Shapes.error("gemm", "C is the same array as " + aliased,
          "C to be a separate array (the result would overwrite its own input)");
    }
  }

  private static void checkOperand(String name, int length, int off, int ld, int rows, int cols, boolean trans) {
    if (length < 0) throw new IllegalArgumentException("gemm: " + name + " is null");
    if (rows == 0 || cols == 0) return;
    if (ld < cols) {
      throw Shapes.error("gemm", name + (trans ? " (stored transposed)" : "") + " is stored as "
          + rows + " x " + cols + " with leading dimension " + ld, "leading dimension >= " + cols);
    }
    Shapes.checkRange("gemm", name, length, off, (long) (rows - 1) * ld + cols);
  }
}
