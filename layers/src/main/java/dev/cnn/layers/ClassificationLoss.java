package dev.cnn.layers;

import dev.cnn.engine.Variable;

/**
 * A loss of logits {@code [N, K]} (N samples, K classes, unnormalised scores) against integer
 * labels, the call a training loop makes for classification.
 */
public sealed interface ClassificationLoss permits CrossEntropyLoss, FocalLoss {
  /**
   * The loss of these logits for these labels: a scalar {@code []}, or {@code [N]} for
   * {@link Reduction#NONE}, in the logits' dtype.
   *
   * @param logits {@code [N, K]}, float32 or float64, not modified
   * @param labels {@code int[N]}, each in {@code [0, K)}, not modified
   * @throws IllegalArgumentException naming the value and the allowed range when the logits are
   *     not rank 2, the labels have the wrong length or a label is out of range
   */
  Variable compute(Variable logits, int[] labels);

  /**
   * As {@link #compute(Variable, int[])}, with each sample's loss multiplied by its weight
   * {@code s_i} (Keras' {@code sample_weight}); see {@link Reduction} for how the weights enter
   * each reduction.
   *
   * @param sampleWeights {@code double[N]}, each finite and {@code >= 0}, not modified
   */
  Variable compute(Variable logits, int[] labels, double[] sampleWeights);

  /** How the per-sample losses are combined. */
  Reduction reduction();
}
