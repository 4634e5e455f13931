package dev.cnn.tensor;

import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.NE;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Max pooling with 2x2 windows and stride 2 (no padding) on SIMD registers; every other window
 * shape goes to the reference loop, {@link ScalarPooling#maxPlane}.
 *
 * <p><b>Why.</b> The reference decides each window tap with a branch. After a ReLU, about half the
 * values are 0 and the rest random, so those branches are mispredicted about half the time: the
 * two pooling layers of FashionNet took a fifth of a training step. Here the decisions are lane
 * masks and blends, with no branch on the data, about ten times faster (figures in
 * bench/README.md, "Figures behind the kernel choices").
 *
 * <p><b>How.</b> Output row oh reads input rows 2oh and 2oh+1. L consecutive outputs need 2L
 * consecutive floats of each row; two vector loads and a shuffle of each into the low or the high
 * half split them into the left taps (even columns) and the right taps (odd columns). With a, b
 * the left and right taps of the top row and c, d of the bottom row, each lane then runs the
 * reference's loop unrolled, in the same row-major order a, b, c, d and with the same test, so the
 * result and the index are the reference's, bit for bit:
 * <pre>
 *   max = a, at = index of a
 *   for v in b, c, d:  if (max == max && !(v &lt;= max)) { max = v; at = index of v }
 * </pre>
 * ({@code max == max} is false only for a NaN, which then stays: the first NaN wins.) The last L
 * outputs of a row are computed again from the row's end when L does not divide its width (the
 * same values are stored twice). A row of fewer than L outputs (7 in FashionNet's second pooling
 * layer) is one run whose last lanes read past the row and are not stored; at the very end of the
 * array, where such a run would read past it, the row goes to the reference.
 *
 * <p><b>Narrow rows.</b> Rows of fewer than L/4 outputs go to the reference (most lanes would
 * idle). Rows of 14 and 7 outputs still win at 512 bits on JDK 25; JDK 17 does not compile this
 * code's 512-bit mask operations well, and there they are faster at 256 bits. The kernels still
 * use one width for everything (see {@link Pooling}; figures in bench/README.md).
 *
 * <p><b>JDK 17.</b> The indices ride through the blends as floats (exact below 2^24) and are
 * converted one lane at a time when stored: on JDK 17, converting or reinterpreting a vector
 * between float and int lanes, and casting a mask to int lanes, fall back to Java code that is
 * slower than the reference. Likewise the shuffles take one vector each (a two-vector
 * {@code rearrange} is not intrinsified there either). JIT rules as in {@link VectorElementwise}:
 * species are constants of a tiny final subclass, and no vector crosses a call of ours.
 */
final class VectorPooling implements PoolingKernel {
  /** Planes of this many pixels or more go to the reference (indices ride in float lanes). */
  static final int MAX_PLANE = 1 << 24;

  private static final Pool2dSpec REFERENCE_2X2 = Pool2dSpec.of(2);
  /**
   * Per thread: one run's argmax lanes at [0, L) and, when narrow, its maxima at [L, 2L). (Kept
   * from call to call: two arrays per plane were most of what a FashionNet step still allocated.)
   */
  private static final Scratch.Slot LANES = new Scratch.Slot("VectorPooling lanes");

  private final Body body;

  /** @param bits vector width: 128, 256 or 512 */
  VectorPooling(int bits) {
    body = Kernels.byWidth(bits, Body128::new, Body256::new, Body512::new);
  }

  @Override
  public String toString() {
    return "VectorPooling(" + body.species().vectorBitSize() + " bits)";
  }

  @Override
  public void maxPlane(float[] x, int xo, int h, int w, Pool2dSpec s, int hOut, int wOut, float[] y, int[] idx, int io) {
    boolean twoByTwo = s.kernelH() == 2 && s.kernelW() == 2 && s.strideH() == 2 && s.strideW() == 2
        && s.padH() == 0 && s.padW() == 0;
    if (!twoByTwo || 4 * wOut < body.lanes() || (long) h * w >= MAX_PLANE) {
      ScalarPooling.maxPlane(x, xo, h, w, s, hOut, wOut, y, idx, io);
      return;
    }
    if (idx == null) body.max2x2Values(x, xo, w, hOut, wOut, y, io);
    else body.max2x2(x, xo, w, hOut, wOut, y, idx, io);
  }

