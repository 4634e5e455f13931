package dev.cnn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cnn.engine.GradCheck;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * Gradient properties of every loss with respect to its logits (input): float64 central
 * differences (GradCheck, full Jacobian, its defaults: eps 1e-6, 1e-6 relative, 1e-9 absolute)
 * against backward, over random batch sizes N in 1..5, class counts K in 2..6, labels, options
 * and reductions. Logits are drawn in [-2, 2]: the losses are smooth everywhere, and at that
 * scale no probability is close enough to 0 or 1 to make the finite differences ill-conditioned.
 *
 * <p>Also two relations between losses that hold exactly: focal loss with gamma 0 is
 * cross-entropy (with alpha as the class weights), and MEAN is BATCH_MEAN times
 * {@code N / sum_i s_i w_{y_i}}.
 */
class LossGradientProperties {

  /** Logits [N, K] in [-2, 2). */
  private static Tensor logits(Rng rng, int n, int k) {
    return Tensor.uniform(rng, DType.FLOAT64, -2, 2, n, k);
  }

  private static int[] labels(Rng rng, int n, int k) {
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = rng.nextInt(k);
    return y;
  }

  /** count values in [lo, hi). */
  private static double[] weights(Rng rng, int count, double lo, double hi) {
    double[] w = new double[count];
    for (int i = 0; i < count; i++) w[i] = rng.uniform(lo, hi);
    return w;
  }

  /**
   * GradCheck with its defaults, except that the absolute tolerance grows with the loss: a SUM
   * over up to 96 terms (weights up to 4, logits up to 4) reaches |f| of a few hundred, and the
   * rounding error of the central difference is about {@code c * u * |f| / (2 eps)} (u = 1.1e-16,
   * c a few roundings in the sum that change with the nudged term), about 1e-10 |f| here; the
   * default 1e-9 assumes |f| of order 1 and failed once at |difference| 3.3e-9 on such a sum.
   * 1e-9 |f| keeps a margin of about 10 over that estimate, and is still far below any real
   * gradient error (a wrong term is off by O(|gradient|)).
   */
  private static void check(long seed, GradCheck.Function f, Tensor x) {
    double magnitude = 0;
    for (double v : f.apply(new Variable[] {Variable.constant(x)}).value().toDoubleArray()) {
      magnitude = Math.max(magnitude, Math.abs(v));
    }
    GradCheck.of(f, x).mode(GradCheck.Mode.FULL_JACOBIAN).seed(seed)
        .tolerance(1e-6, 1e-9 * Math.max(1, magnitude)).check().assertPassed();
  }

  @Property(tries = 60)
  @CoversLoss(CrossEntropyLoss.class)
  void crossEntropy(@ForAll @IntRange(min = 1, max = 5) int n, @ForAll @IntRange(min = 2, max = 6) int k,
      @ForAll Reduction reduction, @ForAll boolean classWeights, @ForAll boolean smoothing,
      @ForAll boolean sampleWeights, @ForAll long seed) {
    Rng rng = new Rng(seed);
    CrossEntropyLoss.Builder b = CrossEntropyLoss.builder().reduction(reduction);
    if (classWeights) b.classWeights(weights(rng, k, 0.2, 2));
    if (smoothing) b.labelSmoothing(rng.uniform(0, 0.9));
    CrossEntropyLoss loss = b.build();
    int[] y = labels(rng, n, k);
    double[] s = sampleWeights ? weights(rng, n, 0.1, 2) : null;
    Tensor x = logits(rng, n, k);
    check(seed, in -> s == null ? loss.compute(in[0], y) : loss.compute(in[0], y, s), x);
  }

  @Property(tries = 60)
  @CoversLoss(FocalLoss.class)
  void focal(@ForAll @IntRange(min = 1, max = 5) int n, @ForAll @IntRange(min = 2, max = 6) int k,
      @ForAll @DoubleRange(min = 0, max = 3) double gamma, @ForAll Reduction reduction,
      @ForAll boolean alpha, @ForAll boolean sampleWeights, @ForAll long seed) {
    Rng rng = new Rng(seed);
    FocalLoss.Builder b = FocalLoss.builder().gamma(gamma).reduction(reduction);
    if (alpha) b.alpha(weights(rng, k, 0.1, 1));
    FocalLoss loss = b.build();
    int[] y = labels(rng, n, k);
    double[] s = sampleWeights ? weights(rng, n, 0.1, 2) : null;
    Tensor x = logits(rng, n, k);
    check(seed, in -> s == null ? loss.compute(in[0], y) : loss.compute(in[0], y, s), x);
  }

  /** posWeight: 0 none, 1 a scalar, 2 one per class. */
  @Property(tries = 50)
  @CoversLoss(BinaryCrossEntropyLoss.class)
  void binaryCrossEntropy(@ForAll @IntRange(min = 1, max = 3) int rank, @ForAll @IntRange(min = 0, max = 2) int posWeight,
      @ForAll boolean softTargets, @ForAll Reduction reduction, @ForAll long seed) {
    Rng rng = new Rng(seed);
    int[] shape = new int[rank];
    for (int d = 0; d < rank; d++) shape[d] = 1 + rng.nextInt(d == rank - 1 ? 6 : 4);
    BinaryCrossEntropyLoss.Builder b = BinaryCrossEntropyLoss.builder().reduction(reduction);
    if (posWeight == 1) b.posWeight(rng.uniform(0.2, 4));
    if (posWeight == 2) b.posWeight(weights(rng, shape[rank - 1], 0.2, 4));
    BinaryCrossEntropyLoss loss = b.build();
    Tensor target = Tensor.zeros(DType.FLOAT64, shape);
    for (int e = 0; e < target.size(); e++) target.setFlat(e, softTargets ? rng.nextDouble() : rng.nextInt(2));
    Tensor x = Tensor.uniform(rng, DType.FLOAT64, -4, 4, shape);
    check(seed, in -> loss.compute(in[0], target), x);
  }

