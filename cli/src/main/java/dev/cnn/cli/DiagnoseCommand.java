package dev.cnn.cli;

import dev.cnn.data.AugmentationSpec;
import dev.cnn.data.DataLoader;
import dev.cnn.diagnose.Calibration;
import dev.cnn.diagnose.ConfidentLearning;
import dev.cnn.diagnose.DataQuality;
import dev.cnn.diagnose.Diagnosis;
import dev.cnn.diagnose.DiagnosisJson;
import dev.cnn.diagnose.Features;
import dev.cnn.diagnose.Finding;
import dev.cnn.diagnose.Gallery;
import dev.cnn.diagnose.LabelErrors;
import dev.cnn.diagnose.Predictions;
import dev.cnn.diagnose.Report;
import dev.cnn.diagnose.ReportInputs;
import dev.cnn.diagnose.RunEvidence;
import dev.cnn.optim.EpochMetrics;
import dev.cnn.optim.History;
import dev.cnn.tensor.Log;
import dev.cnn.tune.SearchSpace;
import dev.cnn.tune.StudyJournal;
import dev.cnn.tensor.Parallel;
import dev.cnn.tensor.io.AtomicFiles;
import dev.cnn.tensor.io.Csv;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cnn diagnose RUN}: why the run's model misclassifies. It rebuilds the run's splits from
 * its saved options, predicts every test image, and turns the run's history, its test predictions
 * and its class counts into findings ({@link Diagnosis}), each with its evidence, its advice and
 * a {@code cnn train} line to try; it prints them, writes {@code RUN/diagnosis.json} and the
 * HTML report.
 */
@Command(name = "diagnose", mixinStandardHelpOptions = true,
    description = {"Say why a trained run misclassifies: class imbalance, over- or underfitting, too little"
        + " training, a diverging or crawling learning rate, dead units, confusable classes, poor calibration;"
        + " each finding with its evidence, its advice and a cnn train line to try.",
        "Reads RUN (a 'cnn train --out' directory), rebuilds its training split and predicts its test split"
            + " (the dataset the run used, unless --dataset is given); writes RUN/diagnosis.json and the report."})
