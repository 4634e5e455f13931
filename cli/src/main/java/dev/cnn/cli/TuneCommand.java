package dev.cnn.cli;

import dev.cnn.data.DataLoader;
import dev.cnn.data.Dataset;
import dev.cnn.data.Splits;
import dev.cnn.diagnose.StudyFigures;
import dev.cnn.layers.ClassificationLoss;
import dev.cnn.layers.Model;
import dev.cnn.optim.Callback;
import dev.cnn.optim.EpochMetrics;
import dev.cnn.optim.Evaluation;
import dev.cnn.optim.Evaluator;
import dev.cnn.optim.Progress;
import dev.cnn.optim.TerminateOnDivergence;
import dev.cnn.optim.TerminateOnNaN;
import dev.cnn.optim.TrainingContext;
import dev.cnn.tensor.Log;
import dev.cnn.tensor.Parallel;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.io.AtomicFiles;
import dev.cnn.tensor.io.Csv;
import dev.cnn.tune.BayesSampler;
import dev.cnn.tune.Direction;
import dev.cnn.tune.GridSampler;
import dev.cnn.tune.MedianPruner;
import dev.cnn.tune.RandomSampler;
import dev.cnn.tune.Sampler;
import dev.cnn.tune.SearchSpace;
import dev.cnn.tune.StudyJournal;
import dev.cnn.tune.Trial;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cnn tune [train options] --search NAME=SPEC ...}: hyperparameter search. Each trial is a
 * {@code cnn train} with the options given plus one point of the search space, scored on
 * validation data (a {@code --val-split}, or {@code --folds K} stratified folds); the sampler
 * (grid, random, or Bayesian optimisation with a Gaussian process) picks the next point from the
 * finished trials. Every finished trial is appended to {@code STUDY/study.jsonl} at once, so a
 * killed study goes on with {@code --resume STUDY} without running a finished trial again; the
 * same seed gives the same sequence of trials. Writes {@code trials.csv} and {@code best.json}, and
 * prints the best trial as a ready {@code cnn train} line.
 */
@Command(name = "tune", mixinStandardHelpOptions = true,
    description = {"Search hyperparameters: each trial trains with the given cnn train options plus one point of"
        + " the search space and is scored on validation data; the best is printed as a cnn train line.",
        "Search space (--search, repeatable): lr=log:1e-4..1e-1 (log-scaled), momentum=0..0.9 (continuous),"
            + " epochs=int:2..6 (integer), batch-size=32,64,128 and optimizer=adam,sgd (choices). Names are cnn"
            + " train options without the dashes.",
        "Writes STUDY/study.jsonl (every trial as soon as it ends), trials.csv and best.json; --resume STUDY goes on"
            + " after a crash."})
final class TuneCommand extends TrainCommand {
  @Option(names = "--search", paramLabel = "NAME=SPEC", description = "A parameter and its range or choices.")
  List<String> search = new ArrayList<>();

  @Option(names = "--search-file", paramLabel = "FILE.json",
      description = "The search space as JSON: {\"lr\": \"log:1e-4..1e-1\", \"batch-size\": \"32,64,128\"} (with or"
          + " instead of --search).")
  Path searchFile;

  @Option(names = "--trials", paramLabel = "N", description = "Trials to run in all (default 20).")
  Integer trials;

  @Option(names = "--strategy", paramLabel = "NAME", description = "grid, random or bayes (default bayes).")
  String strategy;

  @Option(names = "--objective", paramLabel = "METRIC",
      description = "val_accuracy (default), val_loss, macro_f1 or min_recall (the worst class's recall).")
  String objective;

  @Option(names = "--folds", paramLabel = "K",
      description = "Score each trial by stratified K-fold cross-validation instead of one --val-split.")
  Integer folds;

  @Option(names = "--prune", description = "Stop a trial whose validation curve is behind the median of the"
      + " completed trials at the same epoch (the median stopping rule).")
  boolean prune;

  // --spark (inherited from cnn train): here it runs the trials as Spark tasks, a round of --parallel
  // trials at a time, the journal staying on the driver.

  @Option(names = "--parallel", paramLabel = "N",
      description = "With --spark: trials per round (default: the cluster's default parallelism). Bayesian search"
          + " proposes a round's points by the constant liar (each pending point counted as the best value so far).")
  Integer parallel;

