package dev.cnn.engine;

import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * Gradient properties (float64 central differences against backward) for the arithmetic,
 * element-wise and activation ops and matmul, over random shapes, broadcasts and
 * hyperparameters. Tolerances are GradCheck's defaults (1e-6 relative) unless a comment says why.
 */
class ElementwiseGradientProperties {

  /** Operands of a broadcasting binary op: a random shape and a partner that broadcasts to it, in random order. */
  private static Tensor[] broadcastPair(Rng rng, int rank, boolean positiveSecond) {
    int[] big = Check.shape(rng, rank, 4);
    int[] small = Check.broadcastPartner(rng, big);
    boolean swap = rng.nextInt(2) == 0;
    int[] sa = swap ? small : big, sb = swap ? big : small;
    Tensor a = Check.uniform(rng, sa);
    Tensor b = positiveSecond ? Check.uniform(rng, 0.5, 2, sb) : Check.uniform(rng, sb);
    return new Tensor[] {a, b};
  }

  @Property(tries = 60)
  @Covers(AddOp.class)
  void add(@ForAll @IntRange(min = 0, max = 3) int rank, @ForAll long seed) {
    Check.gradients(seed, in -> Ops.add(in[0], in[1]), broadcastPair(new Rng(seed), rank, false));
  }

  @Property(tries = 60)
  @Covers(SubOp.class)
  void sub(@ForAll @IntRange(min = 0, max = 3) int rank, @ForAll long seed) {
    Check.gradients(seed, in -> Ops.sub(in[0], in[1]), broadcastPair(new Rng(seed), rank, false));
  }

  @Property(tries = 60)
  @Covers(MulOp.class)
  void mul(@ForAll @IntRange(min = 0, max = 3) int rank, @ForAll long seed) {
    Check.gradients(seed, in -> Ops.mul(in[0], in[1]), broadcastPair(new Rng(seed), rank, false));
  }

  @Property(tries = 60)
  @Covers(DivOp.class)
  void div(@ForAll @IntRange(min = 0, max = 3) int rank, @ForAll long seed) {
    // divisors in [0.5, 2): away from the pole at 0
    Check.gradients(seed, in -> Ops.div(in[0], in[1]), broadcastPair(new Rng(seed), rank, true));
  }

  @Property(tries = 30)
  @Covers(NegOp.class)
  void neg(@ForAll @IntRange(min = 0, max = 3) int rank, @ForAll long seed) {
    Rng rng = new Rng(seed);
    Check.gradients(seed, in -> Ops.neg(in[0]), Check.uniform(rng, Check.shape(rng, rank, 4)));
  }

  @Property(tries = 30)
  @Covers(ExpOp.class)
  void exp(@ForAll @IntRange(min = 0, max = 3) int rank, @ForAll long seed) {
    Rng rng = new Rng(seed);
    Check.gradients(seed, in -> Ops.exp(in[0]), Check.uniform(rng, Check.shape(rng, rank, 4)));
  }

  @Property(tries = 30)
  @Covers(LogOp.class)
  void log(@ForAll @IntRange(min = 0, max = 3) int rank, @ForAll long seed) {
    Rng rng = new Rng(seed);
    Check.gradients(seed, in -> Ops.log(in[0]), Check.uniform(rng, 0.2, 3, Check.shape(rng, rank, 4)));
  }

  @Property(tries = 30)
  @Covers(SqrtOp.class)
  void sqrt(@ForAll @IntRange(min = 0, max = 3) int rank, @ForAll long seed) {
    Rng rng = new Rng(seed);
    Check.gradients(seed, in -> Ops.sqrt(in[0]), Check.uniform(rng, 0.2, 3, Check.shape(rng, rank, 4)));
  }

  @Property(tries = 40)
  @Covers(PowOp.class)
  void pow(@ForAll @IntRange(min = 0, max = 3) int rank, @ForAll @DoubleRange(min = -3, max = 3) double p,
      @ForAll long seed) {
    Rng rng = new Rng(seed);
    // positive bases: x^p is real and smooth there for every p
    Check.gradients(seed, in -> Ops.pow(in[0], p), Check.uniform(rng, 0.3, 2, Check.shape(rng, rank, 4)));
  }

