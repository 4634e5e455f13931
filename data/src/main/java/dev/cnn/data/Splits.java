package dev.cnn.data;

import dev.cnn.tensor.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Index splits that respect the classes: a stratified train/validation split, stratified k-fold,
 * and per-class subsampling for imbalance experiments. All take the labels (class indices >= 0)
 * and a generator, return sorted index arrays, and draw only from the generator given, so the
 * same generator state gives the same split.
 */
public final class Splits {
  private Splits() {}

  /** Train and validation indices, each ascending. */
  public record Split(int[] train, int[] validation) {
    public Split {
      if (train == null || validation == null) throw new IllegalArgumentException("split: train and validation must not be null");
    }
  }

  /**
   * A stratified split: for each class c with n_c samples, {@code round(fraction * n_c)} of its
   * samples, chosen uniformly at random, go to validation and the rest to train. So each class's
   * validation count is within half a sample of {@code fraction * n_c}, and the class proportions
   * of both parts follow the whole.
   *
   * @param fraction the validation share, in [0, 1]
   * @param rng modified: the classes are shuffled with it in ascending class order
   */
  public static Split stratified(int[] labels, double fraction, Rng rng) {
    ConfigChecks.inClosed("stratified split", "validation fraction", fraction, 0, 1, "");
    int[][] byClass = byClass(labels, "stratified split");
    int[] train = new int[labels.length];
    int[] val = new int[labels.length];
    int nt = 0;
    int nv = 0;
    for (int[] members : byClass) {
      Sampler.shuffle(members, rng);
      int m = (int) Math.round(fraction * members.length);
      for (int i = 0; i < members.length; i++) {
        if (i < m) val[nv++] = members[i];
        else train[nt++] = members[i];
      }
    }
    return new Split(sorted(train, nt), sorted(val, nv));
  }

  /**
   * Stratified k-fold: each class's samples are shuffled, the classes are laid end to end
   * (ascending class), and the j-th sample of that sequence goes to fold {@code j mod k}. Each
   * fold's count of class c is {@code floor(n_c / k)} or {@code ceil(n_c / k)}, and fold sizes
   * differ by at most one. Split f has fold f as validation and the other folds as train.
   *
   * @param k folds, {@code 2 <= k <= labels.length}
   * @param rng modified
   */
  public static List<Split> stratifiedKFold(int[] labels, int k, Rng rng) {
    if (k < 2 || k > labels.length) {
      throw new IllegalArgumentException("stratified k-fold: k = " + k + ", expected 2 <= k <= " + labels.length + " (the sample count)");
    }
    int[][] byClass = byClass(labels, "stratified k-fold");
    int[] fold = new int[labels.length];
    int j = 0;
    for (int[] members : byClass) {
      Sampler.shuffle(members, rng);
      for (int i : members) fold[i] = j++ % k;
    }
    List<Split> out = new ArrayList<>(k);
    for (int f = 0; f < k; f++) {
      int[] train = new int[labels.length];
      int[] val = new int[labels.length];
      int nt = 0;
      int nv = 0;
      for (int i = 0; i < labels.length; i++) {
        if (fold[i] == f) val[nv++] = i;
        else train[nt++] = i;
      }
      out.add(new Split(Arrays.copyOf(train, nt), Arrays.copyOf(val, nv)));
    }
    return out;
  }

  /**
   * Keeps {@code round(fraction_c * n_c)} samples, chosen uniformly at random, of each class c in
   * {@code fractions}, and every sample of the other classes (the command line's
   * {@code --subsample}, to make a dataset imbalanced on purpose).
   *
   * @param fractions class index to the share kept, in [0, 1]
   * @param rng modified: the listed classes are shuffled with it in ascending class order
   * @return the kept indices, ascending
   */
  public static int[] subsample(int[] labels, Map<Integer, Double> fractions, Rng rng) {
    int[][] byClass = byClass(labels, "subsample");
    for (Map.Entry<Integer, Double> e : fractions.entrySet()) {
      int c = e.getKey();
      if (c < 0) throw new IllegalArgumentException("subsample: class " + c + ", expected a class index >= 0");
      ConfigChecks.inClosed("subsample", "fraction of class " + c, e.getValue(), 0, 1, "");
    }
    int[] kept = new int[labels.length];
    int n = 0;
    for (int c = 0; c < byClass.length; c++) {
      int[] members = byClass[c];
      Double f = fractions.get(c);
      int keep = members.length;
      if (f != null) {
        Sampler.shuffle(members, rng);
        keep = (int) Math.round(f * members.length);
      }
      for (int i = 0; i < keep; i++) kept[n++] = members[i];
    }
    return sorted(kept, n);
  }

  /**
   * Parses {@code "LABEL=FRACTION,..."} (LABEL a class index or name, FRACTION in [0, 1]) for
   * {@link #subsample}.
   */
  public static Map<Integer, Double> parseFractions(String spec, List<String> classNames) {
    return LabelValues.parse("subsample", spec, classNames, 0, 1);
  }

  /** The indices of each class 0..max label, ascending (empty arrays for absent classes). */
  private static int[][] byClass(int[] labels, String who) {
    int classes = 0;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0) throw new IllegalArgumentException(who + ": label " + labels[i] + " of sample " + i + ", expected >= 0");
      classes = Math.max(classes, labels[i] + 1);
    }
    int[] counts = ClassBalance.counts(labels, Math.max(classes, 1));
    int[][] out = new int[classes][];
    for (int c = 0; c < classes; c++) out[c] = new int[counts[c]];
    int[] fill = new int[classes];
    for (int i = 0; i < labels.length; i++) out[labels[i]][fill[labels[i]]++] = i;
    return out;
  }

  private static int[] sorted(int[] a, int n) {
    int[] out = Arrays.copyOf(a, n);
    Arrays.sort(out);
    return out;
  }
}
