package dev.cnn.diagnose;

import java.util.List;
import java.util.Objects;

/**
 * The suspected label errors of a run's training set: confident learning ({@link ConfidentLearning})
 * over out-of-sample probabilities from K-fold training, with how they were obtained.
 *
 * @param classNames class names by label (k classes)
 * @param trainImages the training images searched (n)
 * @param folds K, the cross-validation folds that gave the out-of-sample probabilities
 * @param epochs the epochs each fold trained
 * @param result the confident-learning result; its suspects' indices are positions in the
 *     searched training set
 * @param file the CSV that lists the suspects (e.g. {@code runs/x/label_errors.csv}), for the advice
 */
public record LabelErrors(List<String> classNames, int trainImages, int folds, int epochs,
    ConfidentLearning.Result result, String file) {

  public LabelErrors {
    classNames = List.copyOf(classNames);
    Objects.requireNonNull(result, "result");
    if (result.calibratedJoint().length != classNames.size()) {
      throw new IllegalArgumentException("LabelErrors: a " + result.calibratedJoint().length + "-class result for "
          + classNames.size() + " class names; expected one name per class");
    }
  }

  /** The flagged images. */
  public int flagged() {
    return result.suspects().size();
  }

  /** The flagged share of the training images. */
  public double flaggedShare() {
    return trainImages == 0 ? 0 : (double) flagged() / trainImages;
  }

  /**
   * The estimated share of wrong labels, {@code 1 - sum_i Q[i][i]} with Q the estimated joint
   * distribution of given and true labels.
   */
  public double estimatedNoiseRate() {
    double[][] q = result.joint();
    double diagonal = 0;
    for (int i = 0; i < q.length; i++) diagonal += q[i][i];
    return Math.max(0, 1 - diagonal);
  }

  /**
   * The off-diagonal cell of the calibrated joint with the most images, {@code {given, true}}
   * (ties: the lowest given, then true label), or null when it is empty.
   */
  public int[] largestConfusion() {
    double[][] c = result.calibratedJoint();
    int[] best = null;
    double most = 0;
    for (int i = 0; i < c.length; i++) {
      for (int j = 0; j < c.length; j++) {
        if (i != j && c[i][j] > most) {
          most = c[i][j];
          best = new int[] {i, j};
        }
      }
    }
    return best;
  }

  /** The calibrated joint rounded to whole images: {@code [given][true]}. */
  public int[][] estimatedCounts() {
    double[][] c = result.calibratedJoint();
    int[][] out = new int[c.length][c.length];
    for (int i = 0; i < c.length; i++) for (int j = 0; j < c.length; j++) out[i][j] = (int) Math.round(c[i][j]);
    return out;
  }
}
