package dev.cnn.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The Vector API element-wise kernels at 128, 256 and 512 bits against the scalar reference, on
 * sizes around every vector length (0, 1, 3, 7, 9, 15, 17, 33, 255, 1025 and random ones), nonzero
 * offsets, and values that include huge and tiny magnitudes, signed zeros, infinities, NaN and
 * repeated values (ties for max and argmax). On a machine without AVX-512 the 512-bit kernels run
 * through the Vector API's Java fallback: slow per element, but at these sizes they add only
 * about 0.2 s to the class, so they take the same tries and sizes as the others.
 *
 * <p><b>Exact</b> (compared bit for bit, all NaNs alike): every element-wise op, scale-and-shift,
 * max, argmax, axis max/argmax, and axis sums and softmax with {@code inner > 1}; the vector code
 * performs the same IEEE operations in the same order.
 *
 * <p><b>Within a tolerance</b>: sums along a contiguous run (sum, dot, axis sums and softmax with
 * {@code inner == 1}), which the vector code reassociates over four accumulators. With
 * u = 2^-24, any order of recursive or blocked summation of n terms is within
 * {@code gamma_(n-1) * sum |x_i|} of the exact sum, gamma_k = k u / (1 - k u) (Higham, Accuracy
 * and Stability, 4.2); two such results differ by at most twice that, which for n <= 2^16 is below
 * {@code n * 2^-23 * sum |x_i|}. A dot product adds one rounding per product:
 * {@code (n + 1) * 2^-23 * sum |a_i b_i|}, plus {@code n * 2^-149} for products that underflow.
 * Reduction inputs are kept below 1e30 so that no order can overflow where another does not.
 */
class ElementwiseKernelProperties {
  private static final ElementwiseKernel SCALAR = new ScalarElementwise();
  private static final List<ElementwiseKernel> VECTORS = List.of(
      new VectorElementwise(128), new VectorElementwise(256), new VectorElementwise(512));
  private static final double U2 = 0x1p-23; // twice the unit roundoff of float

  @Provide
  Arbitrary<Integer> sizes() {
    return Arbitraries.oneOf(
        Arbitraries.of(0, 1, 3, 7, 9, 15, 17, 33, 255, 1025),
        Arbitraries.integers().between(0, 300));
  }

  @Provide
  Arbitrary<Integer> inners() {
    return Arbitraries.of(1, 1, 2, 3, 7, 8, 9, 17, 33);
  }

  // ---------------------------------------------------------------- element-wise: exact

  @Property(tries = 80)
  void binaryOpsMatchExactly(@ForAll("sizes") int n, @ForAll @IntRange(max = 4) int off,
      @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = values(r, off + n, Mix.WILD), b = values(r, off + n, Mix.WILD);
    float s = values(r, 1, Mix.WILD)[0];
    for (BinaryOp op : BinaryOp.values()) {
      float[] want = new float[off + n];
      SCALAR.binary(op, a, off, b, off, want, off, n);
      float[] wantRight = new float[n];
      SCALAR.binaryScalarRight(op, a, off, s, wantRight, 0, n);
      float[] wantLeft = new float[n + 2];
      SCALAR.binaryScalarLeft(op, s, b, off, wantLeft, 2, n);
      for (ElementwiseKernel v : VECTORS) {
        float[] got = new float[off + n];
        v.binary(op, a, off, b, off, got, off, n);
        assertBitsEqual(want, got, op + " at " + v);
        got = new float[n];
        v.binaryScalarRight(op, a, off, s, got, 0, n);
        assertBitsEqual(wantRight, got, op + " with scalar right " + s);
        got = new float[n + 2];
        v.binaryScalarLeft(op, s, b, off, got, 2, n);
        assertBitsEqual(wantLeft, got, op + " with scalar left " + s);
      }
    }
  }

