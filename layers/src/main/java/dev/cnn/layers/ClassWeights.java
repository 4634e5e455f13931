package dev.cnn.layers;

import java.util.Arrays;

/**
 * One weight per class, indexed by class: {@code get(c)} scales the loss of every sample whose
 * label is c. Accepted by {@link CrossEntropyLoss} (PyTorch's {@code weight}) and
 * {@link FocalLoss} (its {@code alpha}). Immutable; each weight is finite and {@code >= 0}, and
 * at least one is positive.
 *
 * <p>{@link #balanced(int[], int)} computes scikit-learn's {@code class_weight="balanced"}:
 * {@code w_c = n_samples / (classes * count_c)}, so that every class carries the same total
 * weight {@code n_samples / classes}.
 */
public final class ClassWeights {
  private final double[] weights;

  private ClassWeights(double[] weights) {
    this.weights = weights;
  }

  /**
   * These weights, class 0 first (copied).
   *
   * @throws IllegalArgumentException if there are none, one is negative, NaN or infinite, or all
   *     are 0
   */
  public static ClassWeights of(double... weights) {
    return new ClassWeights(check("ClassWeights", "weight", weights).clone());
  }

  /**
   * scikit-learn's "balanced" weights for these training labels:
   * {@code w_c = labels.length / (classes * count_c)}, where {@code count_c} is the number of
   * labels equal to c. For labels {@code [0, 0, 0, 1]} and 2 classes: {@code [4/6, 4/2]}.
   *
   * <p>A class with no samples gets weight 0 (scikit-learn raises an error instead): it is never
   * a target in these labels, {@code n / 0} would be infinite, and the only term its weight can
   * enter is label smoothing's, which then leaves the class out.
   *
   * @param labels the training labels, each in {@code [0, classes)}, at least one; not modified
   * @param classes the number of classes K, {@code >= 1}
   * @throws IllegalArgumentException naming the first label outside {@code [0, classes)}, or when
   *     there are no labels or classes
   */
  public static ClassWeights balanced(int[] labels, int classes) {
    if (classes < 1) {
      throw new IllegalArgumentException("ClassWeights.balanced: classes = " + classes + ", expected >= 1");
    }
    if (labels == null || labels.length == 0) {
      throw new IllegalArgumentException("ClassWeights.balanced: labels are "
          + (labels == null ? "null" : "empty") + ", expected at least one label in [0, " + classes + ")");
    }
    int[] counts = new int[classes];
    for (int i = 0; i < labels.length; i++) {
      int c = labels[i];
      if (c < 0 || c >= classes) {
        throw new IllegalArgumentException("ClassWeights.balanced: labels[" + i + "] = " + c
            + ", expected a class in [0, " + classes + ")");
      }
      counts[c]++;
    }
    double[] w = new double[classes];
    for (int c = 0; c < classes; c++) {
      w[c] = counts[c] == 0 ? 0 : labels.length / ((double) classes * counts[c]);
    }
    return new ClassWeights(w);
  }

  /** The weight of class c. */
  public double get(int c) {
    if (c < 0 || c >= weights.length) {
      throw new IndexOutOfBoundsException("ClassWeights: class " + c + ", expected a class in [0, "
          + weights.length + ")");
    }
    return weights[c];
  }

  /** The number of classes K. */
  public int size() {
    return weights.length;
  }

  /** A copy of the weights, class 0 first. */
  public double[] toArray() {
    return weights.clone();
  }

  /** The internal array, for the losses of this package (never modified by them). */
  double[] values() {
    return weights;
  }

  /**
   * Checks weights (class weights, alphas, sample weights): not null, not empty, each finite
   * and {@code >= 0}, not all 0. Returns the array itself.
   */
  static double[] check(String owner, String what, double[] w) {
    if (w == null || w.length == 0) {
      throw new IllegalArgumentException(owner + ": the " + what + "s are " + (w == null ? "null" : "empty")
          + ", expected one finite " + what + " >= 0 per class");
    }
    boolean positive = false;
    for (int c = 0; c < w.length; c++) {
      if (!(w[c] >= 0) || Double.isInfinite(w[c])) {
        throw new IllegalArgumentException(owner + ": " + what + "[" + c + "] = " + w[c]
            + ", expected a finite value >= 0");
      }
      positive |= w[c] > 0;
    }
    if (!positive) {
      throw new IllegalArgumentException(owner + ": every " + what + " is 0 " + Arrays.toString(w)
          + ", expected at least one > 0 (a loss that weighs every class by 0 is constant)");
    }
    return w;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClassWeights other && Arrays.equals(weights, other.weights);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(weights);
  }

  @Override
  public String toString() {
    return "ClassWeights" + Arrays.toString(weights);
  }
}
