package dev.cnn.cli;

import dev.cnn.data.DataLoader;
import dev.cnn.diagnose.ReportFigures;
import dev.cnn.layers.Model;
import dev.cnn.optim.LrRangeTest;
import dev.cnn.tensor.Parallel;
import dev.cnn.tensor.io.AtomicFiles;
import dev.cnn.tensor.io.Csv;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cnn lr-find [train options]}: the learning-rate range test ({@link LrRangeTest}) on the
 * model, optimiser and data that {@code cnn train} would use with the same options. It trains a
 * throw-away copy for a few hundred batches while the rate grows exponentially, prints the
 * suggested rate with a ready {@code cnn train} line, and writes the curve ({@code lr_find.csv},
 * {@code lr_find.png}). Nothing of a run is written or changed.
 */
@Command(name = "lr-find", mixinStandardHelpOptions = true,
    description = {"Find a learning rate: train a throw-away model for a few hundred batches while the rate grows"
        + " exponentially (--start to --end), and suggest the rate where the smoothed loss falls fastest.",
        "Takes every 'cnn train' option (dataset, model, optimizer, batch size, ...); --epochs, schedules, early"
            + " stopping and --resume do not apply. Writes lr_find.csv and lr_find.png to --out (default"
            + " runs/lr-find-<dataset>-<time>)."})
final class LrFindCommand extends TrainCommand {
  @Option(names = "--start", paramLabel = "LR", description = "The first learning rate (default 1e-7).")
  double start = 1e-7;

  @Option(names = "--end", paramLabel = "LR", description = "The last learning rate (default 10).")
  double end = 10;

  @Option(names = "--steps", paramLabel = "N", description = "Batches to train, at most (default 200).")
  int steps = 200;

  /** The curve's files. */
  static final String CSV = "lr_find.csv", PNG = "lr_find.png";

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    if (resume != null) {
      throw new IllegalArgumentException("--resume " + resume + ": lr-find trains a throw-away model and resumes"
          + " nothing; drop --resume");
    }
    if (!(start > 0 && end > start && Double.isFinite(end))) {
      throw new IllegalArgumentException("--start " + start + " --end " + end + ": expected 0 < --start < --end (e.g."
          + " --start 1e-7 --end 10)");
    }
    if (steps < 5) throw new IllegalArgumentException("--steps " + steps + ": expected at least 5 batches (200 is usual)");
    Path dir = out;
    if (dir == null) {
      String dataset = this.dataset == null ? "shapes" : this.dataset;
      dir = Path.of("runs", "lr-find-" + dataset.replaceAll("[^A-Za-z0-9._-]", "_") + "-"
          + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }
    RunDirectory.checkCreatable(dir, "--out " + dir);
    TrainingRun.Config c = TrainingRun.Config.from(this);
    Parallel.setThreads(c.threads());
    TrainingRun.RunData d = TrainingRun.RunData.of(c);
    Model model = TrainingRun.newModel(c, d.train(), d.names().size(), c.seed());
    LrRangeTest.Result r;
    try (DataLoader loader = TrainingRun.trainingLoader(c, d.train(), c.seed())) {
      stdout.println(String.format(Locale.ROOT, "lr-find: %s on %s, %s, batch %d: up to %d batches, lr %.3g to %.3g",
          c.model(), c.dataset(), c.optimizer(), c.batchSize(), steps, start, end));
      stdout.flush();
      r = LrRangeTest.run(model, TrainingRun.loss(c, d.train(), d.names()), TrainingRun.optimizer(c, model), loader,
          start, end, steps);
    }
    Files.createDirectories(dir);
    StringBuilder csv = new StringBuilder(Csv.row("step", "lr", "loss", "smoothed_loss"));
    for (int t = 0; t < r.lr().length; t++) csv.append(Csv.row(t, r.lr()[t], r.loss()[t], r.smoothed()[t]));
    AtomicFiles.writeString(dir.resolve(CSV), csv.toString());
    AtomicFiles.write(dir.resolve(PNG), ReportFigures.lrRangeTest(r));
    stdout.println(String.format(Locale.ROOT, "%d batches%s", r.lr().length, r.stopReason() == null ? ""
        : "; stopped: " + r.stopReason()));
    if (Double.isFinite(r.suggested())) {
      String lr = String.format(Locale.ROOT, "%.2g", r.suggested());
      stdout.println(String.format(Locale.ROOT, "suggested learning rate: %s (steepest descent of the smoothed loss);"
          + " min/10: %.2g", lr, r.minimumOver10()));
      stdout.println("try: " + TryLine.of(c.asMap(), List.of("--lr", lr)));
    } else {
      stdout.println("no suggestion: the loss did not fall before it diverged; try a lower --start");
    }
    stdout.println("wrote " + dir.resolve(CSV).toAbsolutePath() + " and " + PNG);
    stdout.flush();
    return 0;
  }
}
