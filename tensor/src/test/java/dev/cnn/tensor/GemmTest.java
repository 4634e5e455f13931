package dev.cnn.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.tensor.Gemm.Transpose;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.junit.jupiter.api.Test;

/**
 * GEMM: the vector kernel at 128 and 256 bits against the scalar reference, both against EJML,
 * and hand-computed cases.
 *
 * <p>Tolerance. The kernels sum k products in different orders (the vector kernel with fused
 * multiply-adds, in k-blocks of at most 352); each computed element then differs from the exact value by
 * at most about {@code k * u * sum_p |a_ip| |b_pj|} with u = 2^-24 (the standard bound for
 * recursive summation), so two float implementations differ by at most twice that. The tests
 * allow {@code 2 * (k + 2) * 2^-24 * (|alpha| sum_p |a_ip b_pj| + |beta c_ij|)} plus a tiny
 * absolute term, computed per element.
 */
class GemmTest {
  private static final GemmKernel SCALAR = new ScalarGemm();

  /** Sizes that straddle the register tile (4 x 16 at 256 bits, 4 x 8 at 128) and the blocks. */
  @Provide
  Arbitrary<Integer> dims() {
    return Arbitraries.oneOf(
        Arbitraries.of(1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 65),
        Arbitraries.integers().between(1, 130));
  }

  @Property(tries = 120)
  void vector128MatchesScalar(@ForAll("dims") int m, @ForAll("dims") int n, @ForAll("dims") int k,
      @ForAll boolean ta, @ForAll boolean tb, @ForAll long seed) {
    assertVectorMatchesScalar(new VectorGemm(128), m, n, k, ta, tb, seed);
  }

  @Property(tries = 120)
  void vector256MatchesScalar(@ForAll("dims") int m, @ForAll("dims") int n, @ForAll("dims") int k,
      @ForAll boolean ta, @ForAll boolean tb, @ForAll long seed) {
    assertVectorMatchesScalar(new VectorGemm(256), m, n, k, ta, tb, seed);
  }

  /** The 512-bit kernel (run by the Vector API's Java fallback on an AVX2 machine: few tries). */
  @Property(tries = 15)
  void vector512MatchesScalar(@ForAll("dims") int m, @ForAll("dims") int n, @ForAll("dims") int k,
      @ForAll boolean ta, @ForAll boolean tb, @ForAll long seed) {
    assertVectorMatchesScalar(new VectorGemm(512), Math.min(m, 40), Math.min(n, 70), Math.min(k, 200), ta, tb, seed);
  }

  /**
   * Shapes past the parallel threshold that also cross the row (MBIG = 4096) and column
   * (NC = 4096) blocks, on two threads.
   */
  @Test
  void vectorMatchesScalarOnParallelPathAcrossBigBlocks() {
    int saved = Parallel.threads();
    try {
      Parallel.setThreads(2);
      assertVectorMatchesScalar(new VectorGemm(256), 4100, 24, 50, false, false, 11L);
      assertVectorMatchesScalar(new VectorGemm(256), 24, 4100, 50, true, true, 12L);
      assertVectorMatchesScalar(new VectorGemm(128), 4099, 30, 40, true, false, 13L);
    } finally {
      Parallel.setThreads(saved);
    }
  }

  /** As in BLAS, alpha = 0 does not read A and B, so a NaN there stays out of C. */
  @Test
  void alphaZeroIgnoresNanInAAndB() {
    for (GemmKernel g : kernels()) {
      float[] a = {Float.NaN, 1, 1, 1}, b = {1, Float.POSITIVE_INFINITY, 1, 1}, c = {1, 2, 3, 4};
      g.gemm(false, false, 2, 2, 2, 0f, a, 0, 2, b, 0, 2, 2f, c, 0, 2);
      assertArrayEquals(new float[] {2, 4, 6, 8}, c, g.getClass().getSimpleName());
    }
  }

  /** Deep k crosses the k-blocks (at most 352 deep); wide n crosses panels. Fixed, larger cases. */
  @Test
  void vectorMatchesScalarAcrossBlocks() {
    int[][] shapes = {{255, 17, 513}, {9, 1025, 300}, {130, 70, 1030}, {1, 1, 1025}};
    for (int[] s : shapes) {
      for (int t = 0; t < 4; t++) {
        assertVectorMatchesScalar(new VectorGemm(256), s[0], s[1], s[2], (t & 1) == 1, (t & 2) == 2, 7L + t);
      }
    }
  }