  /** The width-independent loop, written once against {@link #species()}. */
  abstract static class Body {
    abstract VectorSpecies<Float> species();

    /** Lane l reads lane 2l mod L: the even columns of a vector into the low or the high half. */
    abstract VectorShuffle<Float> evens();

    /** Lane l reads lane (2l + 1) mod L: the odd columns. */
    abstract VectorShuffle<Float> odds();

    /** The lanes l >= L/2. */
    abstract VectorMask<Float> highHalf();

    /** 0, 2, 4, ..., 2(L-1). */
    private final float[] twoLanes = new float[lanes()];

    Body() {
      for (int l = 0; l < twoLanes.length; l++) twoLanes[l] = 2 * l;
    }

    final int lanes() {
      return species().length();
    }

    /** 2x2, stride 2, no padding, wOut >= lanes() / 4; see the class comment. */
    final void max2x2(float[] x, int xo, int w, int hOut, int wOut, float[] y, int[] idx, int io) {
      final VectorSpecies<Float> s = species();
      final int len = s.length();
      final VectorShuffle<Float> even = evens(), odd = odds();
      final VectorMask<Float> high = highHalf();
      // Index of lane l's top-left tap, relative to the first window of the run: 2l. (Loaded from
      // an array: on JDK 17 addIndex is not intrinsified at 512 bits, and computing it here took
      // 7% of a FashionNet training step.)
      final FloatVector twoL = FloatVector.fromArray(s, twoLanes, 0);
      final boolean narrow = wOut < len; // one run per row, its last lanes past the row's end
      final float[] sc = LANES.floats(2 * len); // argmax lanes at [0, len), maxima of a narrow run at [len, 2 len)
      for (int oh = 0; oh < hOut; oh++) {
        int row = 2 * oh * w; // index in the plane of the top-left tap of window (oh, 0)
        int out = io + oh * wOut;
        if (narrow && xo + row + w + 2 * len > x.length) { // the run would read past the array
          ScalarPooling.maxPlane(x, xo + row, 2, w, REFERENCE_2X2, 1, wOut, y, idx, out);
          for (int ow = 0; ow < wOut; ow++) idx[out + ow] += row;
          continue;
        }
        for (int run = 0; run < wOut; run += len) {
          int ow = narrow ? 0 : Math.min(run, wOut - len); // the last run ends at the row's end
          int top = xo + row + 2 * ow;
          FloatVector t0 = FloatVector.fromArray(s, x, top), t1 = FloatVector.fromArray(s, x, top + len);
          FloatVector u0 = FloatVector.fromArray(s, x, top + w), u1 = FloatVector.fromArray(s, x, top + w + len);
          FloatVector a = t0.rearrange(even).blend(t1.rearrange(even), high);
          FloatVector b = t0.rearrange(odd).blend(t1.rearrange(odd), high);
          FloatVector c = u0.rearrange(even).blend(u1.rearrange(even), high);
          FloatVector d = u0.rearrange(odd).blend(u1.rearrange(odd), high);
          FloatVector ia = twoL.add(row + 2 * ow); // the index of a, as a float
          FloatVector m = a, best = ia;
          // The reference takes v when max == max && !(v <= max); its negation, "keep the
          // maximum", is v <= max || max != max: two compares and an or per tap. (Three compares,
          // an or and an and per tap made C2 on JDK 17 give up intrinsifying the last blend at
          // 256 bits: boxed vectors, 5.5 MB of garbage per FashionNet step.)
          VectorMask<Float> keep = b.compare(LE, m).or(m.compare(NE, m));
          m = b.blend(m, keep);
          best = ia.add(1).blend(best, keep);
          keep = c.compare(LE, m).or(m.compare(NE, m));
          m = c.blend(m, keep);
          best = ia.add(w).blend(best, keep);
          keep = d.compare(LE, m).or(m.compare(NE, m));
          m = d.blend(m, keep);
          best = ia.add(w + 1).blend(best, keep);
          best.intoArray(sc, 0);
          if (narrow) {
            m.intoArray(sc, len);
            for (int l = 0; l < wOut; l++) {
              y[out + l] = sc[len + l];
              idx[out + l] = (int) sc[l];
            }
          } else {
            m.intoArray(y, out + ow);
            for (int l = 0; l < len; l++) idx[out + ow + l] = (int) sc[l];
          }
        }
      }
    }