  @Property(tries = 30)
  @Covers(AbsOp.class)
  void abs(@ForAll @IntRange(min = 0, max = 3) int rank, @ForAll long seed) {
    Rng rng = new Rng(seed);
    Check.gradients(seed, in -> Ops.abs(in[0]), Check.awayFromZero(rng, Check.shape(rng, rank, 4)));
  }

  @Property(tries = 40)
  @Covers(ClampOp.class)
  void clamp(@ForAll @IntRange(min = 0, max = 3) int rank, @ForAll @DoubleRange(min = -0.8, max = 0.8) double mid,
      @ForAll long seed) {
    Rng rng = new Rng(seed);
    double lo = mid - 0.3, hi = mid + 0.3;
    Tensor x = Check.uniform(rng, Check.shape(rng, rank, 4));
    double[] d = x.doubleData(); // keep inputs 0.01 away from both bounds (the kinks)
    for (int i = 0; i < d.length; i++) {
      if (Math.abs(d[i] - lo) < 0.01 || Math.abs(d[i] - hi) < 0.01) d[i] += 0.03;
    }
    Check.gradients(seed, in -> Ops.clamp(in[0], lo, hi), x);
  }

  @Property(tries = 30)
  @Covers(ReluOp.class)
  void relu(@ForAll @IntRange(min = 0, max = 3) int rank, @ForAll long seed) {
    Rng rng = new Rng(seed);
    Check.gradients(seed, in -> Ops.relu(in[0]), Check.awayFromZero(rng, Check.shape(rng, rank, 4)));
  }

  @Property(tries = 30)
  @Covers(LeakyReluOp.class)
  void leakyRelu(@ForAll @IntRange(min = 0, max = 3) int rank, @ForAll @DoubleRange(min = 0, max = 0.5) double slope,
      @ForAll long seed) {
    Rng rng = new Rng(seed);
    Check.gradients(seed, in -> Ops.leakyRelu(in[0], slope), Check.awayFromZero(rng, Check.shape(rng, rank, 4)));
  }

  @Property(tries = 30)
  @Covers(EluOp.class)
  void elu(@ForAll @IntRange(min = 0, max = 3) int rank, @ForAll @DoubleRange(min = 0.1, max = 2) double alpha,
      @ForAll long seed) {
    Rng rng = new Rng(seed);
    Check.gradients(seed, in -> Ops.elu(in[0], alpha), Check.awayFromZero(rng, Check.shape(rng, rank, 4)));
  }

  @Property(tries = 30)
  @Covers(GeluOp.class)
  void gelu(@ForAll @IntRange(min = 0, max = 3) int rank, @ForAll long seed) {
    Rng rng = new Rng(seed);
    Check.gradients(seed, in -> Ops.gelu(in[0]), Check.uniform(rng, -3, 3, Check.shape(rng, rank, 4)));
  }

  @Property(tries = 30)
  @Covers(SiluOp.class)
  void silu(@ForAll @IntRange(min = 0, max = 3) int rank, @ForAll long seed) {
    Rng rng = new Rng(seed);
    Check.gradients(seed, in -> Ops.silu(in[0]), Check.uniform(rng, -3, 3, Check.shape(rng, rank, 4)));
  }

  @Property(tries = 30)
  @Covers(SigmoidOp.class)
  void sigmoid(@ForAll @IntRange(min = 0, max = 3) int rank, @ForAll long seed) {
    Rng rng = new Rng(seed);
    Check.gradients(seed, in -> Ops.sigmoid(in[0]), Check.uniform(rng, -3, 3, Check.shape(rng, rank, 4)));
  }

  @Property(tries = 30)
  @Covers(TanhOp.class)
  void tanh(@ForAll @IntRange(min = 0, max = 3) int rank, @ForAll long seed) {
    Rng rng = new Rng(seed);
    Check.gradients(seed, in -> Ops.tanh(in[0]), Check.uniform(rng, -3, 3, Check.shape(rng, rank, 4)));
  }

