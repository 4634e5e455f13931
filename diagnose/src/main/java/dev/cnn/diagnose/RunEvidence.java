package dev.cnn.diagnose;

import dev.cnn.optim.Diagnostics;
import dev.cnn.optim.EpochMetrics;
import java.util.List;
import java.util.Objects;

/**
 * What the diagnosis reads from a run: its history, its test-set confusion matrix, the class
 * counts it trained on and, when recorded, the per-epoch gradient norms and dead-ReLU fractions.
 * Everything a {@link Finding} rests on comes from here, so findings are pure functions of it.
 *
 * @param classNames class names by label (k classes)
 * @param history one entry per epoch run (validation fields NaN without validation data)
 * @param epochsPlanned the epochs the run asked for ({@code --epochs}); more than
 *     {@code history.size()} when it stopped early
 * @param stopReason why it stopped early (early stopping, a non-finite loss, divergence), or null
 * @param trainCounts training images per class, k entries (after subsampling, before oversampling)
 * @param testConfusion {@code testConfusion[t][p]}: test images of true class t predicted as p, k x k
 * @param diagnostics per-epoch gradient norms and dead-ReLU fractions ({@code cnn train
 *     --diagnostics}); empty when not recorded
 * @param expectedCalibrationError the test set's ECE in [0, 1], or NaN when the per-image
 *     confidences were not computed
 */
public record RunEvidence(List<String> classNames, List<EpochMetrics> history, int epochsPlanned, String stopReason,
    int[] trainCounts, int[][] testConfusion, List<Diagnostics.Epoch> diagnostics, double expectedCalibrationError) {

  public RunEvidence {
    classNames = List.copyOf(classNames);
    history = List.copyOf(history);
    diagnostics = List.copyOf(diagnostics);
    Objects.requireNonNull(trainCounts, "trainCounts");
    Objects.requireNonNull(testConfusion, "testConfusion");
    int k = classNames.size();
    if (trainCounts.length != k) {
      throw new IllegalArgumentException("RunEvidence: " + trainCounts.length + " training counts for " + k
          + " classes; expected one count per class");
    }
    if (testConfusion.length != k) {
      throw new IllegalArgumentException("RunEvidence: a " + testConfusion.length + "-row confusion matrix for " + k
          + " classes; expected " + k + " x " + k);
    }
    for (int[] row : testConfusion) {
      if (row.length != k) {
        throw new IllegalArgumentException("RunEvidence: a confusion-matrix row of " + row.length + " for " + k
            + " classes; expected " + k + " x " + k);
      }
    }
  }
}
