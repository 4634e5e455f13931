package dev.cnn.data;

import dev.cnn.tensor.Rng;
import java.util.Arrays;

/**
 * Samplers that rebalance classes, for a {@link DataLoader}: each epoch's indices are drawn with
 * {@code new Rng(mix(seed, SAMPLER, epoch))}, a function of (seed, epoch) only.
 *
 * <ul>
 *   <li>{@link #withReplacement}: n independent draws, sample i with probability
 *       {@code w[y_i] / sum_j w[y_j]} (PyTorch's {@code WeightedRandomSampler} with per-sample
 *       weights taken from the class weights). With {@link ClassBalance#balancedWeights} every
 *       class is drawn with probability 1/k (for the k nonempty classes). Samples of a class with
 *       weight 0 are never drawn.
 *   <li>{@link #oversample} (without replacement): with m the largest class count, every sample
 *       of a class of n_c samples appears {@code floor(m / n_c)} times, and {@code m mod n_c} of
 *       them, chosen at random without replacement, once more; so each nonempty class appears
 *       exactly m times and no sample more than once above the others of its class. The epoch is
 *       then shuffled. Epoch size: m times the number of nonempty classes.
 *   <li>{@link #undersample}: with m the smallest nonzero class count, m samples of each class
 *       chosen at random without replacement (a new choice each epoch), then shuffled. Epoch
 *       size: m times the number of nonempty classes.
 * </ul>
 */
public final class WeightedSampler implements Sampler {
  private enum Kind {
    WITH_REPLACEMENT,
    OVERSAMPLE,
    UNDERSAMPLE
  }

  private final Kind kind;
  private final long seed;
  private final int size;
  private final double[] cumulative; // WITH_REPLACEMENT: prefix sums of the per-sample weights
  private final int[][] byClass; // OVERSAMPLE, UNDERSAMPLE: the indices of each nonempty class
  private final int target; // per-class count for OVERSAMPLE and UNDERSAMPLE

  private WeightedSampler(Kind kind, long seed, int size, double[] cumulative, int[][] byClass, int target) {
    this.kind = kind;
    this.seed = seed;
    this.size = size;
    this.cumulative = cumulative;
    this.byClass = byClass;
    this.target = target;
  }

  /**
   * n draws with replacement, sample i with probability proportional to {@code classWeights[labels[i]]}.
   *
   * @param classWeights one per class, finite and >= 0, not all samples' weights 0
   * @param numSamples draws per epoch, >= 1
   */
  public static WeightedSampler withReplacement(int[] labels, double[] classWeights, int numSamples, long seed) {
    if (numSamples < 1) throw new IllegalArgumentException("weighted sampler: samples per epoch = " + numSamples + ", expected >= 1");
    int classes = classWeights.length;
    if (classes == 0) throw new IllegalArgumentException("weighted sampler: no class weights, expected one per class");
    ClassBalance.counts(labels, classes); // checks the labels against the weights
    for (int c = 0; c < classes; c++) {
      if (!(classWeights[c] >= 0) || Double.isInfinite(classWeights[c])) {
        throw new IllegalArgumentException("weighted sampler: weight of class " + c + " is " + classWeights[c] + ", expected finite and >= 0");
      }
    }
    double[] cum = new double[labels.length];
    double total = 0;
    for (int i = 0; i < labels.length; i++) {
      total += classWeights[labels[i]];
      cum[i] = total;
    }
    if (!(total > 0)) {
      throw new IllegalArgumentException("weighted sampler: every sample has weight 0 (weights " + Arrays.toString(classWeights)
          + "), expected some class with samples to have a positive weight");
    }
    return new WeightedSampler(Kind.WITH_REPLACEMENT, seed, numSamples, cum, null, 0);
  }

  /** As {@link #withReplacement(int[], double[], int, long)} with one draw per sample. */
  public static WeightedSampler withReplacement(int[] labels, double[] classWeights, long seed) {
    return withReplacement(labels, classWeights, labels.length, seed);
  }

  /** Every nonempty class repeated up to the largest class count; see the class comment. */
  public static WeightedSampler oversample(int[] labels, int classes, long seed) {
    int[][] byClass = groups(labels, classes);
    int max = 0;
    for (int[] g : byClass) max = Math.max(max, g.length);
    return new WeightedSampler(Kind.OVERSAMPLE, seed, max * byClass.length, null, byClass, max);
  }

  /** Every nonempty class cut down to the smallest nonzero class count; see the class comment. */
  public static WeightedSampler undersample(int[] labels, int classes, long seed) {
    int[][] byClass = groups(labels, classes);
    int min = Integer.MAX_VALUE;
    for (int[] g : byClass) min = Math.min(min, g.length);
    return new WeightedSampler(Kind.UNDERSAMPLE, seed, min * byClass.length, null, byClass, min);
  }

  /** The indices of each nonempty class, ascending. */
  private static int[][] groups(int[] labels, int classes) {
    int[] counts = ClassBalance.counts(labels, classes);
    int nonempty = 0;
    for (int n : counts) if (n > 0) nonempty++;
    if (nonempty == 0) throw new IllegalArgumentException("weighted sampler: no samples, expected at least one label");
    int[][] byClass = new int[nonempty][];
    int[] slot = new int[classes];
    for (int c = 0, g = 0; c < classes; c++) {
      if (counts[c] > 0) {
        byClass[g] = new int[counts[c]];
        slot[c] = g++;
      }
    }
    int[] fill = new int[nonempty];
    for (int i = 0; i < labels.length; i++) {
      int g = slot[labels[i]];
      byClass[g][fill[g]++] = i;
    }
    return byClass;
  }

  /** The number of indices each epoch has. */
  public int samplesPerEpoch() {
    return size;
  }

  @Override
  public int[] indices(int epoch) {
    Rng rng = new Rng(Seeds.mix(seed, Seeds.SAMPLER, epoch));
    int[] out = new int[size];
    switch (kind) {
      case WITH_REPLACEMENT: {
        double total = cumulative[cumulative.length - 1];
        double below = Math.nextDown(total); // u < total, so some sample with positive weight owns u
        for (int k = 0; k < size; k++) out[k] = search(cumulative, Math.min(rng.nextDouble() * total, below));
        return out;
      }
      case OVERSAMPLE: {
        int k = 0;
        for (int[] g : byClass) {
          int repeats = target / g.length;
          for (int r = 0; r < repeats; r++) for (int i : g) out[k++] = i;
          k = choose(g, target % g.length, rng, out, k);
        }
        Sampler.shuffle(out, rng);
        return out;
      }
      case UNDERSAMPLE: {
        int k = 0;
        for (int[] g : byClass) k = choose(g, target, rng, out, k);
        Sampler.shuffle(out, rng);
        return out;
      }
      default:
        throw new AssertionError(kind);
    }
  }

  /** Writes m distinct members of g, chosen uniformly (a partial Fisher-Yates), to out[k..]; returns k + m. */
  private static int choose(int[] g, int m, Rng rng, int[] out, int k) {
    if (m == 0) return k;
    int[] pool = g.clone();
    for (int i = 0; i < m; i++) {
      int j = i + rng.nextInt(pool.length - i);
      int t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
      out[k++] = pool[i];
    }
    return k;
  }

  /** The first index i with {@code u < cum[i]}: sample i owns {@code [cum[i-1], cum[i])}. */
  private static int search(double[] cum, double u) {
    int lo = 0;
    int hi = cum.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (u < cum[mid]) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  @Override
  public String toString() {
    return "WeightedSampler(" + kind.name().toLowerCase(java.util.Locale.ROOT) + ", " + size + " per epoch)";
  }
}