  /** Objectives and whether larger is better. */
  static final Map<String, Direction> OBJECTIVES = Map.of("val_accuracy", Direction.MAXIMIZE, "val_loss",
      Direction.MINIMIZE, "macro_f1", Direction.MAXIMIZE, "min_recall", Direction.MAXIMIZE);
  /** Points per continuous parameter of a grid search. */
  static final int GRID_POINTS = 5;
  /** Options of cnn tune itself, which a trial's cnn train line leaves out. */
  private static final List<String> OWN = List.of("--search", "--search-file", "--trials", "--strategy", "--objective", "--folds",
      "--prune", "--out", "--resume", "--overwrite", "--no-report", "--threads", "--spark", "--parallel");
  /** Train options a search may not vary: they name files or change nothing a trial computes. */
  private static final List<String> NOT_SEARCHABLE = List.of("out", "resume", "overwrite", "threads", "no-report",
      "data-dir", "diagnostics", "exclude", "preset", "spark", "workers", "sync-every");

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    List<String> base = baseArguments();
    Path dir = resume != null ? resume : out != null ? out : Path.of("runs", "study-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Path journal = dir.resolve(StudyJournal.FILE);
    Map<String, Object> definition;
    List<Trial> done = new ArrayList<>();
    if (resume != null) {
      if (!Files.isRegularFile(journal)) {
        throw new IllegalArgumentException("--resume " + resume + ": not a study (no " + StudyJournal.FILE + "); give"
            + " the directory of a 'cnn tune' study");
      }
      StudyJournal.Contents c = StudyJournal.read(journal);
      definition = c.definition();
      Map<String, Object> now = definition(base);
      for (String key : List.of("search", "strategy", "objective", "seed", "folds", "prune", "train")) {
        Object given = now.get(key), saved = definition.get(key);
        boolean asked = switch (key) {
          case "search" -> !search.isEmpty();
          case "train" -> !base.isEmpty();
          case "strategy" -> strategy != null;
          case "objective" -> objective != null;
          case "seed" -> seed != null;
          case "folds" -> folds != null;
          default -> prune; // "prune"
        };
        if (asked && !String.valueOf(given).equals(String.valueOf(saved))) {
          throw new IllegalArgumentException("--resume " + resume + ": the study was started with " + key + " "
              + saved + ", not " + given + "; a resumed study keeps its definition (only --trials and --threads may"
              + " be given again)");
        }
      }
      done.addAll(c.trials());
    } else {
      if (Files.exists(journal)) {
        throw new IllegalArgumentException("--out " + dir + " holds a study already; continue it with --resume " + dir
            + ", or choose another --out");
      }
      definition = definition(base);
    }
    @SuppressWarnings("unchecked")
    List<String> specs = (List<String>) definition.get("search");
    @SuppressWarnings("unchecked")
    List<String> trainArgs = (List<String>) definition.get("train");
    SearchSpace space = SearchSpace.parse(specs);
    String strategyName = (String) definition.get("strategy");
    String objectiveName = (String) definition.get("objective");
    Direction direction = OBJECTIVES.get(objectiveName);
    int k = ((Number) definition.get("folds")).intValue();
    boolean pruning = Boolean.TRUE.equals(definition.get("prune"));
    long seed = ((Number) definition.get("seed")).longValue();
    int budget = trials != null ? trials : 20;
    if (budget < 1) throw new IllegalArgumentException("--trials " + budget + ": expected at least 1 trial");
    checkSearchable(space, trainArgs);
    if (resume == null) {
      RunDirectory.checkCreatable(dir, "--out " + dir);
      StudyJournal.create(journal, definition);
    }
    if (threads != null) Parallel.setThreads(threads);
    Sampler sampler = sampler(strategyName);
    Rng root = new Rng(seed);
    for (int t = 0; t < done.size(); t++) root.split(); // trial t draws from the t-th split, resumed or not
    stdout.println(String.format(Locale.ROOT, "study %s: %s search of %s, %d trials, objective %s%s%s", dir,
        strategyName, String.join(" ", specs), budget, objectiveName, k > 0 ? ", " + k + "-fold" : "",
        pruning ? ", median pruning" : ""));
    if (!done.isEmpty()) stdout.println("resuming after " + done.size() + " finished trials");
    stdout.flush();
    if (workers != null || syncEvery != null) {
      throw new IllegalArgumentException((workers != null ? "--workers" : "--sync-every") + " is for 'cnn train --spark'"
          + " (one data-parallel run); 'cnn tune --spark' runs each trial as one Spark task: drop it");
    }
    if (spark != null) {
      if (pruning) {
        throw new IllegalArgumentException("--prune cannot be used with --spark: the median rule compares a running trial"
            + " with finished ones, and a round's trials run at once; drop --prune");
      }
      if (parallel != null && parallel < 1) throw new IllegalArgumentException("--parallel " + parallel + ": expected >= 1");
      SparkTrials.run(spark, parallel, sampler, space, done, budget, root, direction, trainArgs, objectiveName, k,
          (trial, seconds) -> record(journal, dir, done, trial, seconds, budget, direction, trainArgs, stdout));
    } else {
      for (int t = done.size(); t < budget; t++) {
        Map<String, String> params;
        try {
          params = sampler.suggest(space, done, direction, root.split());
        } catch (IllegalStateException e) { // the grid is exhausted
          stdout.println(e.getMessage());
          break;
        }
        long start = System.nanoTime();
        Trial trial = runTrial(t, params, trainArgs, objectiveName, direction, k, pruning ? done : null);
        record(journal, dir, done, trial, (System.nanoTime() - start) / 1e9, budget, direction, trainArgs, stdout);
      }
    }
    writeFigures(dir, space, done, direction, objectiveName, seed);
    Trial best = best(done, direction);
    if (best == null) {
      stdout.println("no trial completed: every one failed or was pruned");
      return 1;
    }
    stdout.println();
    stdout.println(String.format(Locale.ROOT, "best: trial %d, %s %.4f with %s", best.number() + 1, objectiveName,
        best.value(), describe(best.params())));
    stdout.println("train it: " + trainLine(trainArgs, best.params()) + " --study " + shellWord(dir.toString()));
    stdout.println("wrote " + dir.toAbsolutePath() + "/{" + StudyJournal.FILE + ", trials.csv, best.json, "
        + BEST_SO_FAR + ", objective-*.png" + (space.parameters().size() == 1 ? ", " + GP + " when continuous" : "")
        + "}");
    stdout.flush();
    return 0;
  }