  @Property(tries = 80)
  void binaryInPlaceMatches(@ForAll("sizes") int n, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = values(r, n, Mix.WILD), b = values(r, n, Mix.WILD);
    float[] want = a.clone();
    SCALAR.binary(BinaryOp.ADD, want, 0, b, 0, want, 0, n);
    for (ElementwiseKernel v : VECTORS) {
      float[] got = a.clone();
      v.binary(BinaryOp.ADD, got, 0, b, 0, got, 0, n);
      assertBitsEqual(want, got, "in-place add");
    }
  }

  @Property(tries = 80)
  void unaryOpsMatchExactly(@ForAll("sizes") int n, @ForAll @IntRange(max = 4) int off,
      @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = values(r, off + n, Mix.WILD);
    for (UnaryOp op : UnaryOp.values()) {
      float[] want = new float[n];
      SCALAR.unary(op, x, off, want, 0, n);
      for (ElementwiseKernel v : VECTORS) {
        float[] got = new float[n];
        v.unary(op, x, off, got, 0, n);
        assertBitsEqual(want, got, op.toString());
      }
    }
  }

  @Property(tries = 80)
  void scaleShiftMatchesExactly(@ForAll("sizes") int n, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = values(r, n, Mix.WILD);
    float scale = values(r, 1, Mix.FINITE)[0], shift = values(r, 1, Mix.FINITE)[0];
    float[] want = new float[n];
    SCALAR.scaleShift(scale, shift, x, 0, want, 0, n);
    for (ElementwiseKernel v : VECTORS) {
      float[] got = new float[n];
      v.scaleShift(scale, shift, x, 0, got, 0, n);
      assertBitsEqual(want, got, "scaleShift " + scale + ", " + shift);
    }
  }