final class DiagnoseCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "RUN", description = "The --out directory of a finished 'cnn train' run.")
  Path run;

  @Option(names = "--dataset", paramLabel = "NAME",
      description = "Diagnose on another dataset with the same classes (default: the run's own).")
  String dataset;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Where to look first for fashion-mnist and mnist.")
  Path dataDir;

  @Option(names = "--out", paramLabel = "DIR", description = "Report directory (default RUN/report).")
  Path out;

  @Option(names = "--threads", paramLabel = "N", description = "Threads (default: the number of processors).")
  Integer threads;

  @Option(names = "--no-data-checks", description = "Skip the checks of the data itself (duplicates, test images"
      + " also in the training set, blank and outlying images, differences between training and test set).")
  boolean noDataChecks;

  @Option(names = "--label-errors", description = "Also look for mislabeled training images: K-fold training with"
      + " the run's options gives every training image an out-of-sample prediction, then confident learning flags"
      + " the suspects (RUN/label_errors.csv, a gallery and the estimated noise in the report).")
  boolean labelErrors;

  @Option(names = "--folds", paramLabel = "K", description = "Folds for --label-errors (default 5).")
  Integer folds;

  @Option(names = "--epochs", paramLabel = "N",
      description = "Epochs of each fold run for --label-errors (default: the run's best epoch).")
  Integer epochs;

  @Option(names = "--rank-by", paramLabel = "ORDER",
      description = "Order of the suspects for --label-errors: self-confidence (default) or normalized-margin.")
  String rankBy;

  @Option(names = "--filter-by", paramLabel = "FILTER",
      description = "Which images --label-errors flags: confident-margin (default: as many as confident learning"
      + " estimates are wrong, those whose given label trails another class most, in units of each class's typical"
      + " confidence) or noise-rate (the paper's pruning, cell by cell of the estimated noise).")
  String filterBy;

  @Option(names = "--spark", paramLabel = "MASTER",
      description = "With --label-errors: train the folds as Spark tasks (local[N], spark://HOST:7077, or 'submit' under"
          + " spark-submit); the run directory and the dataset must be readable from every node.")
  String spark;

  /** Reliability-diagram bins over the confidence [0, 1]. */
  static final int CALIBRATION_BINS = 10;

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    RunFiles files = RunFiles.finished(run);
    if (threads != null) {
      RunChecks.threads(threads);
      Parallel.setThreads(threads);
    }
    TrainingRun.Config c = files.config();
    if (dataset != null || dataDir != null) c = c.withData(dataset != null ? dataset : c.dataset(), dataDir);
    Path reportDir = out != null ? out : run.resolve("report");
    RunDirectory.checkCreatable(reportDir, "--out " + reportDir);

    ConfidentLearning.Options labelErrorOptions = labelErrorOptions();

    ModelDir md = ModelDir.load(run);
    TrainingRun.RunData d = TrainingRun.RunData.of(c, md.classNames());
    Predictions predictions;
    try (DataLoader test = DataLoader.builder(d.test()).batchSize(256).shuffle(false).build()) {
      predictions = Predictions.of(md.model(), test);
    }
    Calibration.Reliability reliability = Calibration.of(predictions.confidence(), predictions.correct(),
        CALIBRATION_BINS);
    RunEvidence evidence = new RunEvidence(d.names(), files.history(), c.epochs(), files.stopReason(), d.counts(),
        predictions.confusion(), DiagnosticsFile.read(run), reliability.ece());
    List<Finding> findings = new java.util.ArrayList<>(Diagnosis.findings(evidence));
    DataQuality data = null;
    if (!noDataChecks) {
      long start = System.nanoTime();
      float[][] trainFeatures, testFeatures;
      try (DataLoader train = DataLoader.builder(d.train()).batchSize(256).shuffle(false).build();
           DataLoader test = DataLoader.builder(d.test()).batchSize(256).shuffle(false).build()) {
        trainFeatures = Features.penultimate(md.model(), train);
        testFeatures = Features.penultimate(md.model(), test);
      }
      data = DataQuality.of(d.train(), d.test(), trainFeatures, testFeatures, d.trainIndices());
      findings.addAll(Diagnosis.dataFindings(data, d.names()));
      Log.info(String.format(Locale.ROOT, "data checks: %.1f s", (System.nanoTime() - start) / 1e9));
    }
    LabelErrors labelErrorResult = null;
    Gallery labelErrorGallery = null;
    if (labelErrors) {
      int k = folds != null ? folds : LabelErrorSearch.DEFAULT_FOLDS;
      int e = epochs != null ? epochs : files.bestEpoch();
      stdout.println(String.format(Locale.ROOT, "label errors: %d-fold training of %d images for %d epochs each",
          k, d.train().size(), e));
      stdout.flush();
      double[][] probs = LabelErrorSearch.outOfSample(c.withEpochs(e), d.train(), d.trainIndices(), k,
          run.resolve(LabelErrorSearch.DIR), stdout, spark == null ? null : new SparkFolds(spark, run, dataset, dataDir, e));
      ConfidentLearning.Result result = ConfidentLearning.find(probs, d.train().labels(), d.names().size(),
          labelErrorOptions);
      Path csv = run.resolve(LABEL_ERRORS_CSV);
      labelErrorResult = new LabelErrors(d.names(), d.train().size(), k, e, result, csv.toString());
      writeLabelErrors(csv, result, d, probs);
      labelErrorGallery = Gallery.labelErrors(labelErrorResult, d.train(), probs, d.trainIndices(),
          Gallery.LABEL_ERRORS_COUNT);
      Finding f = Diagnosis.labelErrors(labelErrorResult);
      if (f != null) findings.add(f);
    }
    findings.sort(java.util.Comparator.comparing((Finding x) -> x.severity()).reversed()
        .thenComparing(x -> x.kind().ordinal()));
    print(stdout, findings, files.options());
    Map<String, Object> shownConfig = new java.util.LinkedHashMap<>();
    for (String key : List.of("dataset", "model", "epochs", "batch_size", "optimizer", "lr", "lr_schedule",
        "class_weights", "oversample", "subsample", "augment", "val_split", "early_stopping", "seed")) {
      shownConfig.put(key, files.options().get(key));
    }
    ReportInputs.Builder report = ReportInputs.builder(evidence, findings)
        .runName(run.toAbsolutePath().normalize().getFileName().toString())
        .config(shownConfig)
        .trainCommand(TryLine.without(files.options(),
            findings.stream().flatMap(f -> f.tryFlags().stream()).toList()))
        .reliability(reliability.ece(), reliability.binConfidence(), reliability.binAccuracy(), reliability.binCounts())
        .testCounts(counts(d.test(), d.names().size()))
        .labelErrors(labelErrorResult);
    if (labelErrorGallery != null) report.galleries(List.of(labelErrorGallery));
    Object studyDir = files.options().get("study");
    if (studyDir != null && !studyDir.toString().isBlank()) {
      Path journal = Path.of(studyDir.toString()).resolve(StudyJournal.FILE);
      if (Files.isRegularFile(journal)) {
        StudyJournal.Contents sc = StudyJournal.read(journal);
        @SuppressWarnings("unchecked")
        List<String> specs = (List<String>) sc.definition().get("search");
        String objectiveName = String.valueOf(sc.definition().get("objective"));
        report.study(new ReportInputs.Study(studyDir.toString(), SearchSpace.parse(specs), sc.trials(),
            TuneCommand.OBJECTIVES.get(objectiveName), objectiveName,
            ((Number) sc.definition().get("seed")).longValue()));
      } else {
        Log.warn("the run came from the study " + studyDir + ", which is gone; the report leaves it out");
      }
    }
    report.galleries(Gallery.standard(predictions, d.test()));
    if (data != null) report.galleries(Gallery.data(data, d.train(), d.test()));
    if (!c.augment().isEmpty()) {
      report.augmentation(d.train(), AugmentationSpec.parse(c.augment(), d.train()), c.augment(), c.seed());
    }
    Path index = Report.write(reportDir, report.build());
    DiagnosisJson.write(run.resolve(DIAGNOSIS), evidence, findings, labelErrorResult, data);
    stdout.println();
    stdout.println("wrote " + run.resolve(DIAGNOSIS).toAbsolutePath() + " and the report " + index.toAbsolutePath());
    stdout.flush();
    return 0;
  }

  /** The suspected label errors, most suspect first. */
  static final String LABEL_ERRORS_CSV = "label_errors.csv";

  /** Checks the --label-errors options; returns confident learning's options. */
  private ConfidentLearning.Options labelErrorOptions() {
    ConfidentLearning.Options options = ConfidentLearning.Options.defaults();
    if (!labelErrors) {
      for (Object[] o : new Object[][] {{"--folds", folds}, {"--epochs", epochs}, {"--rank-by", rankBy},
          {"--filter-by", filterBy}, {"--spark", spark}}) {
        if (o[1] != null) {
          throw new IllegalArgumentException(o[0] + " " + o[1] + " sets up the label-error search, which is off; add"
              + " --label-errors, or drop " + o[0]);
        }
      }
      return options;
    }
    if (epochs != null && epochs < 1) {
      throw new IllegalArgumentException("--epochs " + epochs + ": expected at least 1 epoch per fold run");
    }
    if (folds != null && folds < 2) {
      throw new IllegalArgumentException("--folds " + folds + ": expected 2 or more folds (5 is usual)");
    }
    if (rankBy != null) {
      options = options.withRanking(switch (rankBy) {
        case "self-confidence" -> ConfidentLearning.Ranking.SELF_CONFIDENCE;
        case "normalized-margin" -> ConfidentLearning.Ranking.NORMALIZED_MARGIN;
        default -> throw new IllegalArgumentException("--rank-by " + rankBy
            + ": expected self-confidence or normalized-margin");
      });
    }
    if (filterBy != null) {
      options = options.withFilter(switch (filterBy) {
        case "confident-margin" -> ConfidentLearning.Filter.LOW_CONFIDENT_MARGIN;
        case "noise-rate" -> ConfidentLearning.Filter.PRUNE_BY_NOISE_RATE;
        default -> throw new IllegalArgumentException("--filter-by " + filterBy
            + ": expected confident-margin or noise-rate");
      });
    }
    return options;
  }

  /**
   * label_errors.csv: rank, index (position in the dataset's training split), file (where the
   * dataset has one), given label, suggested label, the given label's out-of-sample probability
   * and the suggested one's.
   */
  private static void writeLabelErrors(Path csv, ConfidentLearning.Result result, TrainingRun.RunData d,
      double[][] probs) throws IOException {
    StringBuilder sb = new StringBuilder(Csv.row("rank", ExcludeList.INDEX, ExcludeList.FILE, "given_label",
        "suggested_label", "given_probability", "suggested_probability"));
    List<String> names = d.names();
    for (ConfidentLearning.Suspect s : result.suspects()) {
      int i = s.index();
      sb.append(Csv.row(s.rank(), d.trainIndices()[i], d.train().source(i).orElse(""), names.get(s.givenLabel()),
          names.get(s.suggestedLabel()), String.format(Locale.ROOT, "%.4f", s.givenProbability()),
          String.format(Locale.ROOT, "%.4f", probs[i][s.suggestedLabel()])));
    }
    AtomicFiles.writeString(csv, sb.toString());
  }

  private static int[] counts(dev.cnn.data.Dataset d, int classes) {
    return dev.cnn.data.ClassBalance.counts(d.labels(), classes);
  }

  /** The findings file in a run directory. */
  static final String DIAGNOSIS = "diagnosis.json";

  /** One line per finding, most severe first, each with the command to try. */
  static void print(PrintWriter out, List<Finding> findings, Map<String, Object> options) {
    long serious = findings.stream().filter(f -> f.severity() != dev.cnn.diagnose.Severity.INFO).count();
    out.println(findings.isEmpty() ? "diagnosis: nothing found that explains the errors"
        : String.format(Locale.ROOT, "diagnosis: %d finding%s (%d warning or critical)", findings.size(),
            findings.size() == 1 ? "" : "s", serious));
    for (Finding f : findings) {
      out.println(String.format(Locale.ROOT, "  %-8s %s", f.severity().key(), f.title()));
      if (!f.tryFlags().isEmpty()) out.println("           try: " + TryLine.of(options, f.tryFlags()));
    }
  }

  /** The files of a finished run that the diagnosis reads, checked with one message per problem. */
  record RunFiles(Path dir, Map<String, Object> options, List<EpochMetrics> history, String stopReason) {
    static RunFiles finished(Path dir) throws IOException {
      String shown = "RUN " + dir;
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException(shown + ": no such directory; cnn diagnose takes the --out directory of a"
            + " 'cnn train' run");
      }
      if (!Files.isRegularFile(dir.resolve(RunDirectory.OPTIONS))) {
        throw new IllegalArgumentException(shown + ": not a run directory (no " + RunDirectory.OPTIONS + "); cnn"
            + " diagnose takes the --out directory of a 'cnn train' run");
      }
      Map<String, Object> options = RunDirectory.readOptions(dir);
      for (String f : List.of(TrainingRun.METRICS, ModelDir.WEIGHTS, "history.json")) {
        if (!Files.isRegularFile(dir.resolve(f))) {
          throw new IllegalArgumentException(shown + ": the run has not finished (no " + f + "); finish it with"
              + " 'cnn train --resume " + dir + "', then diagnose it");
        }
      }
      List<EpochMetrics> history;
      String stop;
      try {
        history = History.parseJson(Files.readString(dir.resolve("history.json")));
        var metrics = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve(TrainingRun.METRICS).toFile());
        stop = metrics.hasNonNull("stop_reason") ? metrics.get("stop_reason").asText() : null;
      } catch (IOException e) {
        throw new IllegalArgumentException(shown + ": a damaged run file (" + e.getMessage() + "); train the run"
            + " again");
      }
      if (history.isEmpty()) throw new IllegalArgumentException(shown + ": its history has no epochs");
      return new RunFiles(dir, options, history, stop);
    }

    /** The epoch the run kept (metrics.json's best_epoch, 1-based), or the epochs it ran. */
    int bestEpoch() throws IOException {
      var metrics = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve(TrainingRun.METRICS).toFile());
      int best = metrics.path("best_epoch").asInt(0);
      return best > 0 ? best : history.size();
    }

    TrainingRun.Config config() throws IOException {
      TrainCommand command = new TrainCommand();
      command.resume = dir;
      return TrainingRun.Config.from(command);
    }
  }
}
