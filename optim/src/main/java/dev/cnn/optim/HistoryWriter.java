package dev.cnn.optim;

import dev.cnn.tensor.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the run's history, {@code history.csv} and {@code history.json} ({@link History}), into
 * a directory at the end of every epoch, so that a run killed in epoch 5 leaves the history of
 * epochs 1 to 4 on disk:
 * <pre>
 * Trainer.builder(model, loss, optimizer).epochs(30)
 *     .callbacks(earlyStopping, new HistoryWriter(Path.of("runs/a")), new CheckpointCallback(...))
 *     .build();
 * </pre>
 * Both files are replaced atomically ({@link AtomicFiles}: a reader sees the previous epoch's
 * complete file or this epoch's, never a partial one) and get the mode of any plainly created
 * file. They are written in {@link #onEpochComplete} (after every callback's {@code onEpochEnd},
 * so its place in the list does not matter) and once more in {@link #onTrainEnd}. The history is
 * the trainer's whole history: a resumed run writes the epochs before the interruption too.
 *
 * <p>When training begins, the temporary files that an interrupted write left in the directory
 * are deleted ({@link AtomicFiles#removeOrphans(Path)}): the directory is the run's, and nothing
 * else writes into it while the run goes.
 */
public final class HistoryWriter implements Callback {
  /** The CSV file's name in the directory. */
  public static final String CSV = "history.csv";
  /** The JSON file's name in the directory. */
  public static final String JSON = "history.json";

  private final Path dir;

  /**
   * Writes {@code dir/history.csv} and {@code dir/history.json}; {@code dir} is created when
   * training begins if it does not exist.
   */
  public HistoryWriter(Path dir) {
    if (dir == null) throw new IllegalArgumentException("HistoryWriter: the directory is null; expected the run's directory");
    this.dir = dir;
  }

  /** The directory the files are written to. */
  public Path directory() {
    return dir;
  }

  @Override
  public void onTrainBegin(TrainingContext ctx) {
    try {
      AtomicFiles.removeOrphans(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("HistoryWriter: cannot clean the run directory " + dir + " of the temporary files"
          + " of an interrupted write: " + e.getMessage() + "; check that it is a writable directory", e);
    }
  }

  @Override
  public void onEpochComplete(TrainingContext ctx, EpochMetrics metrics) {
    write(ctx.history(), "epoch " + (metrics.epoch() + 1));
  }

  @Override
  public void onTrainEnd(TrainingContext ctx) {
    write(ctx.history(), "the end of training");
  }

  /**
   * Writes both files now.
   *
   * @throws UncheckedIOException naming the file when one cannot be written; the previous
   *     version of that file is then intact
   */
  public void write(List<EpochMetrics> history) {
    write(history, "now");
  }

  private void write(List<EpochMetrics> history, String when) {
    Path file = dir.resolve(CSV);
    try {
      History.writeCsv(history, file);
      file = dir.resolve(JSON);
      History.writeJson(history, file);
    } catch (IOException e) {
      throw new UncheckedIOException("the history after " + when + " could not be written to " + file + ": "
          + e.getMessage() + " (its previous version is intact); check the free space and permissions of " + dir, e);
    }
  }
}
