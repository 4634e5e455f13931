package dev.cnn.optim;

import dev.cnn.layers.Model;
import java.util.Collections;
import java.util.List;

/** What callbacks see of a running {@link Trainer#fit}: the model, the optimiser, the history so far, and the stop switch. */
public final class TrainingContext {
  private final Model model;
  private final Optimizer optimizer;
  private final List<EpochMetrics> history;
  private final Trainer.TrainingState state;
  private final List<Callback> callbacks;
  private String stopReason;
  private double lrScale = 1;

  /** A context outside a trainer (for tests of single callbacks): no training state, no other callbacks. */
  TrainingContext(Model model, Optimizer optimizer, List<EpochMetrics> history) {
    this(model, optimizer, history, null, List.of());
  }

  TrainingContext(Model model, Optimizer optimizer, List<EpochMetrics> history, Trainer.TrainingState state,
      List<Callback> callbacks) {
    this.model = model;
    this.optimizer = optimizer;
    this.history = history;
    this.state = state;
    this.callbacks = callbacks;
  }

  public Model model() {
    return model;
  }

  public Optimizer optimizer() {
    return optimizer;
  }

  /** The epochs finished so far (including those before a resume). */
  public List<EpochMetrics> history() {
    return Collections.unmodifiableList(history);
  }

  /**
   * Multiplies the learning rate from now on (the trainer applies it on top of the schedule at
   * every epoch, and to the optimiser at once).
   */
  public void scaleLearningRate(double factor) {
    lrScale *= factor;
    optimizer.setLearningRate(optimizer.learningRate() * factor);
  }

  /** The product of all {@link #scaleLearningRate} factors so far. */
  public double learningRateScale() {
    return lrScale;
  }

  void setLearningRateScale(double scale) {
    this.lrScale = scale;
  }

  /**
   * The run's training state (epochs done, learning-rate scale, base rate), for checkpoints;
   * null outside {@link Trainer#fit}.
   */
  Trainer.TrainingState trainingState() {
    return state;
  }

  /** The trainer's callbacks, in order (for checkpoints, which save their state). */
  List<Callback> callbacks() {
    return callbacks;
  }

  /** Asks the loop to stop: after this batch's forward pass (no step) or after this epoch. */
  public void requestStop(String reason) {
    if (stopReason == null) stopReason = reason;
  }

  public boolean stopRequested() {
    return stopReason != null;
  }

  /** Why training stopped early, or null. */
  public String stopReason() {
    return stopReason;
  }
}
