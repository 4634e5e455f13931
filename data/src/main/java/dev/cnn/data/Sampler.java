package dev.cnn.data;

import dev.cnn.tensor.Rng;

/**
 * Which dataset indices an epoch visits, in which order. {@link #indices(int)} must be a pure
 * function of the epoch number (and the sampler's own seed and data), so that a run resumed at
 * epoch k sees the same epochs as an uninterrupted one; the built-in samplers derive a fresh
 * generator per epoch, {@code new Rng(mix(seed, tag, epoch))}, and keep no state between epochs.
 */
public interface Sampler {
  /** The indices epoch {@code epoch} (0-based) visits, in order; repeats are allowed. */
  int[] indices(int epoch);

  /** Every index once, in order, every epoch. */
  static Sampler sequential(int size) {
    if (size < 0) throw new IllegalArgumentException("sampler: size = " + size + ", expected >= 0");
    return epoch -> {
      int[] out = new int[size];
      for (int i = 0; i < size; i++) out[i] = i;
      return out;
    };
  }

  /**
   * Every index once per epoch, in a random order: epoch e's order is the Fisher-Yates shuffle of
   * {@code 0..size-1} driven by {@code new Rng(Seeds.mix(seed, SHUFFLE, e))}, a function of
   * (seed, e) only.
   */
  static Sampler shuffled(int size, long seed) {
    if (size < 0) throw new IllegalArgumentException("sampler: size = " + size + ", expected >= 0");
    return epoch -> {
      int[] out = new int[size];
      for (int i = 0; i < size; i++) out[i] = i;
      shuffle(out, new Rng(Seeds.mix(seed, Seeds.SHUFFLE, epoch)));
      return out;
    };
  }

  /** Fisher-Yates: for i from n-1 down to 1, swap a[i] with a[j], j uniform in [0, i]. Modifies {@code a}. */
  static void shuffle(int[] a, Rng rng) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
