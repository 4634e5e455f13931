package dev.cnn.optim;

/**
 * Hooks into {@link Trainer#fit}; every method has a no-op default, so a callback overrides only
 * what it needs. A callback stops training with {@link TrainingContext#requestStop(String)}.
 * Order of calls: trainBegin, then per epoch: epochBegin, then per batch batchLoss (after the
 * forward pass) and batchEnd (after the step), then epochEnd, then (once every callback's
 * epochEnd has run) epochComplete; finally trainEnd (also after a stop).
 */
public interface Callback {
  default void onTrainBegin(TrainingContext ctx) {}

  default void onEpochBegin(TrainingContext ctx, int epoch) {}

  /**
   * After the forward pass of a batch, before backward and the optimisation step. A callback
   * that requests a stop here prevents the step (TerminateOnNaN uses this).
   */
  default void onBatchLoss(TrainingContext ctx, int epoch, int batch, double loss) {}

  /**
   * After each optimisation step.
   *
   * @param loss the batch's loss (before the step)
   */
  default void onBatchEnd(TrainingContext ctx, int epoch, int batch, double loss) {}

  /** After the epoch's validation; {@code metrics} is already in the history. */
  default void onEpochEnd(TrainingContext ctx, EpochMetrics metrics) {}

  /**
   * After every callback's {@link #onEpochEnd} of this epoch, when the epoch's state is final: the
   * callbacks' counters are updated, the learning-rate scale is the next epoch's, and any weights
   * a callback put back are in the model. Checkpoints for resuming are written here
   * ({@link CheckpointCallback}), so that they do not depend on the order of the callbacks.
   */
  default void onEpochComplete(TrainingContext ctx, EpochMetrics metrics) {}

  default void onTrainEnd(TrainingContext ctx) {}
}
