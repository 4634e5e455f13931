package dev.cnn.tensor;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct convolution on SIMD registers for layers whose outputs each read only a few input taps
 * (K = Cin*KH*KW <= {@value #MAX_TAPS}: a network's first layer, on 1- or 3-channel images); every
 * other layer, and the input gradient, go to {@link GemmConv}.
 *
 * <p><b>Why.</b> Lowered to GEMM, FashionNet's first layer (1 -> 32 channels, 3x3, 28x28) is a
 * product with k = 9: too short to amortise the packing, and the im2col matrix, the GEMM's result
 * and the copy that adds the bias are each a pass over memory as large as the output: a fifth of a
 * training step. Here each output vector is computed in a register and stored once, several times
 * faster, about what it takes to write the output and to read its gradient (figures in
 * bench/README.md, "Figures behind the kernel choices").
 *
 * <p><b>How</b> (stride 1, dilation 1, one group; L = lanes, Wout >= L). Each image is first copied
 * into a zero-bordered buffer {@code xp} of {@code Cin x (H+2P) x (W+2P)}, so that tap (c, i, j) of
 * output (oh, ow) is simply {@code xp[c][oh+i][ow+j]} and a run of L outputs along a row reads L
 * consecutive floats: one vector load, never a bounds test. With {@code off[t]} the offset of tap t
 * = (c, i, j) in xp:
 * <pre>
 *   forward  y[n][co][oh][ow0 .. ow0+L)  = b[co] + sum_t w[co][t] * xp[n][(oh, ow0) + off[t] ..]   (FMA, t in order)
 *   weight   dw[co][t] = sum_{n, oh, ow} dy[n][co][oh][ow] * xp[n][(oh, ow) + off[t]]
 * </pre>
 * The runs of a row start at 0, L, 2L, ...; when L does not divide Wout the last run starts at
 * Wout - L and overlaps the one before. Forward stores the overlapping outputs twice (the same
 * values); the weight gradient multiplies the overlapping lanes of dy by 0 so that each output
 * counts once. Forward does four output channels at a time (one load of x, four FMAs); the weight
 * gradient nine taps at a time (one load of dy, nine of x, nine FMAs), per output channel, over
 * the whole batch, into lane-wise sums whose lanes are added in index order at the end.
 *
 * <p><b>Determinism.</b> Forward runs one image per task; the weight gradient one output channel
 * per task, the images in order (in blocks of padded images that depend on the geometry only). So
 * both are bit-identical for any thread count. They differ from the reference and from GemmConv by
 * float rounding only (the terms are summed in another order).
 *
 * <p>JIT rules as in {@link VectorElementwise}: the species is a constant of a tiny final subclass,
 * accumulators are named locals, and no vector crosses a call of ours.
 */
final class VectorDirectConv implements ConvKernel {
  /** Layers with at most this many taps per output (Cin*KH*KW) run here: 3x3 RGB, 5x5 grey. */
  static final int MAX_TAPS = 27;
  /** Taps whose weight gradient one pass over dy computes (a 3x3 kernel's). */
  static final int TAPS_PER_PASS = 9;
  /** Upper bound on the floats of padded images the weight gradient keeps at once (4 MB). */
  static final int PAD_BUDGET = 1 << 20;

  private static final Scratch.Slot PADDED = new Scratch.Slot("VectorDirectConv padded images");
  private static final Scratch.Slot LANES = new Scratch.Slot("VectorDirectConv weight lanes");

  private final Body body;
  private final ConvKernel general;
  private final int padBudget;

  /** @param bits vector width: 128, 256 or 512 */
  VectorDirectConv(int bits) {
    this(bits, new GemmConv(), PAD_BUDGET);
  }

  /**
   * @param general the kernel for the layers (and the input gradient) this one does not take
   * @param padBudget floats of padded images the weight gradient keeps at once (tests make it
   *     small, to run the path that works through the batch in several blocks)
   */
  VectorDirectConv(int bits, ConvKernel general, int padBudget) {
    this.body = Kernels.byWidth(bits, Body128::new, Body256::new, Body512::new);
    this.general = general;
    this.padBudget = padBudget;
  }

  @Override
  public String toString() {
    return "VectorDirectConv(" + body.species().vectorBitSize() + " bits, else " + general.getClass().getSimpleName() + ")";
  }

  /** Whether {@code g} runs on the direct path (see the class comment), with vectors of {@code lanes} floats. */
  static boolean applies(Conv2dGeometry g, int lanes) {
    Conv2dSpec s = g.spec();
    return s.groups() == 1 && s.strideH() == 1 && s.strideW() == 1 && s.dilationH() == 1 && s.dilationW() == 1
        && (long) g.cIn() * g.kH() * g.kW() <= MAX_TAPS && g.wOut() >= lanes && g.hOut() >= 1;
  }

  boolean applies(Conv2dGeometry g) {
    return applies(g, body.species().length());
  }

  @Override
  public void forward(Conv2dGeometry g, float[] x, float[] w, float[] bias, float[] y) {
    if (!applies(g)) {
      general.forward(g, x, w, bias, y);
      return;
    }
    Padded p = new Padded(g, body.species().length());
    Parallel.forEach(g.n(), n -> {
      float[] xp = PADDED.floats(p.image);
      p.pad(x, n, xp, 0);
      body.forward(g, p, xp, w, bias, y, n);
    });
  }

  @Override
  public void backwardInput(Conv2dGeometry g, float[] dy, float[] w, float[] dx, boolean accumulate) {
    general.backwardInput(g, dy, w, dx, accumulate);
  }

  @Override
  public void backwardWeight(Conv2dGeometry g, float[] x, float[] dy, float[] dw, boolean accumulate) {
    if (!applies(g)) {
      general.backwardWeight(g, x, dy, dw, accumulate);
      return;
    }
    Padded p = new Padded(g, body.species().length());
    int taps = p.off.length, block = Math.max(1, padBudget / p.image);
    float[] xp = PADDED.floats(Math.min(g.n(), block) * p.image); // this thread's; the workers read it
    for (int n0 = 0; n0 < g.n(); n0 += block) {
      int first = n0, images = Math.min(block, g.n() - n0);
      Parallel.forEach(images, i -> p.pad(x, first + i, xp, i * p.image));
      boolean add = accumulate || n0 > 0; // later blocks add to the earlier ones' sums, in order
      Parallel.forEach(g.cOut(), co -> {
        for (int t = 0; t < taps; t += TAPS_PER_PASS) body.weightTaps(g, p, xp, first, images, dy, co, t, dw, add);
      });
    }
  }

  /** The zero-bordered copy of an image: its layout, and the offset of every tap in it. */
  static final class Padded {
    final int wp, plane, image;
    /** off[t] for tap t = (c, i, j), in the weight's order: c*plane + i*wp + j. */
    final int[] off;
    private final Conv2dGeometry g;

    /**
     * The runs of L outputs of one image plane, row by row: their offsets in dy (oh*Wout + ow) and
     * in the padded image (oh*Wp + ow), at ow = 0, L, 2L, ... and, when L does not divide Wout, a
     * last one at Wout - L; and where in {@link #keep} each one's lane weights start.
     */
    final int[] runDy, runX, runKeep;
    /**
     * Lane weights: L ones, then those of a row's overlapping last run (0 for the lanes the run
     * before covers too, 1 for the others), so that each output counts once in a sum over runs.
     */
    final float[] keep;

    Padded(Conv2dGeometry g, int lanes) {
      this.g = g;
      Conv2dSpec s = g.spec();
      int hp = g.h() + 2 * s.padH();
      wp = g.w() + 2 * s.padW();
      plane = hp * wp;
      image = Shapes.size(g.cIn(), plane);
      off = new int[g.cIn() * g.kH() * g.kW()];
      for (int c = 0, t = 0; c < g.cIn(); c++) {
        for (int i = 0; i < g.kH(); i++) {
          for (int j = 0; j < g.kW(); j++) off[t++] = c * plane + i * wp + j;
        }
      }
      int hOut = g.hOut(), wOut = g.wOut(), tail = wOut % lanes, perRow = (wOut + lanes - 1) / lanes;
      runDy = new int[hOut * perRow];
      runX = new int[hOut * perRow];
      runKeep = new int[hOut * perRow];
      for (int oh = 0, r = 0; oh < hOut; oh++) {
        for (int k = 0; k < perRow; k++, r++) {
          int ow = Math.min(k * lanes, wOut - lanes), overlapping = tail != 0 && k == perRow - 1 ? 1 : 0;
          runDy[r] = oh * wOut + ow;
          runX[r] = oh * wp + ow;
          runKeep[r] = overlapping * lanes;
        }
      }
      keep = new float[2 * lanes];
      // The last run covers Wout-L .. Wout-1 and the run before ends at Wout - tail: the last
      // run's lanes below L - tail repeat it.
      for (int l = 0; l < lanes; l++) {
        keep[l] = 1f;
        keep[lanes + l] = l >= lanes - tail ? 1f : 0f;
      }
    }

    /** Copies image n of x into {@code xp} at {@code at}, with the zero border. */
    void pad(float[] x, int n, float[] xp, int at) {
      int ph = g.spec().padH(), pw = g.spec().padW(), h = g.h(), w = g.w();
      Arrays.fill(xp, at, at + image, 0f);
      for (int c = 0; c < g.cIn(); c++) {
        for (int r = 0; r < h; r++) {
          System.arraycopy(x, ((n * g.cIn() + c) * h + r) * w, xp, at + c * plane + (r + ph) * wp + pw, w);
        }
      }
    }
  }

  /** The loops, written once against {@link #species()}. */
  abstract static class Body {
    abstract VectorSpecies<Float> species();


    /** Output plane of image n, all channels: four channels at a time, then one at a time. */
    final void forward(Conv2dGeometry g, Padded p, float[] xp, float[] w, float[] bias, float[] y, int n) {
      final VectorSpecies<Float> s = species();
      final int len = s.length(), cOut = g.cOut(), hOut = g.hOut(), wOut = g.wOut(), wp = p.wp;
      final int[] off = p.off;
      final int taps = off.length;
      int co = 0;
      for (; co + 3 < cOut; co += 4) {
        final int w0 = co * taps, w1 = w0 + taps, w2 = w1 + taps, w3 = w2 + taps;
        final float b0 = bias == null ? 0f : bias[co], b1 = bias == null ? 0f : bias[co + 1];
        final float b2 = bias == null ? 0f : bias[co + 2], b3 = bias == null ? 0f : bias[co + 3];
        final int plane = hOut * wOut, y0 = (n * cOut + co) * plane;
        for (int oh = 0; oh < hOut; oh++) {
          for (int run = 0; run < wOut; run += len) {
            int ow = Math.min(run, wOut - len), at = oh * wp + ow;
            FloatVector a0 = FloatVector.broadcast(s, b0), a1 = FloatVector.broadcast(s, b1);
            FloatVector a2 = FloatVector.broadcast(s, b2), a3 = FloatVector.broadcast(s, b3);
            for (int t = 0; t < taps; t++) {
              FloatVector v = FloatVector.fromArray(s, xp, at + off[t]);
              a0 = v.fma(FloatVector.broadcast(s, w[w0 + t]), a0);
              a1 = v.fma(FloatVector.broadcast(s, w[w1 + t]), a1);
              a2 = v.fma(FloatVector.broadcast(s, w[w2 + t]), a2);
              a3 = v.fma(FloatVector.broadcast(s, w[w3 + t]), a3);
            }
            int o = y0 + oh * wOut + ow;
            a0.intoArray(y, o);
            a1.intoArray(y, o + plane);
            a2.intoArray(y, o + 2 * plane);
            a3.intoArray(y, o + 3 * plane);
          }
        }
      }
      for (; co < cOut; co++) {
        final int w0 = co * taps, y0 = (n * cOut + co) * hOut * wOut;
        final float b0 = bias == null ? 0f : bias[co];
        for (int oh = 0; oh < hOut; oh++) {
          for (int run = 0; run < wOut; run += len) {
            int ow = Math.min(run, wOut - len), at = oh * wp + ow;
            FloatVector a0 = FloatVector.broadcast(s, b0);
            for (int t = 0; t < taps; t++) {
              a0 = FloatVector.fromArray(s, xp, at + off[t]).fma(FloatVector.broadcast(s, w[w0 + t]), a0);
            }
            a0.intoArray(y, y0 + oh * wOut + ow);
          }
        }
      }
    }

    /**
     * {@code dw[co][t .. t+9)} (+)= the sums over images {@code first .. first+images} (padded in
     * xp from 0) of dy * x at those taps; fewer than nine when t is near the end (the missing taps
     * repeat tap t and are not stored). Nine accumulators: each run of dy is loaded once for all
     * of a 3x3 kernel's taps, and nine independent FMA chains keep both FMA pipes busy (with three,
     * each chain waited on its own FMA's latency; bench/README.md).
     */
    final void weightTaps(Conv2dGeometry g, Padded p, float[] xp, int first, int images, float[] dy, int co,
        int t, float[] dw, boolean add) {
      final VectorSpecies<Float> s = species();
      final int len = s.length(), cOut = g.cOut(), plane = g.hOut() * g.wOut();
      final int[] off = p.off;
      final int taps = off.length, real = Math.min(TAPS_PER_PASS, taps - t);
      final int o0 = off[t], o1 = off[real > 1 ? t + 1 : t], o2 = off[real > 2 ? t + 2 : t];
      final int o3 = off[real > 3 ? t + 3 : t], o4 = off[real > 4 ? t + 4 : t], o5 = off[real > 5 ? t + 5 : t];
      final int o6 = off[real > 6 ? t + 6 : t], o7 = off[real > 7 ? t + 7 : t], o8 = off[real > 8 ? t + 8 : t];
      final float[] sums = LANES.floats(TAPS_PER_PASS * len); // this thread's: the accumulators' lanes, summed over the images
      Arrays.fill(sums, 0, TAPS_PER_PASS * len, 0f);
      final int[] runDy = p.runDy, runX = p.runX, runKeep = p.runKeep;
      final float[] keep = p.keep;
      for (int i = 0; i < images; i++) {
        final int d0 = ((first + i) * cOut + co) * plane, x0 = i * p.image;
        FloatVector a0 = FloatVector.broadcast(s, 0f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0;
        // One flat loop over the image's runs: C2 boxed accumulators carried through two nested
        // loops (rows, then runs).
        for (int r = 0; r < runDy.length; r++) {
          FloatVector d = FloatVector.fromArray(s, dy, d0 + runDy[r]).mul(FloatVector.fromArray(s, keep, runKeep[r]));
          int at = x0 + runX[r];
          a0 = FloatVector.fromArray(s, xp, at + o0).fma(d, a0);
          a1 = FloatVector.fromArray(s, xp, at + o1).fma(d, a1);
          a2 = FloatVector.fromArray(s, xp, at + o2).fma(d, a2);
          a3 = FloatVector.fromArray(s, xp, at + o3).fma(d, a3);
          a4 = FloatVector.fromArray(s, xp, at + o4).fma(d, a4);
          a5 = FloatVector.fromArray(s, xp, at + o5).fma(d, a5);
          a6 = FloatVector.fromArray(s, xp, at + o6).fma(d, a6);
          a7 = FloatVector.fromArray(s, xp, at + o7).fma(d, a7);
          a8 = FloatVector.fromArray(s, xp, at + o8).fma(d, a8);
        }
        a0.add(FloatVector.fromArray(s, sums, 0)).intoArray(sums, 0);
        a1.add(FloatVector.fromArray(s, sums, len)).intoArray(sums, len);
        a2.add(FloatVector.fromArray(s, sums, 2 * len)).intoArray(sums, 2 * len);
        a3.add(FloatVector.fromArray(s, sums, 3 * len)).intoArray(sums, 3 * len);
        a4.add(FloatVector.fromArray(s, sums, 4 * len)).intoArray(sums, 4 * len);
        a5.add(FloatVector.fromArray(s, sums, 5 * len)).intoArray(sums, 5 * len);
        a6.add(FloatVector.fromArray(s, sums, 6 * len)).intoArray(sums, 6 * len);
        a7.add(FloatVector.fromArray(s, sums, 7 * len)).intoArray(sums, 7 * len);
        a8.add(FloatVector.fromArray(s, sums, 8 * len)).intoArray(sums, 8 * len);
      }
      for (int q = 0; q < real; q++) {
        float sum = 0f;
        for (int l = 0; l < len; l++) sum += sums[q * len + l]; // in lane order
        int at = co * taps + t + q;
        dw[at] = add ? dw[at] + sum : sum;
      }
    }
  }

  // One subclass per width, each with its species in a static final.

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
