package dev.cnn.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link TensorMath} against naive references written per element: broadcasting by explicit
 * index arithmetic, reductions and softmax in double precision.
 *
 * <p>Tolerances against the double references (u = 2^-24):
 * <ul>
 *   <li>Element-wise ops: exact; float32 results are compared with {@link BinaryOp#apply} on the
 *       same floats, bit for bit.
 *   <li>Float32 sums of n terms: {@code n * 2^-23 * sum |x_i|}, twice the recursive-summation
 *       bound {@code gamma_(n-1) sum |x_i|} (the double reference is exact by comparison).
 *   <li>Float32 softmax, with logits in [-20, 20] so that {@code |x - m| <= 40}: rounding x - m
 *       costs a relative {@code |x - m| u} in each exponential, exp itself u, the sum
 *       {@code (n - 1) u} plus the weighted errors of its terms (at most {@code 40 u}), the
 *       division u; so {@code (n + 90) u} relative covers both the worst term and the sum.
 *       Log-softmax moves by the same relative error of s, absolute after the log, plus an ulp
 *       of ln s and two roundings of the result: {@code (n + 90) u + 2^-21 + 2 ulp(out)}.
 * </ul>
 */
class TensorMathProperties {
  private static final double U = 0x1p-24;

  /**
   * Random broadcast pairs: a result shape of rank 0-4, from which each operand drops some
   * leading axes and sets some others to 1. About one axis in ten has size 0, so empty results
   * such as [0, 3] + [1, 3] -> [0, 3], and sumTo from an empty tensor back to a shape with 1 where
   * it had 0 (all zeros), are drawn too.
   */
  @Property(tries = 100)
  void broadcastingMatchesIndexArithmetic(@ForAll @IntRange(max = 4) int rank, @ForAll boolean f64,
      @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] dims = {1, 2, 3, 5, 8, 9, 17, 33};
    int[] out = new int[rank];
    int size = 1;
    for (int i = 0; i < rank; i++) {
      out[i] = r.nextInt(10) == 0 ? 0 : dims[r.nextInt(dims.length)];
      if (size * out[i] > 20_000) out[i] = 1;
      size *= out[i];
    }
    int[] as = operandShape(r, out), bs = operandShape(r, out);
    DType dtype = f64 ? DType.FLOAT64 : DType.FLOAT32;
    Tensor a = randomTensor(r, dtype, 100, as), b = randomTensor(r, dtype, 100, bs);
    assertArrayEquals(TensorMath.broadcastShape(as, bs), shapeOfBroadcast(as, bs));
    for (BinaryOp op : BinaryOp.values()) {
      Tensor got = TensorMath.binary(op, a, b);
      Tensor want = naiveBinary(op, a, b);
      assertArrayEquals(want.shape(), got.shape(), op + " shape");
      for (int i = 0; i < want.size(); i++) {
        if (Double.doubleToLongBits(want.getFlat(i)) != Double.doubleToLongBits(got.getFlat(i))) {
          fail(op + " of " + Shapes.format(as) + " and " + Shapes.format(bs) + " at " + i + ": got "
              + got.getFlat(i) + ", want " + want.getFlat(i));
        }
      }
    }
    // sumTo undoes the broadcast of each operand: the gradient of a broadcast input.
    Tensor g = randomTensor(r, dtype, 1, shapeOfBroadcast(as, bs));
    assertReducedTo(g, as);
    assertReducedTo(g, bs);
  }

  /** Size-0 axes, fixed cases: the empty size wins over 1, and sumTo gives zeros where 1 was. */
  @Example
  void zeroSizedAxesBroadcast() {
    int[][][] cases = {
      {{0, 3}, {1, 3}, {0, 3}}, {{1}, {0}, {0}}, {{0}, {}, {0}}, {{3, 1}, {0}, {3, 0}},
      {{2, 0, 4}, {1, 1, 4}, {2, 0, 4}}, {{0, 1}, {1, 5}, {0, 5}}
    };
    for (int[][] c : cases) {
      assertArrayEquals(c[2], shapeOfBroadcast(c[0], c[1]), "reference");
      assertArrayEquals(c[2], TensorMath.broadcastShape(c[0], c[1]));
      for (DType dtype : DType.values()) {
        Tensor a = Tensor.zeros(dtype, c[0]), b = Tensor.zeros(dtype, c[1]);
        assertArrayEquals(c[2], TensorMath.binary(BinaryOp.ADD, a, b).shape());
        Tensor g = Tensor.zeros(dtype, c[2]);
        for (int[] target : new int[][] {c[0], c[1]}) {
          Tensor sum = TensorMath.sumTo(g, target);
          assertArrayEquals(target, sum.shape());
          for (int i = 0; i < sum.size(); i++) assertEquals(0.0, sum.getFlat(i), "sumTo " + Shapes.format(target));
        }
      }
    }
  }

  @Property(tries = 80)
  void axisReductionsMatchDoubleReference(@ForAll @IntRange(min = 1, max = 4) int rank,
      @ForAll boolean f64, @ForAll boolean keepDims, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] shape = new int[rank];
    int[] dims = {1, 2, 3, 7, 8, 9, 17, 40};
    for (int i = 0; i < rank; i++) shape[i] = dims[r.nextInt(dims.length)];
    Tensor x = randomTensor(r, f64 ? DType.FLOAT64 : DType.FLOAT32, 10, shape);
    if (r.nextInt(4) == 0) x.setFlat(r.nextInt(x.size()), x.getFlat(r.nextInt(x.size()))); // a tie
    int axis = r.nextInt(rank) - (r.nextBoolean() ? rank : 0);
    int a = axis < 0 ? axis + rank : axis;
    int outer = 1, inner = 1, len = shape[a];
    for (int i = 0; i < a; i++) outer *= shape[i];
    for (int i = a + 1; i < rank; i++) inner *= shape[i];

    Tensor sum = TensorMath.sum(x, axis, keepDims), mean = TensorMath.mean(x, axis, keepDims);
    Tensor max = TensorMath.max(x, axis, keepDims);
    int[] arg = TensorMath.argmax(x, axis);
    int[] want = shape.clone();
    want[a] = 1;
    assertArrayEquals(keepDims ? want : dropAxis(shape, a), sum.shape());
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < inner; j++) {
        double s = 0, abs = 0, m = Double.NEGATIVE_INFINITY;
        int best = 0;
        for (int k = 0; k < len; k++) {
          double v = x.getFlat((o * len + k) * inner + j);
          s += v;
          abs += Math.abs(v);
          if (v > m) {
            m = v;
            best = k;
          }
        }
        int at = o * inner + j;
        double tol = f64 ? 1e-12 * abs : len * 2 * U * abs;
        assertEquals(s, sum.getFlat(at), tol, "sum at " + at);
        assertEquals(s / len, mean.getFlat(at), tol / len + Math.ulp((float) (s / len)), "mean at " + at);
        assertEquals(m, max.getFlat(at), "max at " + at);
        assertEquals(best, arg[at], "argmax at " + at);
      }
    }
  }

  @Property(tries = 80)
  void softmaxMatchesDoubleReference(@ForAll @IntRange(min = 1, max = 4) int rank,
      @ForAll boolean f64, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] shape = new int[rank];
    int[] dims = {1, 2, 3, 7, 9, 10, 17, 33};
    for (int i = 0; i < rank; i++) shape[i] = dims[r.nextInt(dims.length)];
    if (r.nextInt(4) == 0) shape[rank - 1] = 1025; // long rows, a vector tail
    for (int i = 0, size = shape[rank - 1]; i < rank - 1; i++) {
      if (size * shape[i] > 20_000) shape[i] = 1; // keep the reference quick
      size *= shape[i];
    }
    Tensor x = randomTensor(r, f64 ? DType.FLOAT64 : DType.FLOAT32, 20, shape);
    int axis = r.nextInt(rank);
    int outer = 1, inner = 1, len = shape[axis];
    for (int i = 0; i < axis; i++) outer *= shape[i];
    for (int i = axis + 1; i < rank; i++) inner *= shape[i];

    Tensor p = TensorMath.softmax(x, axis), lp = TensorMath.logSoftmax(x, axis);
    double rel = f64 ? 1e-13 : (len + 90) * U;
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < inner; j++) {
        double m = Double.NEGATIVE_INFINITY, s = 0, rowSum = 0;
        for (int k = 0; k < len; k++) m = Math.max(m, x.getFlat((o * len + k) * inner + j));
        for (int k = 0; k < len; k++) s += Math.exp(x.getFlat((o * len + k) * inner + j) - m);
        for (int k = 0; k < len; k++) {
          int i = (o * len + k) * inner + j;
          double want = Math.exp(x.getFlat(i) - m) / s, wantLog = x.getFlat(i) - m - Math.log(s);
          assertEquals(want, p.getFlat(i), rel * want, "softmax at " + i);
          double ulp = f64 ? Math.ulp(wantLog) : Math.ulp((float) wantLog);
          assertEquals(wantLog, lp.getFlat(i), rel + (f64 ? 0 : 0x1p-21) + 2 * ulp, "logSoftmax at " + i);
          rowSum += p.getFlat(i);
        }
        assertEquals(1.0, rowSum, rel, "softmax column (" + o + ", " + j + ") sums to 1");
      }
    }
  }

  // ---------------------------------------------------------------- references

  private static int[] operandShape(SplittableRandom r, int[] out) {
    int drop = out.length == 0 ? 0 : r.nextInt(out.length + 1);
    int[] s = new int[out.length - drop];
    for (int i = 0; i < s.length; i++) s[i] = r.nextInt(3) == 0 ? 1 : out[drop + i];
    return s;
  }

  /**
   * NumPy's rule, written independently of TensorMath: aligned at the last axis, missing leading
   * axes count as 1; two sizes are compatible when equal or when one is 1, and the result is the
   * other one (so 1 and 0 give 0, not max(1, 0)).
   */
  private static int[] shapeOfBroadcast(int[] a, int[] b) {
    int rank = Math.max(a.length, b.length);
    int[] s = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
      int db = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
      if (da == db || db == 1) {
        s[i] = da;
      } else if (da == 1) {
        s[i] = db;
      } else {
        throw new AssertionError("the generator drew shapes that do not broadcast: "
            + Shapes.format(a) + " and " + Shapes.format(b));
      }
    }
    return s;
  }

  /** Flat index in {@code shape} of the element that broadcasts to {@code index} of the result. */
  private static int sourceIndex(int[] index, int[] shape) {
    int flat = 0, shift = index.length - shape.length;
    for (int i = 0; i < shape.length; i++) flat = flat * shape[i] + (shape[i] == 1 ? 0 : index[i + shift]);
    return flat;
  }

  private static int[] unflatten(int flat, int[] shape) {
    int[] index = new int[shape.length];
    for (int i = shape.length - 1; i >= 0; i--) {
      index[i] = flat % shape[i];
      flat /= shape[i];
    }
    return index;
  }

  private static Tensor naiveBinary(BinaryOp op, Tensor a, Tensor b) {
    int[] shape = shapeOfBroadcast(a.shape(), b.shape());
    Tensor out = Tensor.zeros(a.dtype(), shape);
    for (int i = 0; i < out.size(); i++) {
      int[] index = unflatten(i, shape);
      double x = a.getFlat(sourceIndex(index, a.shape())), y = b.getFlat(sourceIndex(index, b.shape()));
      out.setFlat(i, a.dtype() == DType.FLOAT32 ? op.apply((float) x, (float) y) : op.apply(x, y));
    }
    return out;
  }

  private static void assertReducedTo(Tensor g, int[] shape) {
    double[] want = new double[Shapes.size(shape)], abs = new double[want.length];
    for (int i = 0; i < g.size(); i++) {
      int src = sourceIndex(unflatten(i, g.shape()), shape);
      want[src] += g.getFlat(i);
      abs[src] += Math.abs(g.getFlat(i));
    }
    Tensor got = TensorMath.sumTo(g, shape);
    assertArrayEquals(shape, got.shape());
    int n = g.size() / Math.max(1, want.length);
    for (int i = 0; i < want.length; i++) {
      double tol = g.dtype() == DType.FLOAT64 ? 1e-12 * abs[i] : (n + 1) * 2 * U * abs[i];
      assertEquals(want[i], got.getFlat(i), tol, "sumTo " + Shapes.format(shape) + " at " + i);
    }
  }

  private static int[] dropAxis(int[] shape, int axis) {
    int[] s = new int[shape.length - 1];
    for (int i = 0, j = 0; i < shape.length; i++) if (i != axis) s[j++] = shape[i];
    return s;
  }

  private static Tensor randomTensor(SplittableRandom r, DType dtype, double scale, int... shape) {
    Tensor t = Tensor.zeros(dtype, shape);
    for (int i = 0; i < t.size(); i++) t.setFlat(i, r.nextDouble(-scale, scale));
    return t;
  }
}
