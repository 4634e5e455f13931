package dev.cnn.optim;

import dev.cnn.layers.Model;
import dev.cnn.tensor.Log;
import dev.cnn.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Stops training when a metric stops improving, as Keras' {@code EarlyStopping}:
 * <pre>
 * EarlyStopping.on(Metric.VAL_LOSS).patience(5).minDelta(1e-4).restoreBestWeights(true).build()
 * </pre>
 * After each epoch from {@code startFromEpoch} on: the value improves when it beats the best so
 * far by more than {@code minDelta} (lower for a MIN metric, higher for MAX); an improvement
 * records the epoch (and a copy of the weights when restoring), and resets the wait counter
 * unless a {@code baseline} is set and not yet beaten; otherwise the counter grows, and when it
 * reaches {@code patience} training stops (never after epoch 0). With {@code restoreBestWeights}
 * the best epoch's weights are put back when it stops, and also when training ends otherwise (out
 * of epochs, or stopped by another callback), as Keras 3 does (Keras 2 kept the last weights
 * then).
 *
 * <p>The counters carry over from one {@link Trainer#fit} to the next (a resumed run continues
 * them); use a new instance for an unrelated run. A {@link Checkpoint} saves them (best value,
 * best epoch, wait, stopped epoch) and the copy of the best weights, so that a new instance
 * restored from it continues where the saved one was.
 */
public final class EarlyStopping implements StatefulCallback {
  private final Metric monitor;
  private final Metric.Direction direction;
  private final int patience;
  private final double minDelta;
  private final double baseline;
  private final int startFromEpoch;
  private final boolean restoreBestWeights;

  private double best;
  private int bestEpoch = -1;
  private int wait;
  private int stoppedEpoch = -1;
  private Map<String, Tensor> bestWeights;

  private EarlyStopping(Builder b) {
    this.monitor = b.monitor;
    this.direction = b.direction != null ? b.direction : b.monitor.direction();
    this.patience = b.patience;
    this.minDelta = b.minDelta;
    this.baseline = b.baseline;
    this.startFromEpoch = b.startFromEpoch;
    this.restoreBestWeights = b.restoreBestWeights;
    this.best = direction == Metric.Direction.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
  }

  /** Early stopping on this metric; the direction is the metric's own unless overridden. */
  public static Builder on(Metric monitor) {
    return new Builder(monitor);
  }

  @Override
  public void onEpochEnd(TrainingContext ctx, EpochMetrics m) {
    double current = monitor.of(m);
    if (m.epoch() < startFromEpoch || Double.isNaN(current)) return;
    if (restoreBestWeights && bestWeights == null) bestWeights = Weights.snapshot(ctx.model());
    wait++;
    if (improves(current, best)) {
      best = current;
      bestEpoch = m.epoch();
      if (restoreBestWeights) Weights.update(bestWeights, ctx.model());
      if (Double.isNaN(baseline) || improves(current, baseline)) wait = 0;
      return;
    }
    if (wait >= patience && m.epoch() > 0) {
      stoppedEpoch = m.epoch();
      String why = String.format(Locale.ROOT, "early stopping: %s has not improved on %.6g (epoch %d) for %d epochs",
          monitor.key(), best, bestEpoch + 1, wait);
      if (restoreBestWeights && bestEpoch >= 0) {
        Weights.restore(ctx.model(), bestWeights);
        why += "; restored the weights of epoch " + (bestEpoch + 1);
      }
      Log.info(why);
      ctx.requestStop(why);
    }
  }

  @Override
  public void onTrainEnd(TrainingContext ctx) {
    if (restoreBestWeights && stoppedEpoch < 0 && bestEpoch >= 0 && bestWeights != null) {
      Weights.restore(ctx.model(), bestWeights);
      Log.info("early stopping: restored the best weights, of epoch " + (bestEpoch + 1));
    }
  }

  private boolean improves(double value, double reference) {
    return direction == Metric.Direction.MIN ? value < reference - minDelta : value > reference + minDelta;
  }

  /** The epoch (0-based) with the best value, or -1 before any. */
  public int bestEpoch() {
    return bestEpoch;
  }

  /** The best value seen. */
  public double best() {
    return best;
  }

  /** The epoch (0-based) at which training was stopped, or -1. */
  public int stoppedEpoch() {
    return stoppedEpoch;
  }

  /** Epochs since the last improvement. */
  public int waited() {
    return wait;
  }

  /** The copy of the best weights (null unless restoring), for checkpoints. */
  Map<String, Tensor> bestWeights() {
    return bestWeights;
  }

  /** Restores the counters (and best weights) from a checkpoint. */
  void restore(double bestValue, int bestAt, int waited, int stoppedAt, Map<String, Tensor> weights) {
    this.best = bestValue;
    this.bestEpoch = bestAt;
    this.wait = waited;
    this.stoppedEpoch = stoppedAt;
    this.bestWeights = weights;
  }

  @Override
  public String stateKey() {
    return "early_stopping";
  }