  @Property(tries = 30)
  @CoversLoss(MseLoss.class)
  void mse(@ForAll @IntRange(min = 1, max = 4) int rank, @ForAll Reduction reduction, @ForAll long seed) {
    Rng rng = new Rng(seed);
    int[] shape = new int[rank];
    for (int d = 0; d < rank; d++) shape[d] = 1 + rng.nextInt(3);
    MseLoss loss = MseLoss.of(reduction);
    Tensor target = Tensor.uniform(rng, DType.FLOAT64, -2, 2, shape);
    Tensor x = Tensor.uniform(rng, DType.FLOAT64, -2, 2, shape);
    check(seed, in -> loss.compute(in[0], target), x);
  }

  /** gamma = 0: the modulating factor is 1, and focal loss is cross-entropy weighted by alpha. */
  @Property(tries = 40)
  void focalWithGammaZeroIsCrossEntropy(@ForAll @IntRange(min = 1, max = 5) int n,
      @ForAll @IntRange(min = 2, max = 6) int k, @ForAll Reduction reduction, @ForAll boolean alpha,
      @ForAll boolean sampleWeights, @ForAll long seed) {
    Rng rng = new Rng(seed);
    double[] a = alpha ? weights(rng, k, 0.1, 1) : null;
    int[] y = labels(rng, n, k);
    double[] s = sampleWeights ? weights(rng, n, 0.1, 2) : null;
    Tensor x = logits(rng, n, k);
    FocalLoss focal = FocalLoss.builder().gamma(0).alpha(a).reduction(reduction).build();
    CrossEntropyLoss ce = CrossEntropyLoss.builder().classWeights(a).reduction(reduction).build();
    double[][] f = valueAndGradient(in -> s == null ? focal.compute(in, y) : focal.compute(in, y, s), x);
    double[][] c = valueAndGradient(in -> s == null ? ce.compute(in, y) : ce.compute(in, y, s), x);
    assertArrayEquals(c[0], f[0], 1e-12, "value");
    assertArrayEquals(c[1], f[1], 1e-12, "gradient");
  }

  /** MEAN = BATCH_MEAN * N / sum_i s_i w_{y_i}, for values and gradients, for CE and focal. */
  @Property(tries = 40)
  void meanAndBatchMeanDifferByTheWeightSum(@ForAll @IntRange(min = 1, max = 5) int n,
      @ForAll @IntRange(min = 2, max = 6) int k, @ForAll boolean focal, @ForAll boolean sampleWeights,
      @ForAll long seed) {
    Rng rng = new Rng(seed);
    double[] w = weights(rng, k, 0.2, 2);
    int[] y = labels(rng, n, k);
    double[] s = sampleWeights ? weights(rng, n, 0.1, 2) : null;
    Tensor x = logits(rng, n, k);
    double weightSum = 0;
    for (int i = 0; i < n; i++) weightSum += (s == null ? 1 : s[i]) * w[y[i]];
    ClassificationLoss mean = focal
        ? FocalLoss.builder().gamma(1.5).alpha(w).reduction(Reduction.MEAN).build()
        : CrossEntropyLoss.builder().classWeights(w).labelSmoothing(0.1).reduction(Reduction.MEAN).build();
    ClassificationLoss batchMean = focal
        ? FocalLoss.builder().gamma(1.5).alpha(w).reduction(Reduction.BATCH_MEAN).build()
        : CrossEntropyLoss.builder().classWeights(w).labelSmoothing(0.1).reduction(Reduction.BATCH_MEAN).build();
    double[][] m = valueAndGradient(in -> s == null ? mean.compute(in, y) : mean.compute(in, y, s), x);
    double[][] b = valueAndGradient(in -> s == null ? batchMean.compute(in, y) : batchMean.compute(in, y, s), x);
    double factor = weightSum / n;
    assertEquals(b[0][0], m[0][0] * factor, 1e-12 * Math.abs(b[0][0]) + 1e-15, "value");
    for (int e = 0; e < b[1].length; e++) {
      assertEquals(b[1][e], m[1][e] * factor, 1e-12 * Math.abs(b[1][e]) + 1e-15, "gradient element " + e);
    }
  }

  /** The loss's value (flattened) and the gradient of its sum with respect to x. */
  private static double[][] valueAndGradient(java.util.function.Function<Variable, Variable> f, Tensor x) {
    Variable in = Variable.leaf(x.copy(), true);
    Variable out = f.apply(in);
    out.backward(Tensor.full(out.dtype(), 1.0, out.shape()), false);
    return new double[][] {out.value().toDoubleArray(), in.grad().toDoubleArray()};
  }
}
