package dev.cnn.layers;

/**
 * A training objective, built from engine ops so that {@code loss.backward()} needs no
 * backward code of its own. The permits list names every loss, so tests can enumerate them.
 *
 * <p>Two ways of calling a loss:
 * <ul>
 *   <li>{@link ClassificationLoss}: logits {@code [N, K]} and integer labels
 *       ({@link CrossEntropyLoss}, {@link FocalLoss});
 *   <li>{@link TargetLoss}: a prediction and a target tensor of the same shape
 *       ({@link BinaryCrossEntropyLoss}, {@link MseLoss}).
 * </ul>
 * Losses are immutable and may be shared between threads; inputs are never modified.
 */
public sealed interface Loss permits CrossEntropyLoss, FocalLoss, BinaryCrossEntropyLoss, MseLoss {
  /** How the per-sample losses are combined (see {@link Reduction}). */
  Reduction reduction();
}
