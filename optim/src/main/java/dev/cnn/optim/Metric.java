package dev.cnn.optim;

/**
 * A per-epoch quantity that callbacks can watch, with the direction in which it improves (a
 * property of the metric, never guessed from its name).
 */
public enum Metric {
  /** Mean training loss over the epoch's batches. */
  LOSS(Direction.MIN),
  /** Training accuracy over the epoch. */
  ACCURACY(Direction.MAX),
  /** Loss on the validation data. */
  VAL_LOSS(Direction.MIN),
  /** Accuracy on the validation data. */
  VAL_ACCURACY(Direction.MAX);

  /** Which way is better. */
  public enum Direction {
    MIN, MAX
  }

  private final Direction direction;

  Metric(Direction direction) {
    this.direction = direction;
  }

  /** The direction in which this metric improves. */
  public Direction direction() {
    return direction;
  }

  /** Whether the metric needs validation data. */
  public boolean needsValidation() {
    return this == VAL_LOSS || this == VAL_ACCURACY;
  }

  /** This metric's value in an epoch's record. */
  public double of(EpochMetrics m) {
    switch (this) {
      case LOSS:
        return m.loss();
      case ACCURACY:
        return m.accuracy();
      case VAL_LOSS:
        return m.valLoss();
      default:
        return m.valAccuracy();
    }
  }

  /** The column name in history files: {@code loss}, {@code val_accuracy}, ... */
  public String key() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
