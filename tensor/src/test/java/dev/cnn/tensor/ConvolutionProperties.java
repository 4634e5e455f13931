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
 * Both float32 convolution kernels (the im2col + GEMM path and the scalar reference) against
 * {@link NaiveConv}, a third implementation, over random geometries: batch 1-2, 1-3 channels per
 * group in and out, 1-3 groups, images 1-9 (non-square, odd), kernels 1-5 (non-square), stride
 * 1-3, padding 0-2 and dilation 1-2 per axis. The float tolerance is justified in
 * {@link NaiveConv#assertClose}.
 */
class ConvolutionProperties {
  private static final ConvKernel GEMM = new GemmConv();
  private static final ConvKernel SCALAR = new ScalarConv();

  /** One random convolution problem; {@code geometry()} is null when the output would be empty. */
  record Case(int n, int cInG, int cOutG, int groups, int h, int w, int kH, int kW, Conv2dSpec spec, long seed) {
    boolean valid() {
      return spec.outputHeight(h, kH) >= 1 && spec.outputWidth(w, kW) >= 1;
    }

    Conv2dGeometry geometry() {
      return new Conv2dGeometry(n, cInG * groups, h, w, cOutG * groups, kH, kW, spec);
    }
  }

  @Provide
  Arbitrary<Case> cases() {
    return cases(2, 1, 3, 3, 3, 9, 5);
  }

  /**
   * Random problems: batch 1-nMax, cInMin-cInMax channels per group in and 1-cOutMax out, 1-groupsMax
   * groups, images 1-sizeMax (non-square, odd), kernels 1-kMax (non-square), stride 1-3, padding 0-2
   * and dilation 1-2 per axis.
   */
  private static Arbitrary<Case> cases(int nMax, int cInMin, int cInMax, int cOutMax, int groupsMax, int sizeMax,
      int kMax) {
    Arbitrary<int[]> sizes = Combinators.combine(
            Arbitraries.integers().between(1, nMax), Arbitraries.integers().between(cInMin, cInMax),
            Arbitraries.integers().between(1, cOutMax), Arbitraries.integers().between(1, groupsMax),
            Arbitraries.integers().between(1, sizeMax), Arbitraries.integers().between(1, sizeMax),
            Arbitraries.integers().between(1, kMax), Arbitraries.integers().between(1, kMax))
        .as((n, ci, co, g, h, w, kh, kw) -> new int[] {n, ci, co, g, h, w, kh, kw});
    Arbitrary<Conv2dSpec> specs = Combinators.combine(
            Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 3),
            Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 2),
            Arbitraries.integers().between(1, 2), Arbitraries.integers().between(1, 2))
        .as((sh, sw, ph, pw, dh, dw) -> new Conv2dSpec(sh, sw, ph, pw, dh, dw, 1));
    // An image smaller than the dilated kernel minus the padding grows to fit, so few draws are
    // wasted (1-pixel images still occur where the kernel fits); Assume guards the property.
    return Combinators.combine(sizes, specs, Arbitraries.longs())
        .as((s, sp, seed) -> {
          int h = Math.max(s[4], sp.dilationH() * (s[6] - 1) + 1 - 2 * sp.padH());
          int w = Math.max(s[5], sp.dilationW() * (s[7] - 1) + 1 - 2 * sp.padW());
          return new Case(s[0], s[1], s[2], s[3], h, w, s[6], s[7],
              new Conv2dSpec(sp.strideH(), sp.strideW(), sp.padH(), sp.padW(), sp.dilationH(), sp.dilationW(), s[3]),
              seed);
        });
  }

  @Property(tries = 100)
  void forwardMatchesNaive(@ForAll("cases") Case c) {
    Assume.that(c.valid());
    Conv2dGeometry g = c.geometry();
    Rng rng = new Rng(c.seed());
    float[] x = NaiveConv.uniform(rng, Shapes.size(g.inputShape()));
    float[] w = NaiveConv.uniform(rng, Shapes.size(g.weightShape()));
    float[] b = rng.nextInt(2) == 0 ? null : NaiveConv.uniform(rng, g.cOut());
    NaiveConv.Result expected = NaiveConv.forward(g, x, w, b);
    long terms = (long) g.cInPerGroup() * g.kH() * g.kW() + 2;
    bothKernelsMatch("forward", g, expected, terms, Shapes.size(g.outputShape()),
        (k, y) -> k.forward(g, x, w, b, y));
  }

  @Property(tries = 100)
  void backwardInputMatchesNaive(@ForAll("cases") Case c) {
    Assume.that(c.valid());
    Conv2dGeometry g = c.geometry();
    Rng rng = new Rng(c.seed());
    float[] dy = NaiveConv.uniform(rng, Shapes.size(g.outputShape()));
    float[] w = NaiveConv.uniform(rng, Shapes.size(g.weightShape()));
    NaiveConv.Result expected = NaiveConv.backwardInput(g, dy, w);
    long terms = (long) g.cOutPerGroup() * g.kH() * g.kW() + 2;
    bothKernelsMatch("backwardInput", g, expected, terms, Shapes.size(g.inputShape()),
        (k, dx) -> k.backwardInput(g, dy, w, dx, false));
  }

  @Property(tries = 100)
  void backwardWeightMatchesNaive(@ForAll("cases") Case c) {
    Assume.that(c.valid());
    Conv2dGeometry g = c.geometry();
    Rng rng = new Rng(c.seed());
    float[] x = NaiveConv.uniform(rng, Shapes.size(g.inputShape()));
    float[] dy = NaiveConv.uniform(rng, Shapes.size(g.outputShape()));
    NaiveConv.Result expected = NaiveConv.backwardWeight(g, x, dy);
    long terms = (long) g.n() * g.hOut() * g.wOut() + 2;
    bothKernelsMatch("backwardWeight", g, expected, terms, Shapes.size(g.weightShape()),
        (k, dw) -> k.backwardWeight(g, x, dy, dw, false));
  }

  /**
   * "Same"-width convolutions (stride 1, Wout = W: odd kernel widths with padding D*(KW-1)/2),
   * where {@code GemmConv} copies and adds whole shifted planes instead of row segments: any kernel
   * height and vertical padding, 1-3 groups, images 1-12 wide.
   */
  @Provide
  Arbitrary<Case> sameWidthCases() {
    Arbitrary<int[]> sizes = Combinators.combine(
            Arbitraries.integers().between(1, 2), Arbitraries.integers().between(1, 3),
            Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 3),
            Arbitraries.integers().between(1, 12), Arbitraries.integers().between(1, 12),
            Arbitraries.integers().between(1, 5), Arbitraries.of(1, 3, 5))
        .as((n, ci, co, g, h, w, kh, kw) -> new int[] {n, ci, co, g, h, w, kh, kw});
    return Combinators.combine(sizes, Arbitraries.integers().between(0, 2), Arbitraries.integers().between(1, 2),
            Arbitraries.integers().between(1, 2), Arbitraries.longs())
        .as((s, ph, dh, dw, seed) -> {
          int h = Math.max(s[4], dh * (s[6] - 1) + 1 - 2 * ph);
          return new Case(s[0], s[1], s[2], s[3], h, s[5], s[6], s[7],
              new Conv2dSpec(1, 1, ph, dw * (s[7] - 1) / 2, dh, dw, s[3]), seed);
        });
  }

  @Property(tries = 100)
  void sameWidthConvolutionsMatchNaive(@ForAll("sameWidthCases") Case c) {
    Assume.that(c.valid());
    Conv2dGeometry g = c.geometry();
    Assume.that(GemmConv.sameWidth(g));
    Rng rng = new Rng(c.seed());
    float[] x = NaiveConv.uniform(rng, Shapes.size(g.inputShape()));
    float[] w = NaiveConv.uniform(rng, Shapes.size(g.weightShape()));
    float[] dy = NaiveConv.uniform(rng, Shapes.size(g.outputShape()));
    bothKernelsMatch("forward", g, NaiveConv.forward(g, x, w, null), (long) g.cInPerGroup() * g.kH() * g.kW() + 2,
        dy.length, (k, y) -> k.forward(g, x, w, null, y));
    bothKernelsMatch("backwardInput", g, NaiveConv.backwardInput(g, dy, w), (long) g.cOutPerGroup() * g.kH() * g.kW() + 2,
        x.length, (k, dx) -> k.backwardInput(g, dy, w, dx, false));
    bothKernelsMatch("backwardWeight", g, NaiveConv.backwardWeight(g, x, dy), (long) g.n() * g.hOut() * g.wOut() + 2,
        w.length, (k, dw) -> k.backwardWeight(g, x, dy, dw, false));
  }

  /**
   * Runs {@code op} with both kernels into an output pre-filled with NaN (it must be overwritten,
   * never read) and compares each with the naive result.
   */
  private static void bothKernelsMatch(String name, Conv2dGeometry g, NaiveConv.Result expected,
      long terms, int outputSize, java.util.function.BiConsumer<ConvKernel, float[]> op) {
    for (ConvKernel k : new ConvKernel[] {GEMM, SCALAR}) {
      float[] out = new float[outputSize];
      java.util.Arrays.fill(out, Float.NaN);
      op.accept(k, out);
      NaiveConv.assertClose(k.getClass().getSimpleName() + " " + name + " " + g, expected, out, terms);
    }
  }

  /**
   * Geometries with {@link GemmConv#CHANNELS_LAST_MIN} to 40 input channels per group (multiples of
   * every vector width and not), where the weight gradient takes the channels-last path: batch
   * 1-3, 1-4 output channels per group, 1-2 groups, images 1-9, kernels 1-4, stride 1-3, padding
   * 0-2, dilation 1-2.
   */
  @Provide
  Arbitrary<Case> manyChannelCases() {
    return cases(3, GemmConv.CHANNELS_LAST_MIN, 40, 4, 2, 9, 4);
  }

  /**
   * The channels-last weight gradient against the naive sums, and bit for bit against the
   * channels-first one: each dw element sums the same products in the same order (the GEMM's k
   * blocks depend on k alone), overwriting and accumulating.
   */
  @Property(tries = 60)
  void channelsLastWeightGradientEqualsChannelsFirst(@ForAll("manyChannelCases") Case c) {
    Assume.that(c.valid());
    Conv2dGeometry g = c.geometry();
    Rng rng = new Rng(c.seed());
    float[] x = NaiveConv.uniform(rng, Shapes.size(g.inputShape()));
    float[] dy = NaiveConv.uniform(rng, Shapes.size(g.outputShape()));
    float[] last = new float[Shapes.size(g.weightShape())], first = new float[last.length];
    GemmConv.backwardWeightChannelsLast(g, x, dy, last, false);
    GemmConv.backwardWeightChannelsFirst(g, x, dy, first, false);
    NaiveConv.assertClose("channels-last backwardWeight " + g, NaiveConv.backwardWeight(g, x, dy), last,
        (long) g.n() * g.hOut() * g.wOut() + 2);
    assertArrayEquals(first, last, "channels-last vs channels-first " + g);
    float[] start = NaiveConv.uniform(rng, last.length);
    float[] lastAcc = start.clone(), firstAcc = start.clone();
    GemmConv.backwardWeightChannelsLast(g, x, dy, lastAcc, true);
    GemmConv.backwardWeightChannelsFirst(g, x, dy, firstAcc, true);
    assertArrayEquals(firstAcc, lastAcc, "accumulating, channels-last vs channels-first " + g);
  }

  /**
   * With {@code accumulate} the kernels add to what the output held: the result equals the old
   * contents plus the overwriting result, to float rounding (one more term per element).
   */
  @Property(tries = 30)
  void accumulateAddsToTheOutput(@ForAll("cases") Case c) {
    Assume.that(c.valid());
    Conv2dGeometry g = c.geometry();
    Rng rng = new Rng(c.seed());
    float[] x = NaiveConv.uniform(rng, Shapes.size(g.inputShape()));
    float[] w = NaiveConv.uniform(rng, Shapes.size(g.weightShape()));
    float[] dy = NaiveConv.uniform(rng, Shapes.size(g.outputShape()));
    for (ConvKernel k : new ConvKernel[] {GEMM, SCALAR}) {
      float[] dx = NaiveConv.uniform(rng, x.length), dx0 = dx.clone(), dxNew = new float[x.length];
      k.backwardInput(g, dy, w, dx, true);
      k.backwardInput(g, dy, w, dxNew, false);
      float[] dw = NaiveConv.uniform(rng, w.length), dw0 = dw.clone(), dwNew = new float[w.length];
      k.backwardWeight(g, x, dy, dw, true);
      k.backwardWeight(g, x, dy, dwNew, false);
      for (int i = 0; i < dx.length; i++) assertEquals(dx0[i] + dxNew[i], dx[i], 1e-5, "dx " + i);
      for (int i = 0; i < dw.length; i++) assertEquals(dw0[i] + dwNew[i], dw[i], 1e-4, "dw " + i);
    }
  }

  /**
   * The adjoint identity that ties the three together:
   * {@code <conv(x, w), dy> = <x, backwardInput(dy, w)> = <w, backwardWeight(x, dy)>}, each a sum
   * of the same products x*w*dy. Each float result is within gamma_t of exact per element, so each
   * inner product (in double) is within {@code t * 2^-22 * sum|x||w||dy|} of the exact one.
   */
  @Property(tries = 60)
  void adjointIdentityHolds(@ForAll("cases") Case c) {
    Assume.that(c.valid());
    Conv2dGeometry g = c.geometry();
    Rng rng = new Rng(c.seed());
    float[] x = NaiveConv.uniform(rng, Shapes.size(g.inputShape()));
    float[] w = NaiveConv.uniform(rng, Shapes.size(g.weightShape()));
    float[] dy = NaiveConv.uniform(rng, Shapes.size(g.outputShape()));
    // sum of |x w dy| over all terms of the convolution
    NaiveConv.Result fwd = NaiveConv.forward(g, x, w, null);
    double absTotal = 0;
    for (int i = 0; i < dy.length; i++) absTotal += fwd.absSum()[i] * Math.abs(dy[i]);
    long terms = Math.max((long) g.n() * g.hOut() * g.wOut(),
        (long) Math.max(g.cInPerGroup(), g.cOutPerGroup()) * g.kH() * g.kW()) + 2;
    double tol = 2 * terms * Math.scalb(1.0, -22) * absTotal + 1e-300;
    for (ConvKernel k : new ConvKernel[] {GEMM, SCALAR}) {
      float[] y = new float[dy.length], dx = new float[x.length], dw = new float[w.length];
      k.forward(g, x, w, null, y);
      k.backwardInput(g, dy, w, dx, false);
      k.backwardWeight(g, x, dy, dw, false);
      double yDy = dot(y, dy), xDx = dot(x, dx), wDw = dot(w, dw);
      String name = k.getClass().getSimpleName() + " " + g;
      assertEquals(yDy, xDx, tol, "<y, dy> vs <x, dx>: " + name);
      assertEquals(yDy, wDw, tol, "<y, dy> vs <w, dw>: " + name);
    }
  }

  /** The float64 path (scalar loops on double[], through the Tensor facade) against the naive sums. */
  @Property(tries = 50)
  void float64MatchesNaive(@ForAll("cases") Case c) {
    Assume.that(c.valid());
    Conv2dGeometry g = c.geometry();
    Rng rng = new Rng(c.seed());
    float[] x = NaiveConv.uniform(rng, Shapes.size(g.inputShape()));
    float[] w = NaiveConv.uniform(rng, Shapes.size(g.weightShape()));
    float[] b = NaiveConv.uniform(rng, g.cOut());
    float[] dy = NaiveConv.uniform(rng, Shapes.size(g.outputShape()));
    Tensor xt = Tensor.wrap(x, g.inputShape()).to(DType.FLOAT64);
    Tensor wt = Tensor.wrap(w, g.weightShape()).to(DType.FLOAT64);
    Tensor bt = Tensor.wrap(b, g.cOut()).to(DType.FLOAT64);
    Tensor dyt = Tensor.wrap(dy, g.outputShape()).to(DType.FLOAT64);
    assertClose64(NaiveConv.forward(g, x, w, b), Convolution.forward(xt, wt, bt, g.spec()));
    assertClose64(NaiveConv.backwardInput(g, dy, w), Convolution.backwardInput(dyt, wt, g.inputShape(), g.spec()));
    assertClose64(NaiveConv.backwardWeight(g, x, dy), Convolution.backwardWeight(xt, dyt, g.weightShape(), g.spec()));
  }

  private static void assertClose64(NaiveConv.Result expected, Tensor got) {
    assertEquals(DType.FLOAT64, got.dtype());
    double[] d = got.doubleData();
    for (int i = 0; i < d.length; i++) {
      assertEquals(expected.value()[i], d[i], 1e-13 * expected.absSum()[i], "element " + i);
    }
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
    return s;
  }
}