  /** The study's definition: what a resumed study must share. */
  /** A finished trial: into the journal (the driver's only record of it), the outputs, and one line. */
  private static void record(Path journal, Path dir, List<Trial> done, Trial trial, double seconds, int budget,
      Direction direction, List<String> trainArgs, PrintWriter stdout) throws IOException {
    StudyJournal.append(journal, trial, seconds);
    done.add(trial);
    writeOutputs(dir, done, direction, trainArgs);
    Trial best = best(done, direction);
    stdout.println(String.format(Locale.ROOT, "trial %d/%d  %-8s %s  %s  (%.0f s)   best %s (trial %d)", trial.number() + 1,
        budget, trial.state().name().toLowerCase(Locale.ROOT), Double.isNaN(trial.value()) ? "   -   "
            : String.format(Locale.ROOT, "%.4f", trial.value()), describe(trial.params()), seconds,
        best == null ? "-" : String.format(Locale.ROOT, "%.4f", best.value()), best == null ? -1 : best.number() + 1));
    stdout.flush();
  }

  private Map<String, Object> definition(List<String> base) throws IOException {
    String s = strategy != null ? strategy : "bayes";
    if (!List.of("grid", "random", "bayes").contains(s)) {
      throw new IllegalArgumentException("--strategy " + s + ": expected grid, random or bayes");
    }
    String o = objective != null ? objective : "val_accuracy";
    if (!OBJECTIVES.containsKey(o)) {
      throw new IllegalArgumentException("--objective " + o + ": expected val_accuracy, val_loss, macro_f1 or"
          + " min_recall");
    }
    if (searchFile != null) search.addAll(readSearchFile(searchFile));
    if (search.isEmpty() && resume == null) {
      throw new IllegalArgumentException("no --search: give at least one parameter to search, e.g. --search"
          + " lr=log:1e-4..1e-1");
    }
    int k = folds == null ? 0 : folds;
    if (folds != null && folds < 2) throw new IllegalArgumentException("--folds " + folds + ": expected 2 or more");
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("search", List.copyOf(search));
    d.put("strategy", s);
    d.put("objective", o);
    d.put("seed", seed != null ? seed : 42L);
    d.put("folds", k);
    d.put("prune", prune);
    d.put("train", base);
    return d;
  }

