package dev.cnn.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The direct SIMD convolution ({@link VectorDirectConv}) at 128, 256 and 512 bits against
 * {@link NaiveConv}: forward and weight gradient on the layers it takes (stride 1, no dilation, one
 * group, Cin*KH*KW <= 27, Wout >= lanes): 1-3 input channels, 1-9 output channels (four at a time
 * and the rest one by one), kernels 1-5 (non-square), padding 0-3, rows that are and are not a
 * multiple of the vector (the overlapping last run), batches of 1-4, in one block of padded images
 * or several. The results do not depend on the thread count, bit for bit; every other layer goes
 * to the general kernel unchanged.
 */
class VectorDirectConvProperties {
  private static final int[] BITS = {128, 256, 512};

  /** One problem; the image width is chosen so that Wout is between lanes and lanes + 20. */
  record Case(int n, int cIn, int cOut, int h, int kH, int kW, int padH, int padW, int extraW, boolean bias,
      boolean smallBlocks, long seed) {
    Conv2dGeometry geometry(int lanes) {
      int wOut = lanes + extraW, w = wOut + kW - 1 - 2 * padW;
      int hh = Math.max(h, kH - 2 * padH);
      if (w < 1) return null;
      return new Conv2dGeometry(n, cIn, hh, w, cOut, kH, kW, new Conv2dSpec(1, 1, padH, padW, 1, 1, 1));
    }
  }

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<int[]> sizes = Combinators.combine(
            Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 3),
            Arbitraries.integers().between(1, 9), Arbitraries.integers().between(1, 12),
            Arbitraries.integers().between(1, 5), Arbitraries.integers().between(1, 5),
            Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 3))
        .as((n, ci, co, h, kh, kw, ph, pw) -> new int[] {n, ci, co, h, kh, kw, ph, pw});
    return Combinators.combine(sizes, Arbitraries.integers().between(0, 20), Arbitraries.of(true, false),
            Arbitraries.of(true, false), Arbitraries.longs())
        .as((s, extra, bias, small, seed) -> new Case(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], extra, bias,
            small, seed))
        .filter(c -> c.cIn() * c.kH() * c.kW() <= VectorDirectConv.MAX_TAPS);
  }

  @Property(tries = 150)
  void forwardAndWeightGradientMatchNaive(@ForAll("cases") Case c) {
    for (int bits : BITS) {
      Conv2dGeometry g = c.geometry(bits / 32);
      if (g == null) continue;
      VectorDirectConv k = new VectorDirectConv(bits, new GemmConv(), c.smallBlocks() ? 1 : VectorDirectConv.PAD_BUDGET);
      assertTrue(k.applies(g), g + " at " + bits + " bits");
      Rng rng = new Rng(c.seed());
      float[] x = NaiveConv.uniform(rng, Shapes.size(g.inputShape()));
      float[] w = NaiveConv.uniform(rng, Shapes.size(g.weightShape()));
      float[] b = c.bias() ? NaiveConv.uniform(rng, g.cOut()) : null;
      float[] dy = NaiveConv.uniform(rng, Shapes.size(g.outputShape()));
      String what = k + " " + g;

      float[] y = nans(Shapes.size(g.outputShape())); // must be overwritten, never read
      k.forward(g, x, w, b, y);
      NaiveConv.assertClose(what + " forward", NaiveConv.forward(g, x, w, b), y,
          (long) g.cIn() * g.kH() * g.kW() + 2);

      float[] dw = nans(w.length);
      k.backwardWeight(g, x, dy, dw, false);
      NaiveConv.assertClose(what + " backwardWeight", NaiveConv.backwardWeight(g, x, dy), dw,
          (long) g.n() * g.hOut() * g.wOut() + 2);

      float[] acc = NaiveConv.uniform(rng, w.length), before = acc.clone();
      k.backwardWeight(g, x, dy, acc, true);
      for (int i = 0; i < acc.length; i++) assertEquals(before[i] + dw[i], acc[i], 1e-4, what + " accumulate, dw " + i);
    }
  }

  @Property(tries = 30)
  void bitIdenticalForAnyThreadCount(@ForAll("cases") Case c) {
    int before = Parallel.threads();
    try {
      Conv2dGeometry g = c.geometry(8);
      if (g == null) return;
      VectorDirectConv k = new VectorDirectConv(256, new GemmConv(), c.smallBlocks() ? 1 : VectorDirectConv.PAD_BUDGET);
      Rng rng = new Rng(c.seed());
      float[] x = NaiveConv.uniform(rng, Shapes.size(g.inputShape()));
      float[] w = NaiveConv.uniform(rng, Shapes.size(g.weightShape()));
      float[] dy = NaiveConv.uniform(rng, Shapes.size(g.outputShape()));
      float[][] y = new float[2][Shapes.size(g.outputShape())], dw = new float[2][w.length];
      int[] threads = {1, 3};
      for (int t = 0; t < 2; t++) {
        Parallel.setThreads(threads[t]);
        k.forward(g, x, w, null, y[t]);
        k.backwardWeight(g, x, dy, dw[t], false);
      }
      assertArrayEquals(y[0], y[1], "forward " + g);
      assertArrayEquals(dw[0], dw[1], "backwardWeight " + g);
    } finally {
      Parallel.setThreads(before);
    }
  }

  /** Strides, dilations, groups, too many taps or rows narrower than a vector: the general kernel, bit for bit. */
  @Test
  void otherLayersGoToTheGeneralKernel() {
    Conv2dGeometry[] others = {
        new Conv2dGeometry(2, 1, 20, 20, 4, 3, 3, new Conv2dSpec(2, 2, 1, 1, 1, 1, 1)), // stride
        new Conv2dGeometry(2, 1, 20, 20, 4, 3, 3, new Conv2dSpec(1, 1, 2, 2, 2, 2, 1)), // dilation
        new Conv2dGeometry(2, 2, 20, 20, 4, 3, 3, new Conv2dSpec(1, 1, 1, 1, 1, 1, 2)), // groups
        new Conv2dGeometry(2, 4, 20, 20, 4, 3, 3, Conv2dSpec.of(1, 1)), // 36 taps
        new Conv2dGeometry(2, 1, 6, 6, 4, 3, 3, Conv2dSpec.of(1, 1)), // Wout 6 < 8 lanes
    };
    VectorDirectConv direct = new VectorDirectConv(256);
    GemmConv gemm = new GemmConv();
    Rng rng = new Rng(3);
    for (Conv2dGeometry g : others) {
      assertFalse(direct.applies(g), g.toString());
      float[] x = NaiveConv.uniform(rng, Shapes.size(g.inputShape()));
      float[] w = NaiveConv.uniform(rng, Shapes.size(g.weightShape()));
      float[] dy = NaiveConv.uniform(rng, Shapes.size(g.outputShape()));
      float[] y1 = new float[dy.length], y2 = new float[dy.length], dw1 = new float[w.length], dw2 = new float[w.length];
      direct.forward(g, x, w, null, y1);
      gemm.forward(g, x, w, null, y2);
      direct.backwardWeight(g, x, dy, dw1, false);
      gemm.backwardWeight(g, x, dy, dw2, false);
      assertArrayEquals(y2, y1, g.toString());
      assertArrayEquals(dw2, dw1, g.toString());
    }
    // FashionNet's first layer is taken.
    assertTrue(direct.applies(new Conv2dGeometry(64, 1, 28, 28, 32, 3, 3, Conv2dSpec.of(1, 1))));
  }

  private static float[] nans(int n) {
    float[] a = new float[n];
    Arrays.fill(a, Float.NaN);
    return a;
  }
}
