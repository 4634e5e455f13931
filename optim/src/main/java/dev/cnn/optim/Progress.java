package dev.cnn.optim;

import java.io.PrintStream;
import java.util.Locale;

/**
 * How training reports itself while it runs: a live progress bar per epoch on a terminal
 * (batches, ETA, images/s, running loss), or one plain line per epoch when the output is not a
 * terminal (CI logs, files), or nothing.
 */
public interface Progress {
  /** An epoch starts; {@code batches} is -1 when unknown. */
  default void epochBegin(int epoch, int epochs, int batches) {}

  /** A batch finished: 0-based index, the running mean loss, samples so far this epoch, seconds so far. */
  default void batch(int batch, double runningLoss, long samples, double seconds) {}

  /** The epoch finished, validation included. */
  default void epochEnd(EpochMetrics m, int epochs) {}

  /** Silent. */
  static Progress none() {
    return new Progress() {};
  }

  /** A bar on a terminal (when {@code System.console()} exists), plain lines otherwise, on stderr. */
  static Progress auto() {
    return System.console() != null ? new Bar(System.err) : lines(System.err);
  }

  /** One line per epoch. */
  static Progress lines(PrintStream out) {
    return new Progress() {
      @Override
      public void epochEnd(EpochMetrics m, int epochs) {
        out.println(line(m, epochs));
      }
    };
  }

  /** The plain line for an epoch. */
  static String line(EpochMetrics m, int epochs) {
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d  loss %.4f  accuracy %.4f",
        m.epoch() + 1, epochs, m.loss(), m.accuracy()));
    if (!Double.isNaN(m.valLoss())) {
      s.append(String.format(Locale.ROOT, "  val_loss %.4f  val_accuracy %.4f", m.valLoss(), m.valAccuracy()));
    }
    s.append(String.format(Locale.ROOT, "  lr %.3g  %.1f s", m.learningRate(), m.seconds()));
    return s.toString();
  }

  /** A one-line bar redrawn with a carriage return, at most ten times a second. */
  final class Bar implements Progress {
    private final PrintStream out;
    private int batches;
    private int epoch;
    private int epochs;
    private long lastDraw;

    Bar(PrintStream out) {
      this.out = out;
    }

    @Override
    public void epochBegin(int e, int total, int count) {
      this.epoch = e;
      this.epochs = total;
      this.batches = count;
      this.lastDraw = 0;
    }

    @Override
    public void batch(int batch, double runningLoss, long samples, double seconds) {
      long now = System.nanoTime();
      if (now - lastDraw < 100_000_000L && batch + 1 != batches) return;
      lastDraw = now;
      int width = 30;
      String bar;
      String eta = "";
      if (batches > 0) {
        int filled = (int) ((long) width * (batch + 1) / batches);
        bar = "[" + "=".repeat(filled) + " ".repeat(width - filled) + "]";
        double left = seconds / (batch + 1) * (batches - batch - 1);
        eta = String.format(Locale.ROOT, " ETA %ds", Math.round(left));
      } else {
        bar = "[" + (batch + 1) + " batches]";
      }
      out.print(String.format(Locale.ROOT, "\repoch %d/%d %s %d/%s%s  %.0f img/s  loss %.4f ", epoch + 1, epochs, bar,
          batch + 1, batches > 0 ? Integer.toString(batches) : "?", eta, samples / Math.max(seconds, 1e-9),
          runningLoss));
      out.flush();
    }

    @Override
    public void epochEnd(EpochMetrics m, int total) {
      out.print("\r\033[K");
      out.println(line(m, total));
    }
  }
}
