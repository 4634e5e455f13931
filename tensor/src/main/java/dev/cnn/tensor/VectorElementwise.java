package dev.cnn.tensor;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Element-wise ops, reductions and softmax on SIMD registers.
 *
 * <p>Every kernel has one shape: a vector body over {@code species().loopBound(n)} elements
 * (reductions keep 2-4 independent accumulators there, so consecutive adds do not wait on each
 * other's latency), a vector tail one register at a time, a scalar tail that uses the very
 * {@link BinaryOp#apply}/{@link UnaryOp#apply} of the reference, and for reductions one final
 * reduction of the accumulators.
 *
 * <p><b>What the JIT needs</b> (the rules {@link VectorGemm} learned; missing one costs 2-20x):
 * <ul>
 *   <li>The species must be a compile-time constant in the loop, or the Vector API falls back to
 *       boxed Java code. Each width has a tiny final {@link Body} subclass whose {@code species()}
 *       returns a {@code static final}; every loop is written once, in {@code Body}.
 *   <li>No {@code FloatVector} is passed to or returned from a method of ours: C2 may decline to
 *       inline it and then boxes the vectors on the heap. Accumulators are named locals, never a
 *       {@code FloatVector[]}. Helpers exchange arrays and floats only.
 *   <li>The operator must be a constant too ({@code lanewise(op, v)} with a variable {@code op}
 *       is not intrinsified), so each {@link BinaryOp} and {@link UnaryOp} gets its own loop
 *       behind a {@code switch}, rather than one loop with the op as a parameter.
 * </ul>
 *
 * <p><b>Exactness.</b> Add, sub, mul, div, sqrt, max, min, neg, abs, square, relu and
 * scale-and-shift are single IEEE operations per lane (or {@link Math#max}/{@link Math#min}
 * semantics), identical to the scalar twin bit for bit; so are max, argmax and the axis sums and
 * softmax with {@code inner > 1}, which add whole rows in the same order. Only sums along a
 * contiguous row (sum, dot, mean, softmax over the last axis) are reassociated, by the
 * accumulators; {@link ElementwiseKernel} states the tolerance. The lanes of the final
 * accumulator are added in index order with {@code lane(i)}, not with {@code reduceLanes(ADD)},
 * whose order is unspecified and could differ between interpreted and compiled code.
 *
 * <p><b>Transcendentals stay scalar</b> (exp, log, sigmoid, tanh, and the exponentials inside
 * softmax): they delegate to {@link ScalarElementwise}, i.e. {@link Math#exp} and friends.
 * {@code lanewise(EXP)} is about ten times faster than {@code Math.exp}, but only once C2 has
 * compiled it to the SVML intrinsic: before that the Java fallback computes each lane with the
 * scalar function, and the two disagree by one ulp in a few percent of lanes (figures in
 * bench/README.md, "Figures behind the kernel choices"). Results would
 * then depend on when the JIT finished compiling, breaking bit-for-bit reproducibility run after
 * run, which DESIGN.md fixes. A polynomial exp built from exact lanewise adds and multiplies (the
 * same polynomial in the scalar twin) would get both; it is left for when profiles show softmax
 * or sigmoid matter next to GEMM.
 */
final class VectorElementwise implements ElementwiseKernel {
  /** The reference, for the transcendental functions and the rare strided argmax. */
  private static final ScalarElementwise SCALAR = new ScalarElementwise();

  private final Body body;

  /** @param bits vector width: 128, 256 or 512 */
  VectorElementwise(int bits) {
    body = Kernels.byWidth(bits, Body128::new, Body256::new, Body512::new);
  }

  @Override
  public void binary(BinaryOp op, float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n) {
    body.binary(op, a, aOff, b, bOff, out, oOff, n);
  }

  @Override
  public void binaryScalarRight(BinaryOp op, float[] a, int aOff, float b, float[] out, int oOff, int n) {
    body.binaryScalarRight(op, a, aOff, b, out, oOff, n);
  }

  @Override
  public void binaryScalarLeft(BinaryOp op, float a, float[] b, int bOff, float[] out, int oOff, int n) {
    body.binaryScalarLeft(op, a, b, bOff, out, oOff, n);
  }

  @Override
  public void unary(UnaryOp op, float[] x, int xOff, float[] out, int oOff, int n) {
    body.unary(op, x, xOff, out, oOff, n);
  }

  @Override
  public void scaleShift(float scale, float shift, float[] x, int xOff, float[] out, int oOff, int n) {
    body.scaleShift(scale, shift, x, xOff, out, oOff, n);
  }

  @Override
  public void wherePositive(float[] selector, int sOff, float[] x, int xOff, float[] out, int oOff, int n) {
    body.wherePositive(selector, sOff, x, xOff, out, oOff, n);
  }

  @Override
  public float sum(float[] x, int xOff, int n) {
    return body.sum(x, xOff, n);
  }

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
    return body.dot(a, aOff, b, bOff, n);
  }

  @Override
  public float max(float[] x, int xOff, int n) {
    return body.max(x, xOff, n);
  }

  @Override
  public int argmax(float[] x, int xOff, int n) {
    return body.argmax(x, xOff, n);
  }

  @Override
  public void sumAxis(float[] x, int xOff, int outer, int axisLen, int inner, float[] out, int oOff) {
    body.sumAxis(x, xOff, outer, axisLen, inner, out, oOff);
  }

  @Override
  public void maxAxis(float[] x, int xOff, int outer, int axisLen, int inner, float[] out, int oOff) {
    body.maxAxis(x, xOff, outer, axisLen, inner, out, oOff);
  }

  @Override
  public void argmaxAxis(float[] x, int xOff, int outer, int axisLen, int inner, int[] out, int oOff) {
    body.argmaxAxis(x, xOff, outer, axisLen, inner, out, oOff);
  }

  @Override
  public void softmax(float[] x, int xOff, int outer, int axisLen, int inner, float[] out, int oOff) {
    body.softmax(x, xOff, outer, axisLen, inner, out, oOff, false);
  }

  @Override
  public void logSoftmax(float[] x, int xOff, int outer, int axisLen, int inner, float[] out, int oOff) {
    body.softmax(x, xOff, outer, axisLen, inner, out, oOff, true);
  }

  /** All the loops, written once against {@link #species()}. */
  abstract static class Body {
    abstract VectorSpecies<Float> species();

    final void binary(BinaryOp op, float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n) {
      final VectorSpecies<Float> s = species();
      final int len = s.length();
      final int bound = s.loopBound(n);
      int i = 0;
      switch (op) {
        case ADD:
          for (; i < bound; i += len) {
            FloatVector va = FloatVector.fromArray(s, a, aOff + i);
            va.add(FloatVector.fromArray(s, b, bOff + i)).intoArray(out, oOff + i);
          }
          break;
        case SUB:
          for (; i < bound; i += len) {
            FloatVector va = FloatVector.fromArray(s, a, aOff + i);
            va.sub(FloatVector.fromArray(s, b, bOff + i)).intoArray(out, oOff + i);
          }
          break;
        case MUL:
          for (; i < bound; i += len) {
            FloatVector va = FloatVector.fromArray(s, a, aOff + i);
            va.mul(FloatVector.fromArray(s, b, bOff + i)).intoArray(out, oOff + i);
          }
          break;
        case DIV:
          for (; i < bound; i += len) {
            FloatVector va = FloatVector.fromArray(s, a, aOff + i);
            va.div(FloatVector.fromArray(s, b, bOff + i)).intoArray(out, oOff + i);
          }
          break;
        case MAX:
          for (; i < bound; i += len) {
            FloatVector va = FloatVector.fromArray(s, a, aOff + i);
            va.max(FloatVector.fromArray(s, b, bOff + i)).intoArray(out, oOff + i);
          }
          break;
        case MIN:
          for (; i < bound; i += len) {
            FloatVector va = FloatVector.fromArray(s, a, aOff + i);
            va.min(FloatVector.fromArray(s, b, bOff + i)).intoArray(out, oOff + i);
          }
          break;
        default:
          throw new AssertionError(op);
      }
      for (; i < n; i++) out[oOff + i] = op.apply(a[aOff + i], b[bOff + i]);
    }

    final void binaryScalarRight(BinaryOp op, float[] a, int aOff, float b, float[] out, int oOff, int n) {
      final VectorSpecies<Float> s = species();
      final int len = s.length();
      final int bound = s.loopBound(n);
      final FloatVector vb = FloatVector.broadcast(s, b);
      int i = 0;
      switch (op) {
        case ADD:
          for (; i < bound; i += len) FloatVector.fromArray(s, a, aOff + i).add(vb).intoArray(out, oOff + i);
          break;
        case SUB:
          for (; i < bound; i += len) FloatVector.fromArray(s, a, aOff + i).sub(vb).intoArray(out, oOff + i);
          break;
        case MUL:
          for (; i < bound; i += len) FloatVector.fromArray(s, a, aOff + i).mul(vb).intoArray(out, oOff + i);
          break;
        case DIV:
          for (; i < bound; i += len) FloatVector.fromArray(s, a, aOff + i).div(vb).intoArray(out, oOff + i);
          break;
        case MAX:
          for (; i < bound; i += len) FloatVector.fromArray(s, a, aOff + i).max(vb).intoArray(out, oOff + i);
          break;
        case MIN:
          for (; i < bound; i += len) FloatVector.fromArray(s, a, aOff + i).min(vb).intoArray(out, oOff + i);
          break;
        default:
          throw new AssertionError(op);
      }
      for (; i < n; i++) out[oOff + i] = op.apply(a[aOff + i], b);
    }

    final void binaryScalarLeft(BinaryOp op, float a, float[] b, int bOff, float[] out, int oOff, int n) {
      final VectorSpecies<Float> s = species();
      final int len = s.length();
      final int bound = s.loopBound(n);
      final FloatVector va = FloatVector.broadcast(s, a);
      int i = 0;
      switch (op) {
        case ADD:
          for (; i < bound; i += len) va.add(FloatVector.fromArray(s, b, bOff + i)).intoArray(out, oOff + i);
          break;
        case SUB:
          for (; i < bound; i += len) va.sub(FloatVector.fromArray(s, b, bOff + i)).intoArray(out, oOff + i);
          break;
        case MUL:
          for (; i < bound; i += len) va.mul(FloatVector.fromArray(s, b, bOff + i)).intoArray(out, oOff + i);
          break;
        case DIV:
          for (; i < bound; i += len) va.div(FloatVector.fromArray(s, b, bOff + i)).intoArray(out, oOff + i);
          break;
        case MAX:
          for (; i < bound; i += len) va.max(FloatVector.fromArray(s, b, bOff + i)).intoArray(out, oOff + i);
          break;
        case MIN:
          for (; i < bound; i += len) va.min(FloatVector.fromArray(s, b, bOff + i)).intoArray(out, oOff + i);
          break;
        default:
          throw new AssertionError(op);
      }
      for (; i < n; i++) out[oOff + i] = op.apply(a, b[bOff + i]);
    }

    final void unary(UnaryOp op, float[] x, int xOff, float[] out, int oOff, int n) {
      final VectorSpecies<Float> s = species();
      final int len = s.length();
      final int bound = s.loopBound(n);
      int i = 0;
      switch (op) {
        case NEG:
          for (; i < bound; i += len) FloatVector.fromArray(s, x, xOff + i).neg().intoArray(out, oOff + i);
          break;
        case ABS:
          for (; i < bound; i += len) FloatVector.fromArray(s, x, xOff + i).abs().intoArray(out, oOff + i);
          break;
        case SQRT:
          for (; i < bound; i += len) FloatVector.fromArray(s, x, xOff + i).sqrt().intoArray(out, oOff + i);
          break;
        case SQUARE:
          for (; i < bound; i += len) {
            FloatVector v = FloatVector.fromArray(s, x, xOff + i);
            v.mul(v).intoArray(out, oOff + i);
          }
          break;
        case RELU:
          for (; i < bound; i += len) FloatVector.fromArray(s, x, xOff + i).max(0f).intoArray(out, oOff + i);
          break;
        case EXP:
        case LOG:
        case SIGMOID:
        case TANH:
          // Scalar on purpose: see "Transcendentals stay scalar" in the class comment.
          SCALAR.unary(op, x, xOff, out, oOff, n);
          return;
        default:
          throw new AssertionError(op);
      }
      for (; i < n; i++) out[oOff + i] = op.apply(x[xOff + i]);
    }

    final void scaleShift(float scale, float shift, float[] x, int xOff, float[] out, int oOff, int n) {
      final VectorSpecies<Float> s = species();
      final int len = s.length();
      final int bound = s.loopBound(n);
      int i = 0;
      for (; i < bound; i += len) {
        // mul then add, as the scalar twin: Java never contracts these into an FMA.
        FloatVector.fromArray(s, x, xOff + i).mul(scale).add(shift).intoArray(out, oOff + i);
      }
      for (; i < n; i++) out[oOff + i] = scale * x[xOff + i] + shift;
    }

    final void wherePositive(float[] selector, int sOff, float[] x, int xOff, float[] out, int oOff, int n) {
      final VectorSpecies<Float> s = species();
      final int len = s.length();
      final int bound = s.loopBound(n);
      final FloatVector zero = FloatVector.zero(s);
      int i = 0;
      // A blend, not a branch per element: the scalar loop's branch is mispredicted about half the
      // time on ReLU outputs (half of them are 0).
      for (; i < bound; i += len) {
        VectorMask<Float> positive = FloatVector.fromArray(s, selector, sOff + i).compare(VectorOperators.GT, 0f);
        zero.blend(FloatVector.fromArray(s, x, xOff + i), positive).intoArray(out, oOff + i);
      }
      for (; i < n; i++) out[oOff + i] = selector[sOff + i] > 0 ? x[xOff + i] : 0f;
    }

    final float sum(float[] x, int xOff, int n) {
      final VectorSpecies<Float> s = species();
      final int len = s.length();
      final int bound = s.loopBound(n);
      final int bound4 = n - n % (4 * len);
      int i = 0;
      float total = 0f;
      if (bound > 0) {
        // Four accumulators: four independent chains of adds keep the FP adder busy.
        FloatVector acc0 = FloatVector.zero(s), acc1 = FloatVector.zero(s);
        FloatVector acc2 = FloatVector.zero(s), acc3 = FloatVector.zero(s);
        for (; i < bound4; i += 4 * len) {
          acc0 = acc0.add(FloatVector.fromArray(s, x, xOff + i));
          acc1 = acc1.add(FloatVector.fromArray(s, x, xOff + i + len));
          acc2 = acc2.add(FloatVector.fromArray(s, x, xOff + i + 2 * len));
          acc3 = acc3.add(FloatVector.fromArray(s, x, xOff + i + 3 * len));
        }
        for (; i < bound; i += len) acc0 = acc0.add(FloatVector.fromArray(s, x, xOff + i));
        FloatVector acc = acc0.add(acc1).add(acc2.add(acc3));
        for (int l = 0; l < len; l++) total += acc.lane(l);
      }
      for (; i < n; i++) total += x[xOff + i];
      return total;
    }

    final float dot(float[] a, int aOff, float[] b, int bOff, int n) {
      final VectorSpecies<Float> s = species();
      final int len = s.length();
      final int bound = s.loopBound(n);
      final int bound4 = n - n % (4 * len);
      int i = 0;
      float total = 0f;
      if (bound > 0) {
        FloatVector acc0 = FloatVector.zero(s), acc1 = FloatVector.zero(s);
        FloatVector acc2 = FloatVector.zero(s), acc3 = FloatVector.zero(s);
        for (; i < bound4; i += 4 * len) {
          acc0 = FloatVector.fromArray(s, a, aOff + i).fma(FloatVector.fromArray(s, b, bOff + i), acc0);
          acc1 = FloatVector.fromArray(s, a, aOff + i + len)
              .fma(FloatVector.fromArray(s, b, bOff + i + len), acc1);
          acc2 = FloatVector.fromArray(s, a, aOff + i + 2 * len)
              .fma(FloatVector.fromArray(s, b, bOff + i + 2 * len), acc2);
          acc3 = FloatVector.fromArray(s, a, aOff + i + 3 * len)
              .fma(FloatVector.fromArray(s, b, bOff + i + 3 * len), acc3);
        }
        for (; i < bound; i += len) {
          acc0 = FloatVector.fromArray(s, a, aOff + i).fma(FloatVector.fromArray(s, b, bOff + i), acc0);
        }
        FloatVector acc = acc0.add(acc1).add(acc2.add(acc3));
        for (int l = 0; l < len; l++) total += acc.lane(l);
      }
      for (; i < n; i++) total += a[aOff + i] * b[bOff + i];
      return total;
    }

    final float max(float[] x, int xOff, int n) {
      final VectorSpecies<Float> s = species();
      final int len = s.length();
      final int bound = s.loopBound(n);
      final int bound2 = n - n % (2 * len);
      int i = 0;
      float m = Float.NEGATIVE_INFINITY;
      if (bound > 0) {
        // max is associative and commutative (NaN wins, +0 above -0), so this is exact.
        FloatVector m0 = FloatVector.broadcast(s, Float.NEGATIVE_INFINITY), m1 = m0;
        for (; i < bound2; i += 2 * len) {
          m0 = m0.max(FloatVector.fromArray(s, x, xOff + i));
          m1 = m1.max(FloatVector.fromArray(s, x, xOff + i + len));
        }
        for (; i < bound; i += len) m0 = m0.max(FloatVector.fromArray(s, x, xOff + i));
        FloatVector acc = m0.max(m1);
        for (int l = 0; l < len; l++) m = Math.max(m, acc.lane(l));
      }
      for (; i < n; i++) m = Math.max(m, x[xOff + i]);
      return m;
    }

    /** The max, then the first lane equal to it (or the first NaN). */
    final int argmax(float[] x, int xOff, int n) {
      final VectorSpecies<Float> s = species();
      final int len = s.length();
      final int bound = s.loopBound(n);
      final float m = max(x, xOff, n);
      int i = 0;
      if (Float.isNaN(m)) {
        for (; i < bound; i += len) {
          VectorMask<Float> nan = FloatVector.fromArray(s, x, xOff + i).test(VectorOperators.IS_NAN);
          if (nan.anyTrue()) return i + nan.firstTrue();
        }
        for (; i < n; i++) {
          if (Float.isNaN(x[xOff + i])) return i;
        }
      } else {
        for (; i < bound; i += len) {
          VectorMask<Float> eq = FloatVector.fromArray(s, x, xOff + i).compare(VectorOperators.EQ, m);
          if (eq.anyTrue()) return i + eq.firstTrue();
        }
        for (; i < n; i++) {
          if (x[xOff + i] == m) return i;
        }
      }
      throw new AssertionError("argmax: the max " + m + " was not found again");
    }

    final void sumAxis(float[] x, int xOff, int outer, int axisLen, int inner, float[] out, int oOff) {
      for (int o = 0; o < outer; o++) {
        int dst = oOff + o * inner;
        if (inner == 1) {
          out[dst] = sum(x, xOff + o * axisLen, axisLen);
          continue;
        }
        // Whole rows added in order of k: each output gets the same sequence of adds as the
        // scalar twin, so the result is exact.
        Arrays.fill(out, dst, dst + inner, 0f);
        for (int k = 0; k < axisLen; k++) {
          binary(BinaryOp.ADD, out, dst, x, xOff + (o * axisLen + k) * inner, out, dst, inner);
        }
      }
    }

    final void maxAxis(float[] x, int xOff, int outer, int axisLen, int inner, float[] out, int oOff) {
      for (int o = 0; o < outer; o++) {
        int dst = oOff + o * inner;
        if (inner == 1) {
          out[dst] = max(x, xOff + o * axisLen, axisLen);
          continue;
        }
        Arrays.fill(out, dst, dst + inner, Float.NEGATIVE_INFINITY);
        for (int k = 0; k < axisLen; k++) {
          binary(BinaryOp.MAX, out, dst, x, xOff + (o * axisLen + k) * inner, out, dst, inner);
        }
      }
    }

    final void argmaxAxis(float[] x, int xOff, int outer, int axisLen, int inner, int[] out, int oOff) {
      if (inner != 1) {
        // Arg-max over a non-last axis is rare (class scores are [N, classes]); the reference
        // loop is fast enough there.
        SCALAR.argmaxAxis(x, xOff, outer, axisLen, inner, out, oOff);
        return;
      }
      for (int o = 0; o < outer; o++) out[oOff + o] = argmax(x, xOff + o * axisLen, axisLen);
    }

    final void softmax(float[] x, int xOff, int outer, int axisLen, int inner,
        float[] out, int oOff, boolean log) {
      if (inner == 1) {
        for (int o = 0; o < outer; o++) softmaxRow(x, xOff + o * axisLen, out, oOff + o * axisLen, axisLen, log);
        return;
      }
      // Several columns at once: rows of the block are combined lane-wise in order of k, the same
      // sequence of operations per column as the scalar twin, so the result is exact.
      float[] m = new float[inner];
      float[] sum = new float[inner];
      for (int o = 0; o < outer; o++) {
        int base = o * axisLen * inner;
        Arrays.fill(m, Float.NEGATIVE_INFINITY);
        for (int k = 0; k < axisLen; k++) binary(BinaryOp.MAX, m, 0, x, xOff + base + k * inner, m, 0, inner);
        Arrays.fill(sum, 0f);
        for (int k = 0; k < axisLen; k++) {
          int in = xOff + base + k * inner, dst = oOff + base + k * inner;
          for (int j = 0; j < inner; j++) out[dst + j] = (float) Math.exp(x[in + j] - m[j]);
          binary(BinaryOp.ADD, sum, 0, out, dst, sum, 0, inner);
        }
        if (log) {
          for (int j = 0; j < inner; j++) sum[j] = (float) Math.log(sum[j]);
          for (int k = 0; k < axisLen; k++) {
            int in = xOff + base + k * inner, dst = oOff + base + k * inner;
            binary(BinaryOp.SUB, x, in, m, 0, out, dst, inner);
            binary(BinaryOp.SUB, out, dst, sum, 0, out, dst, inner);
          }
        } else {
          for (int k = 0; k < axisLen; k++) {
            int dst = oOff + base + k * inner;
            binary(BinaryOp.DIV, out, dst, sum, 0, out, dst, inner);
          }
        }
      }
    }

    private void softmaxRow(float[] x, int in, float[] out, int dst, int n, boolean log) {
      final VectorSpecies<Float> s = species();
      final int len = s.length();
      final int bound = s.loopBound(n);
      final float m = max(x, in, n);
      // exp stays scalar (see the class comment); e_k is written to out, also for log-softmax,
      // where it is overwritten below.
      for (int k = 0; k < n; k++) out[dst + k] = (float) Math.exp(x[in + k] - m);
      final float total = sum(out, dst, n);
      if (!log) {
        binaryScalarRight(BinaryOp.DIV, out, dst, total, out, dst, n);
        return;
      }
      final float logS = (float) Math.log(total);
      int i = 0;
      for (; i < bound; i += len) {
        FloatVector.fromArray(s, x, in + i).sub(m).sub(logS).intoArray(out, dst + i);
      }
      for (; i < n; i++) out[dst + i] = (x[in + i] - m) - logS;
    }
  }

  // One subclass per width, each with its species in a static final (see the class comment).

  static final class Body128 extends Body {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_128;

    @Override
    VectorSpecies<Float> species() {
      return S;
    }
  }

  static final class Body256 extends Body {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;

    @Override
    VectorSpecies<Float> species() {
      return S;
    }
  }

  static final class Body512 extends Body {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;

    @Override
    VectorSpecies<Float> species() {
      return S;
    }
  }
}