  @Override
  public Map<String, Object> saveState() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("monitor", monitor.key());
    s.put("mode", direction.name().toLowerCase(Locale.ROOT));
    s.put("restore_best_weights", restoreBestWeights);
    s.put("best", best);
    s.put("best_epoch", bestEpoch);
    s.put("wait", wait);
    s.put("stopped_epoch", stoppedEpoch);
    return s;
  }

  /** The copy of the best weights, by the model's tensor names (none unless restoring). */
  @Override
  public Map<String, Tensor> saveTensors() {
    return bestWeights == null ? Map.of() : bestWeights;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if the saved state watched another metric or direction, or
   *     differs in restoring the best weights, or its copy of the best weights does not have the
   *     model's tensor names and shapes
   */
  @Override
  public void restoreState(Map<String, Object> scalars, Map<String, Tensor> tensors, Model model) {
    String savedMonitor = StatefulCallback.text(scalars, "monitor");
    String savedMode = StatefulCallback.text(scalars, "mode");
    boolean savedRestore = StatefulCallback.bool(scalars, "restore_best_weights");
    String mode = direction.name().toLowerCase(Locale.ROOT);
    if (!savedMonitor.equals(monitor.key()) || !savedMode.equals(mode) || savedRestore != restoreBestWeights) {
      throw new IllegalArgumentException("the saved early stopping watched " + savedMonitor + " (" + savedMode
          + ", restoreBestWeights " + savedRestore + "), this one watches " + monitor.key() + " (" + mode
          + ", restoreBestWeights " + restoreBestWeights + "); resume with the same early-stopping settings");
    }
    Map<String, Tensor> weights = null;
    if (!tensors.isEmpty()) {
      if (!restoreBestWeights) {
        throw new IllegalArgumentException("the saved early stopping holds best weights, but restoreBestWeights is off");
      }
      Map<String, Tensor> own = model.stateDict();
      if (!own.keySet().equals(tensors.keySet())) {
        throw new IllegalArgumentException("the saved best weights are the tensors " + tensors.keySet()
            + ", the model's are " + own.keySet());
      }
      weights = new LinkedHashMap<>();
      for (Map.Entry<String, Tensor> e : own.entrySet()) {
        Tensor t = tensors.get(e.getKey());
        if (!Arrays.equals(t.shape(), e.getValue().shape()) || t.dtype() != e.getValue().dtype()) {
          throw new IllegalArgumentException("the saved best weight '" + e.getKey() + "' is " + t.dtype() + " "
              + Arrays.toString(t.shape()) + ", the model's is " + e.getValue().dtype() + " "
              + Arrays.toString(e.getValue().shape()));
        }
        weights.put(e.getKey(), t.copy());
      }
    }
    int bestAt = StatefulCallback.integer(scalars, "best_epoch");
    if (restoreBestWeights && bestAt >= 0 && weights == null) {
      throw new IllegalArgumentException("the saved early stopping has a best epoch (" + (bestAt + 1)
          + ") but no copy of its weights");
    }
    restore(StatefulCallback.number(scalars, "best"), bestAt, StatefulCallback.integer(scalars, "wait"),
        StatefulCallback.integer(scalars, "stopped_epoch"), weights);
  }

  /** Options, validated as they are set. */
  public static final class Builder {
    private final Metric monitor;
    private Metric.Direction direction;
    private int patience;
    private double minDelta;
    private double baseline = Double.NaN;
    private int startFromEpoch;
    private boolean restoreBestWeights;

    private Builder(Metric monitor) {
      if (monitor == null) throw new IllegalArgumentException("EarlyStopping: monitor is null; expected a Metric");
      this.monitor = monitor;
    }

    /** Overrides the metric's own direction. */
    public Builder mode(Metric.Direction d) {
      this.direction = d;
      return this;
    }

    /** Epochs without improvement before stopping, >= 0. */
    public Builder patience(int epochs) {
      if (epochs < 0) throw new IllegalArgumentException("EarlyStopping: patience = " + epochs + "; expected >= 0 epochs");
      this.patience = epochs;
      return this;
    }

    /** The smallest change that counts as an improvement, >= 0. */
    public Builder minDelta(double delta) {
      if (!(delta >= 0) || Double.isInfinite(delta)) {
        throw new IllegalArgumentException("EarlyStopping: minDelta = " + delta + "; expected a finite value >= 0");
      }
      this.minDelta = delta;
      return this;
    }

    /** A value the metric must beat before the patience counter resets. */
    public Builder baseline(double value) {
      if (!Double.isFinite(value)) throw new IllegalArgumentException("EarlyStopping: baseline = " + value + "; expected a finite value");
      this.baseline = value;
      return this;
    }

    /** Epochs (0-based index) to wait before watching at all. */
    public Builder startFromEpoch(int epoch) {
      if (epoch < 0) throw new IllegalArgumentException("EarlyStopping: startFromEpoch = " + epoch + "; expected >= 0");
      this.startFromEpoch = epoch;
      return this;
    }

    public Builder restoreBestWeights(boolean on) {
      this.restoreBestWeights = on;
      return this;
    }

    public EarlyStopping build() {
      return new EarlyStopping(this);
    }
  }
}
