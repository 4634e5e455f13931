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

  /**
   * A bar on standard error when it is a terminal, plain lines otherwise. "A terminal" means
   * {@code System.console()} exists (standard input and output are a terminal), it says it is a
   * terminal (Java 22 and newer, where a console exists even when redirected) and {@code TERM} is
   * not {@code dumb}; anything else (CI logs, a file, a pipe) gets one line per epoch.
   */
  static Progress auto() {
    return Bar.isTerminal(System.console(), System.getenv("TERM")) ? new Bar(System.err) : lines(System.err);
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

  /**
   * A one-line bar on a terminal, redrawn in place with a carriage return at most ten times a
   * second and replaced by the epoch's plain {@link #line} when the epoch ends:
   *
   * <pre>
   * epoch 2/10 [=========&gt;          ] 211/469  2,415 img/s  ETA 0:13  loss 0.4321
   * </pre>
   *
   * <p>Batches done out of the epoch's total, the images per second so far, and the estimated time
   * left (the epoch's mean seconds per batch times the batches left). When the total is unknown
   * (the trainer got an {@code Iterable} that is neither a {@code BatchSource} nor a collection)
   * the bar shows the batches done without a total or an ETA.
   */
  final class Bar implements Progress {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int WIDTH = 20;

    private final PrintStream out;
    private int batches;
    private int epoch;
    private int epochs;
    private long lastDraw;
    private boolean drawn;

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
      if (drawn && now - lastDraw < REDRAW_NANOS && batch + 1 != batches) return;
      lastDraw = now;
      drawn = true;
      // \r to the line's start, the bar, then erase what a longer previous bar left to the right.
      out.print("\r" + render(epoch, epochs, batch + 1, batches, samples, seconds, runningLoss) + "\033[K");
      out.flush();
    }

    @Override
    public void epochEnd(EpochMetrics m, int total) {
      if (drawn) out.print("\r\033[K");
      drawn = false;
      out.println(line(m, total));
    }

    /**
     * The bar's text for {@code done} batches out of {@code total} (-1: unknown) after
     * {@code samples} images in {@code seconds}; no control characters.
     */
    static String render(int epoch, int epochs, int done, int total, long samples, double seconds, double loss) {
      StringBuilder s = new StringBuilder(96);
      s.append(String.format(Locale.ROOT, "epoch %d/%d ", epoch + 1, epochs));
      if (total > 0) {
        int filled = (int) Math.min(WIDTH, (long) WIDTH * done / total);
        s.append('[').append("=".repeat(filled));
        if (filled < WIDTH) s.append('>').append(" ".repeat(WIDTH - filled - 1));
        s.append("] ").append(done).append('/').append(total);
      } else {
        s.append(done).append(done == 1 ? " batch" : " batches");
      }
      s.append(String.format(Locale.ROOT, "  %,.0f img/s", seconds > 0 ? samples / seconds : 0.0));
      if (total > 0 && done > 0 && done < total) {
        s.append("  ETA ").append(clock(seconds / done * (total - done)));
      }
      s.append(String.format(Locale.ROOT, "  loss %.4f", loss));
      return s.toString();
    }

    /** Seconds as m:ss, or h:mm:ss from an hour up. */
    static String clock(double seconds) {
      long t = Math.round(Math.max(0, Math.min(seconds, 1e9)));
      long h = t / 3600, m = t / 60 % 60, sec = t % 60;
      return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
          : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }

    /**
     * Whether a live bar makes sense: a console exists, it is a terminal where Java can tell
     * (22 and newer have {@code Console.isTerminal()}; earlier versions give no console unless
     * the input and output are a terminal), and {@code TERM} is not {@code dumb}.
     */
    static boolean isTerminal(java.io.Console console, String term) {
      if (console == null || "dumb".equals(term)) return false;
      try {
        return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
      } catch (ReflectiveOperationException | RuntimeException e) {
        return true; // before Java 22 a console exists only on a terminal
      }
    }
  }
}
