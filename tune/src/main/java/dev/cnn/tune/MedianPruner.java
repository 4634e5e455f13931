package dev.cnn.tune;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The median stopping rule (Golovin et al., "Google Vizier", KDD 2017): stop a trial after epoch e
 * when its best objective so far is worse than the median of the best-so-far values, at the same
 * epoch, of the trials that completed. It needs no extra budget or schedule (successive halving
 * needs rungs of many trials sharing a budget), works with any number of epochs per trial, and
 * only stops a trial that is behind half of the finished ones at the same point of training.
 *
 * <p>No trial is stopped before epoch {@value #WARMUP_EPOCHS} (counting from 0: the first epochs
 * of every run are noisy) or while fewer than {@value #MIN_COMPLETED} trials have completed that
 * epoch (a median of one or two is no reference).
 */
public final class MedianPruner {
  /** Epochs (from 0) before which no trial is stopped. */
  public static final int WARMUP_EPOCHS = 1;
  /** Completed trials with a value at the epoch needed before any is stopped. */
  public static final int MIN_COMPLETED = 3;

  private MedianPruner() {}

  /**
   * Whether a trial whose per-epoch objective so far is {@code curve} should stop now.
   *
   * @param history the study's trials; only COMPLETE ones are the reference
   */
  public static boolean shouldPrune(List<Trial> history, List<Double> curve, Direction direction) {
    int e = curve.size() - 1;
    if (e < WARMUP_EPOCHS) return false;
    List<Double> reference = new ArrayList<>();
    for (Trial t : history) {
      if (t.state() == Trial.State.COMPLETE && t.curve().size() > e) reference.add(bestSoFar(t.curve(), e, direction));
    }
    if (reference.size() < MIN_COMPLETED) return false;
    Collections.sort(reference);
    int m = reference.size();
    double median = m % 2 == 1 ? reference.get(m / 2) : (reference.get(m / 2 - 1) + reference.get(m / 2)) / 2;
    double mine = bestSoFar(curve, e, direction);
    return Double.isNaN(mine) || direction.better(median, mine);
  }

  /** The best of {@code curve[0..e]} in the direction (NaN values skipped; NaN if all are). */
  static double bestSoFar(List<Double> curve, int e, Direction direction) {
    double best = Double.NaN;
    for (int i = 0; i <= e && i < curve.size(); i++) {
      double v = curve.get(i);
      if (!Double.isNaN(v) && (Double.isNaN(best) || direction.better(v, best))) best = v;
    }
    return best;
  }
}
