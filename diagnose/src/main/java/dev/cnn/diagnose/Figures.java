package dev.cnn.diagnose;

/**
 * The ids of the report's figures and galleries, which findings refer to ({@link Finding#figure()}); a
 * figure's id is also its PNG's base name.
 */
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
  /** Training images beside what the run's augmentation made of them (runs with --augment). */
  public static final String AUGMENTATION = "augmentation";
  /** The gallery of the most suspected label errors in the training set (cnn diagnose --label-errors). */
  public static final String LABEL_ERRORS = "label-errors";
  /** The estimated numbers of images per given and true label (confident learning's calibrated joint). */
  public static final String LABEL_NOISE = "label-noise";
  /** The prefix of a hyperparameter study's figures in a run's report. */
  public static final String STUDY_PREFIX = "study-";
  /** The study's best objective so far by trial. */
  public static final String STUDY_BEST = STUDY_PREFIX + "best-so-far";
  /** The gallery of test images that are also in the training set. */
  public static final String LEAKS = "leaks";
  /** The gallery of duplicates within the training set (those with different labels first). */
  public static final String DUPLICATES = "duplicates";
  /** The gallery of blank images and images far from their class. */
  public static final String OUTLIERS = "outliers";
  /** The gallery of the test images with the highest loss. */
  public static final String HIGHEST_LOSS = "highest-loss";

  /** The gallery of the errors between classes a and b (a &lt; b): {@code confused-<a>-<b>}. */
  public static String confusedPair(int a, int b) {
    return "confused-" + Math.min(a, b) + "-" + Math.max(a, b);
  }
}