  private static void assertVectorMatchesScalar(GemmKernel vector, int m, int n, int k,
      boolean ta, boolean tb, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    // Leading dimensions larger than needed and nonzero offsets exercise the index arithmetic.
    int lda = (ta ? m : k) + r.nextInt(3), ldb = (tb ? k : n) + r.nextInt(3), ldc = n + r.nextInt(3);
    int aOff = r.nextInt(4), bOff = r.nextInt(4), cOff = r.nextInt(4);
    float[] a = random(r, aOff + (ta ? k : m) * lda);
    float[] b = random(r, bOff + (tb ? n : k) * ldb);
    float[] c0 = random(r, cOff + m * ldc);
    float alpha = (float) r.nextDouble(-2, 2), beta = r.nextInt(3) == 0 ? 0f : (float) r.nextDouble(-1, 1);
    float[] cs = c0.clone(), cv = c0.clone();
    SCALAR.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, cs, cOff, ldc);
    vector.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, cv, cOff, ldc);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double mag = 0;
        for (int p = 0; p < k; p++) {
          mag += Math.abs((ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p])
              * (tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j]));
        }
        int at = cOff + i * ldc + j;
        double tol = 2.0 * (k + 2) * 0x1p-24 * (Math.abs(alpha) * mag + Math.abs(beta * c0[at])) + 1e-30;
        double diff = Math.abs(cs[at] - cv[at]);
        if (!(diff <= tol)) {
          throw new AssertionError(String.format(
              "m=%d n=%d k=%d ta=%b tb=%b: C[%d][%d] scalar %s vector %s differ by %s > %s",
              m, n, k, ta, tb, i, j, cs[at], cv[at], diff, tol));
        }
      }
    }
    // Elements of C outside the m x n window (padding of ldc, the offset) are untouched.
    for (int i = 0; i < c0.length; i++) {
      int row = (i - cOff) / ldc, col = (i - cOff) % ldc;
      boolean inside = i >= cOff && row < m && col < n;
      if (!inside) assertEquals(c0[i], cv[i], "element " + i + " outside C was modified");
    }
  }

  @Property(tries = 60)
  void publicGemmMatchesEjml(@ForAll("dims") int m, @ForAll("dims") int n, @ForAll("dims") int k,
      @ForAll boolean ta, @ForAll boolean tb, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    FMatrixRMaj a = new FMatrixRMaj(ta ? k : m, ta ? m : k, true, random(r, m * k));
    FMatrixRMaj b = new FMatrixRMaj(tb ? n : k, tb ? k : n, true, random(r, k * n));
    FMatrixRMaj expected = new FMatrixRMaj(m, n);
    if (!ta && !tb) CommonOps_FDRM.mult(a, b, expected);
    else if (ta && !tb) CommonOps_FDRM.multTransA(a, b, expected);
    else if (!ta) CommonOps_FDRM.multTransB(a, b, expected);
    else CommonOps_FDRM.multTransAB(a, b, expected);
    float[] c = new float[m * n];
    Gemm.gemm(ta ? Transpose.YES : Transpose.NO, tb ? Transpose.YES : Transpose.NO, m, n, k, a.data, b.data, c);
    for (int i = 0; i < m * n; i++) {
      int row = i / n, col = i % n;
      double mag = 0;
      for (int p = 0; p < k; p++) {
        mag += Math.abs((ta ? a.get(p, row) : a.get(row, p)) * (tb ? b.get(col, p) : b.get(p, col)));
      }
      double tol = 2.0 * (k + 2) * 0x1p-24 * mag + 1e-30;
      assertTrue(Math.abs(expected.data[i] - c[i]) <= tol,
          "C[" + row + "][" + col + "]: EJML " + expected.data[i] + ", ours " + c[i]);
    }
  }

  @Test
  void handComputedTwoByTwo() {
    // [1 2] [5 6]   [19 22]
    // [3 4] [7 8] = [43 50]
    float[] a = {1, 2, 3, 4}, b = {5, 6, 7, 8};
    for (GemmKernel g : kernels()) {
      float[] c = new float[4];
      g.gemm(false, false, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
      assertArrayEquals(new float[] {19, 22, 43, 50}, c, g.getClass().getSimpleName());
      // A^T B: [1 3; 2 4] [5 6; 7 8] = [26 30; 38 44]
      g.gemm(true, false, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
      assertArrayEquals(new float[] {26, 30, 38, 44}, c);
      // A B^T: [1 2; 3 4] [5 7; 6 8] = [17 23; 39 53]
      g.gemm(false, true, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
      assertArrayEquals(new float[] {17, 23, 39, 53}, c);
      // alpha = 2, beta = -1 on C = [17 23; 39 53]: 2 * [19 22; 43 50] - C = [21 21; 47 47]
      g.gemm(false, false, 2, 2, 2, 2f, a, 0, 2, b, 0, 2, -1f, c, 0, 2);
      assertArrayEquals(new float[] {21, 21, 47, 47}, c);
    }
  }

  @Test
  void rowTimesColumnAndEmptyInnerDimension() {
    for (GemmKernel g : kernels()) {
      float[] c = {5f};
      g.gemm(false, false, 1, 1, 3, 1f, new float[] {1, 2, 3}, 0, 3, new float[] {4, 5, 6}, 0, 1, 1f, c, 0, 1);
      assertEquals(5f + 32f, c[0]);
      float[] c2 = {1, 2, 3, 4};
      g.gemm(false, false, 2, 2, 0, 1f, new float[0], 0, 0, new float[0], 0, 2, 3f, c2, 0, 2);
      assertArrayEquals(new float[] {3, 6, 9, 12}, c2, "k = 0 leaves beta * C");
    }
  }

  @Test
  void betaZeroIgnoresNanInC() {
    for (GemmKernel g : kernels()) {
      float[] c = new float[20 * 20];
      Arrays.fill(c, Float.NaN);
      float[] a = new float[20 * 20], b = new float[20 * 20];
      Arrays.fill(a, 1f);
      Arrays.fill(b, 0.5f);
      g.gemm(false, false, 20, 20, 20, 1f, a, 0, 20, b, 0, 20, 0f, c, 0, 20);
      for (float v : c) assertEquals(10f, v, g.getClass().getSimpleName());
    }
  }

  @Test
  void bitIdenticalAcrossRunsAndThreadCounts() {
    int saved = Parallel.threads();
    try {
      SplittableRandom r = new SplittableRandom(3);
      // C split by rows (n <= m), then by columns (n > m), into uneven blocks with 3 threads
      for (int[] mnk : new int[][] {{301, 257, 515}, {45, 301, 515}}) {
        int m = mnk[0], n = mnk[1], k = mnk[2];
        float[] a = random(r, m * k), b = random(r, k * n);
        float[] ref = null;
        for (int threads : new int[] {1, 2, 3, 1, 2}) {
          Parallel.setThreads(threads);
          float[] c = new float[m * n];
          Gemm.gemm(Transpose.NO, Transpose.NO, m, n, k, a, b, c);
          if (ref == null) ref = c;
          else assertArrayEquals(ref, c, m + "x" + n + "x" + k + ", threads = " + threads);
        }
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }

  @Test
  void matmulOfTensors() {
    Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor b = Tensor.of(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
    Tensor c = Gemm.matmul(a, b);
    assertArrayEquals(new int[] {2, 2}, c.shape());
    assertArrayEquals(new float[] {4, 5, 10, 11}, c.floatData());
  }

  @Test
  void float64GemmAndMatmul() {
    // A^T B^T with alpha and beta, in double: [1 3; 2 4]^T... checked against hand-computed values.
    double[] a = {1, 2, 3, 4}, b = {5, 6, 7, 8}, c = {1, 1, 1, 1};
    Gemm.gemm(Transpose.YES, Transpose.YES, 2, 2, 2, 0.5, a, 0, 2, b, 0, 2, 2.0, c, 0, 2);
    // A^T = [1 3; 2 4], B^T = [5 7; 6 8]; A^T B^T = [23 31; 34 46]; 0.5 * that + 2 = below
    assertArrayEquals(new double[] {13.5, 17.5, 19, 25}, c);
    Tensor x = Tensor.of(new double[] {0.1, 0.2, 0.3}, 1, 3);
    Tensor y = Tensor.of(new double[] {1, 2, 3}, 3, 1);
    Tensor z = Gemm.matmul(x, y);
    assertEquals(DType.FLOAT64, z.dtype());
    assertEquals(0.1 + 0.4 + 0.9, z.get(0, 0), 1e-15);
    var e = assertThrows(IllegalArgumentException.class, () -> Gemm.matmul(x, Tensor.zeros(3, 1)));
    assertTrue(e.getMessage().contains("FLOAT32"), e.getMessage());
  }

  @Test
  void shapeErrorsNameTheOperandAndTheFix() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Gemm.matmul(Tensor.zeros(2, 3), Tensor.zeros(4, 5)));
    assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 5]"), e.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class,
        () -> Gemm.gemm(Transpose.NO, Transpose.NO, 4, 4, 4, new float[15], new float[16], new float[16]));
    assertTrue(e2.getMessage().contains("gemm: A has 15 elements"), e2.getMessage());
    var e3 = assertThrows(IllegalArgumentException.class,
        () -> Gemm.gemm(Transpose.NO, Transpose.NO, 2, 2, 3, 1f, new float[6], 0, 2, new float[6], 0, 2, 0f, new float[4], 0, 2));
    assertTrue(e3.getMessage().contains("leading dimension >= 3"), e3.getMessage());
    float[] same = new float[4];
    var e4 = assertThrows(IllegalArgumentException.class,
        () -> Gemm.gemm(Transpose.NO, Transpose.NO, 2, 2, 2, same, new float[4], same));
    assertTrue(e4.getMessage().contains("C is the same array as A"), e4.getMessage());
  }

  @Test
  void rejectsUnsupportedWidth() {
    var e = assertThrows(IllegalArgumentException.class, () -> new VectorGemm(96));
    assertTrue(e.getMessage().contains("96"));
  }

  private static GemmKernel[] kernels() {
    return new GemmKernel[] {SCALAR, new VectorGemm(128), new VectorGemm(256)};
  }

  static float[] random(SplittableRandom r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) r.nextDouble(-1, 1);
    return x;
  }
}