  @Property(tries = 60)
  @Covers(MatmulOp.class)
  void matmul(@ForAll @IntRange(min = 0, max = 2) int batchRank, @ForAll @IntRange(min = 1, max = 5) int m,
      @ForAll @IntRange(min = 1, max = 5) int k, @ForAll @IntRange(min = 1, max = 5) int n, @ForAll long seed) {
    Rng rng = new Rng(seed);
    int[] batch = Check.shape(rng, batchRank, 3);
    int[] other = Check.broadcastPartner(rng, batch);
    boolean swap = rng.nextInt(2) == 0;
    int[] ba = swap ? other : batch, bb = swap ? batch : other;
    Tensor a = Check.uniform(rng, concat(ba, m, k));
    Tensor b = Check.uniform(rng, concat(bb, k, n));
    Check.gradients(seed, in -> Ops.matmul(in[0], in[1]), a, b);
  }

  @Property(tries = 50)
  @Covers(LinearOp.class)
  void linear(@ForAll @IntRange(min = 1, max = 5) int n, @ForAll @IntRange(min = 1, max = 6) int in,
      @ForAll @IntRange(min = 1, max = 5) int out, @ForAll boolean withBias, @ForAll long seed) {
    Rng rng = new Rng(seed);
    Tensor x = Check.uniform(rng, n, in), w = Check.uniform(rng, out, in), b = Check.uniform(rng, out);
    if (withBias) Check.gradients(seed, v -> Ops.linear(v[0], v[1], v[2]), x, w, b);
    else Check.gradients(seed, v -> Ops.linear(v[0], v[1], null), x, w);
  }

  @Property(tries = 30)
  @Covers(SoftplusOp.class)
  void softplus(@ForAll @IntRange(min = 0, max = 3) int rank, @ForAll long seed) {
    Rng rng = new Rng(seed);
    Check.gradients(seed, in -> Ops.softplus(in[0]), Check.uniform(rng, -6, 6, Check.shape(rng, rank, 4)));
  }

  @Property(tries = 40)
  @Covers(SumOp.class)
  void sum(@ForAll @IntRange(min = 1, max = 4) int rank, @ForAll boolean keepDims, @ForAll long seed) {
    Rng rng = new Rng(seed);
    int[] shape = Check.shape(rng, rank, 4);
    int[] axes = someAxes(rng, rank);
    Check.gradients(seed, in -> Ops.sum(in[0], keepDims, axes), Check.uniform(rng, shape));
    Check.gradients(seed, in -> Ops.sum(in[0]), Check.uniform(rng, shape));
  }

  @Property(tries = 40)
  @Covers(MeanOp.class)
  void mean(@ForAll @IntRange(min = 1, max = 4) int rank, @ForAll boolean keepDims, @ForAll long seed) {
    Rng rng = new Rng(seed);
    int[] shape = Check.shape(rng, rank, 4);
    int[] axes = someAxes(rng, rank);
    Check.gradients(seed, in -> Ops.mean(in[0], keepDims, axes), Check.uniform(rng, shape));
    Check.gradients(seed, in -> Ops.mean(in[0]), Check.uniform(rng, shape));
  }

  @Property(tries = 30)
  @Covers(ReshapeOp.class)
  void reshapeAndFlatten(@ForAll @IntRange(min = 1, max = 4) int rank, @ForAll long seed) {
    Rng rng = new Rng(seed);
    int[] shape = Check.shape(rng, rank, 4);
    int start = rng.nextInt(rank);
    // multiply by a fixed tensor after reshaping so that the gradient depends on the element order
    Tensor x = Check.uniform(rng, shape);
    Tensor w = Check.uniform(rng, x.size());
    Check.gradients(seed, in -> Ops.mul(Ops.reshape(in[0], -1), Variable.constant(w)), x);
    Check.gradients(seed, in -> Ops.mul(Ops.reshape(Ops.flatten(in[0], start), -1), Variable.constant(w)), x);
  }

  /** A random non-empty set of distinct axes, sometimes negative. */
  static int[] someAxes(Rng rng, int rank) {
    int count = 1 + rng.nextInt(rank);
    int[] all = new int[rank];
    for (int i = 0; i < rank; i++) all[i] = i;
    for (int i = rank - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    int[] axes = java.util.Arrays.copyOf(all, count);
    for (int i = 0; i < count; i++) if (rng.nextInt(2) == 0) axes[i] -= rank;
    return axes;
  }

  static int[] concat(int[] head, int... tail) {
    int[] out = java.util.Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, out, head.length, tail.length);
    return out;
  }
}
