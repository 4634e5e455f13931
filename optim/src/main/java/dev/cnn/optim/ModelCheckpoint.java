package dev.cnn.optim;

import dev.cnn.layers.Model;
import dev.cnn.layers.io.ModelFiles;
import dev.cnn.tensor.Log;
import dev.cnn.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Saves the model ({@link ModelFiles#save}: the weights as safetensors and the architecture as
 * JSON, both written atomically) at the end of every epoch, or only when a monitored metric
 * improves, as Keras' {@code ModelCheckpoint}:
 * <pre>
 * ModelCheckpoint.bestOnly(Path.of("runs/best.safetensors"), Metric.VAL_ACCURACY)   // the best model so far
 * ModelCheckpoint.everyEpoch(Path.of("runs/model-{epoch}.safetensors"))            // one file per epoch
 * </pre>
 * The file name may contain {@code {epoch}}, replaced by the epoch number counted from 1 and
 * padded to four digits ({@code model-0007.safetensors}); without it, each save replaces the
 * previous file (atomically: a reader sees the old model or the new one, never a mixture).
 *
 * <p>Best only: an epoch's value improves when it beats the best so far by more than
 * {@code minDelta}, in the metric's own direction ({@link Metric#direction()}: lower loss,
 * higher accuracy). The first epoch with a value always improves. An epoch without the value
 * (a validation metric and no validation data) saves nothing and logs a warning.
 *
 * <p>The callback saves the weights it finds in {@code onEpochEnd}, which are the epoch's
 * trained weights unless a callback before it in the list has already put others back (an
 * {@link EarlyStopping} that restores the best weights on the epoch where it stops): list it
 * before such callbacks when saving every epoch. Its best value is part of a {@link Checkpoint},
 * so that a resumed run saves only what beats the best of the whole run. This is not the
 * checkpoint for resuming training (optimiser state, counters, random states): that is
 * {@link CheckpointCallback}.
 */
public final class ModelCheckpoint implements StatefulCallback {
  private final Path pattern;
  private final Metric monitor;
  private final double minDelta;
  private double best;
  private int bestEpoch = -1;
  private Path lastSaved;
  private int saves;

  private ModelCheckpoint(Path pattern, Metric monitor, double minDelta) {
    if (pattern == null) throw new IllegalArgumentException("ModelCheckpoint: the file is null; expected a path such as runs/model.safetensors");
    ModelFiles.architectureFile(pattern); // rejects a .json weights file now, not after the first epoch
    this.pattern = pattern;
    this.monitor = monitor;
    this.minDelta = minDelta;
    this.best = monitor == null || monitor.direction() == Metric.Direction.MIN
        ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
  }

  /** Saves the model after every epoch. */
  public static ModelCheckpoint everyEpoch(Path file) {
    return new ModelCheckpoint(file, null, 0);
  }

  /** Saves the model after each epoch whose {@code monitor} value is the best so far. */
  public static ModelCheckpoint bestOnly(Path file, Metric monitor) {
    return bestOnly(file, monitor, 0);
  }

  /**
   * Saves the model after each epoch whose {@code monitor} value beats the best so far by more
   * than {@code minDelta} (>= 0).
   */
  public static ModelCheckpoint bestOnly(Path file, Metric monitor, double minDelta) {
    if (monitor == null) throw new IllegalArgumentException("ModelCheckpoint: monitor is null; expected a Metric");
    if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
      throw new IllegalArgumentException("ModelCheckpoint: minDelta = " + minDelta + "; expected a finite value >= 0");
    }
    return new ModelCheckpoint(file, monitor, minDelta);
  }

  /** The file for epoch e (0-based): the pattern with {@code {epoch}} replaced by e + 1, four digits. */
  public Path fileFor(int epoch) {
    String name = pattern.getFileName().toString();
    if (!name.contains("{epoch}")) return pattern;
    return pattern.resolveSibling(name.replace("{epoch}", String.format(Locale.ROOT, "%04d", epoch + 1)));
  }

  @Override
  public void onEpochEnd(TrainingContext ctx, EpochMetrics m) {
    if (monitor != null) {
      double current = monitor.of(m);
      if (Double.isNaN(current)) {
        Log.warn("ModelCheckpoint: " + monitor.key() + " is not available in epoch " + (m.epoch() + 1)
            + (monitor.needsValidation() ? " (no validation data?)" : "") + "; nothing saved");
        return;
      }
      boolean better = monitor.direction() == Metric.Direction.MIN ? current < best - minDelta
          : current > best + minDelta;
      if (!better) return;
      best = current;
      bestEpoch = m.epoch();
    }
    Path file = fileFor(m.epoch());
    try {
      ModelFiles.save(ctx.model(), file);
    } catch (IOException e) {
      throw new UncheckedIOException("ModelCheckpoint: could not save the model of epoch " + (m.epoch() + 1)
          + " to " + file + ": " + e.getMessage(), e);
    }
    lastSaved = file;
    saves++;
    if (monitor != null) {
      Log.info(String.format(Locale.ROOT, "model checkpoint: %s improved to %.6g; saved %s", monitor.key(), best, file));
    }
  }

  /** The file written last by this instance, or null. */
  public Path lastSaved() {
    return lastSaved;
  }

  /** How many times this instance has saved the model. */
  public int saves() {
    return saves;
  }

  /** The best monitored value so far (infinite before any), for best-only checkpoints. */
  public double best() {
    return best;
  }

  /** The epoch (0-based) of the best value, or -1. */
  public int bestEpoch() {
    return bestEpoch;
  }

  @Override
  public String stateKey() {
    return "model_checkpoint";
  }

  @Override
  public Map<String, Object> saveState() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("monitor", monitor == null ? "" : monitor.key());
    s.put("best", best);
    s.put("best_epoch", bestEpoch);
    return s;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if the saved state monitored another metric (or none)
   */
  @Override
  public void restoreState(Map<String, Object> scalars, Map<String, Tensor> tensors, Model model) {
    String saved = StatefulCallback.text(scalars, "monitor");
    String own = monitor == null ? "" : monitor.key();
    if (!saved.equals(own)) {
      throw new IllegalArgumentException("the saved model checkpoint " + (saved.isEmpty() ? "saved every epoch"
          : "monitored " + saved) + ", this one " + (own.isEmpty() ? "saves every epoch" : "monitors " + own)
          + "; resume with the same settings");
    }
    best = StatefulCallback.number(scalars, "best");
    bestEpoch = StatefulCallback.integer(scalars, "best_epoch");
  }
}
