package dev.cnn.diagnose;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One cause of misclassification found in a run, with what it rests on and what to try.
 *
 * @param kind what was found; {@link Kind#id()} is its stable id in diagnosis.json
 * @param severity how much it matters
 * @param title one line a person reads first, e.g. "3 classes are rare: Pullover, Coat, Shirt"
 * @param evidence the numbers the finding rests on, by name (insertion order kept), e.g.
 *     {@code imbalance_ratio -> 20.0}; values are numbers, strings, booleans or lists of them
 * @param figure the id of the report figure that shows the evidence (see {@link Figures}), or null
 * @param advice what to change and why, in a sentence or two
 * @param tryFlags the {@code cnn train} flags to try (e.g. {@code ["--class-weights", "balanced"]});
 *     empty when there is no flag to change
 */
public record Finding(Kind kind, Severity severity, String title, Map<String, Object> evidence, String figure,
    String advice, List<String> tryFlags) {

  public Finding {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(advice, "advice");
    evidence = Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
    tryFlags = List.copyOf(tryFlags);
  }

  /** The causes the diagnosis looks for. */
  public enum Kind {
    CLASS_IMBALANCE("class-imbalance"),
    OVERFITTING("overfitting"),
    UNDERFITTING("underfitting"),
    TOO_LITTLE_TRAINING("too-little-training"),
    DIVERGENCE("divergence"),
    LEARNING_RATE_TOO_HIGH("learning-rate-too-high"),
    LEARNING_RATE_TOO_LOW("learning-rate-too-low"),
    DEAD_RELUS("dead-relus"),
    VANISHING_GRADIENTS("vanishing-gradients"),
    EXPLODING_GRADIENTS("exploding-gradients"),
    CONFUSABLE_CLASSES("confusable-classes"),
    POOR_CALIBRATION("poor-calibration"),
    LABEL_ERRORS("label-errors"),
    DUPLICATES("duplicates"),
    TRAIN_TEST_LEAK("train-test-leak"),
    OUTLIERS("outliers"),
    DATASET_SHIFT("dataset-shift");

    private final String id;

    Kind(String id) {
      this.id = id;
    }

    /** The stable id in diagnosis.json, e.g. {@code class-imbalance}. */
    public String id() {
      return id;
    }
  }
}