  @Property(tries = 80)
  void wherePositiveMatchesExactly(@ForAll("sizes") int n, @ForAll @IntRange(max = 4) int off,
      @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] selector = values(r, off + n, Mix.WILD), x = values(r, n + 1, Mix.WILD);
    float[] want = new float[n];
    SCALAR.wherePositive(selector, off, x, 1, want, 0, n);
    for (ElementwiseKernel v : VECTORS) {
      float[] got = new float[n];
      v.wherePositive(selector, off, x, 1, got, 0, n);
      assertBitsEqual(want, got, "wherePositive at " + v);
    }
  }

  // ---------------------------------------------------------------- reductions

  @Property(tries = 100)
  void sumWithinBound(@ForAll("sizes") int n, @ForAll @IntRange(max = 4) int off, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = values(r, off + n, r.nextInt(8) == 0 ? Mix.FINITE_OR_SPECIAL : Mix.FINITE);
    float want = SCALAR.sum(x, off, n);
    double abs = 0;
    for (int i = 0; i < n; i++) abs += Math.abs(x[off + i]);
    for (ElementwiseKernel v : VECTORS) {
      assertClose(want, v.sum(x, off, n), n * U2 * abs, "sum of " + n);
    }
  }

  @Property(tries = 100)
  void dotWithinBound(@ForAll("sizes") int n, @ForAll @IntRange(max = 4) int off, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = values(r, off + n, Mix.MODERATE), b = values(r, n, Mix.MODERATE);
    float want = SCALAR.dot(a, off, b, 0, n);
    double abs = 0;
    for (int i = 0; i < n; i++) abs += Math.abs((double) a[off + i] * b[i]);
    for (ElementwiseKernel v : VECTORS) {
      assertClose(want, v.dot(a, off, b, 0, n), (n + 1) * U2 * abs + n * 0x1p-149, "dot of " + n);
    }
  }

  @Property(tries = 100)
  void maxAndArgmaxMatchExactly(@ForAll("sizes") int n, @ForAll @IntRange(max = 4) int off,
      @ForAll boolean withNaN, @ForAll long seed) {
    if (n == 0) return; // max and argmax need an element
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = values(r, off + n, withNaN ? Mix.WILD : Mix.FINITE_OR_SPECIAL_NO_NAN);
    float want = SCALAR.max(x, off, n);
    int wantIndex = SCALAR.argmax(x, off, n);
    for (ElementwiseKernel v : VECTORS) {
      assertBitsEqual(new float[] {want}, new float[] {v.max(x, off, n)}, "max");
      assertEquals(wantIndex, v.argmax(x, off, n), "argmax");
    }
  }

  @Property(tries = 100)
  void argmaxTakesTheFirstOfTies(@ForAll("sizes") int n, @ForAll long seed) {
    if (n == 0) return;
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = r.nextInt(3); // 0, 1, 2: many ties
    if (r.nextBoolean()) x[r.nextInt(n)] = -0f;
    int want = SCALAR.argmax(x, 0, n);
    for (int i = 0; i < want; i++) assertTrue(x[i] < x[want], "reference picks the first maximum");
    for (ElementwiseKernel v : VECTORS) assertEquals(want, v.argmax(x, 0, n));
  }

  @Property(tries = 80)
  void axisReductionsMatch(@ForAll @IntRange(min = 1, max = 3) int outer, @ForAll("sizes") int len,
      @ForAll("inners") int inner, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int off = r.nextInt(3);
    float[] x = values(r, off + outer * len * inner, Mix.FINITE);
    float[] want = new float[outer * inner];
    SCALAR.sumAxis(x, off, outer, len, inner, want, 0);
    for (ElementwiseKernel v : VECTORS) {
      float[] got = new float[outer * inner];
      v.sumAxis(x, off, outer, len, inner, got, 0);
      if (inner > 1) {
        assertBitsEqual(want, got, "sumAxis, inner " + inner); // rows added in order: exact
      } else {
        for (int o = 0; o < outer; o++) {
          double abs = 0;
          for (int k = 0; k < len; k++) abs += Math.abs(x[off + o * len + k]);
          assertClose(want[o], got[o], len * U2 * abs, "sumAxis row " + o);
        }
      }
    }
    if (len == 0) return;
    float[] wantMax = new float[outer * inner];
    int[] wantArg = new int[outer * inner];
    SCALAR.maxAxis(x, off, outer, len, inner, wantMax, 0);
    SCALAR.argmaxAxis(x, off, outer, len, inner, wantArg, 0);
    for (ElementwiseKernel v : VECTORS) {
      float[] gotMax = new float[outer * inner];
      int[] gotArg = new int[outer * inner];
      v.maxAxis(x, off, outer, len, inner, gotMax, 0);
      v.argmaxAxis(x, off, outer, len, inner, gotArg, 0);
      assertBitsEqual(wantMax, gotMax, "maxAxis");
      assertEquals(List.of(box(wantArg)), List.of(box(gotArg)), "argmaxAxis");
    }
  }

  // ---------------------------------------------------------------- softmax

  /**
   * Softmax: the max and the exponentials are identical; only the sum s differs (relative
   * {@code n * 2^-23} as above), and e/s then differs relatively by that plus one rounding of each
   * division: {@code (n + 2) * 2^-23 * |out|}. Log-softmax {@code (x - m) - ln s}: ln s moves by
   * at most {@code n * 2^-23} (d ln s = ds / s), plus one rounding of ln s each (ln s <= ln n < 8,
   * an ulp at most 2^-21), plus the final subtraction's rounding: {@code (n + 5) * 2^-23 +
   * ulp(out)}. With {@code inner > 1} both are exact.
   */
  @Property(tries = 80)
  void softmaxMatches(@ForAll @IntRange(min = 1, max = 3) int outer, @ForAll("sizes") int len,
      @ForAll("inners") int inner, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = values(r, outer * len * inner, r.nextBoolean() ? Mix.LOGITS : Mix.FINITE);
    float[] want = new float[x.length], wantLog = new float[x.length];
    SCALAR.softmax(x, 0, outer, len, inner, want, 0);
    SCALAR.logSoftmax(x, 0, outer, len, inner, wantLog, 0);
    for (ElementwiseKernel v : VECTORS) {
      float[] got = new float[x.length], gotLog = new float[x.length];
      v.softmax(x, 0, outer, len, inner, got, 0);
      v.logSoftmax(x, 0, outer, len, inner, gotLog, 0);
      if (inner > 1) {
        assertBitsEqual(want, got, "softmax, inner " + inner);
        assertBitsEqual(wantLog, gotLog, "logSoftmax, inner " + inner);
        continue;
      }
      for (int i = 0; i < x.length; i++) {
        assertClose(want[i], got[i], (len + 2) * U2 * Math.abs(want[i]) + 0x1p-149, "softmax[" + i + "]");
        assertClose(wantLog[i], gotLog[i], (len + 5) * U2 + Math.ulp(wantLog[i]), "logSoftmax[" + i + "]");
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  /** What values to draw. */
  enum Mix {
    /** Anything: huge, tiny, subnormal, signed zeros, infinities, NaN, ties. */
    WILD,
    /** Finite with |x| <= 1e30 (no sum of 1025 of them overflows), signed zeros, ties. */
    FINITE,
    /** FINITE plus the odd infinity or NaN. */
    FINITE_OR_SPECIAL,
    /** FINITE plus the odd infinity. */
    FINITE_OR_SPECIAL_NO_NAN,
    /** |x| <= 1e15, so products do not overflow. */
    MODERATE,
    /** Logits: normal with a random scale up to 1000, ties. */
    LOGITS
  }

  private static final float[] EXTREMES = {
    0f, -0f, 1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1e-30f, -1e-30f,
    1e30f, -1e30f, Float.MAX_VALUE, -Float.MAX_VALUE,
    Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN
  };

  static float[] values(SplittableRandom r, int n, Mix mix) {
    float[] x = new float[n];
    double scale = Math.pow(10, r.nextInt(-3, 4));
    for (int i = 0; i < n; i++) {
      int kind = r.nextInt(16);
      float v;
      if (kind == 0 && i > 0) {
        v = x[r.nextInt(i)]; // a tie with an earlier value
      } else if (kind == 1) {
        v = r.nextBoolean() ? 0f : -0f;
      } else if (kind == 2 && mix != Mix.LOGITS) {
        v = EXTREMES[r.nextInt(EXTREMES.length)];
      } else {
        v = (float) (r.nextGaussian() * scale);
      }
      x[i] = clamp(v, mix, r);
    }
    return x;
  }

  private static float clamp(float v, Mix mix, SplittableRandom r) {
    switch (mix) {
      case WILD:
        return v;
      case LOGITS:
        return Float.isFinite(v) ? Math.max(-1000f, Math.min(1000f, v)) : 0f;
      case MODERATE:
        return Float.isFinite(v) ? Math.max(-1e15f, Math.min(1e15f, v)) : 1e15f;
      default:
        if (Float.isNaN(v)) {
          return mix == Mix.FINITE_OR_SPECIAL && r.nextInt(4) == 0 ? v : 0.5f;
        }
        if (Float.isInfinite(v)) {
          return mix == Mix.FINITE ? Math.copySign(1e30f, v) : v;
        }
        return Math.max(-1e30f, Math.min(1e30f, v));
    }
  }

  static void assertBitsEqual(float[] want, float[] got, String what) {
    assertEquals(want.length, got.length, what + ": length");
    for (int i = 0; i < want.length; i++) {
      if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
        fail(what + ": element " + i + " is " + got[i] + " but the reference gives " + want[i]
            + " (bits " + Integer.toHexString(Float.floatToRawIntBits(got[i])) + " vs "
            + Integer.toHexString(Float.floatToRawIntBits(want[i])) + ")");
      }
    }
  }

  /** Equal when not finite (NaN or the same infinity), else within tol. */
  static void assertClose(float want, float got, double tol, String what) {
    if (!Float.isFinite(want) || !Float.isFinite(got)) {
      assertBitsEqual(new float[] {want}, new float[] {got}, what);
      return;
    }
    double err = Math.abs((double) want - got);
    if (err > tol) fail(what + ": got " + got + ", reference " + want + ", error " + err + " > tolerance " + tol);
  }

  private static Integer[] box(int[] a) {
    Integer[] b = new Integer[a.length];
    for (int i = 0; i < a.length; i++) b[i] = a[i];
    return b;
  }
}
