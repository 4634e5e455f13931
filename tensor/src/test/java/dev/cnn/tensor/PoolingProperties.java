package dev.cnn.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Max, average, global and adaptive average pooling against naive loops written here (every window tap,
 * padding skipped by a bounds test), over random shapes: batch 1-2, channels 1-3, images 1-9
 * (non-square), windows 1-4 (non-square), stride 1-3, padding up to half the window.
 */
class PoolingProperties {

  record Case(int n, int c, int h, int w, Pool2dSpec spec, long seed) {
    boolean valid() {
      return spec.outputHeight(h) >= 1 && spec.outputWidth(w) >= 1;
    }

    int[] inputShape() {
      return new int[] {n, c, h, w};
    }
  }

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<int[]> sizes = Combinators.combine(
            Arbitraries.integers().between(1, 2), Arbitraries.integers().between(1, 3),
            Arbitraries.integers().between(1, 9), Arbitraries.integers().between(1, 9))
        .as((n, c, h, w) -> new int[] {n, c, h, w});
    Arbitrary<int[]> windows = Combinators.combine(
            Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 4),
            Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 3),
            Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 2))
        .as((kh, kw, sh, sw, ph, pw) -> new int[] {kh, kw, sh, sw, Math.min(ph, kh / 2), Math.min(pw, kw / 2)});
    // An image smaller than the window minus the padding grows to fit; Assume guards the rest.
    return Combinators.combine(sizes, windows, Arbitraries.longs()).as((s, k, seed) -> new Case(
        s[0], s[1], Math.max(s[2], k[0] - 2 * k[4]), Math.max(s[3], k[1] - 2 * k[5]),
        new Pool2dSpec(k[0], k[1], k[2], k[3], k[4], k[5]), seed));
  }

  @Property(tries = 100)
  void maxPoolingMatchesNaive(@ForAll("cases") Case c) {
    Assume.that(c.valid());
    Pool2dSpec s = c.spec();
    Tensor x = Tensor.uniform(new Rng(c.seed()), DType.FLOAT32, -1, 1, c.inputShape());
    if (c.seed() % 3 == 0) quantize(x); // ties: the first maximum in row-major order wins
    int hOut = s.outputHeight(c.h()), wOut = s.outputWidth(c.w());
    float[] xs = x.floatData();
    float[] expected = new float[c.n() * c.c() * hOut * wOut];
    int[] argmax = new int[expected.length];
    int o = 0;
    for (int p = 0; p < c.n() * c.c(); p++)
      for (int oh = 0; oh < hOut; oh++)
        for (int ow = 0; ow < wOut; ow++, o++) {
          float best = Float.NEGATIVE_INFINITY;
          int at = -1;
          for (int i = 0; i < s.kernelH(); i++)
            for (int j = 0; j < s.kernelW(); j++) {
              int ih = oh * s.strideH() - s.padH() + i, iw = ow * s.strideW() - s.padW() + j;
              if (ih < 0 || ih >= c.h() || iw < 0 || iw >= c.w()) continue;
              float v = xs[p * c.h() * c.w() + ih * c.w() + iw];
              if (at < 0 || v > best) {
                best = v;
                at = ih * c.w() + iw;
              }
            }
          expected[o] = best;
          argmax[o] = at;
        }
    Pooling.MaxPoolResult r = Pooling.maxForward(x, s);
    assertArrayEquals(new int[] {c.n(), c.c(), hOut, wOut}, r.output().shape());
    assertArrayEquals(expected, r.output().floatData());
    assertArrayEquals(argmax, r.indices());
    assertArrayEquals(expected, Pooling.max(x, s).floatData(), "max without indices");

    // Backward: every dy element lands on its window's argmax (scatter in output order).
    Tensor dy = Tensor.uniform(new Rng(c.seed() + 1), DType.FLOAT32, -1, 1, r.output().shape());
    float[] dx = new float[xs.length];
    for (int k = 0; k < argmax.length; k++) {
      dx[k / (hOut * wOut) * c.h() * c.w() + argmax[k]] += dy.floatData()[k];
    }
    assertArrayEquals(dx, Pooling.maxBackward(dy, r.indices(), c.inputShape(), s).floatData());

    // float64 gives the same maxima and indices.
    Pooling.MaxPoolResult r64 = Pooling.maxForward(x.to(DType.FLOAT64), s);
    assertArrayEquals(argmax, r64.indices());
    Tensor max64 = Pooling.max(x.to(DType.FLOAT64), s);
    for (int k = 0; k < expected.length; k++) {
      assertEquals(expected[k], r64.output().getFlat(k));
      assertEquals(expected[k], max64.getFlat(k), "float64 max without indices");
    }
  }

  @Property(tries = 100)
  void averagePoolingMatchesNaiveAndIsAdjoint(@ForAll("cases") Case c) {
    Assume.that(c.valid());
    Pool2dSpec s = c.spec();
    Rng rng = new Rng(c.seed());
    Tensor x = Tensor.uniform(rng, DType.FLOAT32, -1, 1, c.inputShape());
    int hOut = s.outputHeight(c.h()), wOut = s.outputWidth(c.w());
    Tensor dy = Tensor.uniform(rng, DType.FLOAT32, -1, 1, c.n(), c.c(), hOut, wOut);
    double area = s.kernelH() * s.kernelW(); // count_include_pad: padding counts in the divisor
    double[] y = new double[dy.size()], dx = new double[x.size()];
    int o = 0;
    for (int p = 0; p < c.n() * c.c(); p++)
      for (int oh = 0; oh < hOut; oh++)
        for (int ow = 0; ow < wOut; ow++, o++)
          for (int i = 0; i < s.kernelH(); i++)
            for (int j = 0; j < s.kernelW(); j++) {
              int ih = oh * s.strideH() - s.padH() + i, iw = ow * s.strideW() - s.padW() + j;
              if (ih < 0 || ih >= c.h() || iw < 0 || iw >= c.w()) continue;
              int k = p * c.h() * c.w() + ih * c.w() + iw;
              y[o] += x.floatData()[k] / area;
              dx[k] += dy.floatData()[o] / area;
            }
    // float results are rounded once from a double sum, or summed from <= area float terms
    float[] yGot = Pooling.avgForward(x, s).floatData(), dxGot = Pooling.avgBackward(dy, c.inputShape(), s).floatData();
    for (int k = 0; k < y.length; k++) assertEquals(y[k], yGot[k], 1e-6, "y " + k);
    for (int k = 0; k < dx.length; k++) assertEquals(dx[k], dxGot[k], 1e-6 * area, "dx " + k);
    // <avg(x), dy> == <x, avgBackward(dy)>
    double lhs = 0, rhs = 0;
    for (int k = 0; k < y.length; k++) lhs += (double) yGot[k] * dy.floatData()[k];
    for (int k = 0; k < dx.length; k++) rhs += (double) x.floatData()[k] * dxGot[k];
    assertEquals(lhs, rhs, 1e-5 * (x.size() + y.length));
    // float64 against the same sums, tightly
    double[] y64 = Pooling.avgForward(x.to(DType.FLOAT64), s).doubleData();
    double[] dx64 = Pooling.avgBackward(dy.to(DType.FLOAT64), c.inputShape(), s).doubleData();
    for (int k = 0; k < y.length; k++) assertEquals(y[k], y64[k], 1e-14, "y64 " + k);
    for (int k = 0; k < dx.length; k++) assertEquals(dx[k], dx64[k], 1e-14 * area, "dx64 " + k);
  }

  @Property(tries = 50)
  void globalAveragePoolingMatchesNaive(@ForAll("cases") Case c) {
    Rng rng = new Rng(c.seed());
    Tensor x = Tensor.uniform(rng, DType.FLOAT32, -1, 1, c.inputShape());
    Tensor dy = Tensor.uniform(rng, DType.FLOAT32, -1, 1, c.n(), c.c(), 1, 1);
    int plane = c.h() * c.w();
    Tensor y = Pooling.globalAvgForward(x);
    Tensor dx = Pooling.globalAvgBackward(dy, c.inputShape());
    assertArrayEquals(new int[] {c.n(), c.c(), 1, 1}, y.shape());
    for (int p = 0; p < c.n() * c.c(); p++) {
      double sum = 0;
      for (int k = 0; k < plane; k++) sum += x.floatData()[p * plane + k];
      assertEquals(sum / plane, y.floatData()[p], 1e-6);
      for (int k = 0; k < plane; k++) assertEquals(dy.floatData()[p] / plane, dx.floatData()[p * plane + k], 1e-7);
    }
    Tensor y64 = Pooling.globalAvgForward(x.to(DType.FLOAT64));
    for (int p = 0; p < y.size(); p++) assertEquals(y.floatData()[p], y64.doubleData()[p], 1e-6);
  }

  /**
   * Adaptive average pooling against PyTorch's window rule written with floating-point floor and
   * ceil (the kernel uses integer arithmetic), its backward as the adjoint, the float64 twin, and
   * average pooling with kernel = stride when the output size divides the input size.
   */
  @Property(tries = 100)
  void adaptiveAveragePoolingMatchesNaiveAndIsAdjoint(@ForAll("cases") Case c, @ForAll("outputSizes") int[] out) {
    int hOut = out[0], wOut = out[1];
    Rng rng = new Rng(c.seed());
    Tensor x = Tensor.uniform(rng, DType.FLOAT32, -1, 1, c.inputShape());
    Tensor dy = Tensor.uniform(rng, DType.FLOAT32, -1, 1, c.n(), c.c(), hOut, wOut);
    double[] y = new double[dy.size()], dx = new double[x.size()];
    int o = 0;
    for (int p = 0; p < c.n() * c.c(); p++)
      for (int oh = 0; oh < hOut; oh++)
        for (int ow = 0; ow < wOut; ow++, o++) {
          int hs = (int) Math.floor(oh * (double) c.h() / hOut), he = (int) Math.ceil((oh + 1) * (double) c.h() / hOut);
          int ws = (int) Math.floor(ow * (double) c.w() / wOut), we = (int) Math.ceil((ow + 1) * (double) c.w() / wOut);
          double area = (he - hs) * (we - ws);
          for (int ih = hs; ih < he; ih++)
            for (int iw = ws; iw < we; iw++) {
              int k = p * c.h() * c.w() + ih * c.w() + iw;
              y[o] += x.floatData()[k] / area;
              dx[k] += dy.floatData()[o] / area;
            }
        }
    Tensor yT = Pooling.adaptiveAvgForward(x, hOut, wOut);
    assertArrayEquals(new int[] {c.n(), c.c(), hOut, wOut}, yT.shape());
    float[] yGot = yT.floatData(), dxGot = Pooling.adaptiveAvgBackward(dy, c.inputShape()).floatData();
    for (int k = 0; k < y.length; k++) assertEquals(y[k], yGot[k], 1e-6, "y " + k);
    for (int k = 0; k < dx.length; k++) assertEquals(dx[k], dxGot[k], 1e-5, "dx " + k);
    double lhs = 0, rhs = 0;
    for (int k = 0; k < y.length; k++) lhs += (double) yGot[k] * dy.floatData()[k];
    for (int k = 0; k < dx.length; k++) rhs += (double) x.floatData()[k] * dxGot[k];
    assertEquals(lhs, rhs, 1e-5 * (x.size() + y.length));
    double[] y64 = Pooling.adaptiveAvgForward(x.to(DType.FLOAT64), hOut, wOut).doubleData();
    double[] dx64 = Pooling.adaptiveAvgBackward(dy.to(DType.FLOAT64), c.inputShape()).doubleData();
    for (int k = 0; k < y.length; k++) assertEquals(y[k], y64[k], 1e-14, "y64 " + k);
    for (int k = 0; k < dx.length; k++) assertEquals(dx[k], dx64[k], 1e-13, "dx64 " + k);
    if (c.h() % hOut == 0 && c.w() % wOut == 0) {
      int kh = c.h() / hOut, kw = c.w() / wOut;
      Pool2dSpec same = new Pool2dSpec(kh, kw, kh, kw, 0, 0);
      assertArrayEquals(Pooling.avgForward(x, same).floatData(), yGot, "divisible sizes: average pooling's windows");
    }
  }

  /** Output sizes 1-5 by 1-5: smaller, equal to and larger than the 1-9 images. */
  @Provide
  Arbitrary<int[]> outputSizes() {
    return Combinators.combine(Arbitraries.integers().between(1, 5), Arbitraries.integers().between(1, 5))
        .as((h, w) -> new int[] {h, w});
  }

  /** Rounds to multiples of 1/4 so that windows contain ties. */
  private static void quantize(Tensor x) {
    float[] d = x.floatData();
    for (int i = 0; i < d.length; i++) d[i] = Math.round(d[i] * 4) / 4f;
  }
}
