package dev.cnn.optim;

/**
 * A learning rate as a function of the epoch: {@code lr(epoch) = baseLr * factor(epoch)}, epochs
 * counted from 0. The training loop sets the optimiser's rate at the start of every epoch.
 *
 * <ul>
 *   <li>{@link #constant()}: factor 1.
 *   <li>{@link #step(int, double)}: {@code gamma^floor(epoch / stepSize)} (PyTorch's StepLR).
 *   <li>{@link #exponential(double)}: {@code gamma^epoch} (ExponentialLR).
 *   <li>{@link #cosine(int, double)}: {@code m + (1 - m) (1 + cos(pi * epoch / tMax)) / 2} with
 *       {@code m = minFactor}, held at m after tMax (CosineAnnealingLR without restarts, with
 *       {@code eta_min = minFactor * baseLr}).
 *   <li>{@link #withWarmup(int, double)}: for the first {@code epochs} epochs the factor rises
 *       linearly from {@code startFactor} to 1 (LinearLR), multiplied into this schedule,
 *       which then continues from its own epoch 0 (SequentialLR's behaviour).
 * </ul>
 * Reduce-on-plateau depends on a metric, not on the epoch: it is a callback
 * (ReduceLrOnPlateau).
 */
@FunctionalInterface
public interface LrSchedule {
  /** The multiplier of the base learning rate at this epoch (0-based). */
  double factor(int epoch);

  static LrSchedule constant() {
    return epoch -> 1.0;
  }

  /** Multiplies by gamma every stepSize epochs. */
  static LrSchedule step(int stepSize, double gamma) {
    if (stepSize < 1) throw new IllegalArgumentException("step schedule: step size = " + stepSize + "; expected >= 1 epochs");
    checkGamma("step", gamma);
    return epoch -> Math.pow(gamma, Math.floorDiv(epoch, stepSize));
  }

  /** Multiplies by gamma every epoch. */
  static LrSchedule exponential(double gamma) {
    checkGamma("exponential", gamma);
    return epoch -> Math.pow(gamma, epoch);
  }

  /** Half a cosine from 1 down to minFactor over tMax epochs. */
  static LrSchedule cosine(int tMax, double minFactor) {
    if (tMax < 1) throw new IllegalArgumentException("cosine schedule: tMax = " + tMax + "; expected >= 1 epochs");
    if (!(minFactor >= 0 && minFactor <= 1)) {
      throw new IllegalArgumentException("cosine schedule: minimum factor = " + minFactor + "; expected a value in [0, 1]");
    }
    return epoch -> {
      int e = Math.min(epoch, tMax);
      return minFactor + (1 - minFactor) * (1 + Math.cos(Math.PI * e / tMax)) / 2;
    };
  }

  /** A linear warm-up over the first {@code epochs} epochs, then this schedule from its epoch 0. */
  default LrSchedule withWarmup(int epochs, double startFactor) {
    if (epochs < 0) throw new IllegalArgumentException("warm-up: epochs = " + epochs + "; expected >= 0");
    if (!(startFactor > 0 && startFactor <= 1)) {
      throw new IllegalArgumentException("warm-up: start factor = " + startFactor + "; expected a value in (0, 1]");
    }
    LrSchedule after = this;
    return epoch -> epoch < epochs
        ? startFactor + (1 - startFactor) * epoch / epochs
        : after.factor(epoch - epochs);
  }

  private static void checkGamma(String name, double gamma) {
    if (!(gamma > 0 && gamma <= 1)) {
      throw new IllegalArgumentException(name + " schedule: gamma = " + gamma + "; expected a value in (0, 1]");
    }
  }
}
