package dev.cnn.engine;

/**
 * Whether an op runs as in training or as in inference, passed explicitly to the ops that
 * differ (dropout, batch normalisation) instead of living in a global flag.
 */
public enum Mode {
  /** Training: dropout drops, batch norm uses the batch's statistics and updates its running ones. */
  TRAIN,
  /** Inference: dropout is the identity, batch norm uses its running statistics. */
  EVAL
}
