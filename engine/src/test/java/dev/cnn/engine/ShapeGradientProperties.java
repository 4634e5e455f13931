package dev.cnn.engine;

import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Gradient properties (float64 central differences against backward) for max, the layout ops
 * (permute and transpose, concat, slice) and softmax / log-softmax, over random shapes of rank
 * 1-4 with axes of length 1-4, random axes (half of them negative) and random keepDims.
 * Tolerances are GradCheck's defaults (1e-6 relative).
 *
 * <p>The layout ops only move elements, so a backward that moved them to the wrong place would
 * still have the right values. The checks catch it because they compare positions: the full
 * Jacobian compares every {@code d output[o] / d input[i]}, and the random probes compare
 * {@code v^T J u} for random v and u, which changes when J's entries are permuted.
 */
class ShapeGradientProperties {

  @Property(tries = 40)
  @Covers(MaxOp.class)
  void max(@ForAll @IntRange(min = 1, max = 4) int rank, @ForAll boolean keepDims,
      @ForAll long seed) {
    Rng rng = new Rng(seed);
    int[] shape = Check.shape(rng, rank, 4);
    int[] axes = ElementwiseGradientProperties.someAxes(rng, rank);
    // distinct values, 0.05 or more apart: no ties, and a step of eps never changes the maximum
    Check.gradients(seed, in -> Ops.max(in[0], keepDims, axes), Check.distinct(rng, shape));
    Check.gradients(seed, in -> Ops.max(in[0]), Check.distinct(rng, shape));
  }

  @Property(tries = 40)
  @Covers(PermuteOp.class)
  void permuteAndTranspose(@ForAll @IntRange(min = 1, max = 4) int rank, @ForAll long seed) {
    Rng rng = new Rng(seed);
    int[] shape = Check.shape(rng, rank, 4);
    int[] order = shuffled(rng, rank);
    for (int i = 0; i < rank; i++) if (rng.nextInt(2) == 0) order[i] -= rank;
    int a = randomAxis(rng, rank), b = randomAxis(rng, rank);
    Check.gradients(seed, in -> Ops.permute(in[0], order), Check.uniform(rng, shape));
    Check.gradients(seed, in -> Ops.transpose(in[0], a, b), Check.uniform(rng, shape));
  }

  @Property(tries = 40)
  @Covers(ConcatOp.class)
  void concat(@ForAll @IntRange(min = 1, max = 4) int rank,
      @ForAll @IntRange(min = 1, max = 3) int count, @ForAll long seed) {
    Rng rng = new Rng(seed);
    int[] shape = Check.shape(rng, rank, 4);
    int axis = randomAxis(rng, rank);
    Tensor[] pieces = new Tensor[count];
    for (int i = 0; i < count; i++) {
      int[] s = shape.clone();
      s[axis < 0 ? axis + rank : axis] = 1 + rng.nextInt(4);
      pieces[i] = Check.uniform(rng, s);
    }
    Check.gradients(seed, in -> Ops.concat(axis, in), pieces);
    // an input used twice receives both slices of the gradient, added
    Check.gradients(seed, in -> Ops.concat(axis, in[0], in[0]), pieces[0]);
  }

  @Property(tries = 40)
  @Covers(SliceOp.class)
  void slice(@ForAll @IntRange(min = 1, max = 4) int rank, @ForAll long seed) {
    Rng rng = new Rng(seed);
    int[] shape = Check.shape(rng, rank, 4);
    int axis = randomAxis(rng, rank);
    int len = shape[axis < 0 ? axis + rank : axis];
    int start = rng.nextInt(len);
    int end = start + 1 + rng.nextInt(len - start); // a non-empty slice: start < end <= len
    // sometimes count from the end (end = len has no negative spelling: -0 is 0)
    int s = rng.nextInt(2) == 0 ? start - len : start;
    int e = end < len && rng.nextInt(2) == 0 ? end - len : end;
    Check.gradients(seed, in -> Ops.slice(in[0], axis, s, e), Check.uniform(rng, shape));
  }

  @Property(tries = 40)
  @Covers(SoftmaxOp.class)
  void softmax(@ForAll @IntRange(min = 1, max = 4) int rank, @ForAll long seed) {
    Rng rng = new Rng(seed);
    int[] shape = Check.shape(rng, rank, 4);
    int axis = randomAxis(rng, rank);
    Check.gradients(seed, in -> Ops.softmax(in[0], axis), Check.uniform(rng, -3, 3, shape));
  }

  @Property(tries = 40)
  @Covers(LogSoftmaxOp.class)
  void logSoftmax(@ForAll @IntRange(min = 1, max = 4) int rank, @ForAll long seed) {
    Rng rng = new Rng(seed);
    int[] shape = Check.shape(rng, rank, 4);
    int axis = randomAxis(rng, rank);
    Check.gradients(seed, in -> Ops.logSoftmax(in[0], axis), Check.uniform(rng, -3, 3, shape));
  }

  /** An axis in [0, rank), written as a negative axis half of the time. */
  private static int randomAxis(Rng rng, int rank) {
    int axis = rng.nextInt(rank);
    return rng.nextInt(2) == 0 ? axis - rank : axis;
  }

  /** 0, 1, ..., n-1 in random order (Fisher-Yates). */
  private static int[] shuffled(Rng rng, int n) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) all[i] = i;
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    return all;
  }
}
