package dev.cnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.tensor.Rng;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * Stratified splits, k-fold and subsampling over random label vectors (1-300 samples, 1-6
 * classes, skewed so some classes are rare or absent): partitions, per-class counts, determinism.
 */
class SplitsProperties {

  @Provide
  Arbitrary<int[]> labels() {
    return Arbitraries.integers().between(1, 6).flatMap(k -> Arbitraries.integers().between(0, k * k - 1)
        .map(u -> (int) Math.sqrt(u)) // class c with probability (2c + 1) / k^2: skewed
        .array(int[].class).ofMinSize(1).ofMaxSize(300));
  }

  private static int[] counts(int[] labels, int[] idx) {
    int max = Arrays.stream(labels).max().orElse(0);
    int[] out = new int[max + 1];
    for (int i : idx) out[labels[i]]++;
    return out;
  }

  private static int[] all(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) a[i] = i;
    return a;
  }

  @Property(tries = 80)
  void stratifiedSplitPartitionsWithEachClassWithinOneSampleOfTheFraction(@ForAll("labels") int[] labels,
      @ForAll @DoubleRange(min = 0, max = 1) double fraction, @ForAll long seed) {
    Splits.Split s = Splits.stratified(labels, fraction, new Rng(seed));
    int[] both = new int[labels.length];
    System.arraycopy(s.train(), 0, both, 0, s.train().length);
    System.arraycopy(s.validation(), 0, both, s.train().length, s.validation().length);
    Arrays.sort(both);
    assertArrayEquals(all(labels.length), both, "train and validation partition the samples");
    int[] total = counts(labels, all(labels.length));
    int[] val = counts(labels, s.validation());
    for (int c = 0; c < total.length; c++) {
      assertTrue(Math.abs(val[c] - fraction * total[c]) <= 1, "class " + c + ": " + val[c] + " of " + total[c]);
    }
    assertTrue(isSorted(s.train()) && isSorted(s.validation()));
    Splits.Split again = Splits.stratified(labels, fraction, new Rng(seed));
    assertArrayEquals(s.validation(), again.validation());
  }

  @Property(tries = 60)
  void stratifiedKFoldCoversEverySampleOnceWithBalancedFolds(@ForAll("labels") int[] labels,
      @ForAll @IntRange(min = 2, max = 7) int k, @ForAll long seed) {
    if (k > labels.length) return;
    List<Splits.Split> folds = Splits.stratifiedKFold(labels, k, new Rng(seed));
    assertEquals(k, folds.size());
    int[] times = new int[labels.length];
    int[] total = counts(labels, all(labels.length));
    for (Splits.Split f : folds) {
      for (int i : f.validation()) times[i]++;
      assertEquals(labels.length, f.train().length + f.validation().length);
      int size = f.validation().length;
      assertTrue(size == labels.length / k || size == (labels.length + k - 1) / k, "fold size " + size);
      int[] val = counts(labels, f.validation());
      for (int c = 0; c < total.length; c++) {
        assertTrue(val[c] == total[c] / k || val[c] == (total[c] + k - 1) / k, "class " + c + ": " + val[c] + " of " + total[c]);
      }
      int[] both = Arrays.copyOf(f.train(), labels.length);
      System.arraycopy(f.validation(), 0, both, f.train().length, size);
      Arrays.sort(both);
      assertArrayEquals(all(labels.length), both);
    }
    for (int t : times) assertEquals(1, t, "every sample validates exactly once");
  }

  @Property(tries = 60)
  void subsampleKeepsTheRoundedFractionOfListedClassesAndAllOthers(@ForAll("labels") int[] labels,
      @ForAll @DoubleRange(min = 0, max = 1) double fraction, @ForAll @IntRange(min = 0, max = 5) int cls, @ForAll long seed) {
    Map<Integer, Double> f = new HashMap<>();
    f.put(cls, fraction);
    int[] kept = Splits.subsample(labels, f, new Rng(seed));
    int[] total = counts(labels, all(labels.length));
    int[] got = counts(labels, kept);
    for (int c = 0; c < total.length; c++) {
      assertEquals(c == cls ? Math.round(fraction * total[c]) : total[c], got[c], "class " + c);
    }
    assertTrue(isSorted(kept) && Arrays.stream(kept).distinct().count() == kept.length);
  }

  private static boolean isSorted(int[] a) {
    for (int i = 1; i < a.length; i++) if (a[i - 1] >= a[i]) return false;
    return true;
  }
}
