package dev.cnn.tune;

/** Whether a search seeks the largest or the smallest objective value. */
public enum Direction {
  /** Larger is better (accuracy, F1). */
  MAXIMIZE,
  /** Smaller is better (loss, error rate). */
  MINIMIZE;

  /** Whether {@code a} is strictly better than {@code b} in this direction. */
  public boolean better(double a, double b) {
    return this == MAXIMIZE ? a > b : a < b;
  }
}
