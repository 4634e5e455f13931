package dev.cnn.optim;

import dev.cnn.layers.Model;
import dev.cnn.tensor.Log;
import dev.cnn.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Multiplies the learning rate by {@code factor} when a metric has not improved (by more than
 * {@code minDelta}) for {@code patience} epochs, never going below {@code minLr}; after a
 * reduction, a cooldown keeps it from counting for a while. This is Keras' ReduceLROnPlateau,
 * step for step; after each epoch:
 * <pre>
 *   if cooldownLeft > 0: cooldownLeft -= 1; wait = 0
 *   if the value beats best by more than minDelta: best = value; wait = 0
 *   else if cooldownLeft == 0:
 *     wait += 1
 *     if wait >= patience: lr = max(lr * factor, minLr); cooldownLeft = cooldown; wait = 0
 * </pre>
 * So without a cooldown the reduction happens on the patience-th epoch without improvement
 * (PyTorch's waits one epoch more). Because the cooldown counts down before the check, the last
 * cooldown epoch already counts: after a reduction at epoch r, the next can come at epoch
 * {@code r + max(cooldown - 1, 0) + patience} at the earliest (a cooldown of 1 has no effect; of
 * 2, one epoch is ignored). The rate works through the trainer's learning-rate multiplier, so it
 * composes with a schedule. A {@link Checkpoint} saves the counters (best, wait, cooldown left;
 * the scale itself is the trainer's), so that a new instance restored from it continues.
 */
public final class ReduceLrOnPlateau implements StatefulCallback {
  private final Metric monitor;
  private final double factor;
  private final int patience;
  private final double minDelta;
  private final int cooldown;
  private final double minLr;
  private double best;
  private int wait;
  private int cooldownLeft;

  /**
   * @param factor in (0, 1)
   * @param patience epochs without improvement before reducing, >= 0
   * @param minDelta smallest change that counts as an improvement, >= 0
   * @param cooldown epochs to wait after a reduction, >= 0
   * @param minLr the floor, >= 0
   */
  public ReduceLrOnPlateau(Metric monitor, double factor, int patience, double minDelta, int cooldown, double minLr) {
    if (monitor == null) throw new IllegalArgumentException("ReduceLrOnPlateau: monitor is null; expected a Metric");
    if (!(factor > 0 && factor < 1)) {
      throw new IllegalArgumentException("ReduceLrOnPlateau: factor = " + factor + "; expected a value in (0, 1)");
    }
    if (patience < 0 || cooldown < 0) {
      throw new IllegalArgumentException("ReduceLrOnPlateau: patience = " + patience + ", cooldown = " + cooldown
          + "; expected both >= 0 epochs");
    }
    if (!(minDelta >= 0) || !(minLr >= 0) || Double.isInfinite(minDelta) || Double.isInfinite(minLr)) {
      throw new IllegalArgumentException("ReduceLrOnPlateau: minDelta = " + minDelta + ", minLr = " + minLr
          + "; expected finite values >= 0");
    }
    this.monitor = monitor;
    this.factor = factor;
    this.patience = patience;
    this.minDelta = minDelta;
    this.cooldown = cooldown;
    this.minLr = minLr;
    this.best = monitor.direction() == Metric.Direction.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
  }

  /** PyTorch's defaults: factor 0.1, patience 10, minDelta 1e-4, no cooldown, no floor. */
  public static ReduceLrOnPlateau on(Metric monitor) {
    return new ReduceLrOnPlateau(monitor, 0.1, 10, 1e-4, 0, 0);
  }

  @Override
  public void onEpochEnd(TrainingContext ctx, EpochMetrics m) {
    double current = monitor.of(m);
    if (Double.isNaN(current)) return;
    if (cooldownLeft > 0) { // Keras' order: a cooldown epoch counts down and clears the wait
      cooldownLeft--;
      wait = 0;
    }
    boolean better = monitor.direction() == Metric.Direction.MIN ? current < best - minDelta : current > best + minDelta;
    if (better) {
      best = current;
      wait = 0;
    } else if (cooldownLeft == 0 && ++wait >= patience) {
      double lr = ctx.optimizer().learningRate();
      double target = Math.max(lr * factor, minLr);
      if (lr - target > 1e-12 * lr) {
        ctx.scaleLearningRate(target / lr);
        Log.info(String.format(Locale.ROOT, "reduce on plateau: %s has not improved for %d epochs; learning rate %.3g -> %.3g",
            monitor.key(), wait, lr, target));
      }
      cooldownLeft = cooldown;
      wait = 0;
    }
  }

  /** The best value seen. */
  public double best() {
    return best;
  }

  /** Epochs without improvement counted towards the next reduction. */
  public int waited() {
    return wait;
  }

  /** Epochs of cooldown still to come. */
  public int cooldownLeft() {
    return cooldownLeft;
  }

  @Override
  public String stateKey() {
    return "reduce_lr_on_plateau";
  }

  @Override
  public Map<String, Object> saveState() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("monitor", monitor.key());
    s.put("best", best);
    s.put("wait", wait);
    s.put("cooldown_left", cooldownLeft);
    return s;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if the saved state watched another metric
   */
  @Override
  public void restoreState(Map<String, Object> scalars, Map<String, Tensor> tensors, Model model) {
    String saved = StatefulCallback.text(scalars, "monitor");
    if (!saved.equals(monitor.key())) {
      throw new IllegalArgumentException("the saved reduce-on-plateau watched " + saved + ", this one watches "
          + monitor.key() + "; resume with the same settings");
    }
    double b = StatefulCallback.number(scalars, "best");
    int w = StatefulCallback.integer(scalars, "wait"), c = StatefulCallback.integer(scalars, "cooldown_left");
    if (w < 0 || c < 0) {
      throw new IllegalArgumentException("wait = " + w + ", cooldown_left = " + c + "; expected both >= 0");
    }
    best = b;
    wait = w;
    cooldownLeft = c;
  }
}
