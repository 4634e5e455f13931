package dev.cnn.optim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a {@link Checkpoint} for resuming at the end of every epoch, so that a run of
 * {@link Trainer#fit} can be continued after an interruption:
 * <pre>
 * Trainer.builder(model, loss, optimizer).epochs(30)
 *     .callbacks(earlyStopping, reduceLr, new CheckpointCallback(Path.of("runs/ckpt")))
 *     .build();
 * </pre>
 * It saves the trainer's model, optimiser, training state and stateful callbacks (all taken
 * from the running trainer) in {@link #onEpochComplete}, after every callback's
 * {@code onEpochEnd}, so its place in the list does not matter. Resume with
 * {@link Checkpoint#load} (the class comment there shows how).
 */
public final class CheckpointCallback implements Callback {
  private final Path dir;
  private final Map<String, String> extra;
  private Path last;

  /** Checkpoints into {@code dir}. */
  public CheckpointCallback(Path dir) {
    this(dir, Map.of());
  }

  /**
   * Checkpoints into {@code dir}, keeping {@code extra} (a configuration, a seed) in every
   * checkpoint's {@code state.json}.
   */
  public CheckpointCallback(Path dir, Map<String, String> extra) {
    if (dir == null) throw new IllegalArgumentException("CheckpointCallback: the directory is null");
    if (extra == null) throw new IllegalArgumentException("CheckpointCallback: extra is null; use Map.of()");
    this.dir = dir;
    this.extra = new LinkedHashMap<>(extra);
  }

  @Override
  public void onEpochComplete(TrainingContext ctx, EpochMetrics metrics) {
    Trainer.TrainingState state = ctx.trainingState();
    if (state == null) {
      throw new IllegalStateException("CheckpointCallback: no training state; the callback runs inside Trainer.fit");
    }
    try {
      last = Checkpoint.save(dir, ctx.model(), ctx.optimizer(), state, ctx.callbacks(), extra);
    } catch (IOException e) {
      throw new UncheckedIOException("checkpoint of epoch " + (metrics.epoch() + 1) + " could not be written to "
          + dir + ": " + e.getMessage() + " (the previous checkpoint is intact)", e);
    }
  }

  /** The directory of the checkpoint written last, or null. */
  public Path lastSaved() {
    return last;
  }

  /** The checkpoint directory. */
  public Path directory() {
    return dir;
  }
}
