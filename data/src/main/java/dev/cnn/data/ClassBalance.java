package dev.cnn.data;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Class counts and class weights for imbalanced data.
 *
 * <ul>
 *   <li>{@link #counts}: {@code count_c}, the number of labels equal to c;
 *   <li>{@link #imbalanceRatio}: {@code max_c count_c / min_{c: count_c > 0} count_c}
 *       (1 for balanced data; empty classes are left out, since they cannot be balanced);
 *   <li>{@link #balancedWeights}: {@code w_c = n / (k * count_c)} with n samples and k classes,
 *       scikit-learn's and Keras' "balanced" heuristic, so that every class carries the same
 *       total weight n / k; an empty class gets weight 0 (it has no samples to weigh, and a
 *       finite value keeps a loss from multiplying by infinity);
 *   <li>{@link #parseWeights}: explicit weights {@code "LABEL=W,..."}, by class index or name;
 *       classes not named keep weight 1.
 * </ul>
 */
public final class ClassBalance {
  private ClassBalance() {}

  /**
   * The number of samples of each class.
   *
   * @throws IllegalArgumentException if a label is outside {@code [0, classes)}
   */
  public static int[] counts(int[] labels, int classes) {
    if (classes < 1) throw new IllegalArgumentException("class counts: classes = " + classes + ", expected >= 1");
    int[] counts = new int[classes];
    for (int i = 0; i < labels.length; i++) {
      int y = labels[i];
      if (y < 0 || y >= classes) {
        throw new IllegalArgumentException("class counts: label " + y + " of sample " + i + " is outside [0, " + classes + ")");
      }
      counts[y]++;
    }
    return counts;
  }

  /**
   * {@code max count / min nonzero count}.
   *
   * @throws IllegalArgumentException if every count is 0 or one is negative
   */
  public static double imbalanceRatio(int[] counts) {
    int max = 0;
    int min = Integer.MAX_VALUE;
    for (int c = 0; c < counts.length; c++) {
      if (counts[c] < 0) throw new IllegalArgumentException("imbalance ratio: count of class " + c + " is " + counts[c] + ", expected >= 0");
      if (counts[c] > 0) {
        max = Math.max(max, counts[c]);
        min = Math.min(min, counts[c]);
      }
    }
    if (max == 0) throw new IllegalArgumentException("imbalance ratio: counts " + Arrays.toString(counts) + ", expected at least one nonzero");
    return (double) max / min;
  }

  /** {@code w_c = n / (classes * count_c)}, 0 for an empty class; see the class comment. */
  public static double[] balancedWeights(int[] labels, int classes) {
    int[] counts = counts(labels, classes);
    double[] w = new double[classes];
    for (int c = 0; c < classes; c++) {
      w[c] = counts[c] == 0 ? 0 : (double) labels.length / ((double) classes * counts[c]);
    }
    return w;
  }

  /**
   * Weights from {@code "LABEL=W,..."}: LABEL a class index or name, W a finite number >= 0;
   * classes not listed get 1. Example: {@code "0=1,shirt=3.5"}.
   *
   * @throws IllegalArgumentException naming the item for an unknown class, a repeated class, or a
   *     bad weight
   */
  public static double[] parseWeights(String spec, List<String> classNames) {
    Map<Integer, Double> given = LabelValues.parse("class weights", spec, classNames, 0, Double.MAX_VALUE);
    double[] w = new double[classNames.size()];
    Arrays.fill(w, 1.0);
    given.forEach((c, v) -> w[c] = v);
    return w;
  }
}