  /**
   * The specs of a JSON search file: an object from parameter name to spec string, as
   * {@code {"lr": "log:1e-4..1e-1", "optimizer": "adam,sgd"}}; a list of values stands for choices.
   */
  static List<String> readSearchFile(Path file) throws IOException {
    String shown = "--search-file " + file;
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(shown + ": no such file; expected a JSON object such as {\"lr\":"
          + " \"log:1e-4..1e-1\"}");
    }
    com.fasterxml.jackson.databind.JsonNode root;
    try {
      root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException(shown + ": not valid JSON (" + e.getMessage().split("\n")[0] + ")");
    }
    if (root == null || !root.isObject() || root.size() == 0) {
      throw new IllegalArgumentException(shown + ": expected a JSON object of parameter name to range, such as"
          + " {\"lr\": \"log:1e-4..1e-1\", \"batch-size\": \"32,64,128\"}");
    }
    List<String> specs = new ArrayList<>();
    root.fields().forEachRemaining(e -> {
      com.fasterxml.jackson.databind.JsonNode v = e.getValue();
      if (v.isArray()) {
        List<String> values = new ArrayList<>();
        v.forEach(x -> values.add(x.asText()));
        specs.add(e.getKey() + "=" + String.join(",", values));
      } else if (v.isValueNode()) {
        specs.add(e.getKey() + "=" + v.asText());
      } else {
        throw new IllegalArgumentException(shown + ": \"" + e.getKey() + "\" is " + v.getNodeType().name()
            .toLowerCase(Locale.ROOT) + "; expected a string such as \"log:1e-4..1e-1\" or a list of choices");
      }
    });
    return specs;
  }

  /** The command line's own train options: everything but cnn tune's options and their values. */
  private List<String> baseArguments() {
    List<String> original = spec.commandLine().getParseResult().originalArgs();
    // The parse result holds the whole command line: this command's arguments follow its name.
    original = original.subList(original.indexOf(spec.name()) + 1, original.size());
    List<String> out = new ArrayList<>();
    for (int i = 0; i < original.size(); i++) {
      String a = original.get(i), name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      if (OWN.contains(name)) {
        boolean takesValue = !name.equals("--prune") && !name.equals("--overwrite") && !name.equals("--no-report");
        if (takesValue && !a.contains("=")) i++;
        continue;
      }
      out.add(a);
    }
    return out;
  }

  /**
   * Every parameter must be a cnn train option that a search may vary, and every value at the ends
   * of its range or among its choices must be one cnn train accepts: checked before any training.
   */
  private static void checkSearchable(SearchSpace space, List<String> trainArgs) throws IOException {
    CommandLine.Model.CommandSpec train = new CommandLine(new TrainCommand()).getCommandSpec();
    for (String name : space.names()) {
      if (train.findOption("--" + name) == null || NOT_SEARCHABLE.contains(name)) {
        throw new IllegalArgumentException("--search " + name + "=...: cnn train has no option --" + name + " that a"
            + " search can vary; use the name of a cnn train option without the dashes (lr, batch-size, optimizer,"
            + " momentum, weight-decay, epochs, model, augment, class-weights, ...)");
      }
    }
    for (Map<String, String> corner : space.grid(2)) {
      try {
        TrainingRun.Config.from(trainCommand(trainArgs, corner));
      } catch (IllegalArgumentException | CommandLine.ParameterException e) {
        throw new IllegalArgumentException("--search: cnn train refuses " + describe(corner) + ": " + e.getMessage());
      }
    }
  }

  /** A cnn train command line parsed: the base arguments, then the trial's parameters (which win). */
  static TrainCommand trainCommand(List<String> trainArgs, Map<String, String> params) {
    TrainCommand c = new TrainCommand();
    CommandLine cl = new CommandLine(c);
    cl.setOverwrittenOptionsAllowed(true);
    List<String> args = new ArrayList<>(trainArgs);
    params.forEach((k, v) -> {
      args.add("--" + k);
      args.add(v);
    });
    cl.parseArgs(args.toArray(new String[0]));
    return c;
  }

  private static Sampler sampler(String name) {
    return switch (name) {
      case "grid" -> new GridSampler(GRID_POINTS);
      case "random" -> new RandomSampler();
      default -> new BayesSampler();
    };
  }

  /**
   * Trains one trial and scores it: with {@code folds == 0} on the run's validation split (a
   * {@code --val-split} of 0.1 when none is given), else the mean over stratified folds of each
   * fold's best epoch. The curve is the objective per epoch (the first fold's, with folds).
   *
   * @param pruneAgainst the finished trials to prune against, or null (no pruning)
   */
  static Trial runTrial(int number, Map<String, String> params, List<String> trainArgs, String objective,
      Direction direction, int folds, List<Trial> pruneAgainst) throws IOException {
    TrainCommand command = trainCommand(trainArgs, params);
    if (command.valSplit == null && folds == 0) command.valSplit = 0.1;
    TrainingRun.Config c = TrainingRun.Config.from(command);
    TrainingRun.RunData d = TrainingRun.RunData.of(c);
    List<Double> firstCurve = null;
    double sum = 0;
    try {
      if (folds == 0) {
        Scored s = fit(c, d.train(), d.validation(), d.names(), objective, direction, pruneAgainst);
        if (s.pruned()) return Trial.pruned(number, params, s.curve());
        return finite(s.best()) ? Trial.complete(number, params, s.best(), s.curve())
            : Trial.failed(number, params, s.curve());
      }
      Dataset all = d.train(); // the folds cover the run's training images (a --val-split part stays out)
      List<Splits.Split> splits = Splits.stratifiedKFold(all.labels(), folds, new Rng(c.seed()).split());
      for (Splits.Split split : splits) {
        Scored s = fit(c, all.subset(split.train()), all.subset(split.validation()), d.names(), objective, direction,
            firstCurve == null ? pruneAgainst : null);
        if (firstCurve == null) firstCurve = s.curve();
        if (s.pruned()) return Trial.pruned(number, params, firstCurve);
        if (!finite(s.best())) return Trial.failed(number, params, firstCurve);
        sum += s.best();
      }
      return Trial.complete(number, params, sum / folds, firstCurve);
    } catch (RuntimeException e) {
      Log.warn("trial " + (number + 1) + " failed: " + e.getMessage());
      return Trial.failed(number, params, firstCurve == null ? List.of() : firstCurve);
    }
  }

  private static boolean finite(double v) {
    return Double.isFinite(v);
  }

  /** One fit's curve and its best value, and whether pruning stopped it. */
  private record Scored(List<Double> curve, double best, boolean pruned) {}

  private static Scored fit(TrainingRun.Config c, Dataset train, Dataset validation, List<String> names,
      String objective, Direction direction, List<Trial> pruneAgainst) throws IOException {
    Model model = TrainingRun.newModel(c, train, names.size(), c.seed());
    ClassificationLoss loss = TrainingRun.loss(c, train, names);
    List<Double> curve = new ArrayList<>();
    boolean[] pruned = {false};
    try (DataLoader val = DataLoader.builder(validation).batchSize(256).shuffle(false).build();
         DataLoader loader = TrainingRun.trainingLoader(c, train, c.seed())) {
      List<Callback> callbacks = new ArrayList<>(List.of(new TerminateOnNaN(), new TerminateOnDivergence()));
      callbacks.add(new Callback() {
        @Override
        public void onEpochEnd(TrainingContext ctx, EpochMetrics m) {
          curve.add(score(objective, m, ctx.model(), loss, val, names));
          if (pruneAgainst != null && MedianPruner.shouldPrune(pruneAgainst, curve, direction)) {
            pruned[0] = true;
            ctx.requestStop("pruned: behind the median of the completed trials at epoch " + curve.size());
          }
        }
      });
      callbacks.addAll(TrainingRun.monitors(c));
      TrainingRun.trainer(c, model, loss, TrainingRun.optimizer(c, model))
          .callbacks(callbacks.toArray(new Callback[0])).progress(Progress.none()).build().fit(loader, val);
    }
    double best = Double.NaN;
    for (double v : curve) if (!Double.isNaN(v) && (Double.isNaN(best) || direction.better(v, best))) best = v;
    return new Scored(curve, best, pruned[0]);
  }

  /** The objective after an epoch: from the epoch's metrics, or (F1, recall) by evaluating the validation data. */
  private static double score(String objective, EpochMetrics m, Model model, ClassificationLoss loss,
      DataLoader val, List<String> names) {
    switch (objective) {
      case "val_accuracy":
        return m.valAccuracy();
      case "val_loss":
        return m.valLoss();
      default:
        Evaluation e = Evaluator.evaluate(model, loss, val, names);
        double sum = 0, min = Double.POSITIVE_INFINITY;
        for (Evaluation.ClassScore s : e.perClass()) {
          sum += s.f1();
          min = Math.min(min, s.recall());
        }
        return objective.equals("macro_f1") ? sum / e.perClass().size() : min;
    }
  }

  static Trial best(List<Trial> trials, Direction direction) {
    Trial best = null;
    for (Trial t : trials) {
      if (t.state() == Trial.State.COMPLETE && (best == null || direction.better(t.value(), best.value()))) best = t;
    }
    return best;
  }

  private static String describe(Map<String, String> params) {
    List<String> parts = new ArrayList<>();
    params.forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(" ", parts);
  }

  /** {@code cnn train <base arguments> --param value ...}. */
  static String trainLine(List<String> trainArgs, Map<String, String> params) {
    List<String> words = new ArrayList<>(List.of("cnn", "train"));
    words.addAll(trainArgs);
    params.forEach((k, v) -> {
      words.add("--" + k);
      words.add(v);
    });
    StringBuilder sb = new StringBuilder();
    for (String w : words) {
      if (sb.length() > 0) sb.append(' ');
      sb.append(shellWord(w));
    }
    return sb.toString();
  }

  /** A word as a POSIX shell takes it: as it is, or single-quoted. */
  private static String shellWord(String w) {
    return w.matches("[A-Za-z0-9_./:=,+@%-]+") ? w : "'" + w.replace("'", "'\\''") + "'";
  }

  /** The study's figures. */
  static final String BEST_SO_FAR = "best-so-far.png", GP = "gaussian-process.png";

  /** The best value by trial, the objective against each parameter, and the GP of a one-parameter search. */
  private static void writeFigures(Path dir, SearchSpace space, List<Trial> trials, Direction direction,
      String objective, long seed) throws IOException {
    AtomicFiles.write(dir.resolve(BEST_SO_FAR), StudyFigures.bestSoFar(trials, direction, objective));
    for (dev.cnn.tune.Parameter p : space.parameters()) {
      AtomicFiles.write(dir.resolve("objective-" + p.name().replaceAll("[^A-Za-z0-9_-]", "_") + ".png"),
          StudyFigures.objectiveAgainst(p, trials, objective));
    }
    byte[] gp = StudyFigures.gaussianProcess(space, trials, objective, seed);
    if (gp != null) AtomicFiles.write(dir.resolve(GP), gp);
  }

  /** trials.csv (one row per trial) and best.json (the best trial and its cnn train line), atomically. */
  private static void writeOutputs(Path dir, List<Trial> trials, Direction direction, List<String> trainArgs)
      throws IOException {
    List<String> names = trials.isEmpty() ? List.of() : new ArrayList<>(trials.get(0).params().keySet());
    List<String> header = new ArrayList<>(List.of("trial", "state", "value", "epochs"));
    header.addAll(names);
    StringBuilder csv = new StringBuilder(Csv.row(header));
    for (Trial t : trials) {
      List<String> row = new ArrayList<>(List.of(Integer.toString(t.number() + 1),
          t.state().name().toLowerCase(Locale.ROOT), Double.isNaN(t.value()) ? "" : Double.toString(t.value()),
          Integer.toString(t.curve().size())));
      for (String n : names) row.add(t.params().getOrDefault(n, ""));
      csv.append(Csv.row(row));
    }
    AtomicFiles.writeString(dir.resolve("trials.csv"), csv.toString());
    Trial best = best(trials, direction);
    if (best != null) {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("trial", best.number() + 1);
      b.put("value", best.value());
      b.put("params", best.params());
      b.put("train", trainLine(trainArgs, best.params()) + " --study " + shellWord(dir.toString()));
      AtomicFiles.writeString(dir.resolve("best.json"),
          new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(b)
              + "\n");
    }
  }
}
