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
 * Two schedules change the rate before every optimiser step rather than every epoch ({@link #perStep()}),
 * as functions of the step count {@code t = epoch * stepsPerEpoch + step}:
 * <ul>
 *   <li>{@link #oneCycle(int, double, double, double)}: Smith and Topin's one-cycle policy
 *       (PyTorch's OneCycleLR with cosine annealing, without its momentum cycling): from
 *       {@code 1 / divFactor} up to 1 over the first {@code pctStart} of the steps, then down to
 *       {@code 1 / (divFactor * finalDivFactor)} at the last step, each half a cosine.
 *   <li>{@link #withWarmupSteps(int, double)}: a linear warm-up over the first {@code steps}
 *       steps, multiplied into this schedule: {@code (startFactor + (1 - startFactor) t / steps)
 *       * factor} while {@code t < steps}.
 * </ul>
 * Reduce-on-plateau depends on a metric, not on the epoch: it is a callback
 * (ReduceLrOnPlateau).
 */
@FunctionalInterface
public interface LrSchedule {
  /** The multiplier of the base learning rate at this epoch (0-based). */
  double factor(int epoch);

  /**
   * The multiplier before optimiser step {@code step} (0-based) of {@code epoch}, an epoch of
   * {@code stepsPerEpoch} steps. An epoch-wise schedule gives {@link #factor(int)} throughout; the
   * trainer asks before every step only when {@link #perStep()}.
   */
  default double factor(int epoch, int step, int stepsPerEpoch) {
    return factor(epoch);
  }

  /** Whether the rate changes between the steps of an epoch (then the trainer sets it before each). */
  default boolean perStep() {
    return false;
  }

  /**
   * The one-cycle policy over {@code epochs} epochs (see the interface comment); PyTorch's
   * defaults are {@code pctStart = 0.3, divFactor = 25, finalDivFactor = 1e4}, with the base rate
   * as its {@code max_lr}. At step t of T = epochs * stepsPerEpoch, with {@code m = pctStart * T - 1}:
   * <pre>
   *   t <= m:  cos(1/div -> 1, t / m)
   *   t >  m:  cos(1 -> 1/(div * finalDiv), (t - m) / (T - 1 - m))
   *   cos(a -> b, p) = b + (a - b) (1 + cos(pi p)) / 2
   * </pre>
   * ({@link #factor(int)} alone, without the steps, gives the factor at the start of the epoch
   * for one step per epoch.)
   */
  static LrSchedule oneCycle(int epochs, double pctStart, double divFactor, double finalDivFactor) {
    if (epochs < 1) throw new IllegalArgumentException("one-cycle schedule: epochs = " + epochs + "; expected >= 1");
    if (!(pctStart > 0 && pctStart < 1)) {
      throw new IllegalArgumentException("one-cycle schedule: pctStart = " + pctStart + "; expected a value in (0, 1)");
    }
    if (!(divFactor >= 1) || !(finalDivFactor >= 1) || Double.isInfinite(divFactor) || Double.isInfinite(finalDivFactor)) {
      throw new IllegalArgumentException("one-cycle schedule: divFactor = " + divFactor + ", finalDivFactor = "
          + finalDivFactor + "; expected finite values >= 1");
    }
    double initial = 1 / divFactor, last = initial / finalDivFactor;
    return new LrSchedule() {
      @Override
      public double factor(int epoch) {
        return factor(epoch, 0, 1);
      }

      @Override
      public double factor(int epoch, int step, int stepsPerEpoch) {
        double total = (double) epochs * stepsPerEpoch, t = (double) epoch * stepsPerEpoch + step;
        double rampEnd = pctStart * total - 1;
        if (t <= rampEnd) return cosine(initial, 1, t / rampEnd);
        return cosine(1, last, Math.min(1, (t - rampEnd) / (total - 1 - rampEnd)));
      }

      @Override
      public boolean perStep() {
        return true;
      }
    };
  }

  /** Half a cosine from a (at p = 0) to b (at p = 1). */
  private static double cosine(double a, double b, double p) {
    return b + (a - b) * (1 + Math.cos(Math.PI * p)) / 2;
  }

  /**
   * A linear warm-up over the first {@code steps} optimiser steps of the run, multiplied into
   * this schedule (see the interface comment); the result sets the rate before every step.
   */
  default LrSchedule withWarmupSteps(int steps, double startFactor) {
    if (steps < 1) throw new IllegalArgumentException("step warm-up: steps = " + steps + "; expected >= 1");
    if (!(startFactor > 0 && startFactor <= 1)) {
      throw new IllegalArgumentException("step warm-up: start factor = " + startFactor + "; expected a value in (0, 1]");
    }
    LrSchedule under = this;
    return new LrSchedule() {
      @Override
      public double factor(int epoch) {
        return under.factor(epoch);
      }

      @Override
      public double factor(int epoch, int step, int stepsPerEpoch) {
        long t = (long) epoch * stepsPerEpoch + step;
        double warm = t < steps ? startFactor + (1 - startFactor) * t / steps : 1;
        return warm * under.factor(epoch, step, stepsPerEpoch);
      }

      @Override
      public boolean perStep() {
        return true;
      }
    };
  }

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