    /**
     * {@link #max2x2} without the indices: the same maxima, bit for bit (the same taps, order and
     * test), for inference. Without the per-lane conversion and store of each index, FashionNet's
     * inference pools ran about twice as fast.
     */
    final void max2x2Values(float[] x, int xo, int w, int hOut, int wOut, float[] y, int io) {
      final VectorSpecies<Float> s = species();
      final int len = s.length();
      final VectorShuffle<Float> even = evens(), odd = odds();
      final VectorMask<Float> high = highHalf();
      final boolean narrow = wOut < len;
      final float[] sc = LANES.floats(2 * len); // maxima of a narrow run at [len, 2 len)
      for (int oh = 0; oh < hOut; oh++) {
        int row = 2 * oh * w;
        int out = io + oh * wOut;
        if (narrow && xo + row + w + 2 * len > x.length) { // the run would read past the array
          ScalarPooling.maxPlane(x, xo + row, 2, w, REFERENCE_2X2, 1, wOut, y, null, out);
          continue;
        }
        for (int run = 0; run < wOut; run += len) {
          int ow = narrow ? 0 : Math.min(run, wOut - len);
          int top = xo + row + 2 * ow;
          FloatVector t0 = FloatVector.fromArray(s, x, top), t1 = FloatVector.fromArray(s, x, top + len);
          FloatVector u0 = FloatVector.fromArray(s, x, top + w), u1 = FloatVector.fromArray(s, x, top + w + len);
          FloatVector m = t0.rearrange(even).blend(t1.rearrange(even), high);
          FloatVector b = t0.rearrange(odd).blend(t1.rearrange(odd), high);
          FloatVector c = u0.rearrange(even).blend(u1.rearrange(even), high);
          FloatVector d = u0.rearrange(odd).blend(u1.rearrange(odd), high);
          m = b.blend(m, b.compare(LE, m).or(m.compare(NE, m))); // keep the maximum: see max2x2
          m = c.blend(m, c.compare(LE, m).or(m.compare(NE, m)));
          m = d.blend(m, d.compare(LE, m).or(m.compare(NE, m)));
          if (narrow) {
            m.intoArray(sc, len);
            System.arraycopy(sc, len, y, out, wOut);
          } else {
            m.intoArray(y, out + ow);
          }
        }
      }
    }
  }

  // One subclass per width, each with its species, shuffles and mask in static finals.

  static final class Body128 extends Body {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_128;
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, l -> 2 * l % S.length());
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(S, l -> (2 * l + 1) % S.length());
    private static final VectorMask<Float> HIGH = VectorMask.fromLong(S, -1L << S.length() / 2);

    @Override
    VectorSpecies<Float> species() {
      return S;
    }

    @Override
    VectorShuffle<Float> evens() {
      return EVEN;
    }

    @Override
    VectorShuffle<Float> odds() {
      return ODD;
    }

    @Override
    VectorMask<Float> highHalf() {
      return HIGH;
    }
  }

  static final class Body256 extends Body {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, l -> 2 * l % S.length());
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(S, l -> (2 * l + 1) % S.length());
    private static final VectorMask<Float> HIGH = VectorMask.fromLong(S, -1L << S.length() / 2);

    @Override
    VectorSpecies<Float> species() {
      return S;
    }

    @Override
    VectorShuffle<Float> evens() {
      return EVEN;
    }

    @Override
    VectorShuffle<Float> odds() {
      return ODD;
    }

    @Override
    VectorMask<Float> highHalf() {
      return HIGH;
    }
  }

  static final class Body512 extends Body {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, l -> 2 * l % S.length());
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(S, l -> (2 * l + 1) % S.length());
    private static final VectorMask<Float> HIGH = VectorMask.fromLong(S, -1L << S.length() / 2);

    @Override
    VectorSpecies<Float> species() {
      return S;
    }

    @Override
    VectorShuffle<Float> evens() {
      return EVEN;
    }

    @Override
    VectorShuffle<Float> odds() {
      return ODD;
    }

    @Override
    VectorMask<Float> highHalf() {
      return HIGH;
    }
  }
}
