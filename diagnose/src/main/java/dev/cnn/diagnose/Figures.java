package dev.cnn.diagnose;

/** The ids of the report's figures, which findings refer to ({@link Finding#figure()}); each is also its PNG's base name. */
public final class Figures {
  private Figures() {}

  /** Train and validation loss and accuracy per epoch, the learning rate, the best epoch marked. */
  public static final String LEARNING_CURVES = "learning-curves";
  /** The test confusion matrix, counts and row-normalised, with class names. */
  public static final String CONFUSION_MATRIX = "confusion-matrix";
  /** Per-class precision, recall and F1 with support. */
  public static final String PER_CLASS = "per-class";
  /** Images per class in the training and the test set. */
  public static final String CLASS_COUNTS = "class-counts";
  /** Reliability diagram: accuracy against confidence, with the expected calibration error. */
  public static final String RELIABILITY = "reliability";
  /** Per-layer gradient norm per epoch (needs cnn train --diagnostics). */
  public static final String GRADIENTS = "gradients";
  /** Per-layer dead-ReLU fraction per epoch (needs cnn train --diagnostics). */
  public static final String DEAD_RELUS = "dead-relus";
}
