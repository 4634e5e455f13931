package dev.cnn.cli;

import dev.cnn.data.Augmentation;
import dev.cnn.data.AugmentationSpec;
import dev.cnn.data.ClassBalance;
import dev.cnn.data.DataLoader;
import dev.cnn.data.Dataset;
import dev.cnn.data.Splits;
import dev.cnn.data.WeightedSampler;
import dev.cnn.layers.Architectures;
import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.Sequential;
import dev.cnn.layers.io.ModelFiles;
import dev.cnn.optim.Adam;
import dev.cnn.optim.Callback;
import dev.cnn.optim.Checkpoint;
import dev.cnn.optim.CheckpointCallback;
import dev.cnn.optim.EarlyStopping;
import dev.cnn.optim.EpochMetrics;
import dev.cnn.optim.Evaluation;
import dev.cnn.optim.Evaluator;
import dev.cnn.optim.History;
import dev.cnn.optim.LrSchedule;
import dev.cnn.optim.Metric;
import dev.cnn.optim.Optimizer;
import dev.cnn.optim.Progress;
import dev.cnn.optim.RmsProp;
import dev.cnn.optim.Sgd;
import dev.cnn.optim.TerminateOnNaN;
import dev.cnn.optim.Trainer;
import dev.cnn.tensor.Log;
import dev.cnn.tensor.Parallel;
import dev.cnn.tensor.Rng;
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

/**
 * One {@code cnn train} run: data, model, optimiser and callbacks from a {@link Config}, the
 * training loop ({@link Trainer}), the test-set evaluation, and the files in the output
 * directory:
 * <ul>
 *   <li>{@code model.safetensors} and {@code model.json}: the trained weights and the architecture;
 *   <li>{@code history.csv} and {@code history.json}: per-epoch metrics;
 *   <li>{@code metrics.json}: test accuracy and loss, per-class scores, the confusion matrix,
 *       epochs run, best epoch, training seconds per epoch, images per second, seed and the
 *       effective configuration.
 * </ul>
 */
final class TrainingRun {
  private TrainingRun() {}

  /** Every option's effective value (presets applied, defaults filled in, everything checked). */
  record Config(String preset, String dataset, Path dataDir, int imageSize, String model, int epochs, int batchSize,
      String optimizer, double lr, double momentum, double weightDecay, String lrSchedule, String classWeights,
      boolean oversample, String subsample, String augment, double valSplit, int earlyStopping, Metric monitor,
      long seed, int threads, Path out, Path resume, boolean diagnostics, int limitTrain, int limitTest) {

    static Config from(TrainCommand o) {
      TrainCommand.Preset p = o.preset;
      String dataset = pick(o.dataset, p == null || p == TrainCommand.Preset.shapes ? "shapes" : "fashion-mnist");
      String model = pick(o.model, p == TrainCommand.Preset.fashion_bn ? "vgg-small" : "fashionnet");
      boolean fashion = p != null && p != TrainCommand.Preset.shapes;
      int epochs = pick(o.epochs, p == null || p == TrainCommand.Preset.shapes ? 4 : p == TrainCommand.Preset.fashion_bn ? 30 : 15);
      int early = pick(o.earlyStopping, fashion ? 4 : 0);
      double valSplit = pick(o.valSplit, early > 0 ? 0.1 : 0.0);
      String optimizer = pick(o.optimizer, "adam").toLowerCase(Locale.ROOT);
      double weightDecay = pick(o.weightDecay, optimizer.equals("adamw") ? 0.01 : 0.0);
      String augment = pick(o.augment, p == TrainCommand.Preset.fashion_bn ? "shift=0.1,hflip,erase=0.25" : "");
      String subsample = pick(o.subsample, p == TrainCommand.Preset.imbalance ? "Pullover=0.05,Coat=0.05,Shirt=0.05" : "");
      long seed = pick(o.seed, 42L);
      String time = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
      Path out = o.out != null ? o.out : o.resume != null ? o.resume
          : Path.of("runs", dataset.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + model.replaceAll("[^A-Za-z0-9._-]", "_")
              + "-" + time);
      Metric monitor = parseMonitor(pick(o.monitor, fashion ? "val_accuracy" : "val_loss"));
      Config c = new Config(p == null ? "" : p.name(), dataset, o.dataDir, pick(o.imageSize, 0), model, epochs,
          pick(o.batchSize, 64), optimizer, pick(o.lr, 1e-3), pick(o.momentum, 0.0), weightDecay,
          pick(o.lrSchedule, fashion ? "cosine" : "constant"), pick(o.classWeights, "none"), pick(o.oversample, false), subsample, augment,
          valSplit, early, monitor, seed, pick(o.threads, Parallel.threads()), out, o.resume,
          pick(o.diagnostics, false), o.limit != null && o.limit.length > 0 ? o.limit[0] : 0,
          o.limit != null && o.limit.length > 1 ? o.limit[1] : 0);
      c.check();
      return c;
    }

    private void check() {
      positive("--epochs", epochs);
      positive("--batch-size", batchSize);
      positive("--threads", threads);
      if (imageSize < 0) throw bad("--image-size", imageSize, "a size in pixels >= 1");
      if (!List.of("sgd", "adam", "adamw", "rmsprop").contains(optimizer)) {
        throw bad("--optimizer", optimizer, "sgd, adam, adamw or rmsprop");
      }
      if (!(lr > 0) || Double.isInfinite(lr)) throw bad("--lr", lr, "a finite learning rate > 0");
      if (!(momentum >= 0 && momentum < 1)) throw bad("--momentum", momentum, "a value in [0, 1)");
      if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) throw bad("--weight-decay", weightDecay, "a finite value >= 0");
      if (!(valSplit >= 0 && valSplit < 1)) throw bad("--val-split", valSplit, "a fraction in [0, 1)");
      if (limitTrain < 0 || limitTest < 0) throw bad("--limit", limitTrain + "," + limitTest, "sample counts >= 1");
      if (earlyStopping < 0) throw bad("--early-stopping", earlyStopping, "a patience in epochs >= 0");
      if (monitor.needsValidation() && earlyStopping > 0 && valSplit == 0) {
        throw new IllegalArgumentException("--monitor " + monitor.key() + " needs validation data: add --val-split"
            + " (e.g. 0.1), or monitor loss or accuracy");
      }
      if (oversample && !classWeights.equals("none")) {
        throw new IllegalArgumentException("--oversample and --class-weights " + classWeights + " both correct the"
            + " imbalance; use one of them");
      }
      schedule(this); // parses, or says what is wrong
    }

    Map<String, Object> asMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("preset", preset);
      m.put("dataset", dataset);
      m.put("data_dir", dataDir == null ? null : dataDir.toString());
      m.put("image_size", imageSize);
      m.put("model", model);
      m.put("epochs", epochs);
      m.put("batch_size", batchSize);
      m.put("optimizer", optimizer);
      m.put("lr", lr);
      m.put("momentum", momentum);
      m.put("weight_decay", weightDecay);
      m.put("lr_schedule", lrSchedule);
      m.put("class_weights", classWeights);
      m.put("oversample", oversample);
      m.put("subsample", subsample);
      m.put("augment", augment);
      m.put("val_split", valSplit);
      m.put("early_stopping", earlyStopping);
      m.put("monitor", monitor.key());
      m.put("seed", seed);
      m.put("threads", threads);
      m.put("out", out.toString());
      m.put("resume", resume == null ? null : resume.toString());
      m.put("diagnostics", diagnostics);
      m.put("limit", List.of(limitTrain, limitTest));
      return m;
    }
  }

  /** What a run measured, as written to metrics.json. */
  record Result(Evaluation test, List<EpochMetrics> history, int bestEpoch, Path out) {}

  static Result run(Config c, PrintWriter out) throws IOException {
    Parallel.setThreads(c.threads());
    Rng rng = new Rng(c.seed());
    Log.info("loading " + c.dataset());
    DataChoice data = DataChoice.load(c.dataset(), c.dataDir(), c.imageSize(), c.seed());
    Dataset train = data.train(), test = data.test();
    List<String> names = train.classNames();
    int classes = names.size();

    if (c.limitTrain() > 0) train = limit(train, c.limitTrain(), rng.split());
    if (c.limitTest() > 0) test = limit(test, c.limitTest(), rng.split());
    if (!c.subsample().isEmpty()) {
      int[] keep = Splits.subsample(train.labels(), Splits.parseFractions(c.subsample(), names), rng.split());
      train = train.subset(keep);
    }
    Dataset validation = null;
    if (c.valSplit() > 0) {
      Splits.Split s = Splits.stratified(train.labels(), c.valSplit(), rng.split());
      validation = train.subset(s.validation());
      train = train.subset(s.train());
    }
    int[] counts = ClassBalance.counts(train.labels(), classes);
    Log.info(String.format(Locale.ROOT, "%s: %d training images (%s), %d validation, %d test; imbalance ratio %.1f",
        c.dataset(), train.size(), java.util.Arrays.toString(counts), validation == null ? 0 : validation.size(),
        test.size(), ClassBalance.imbalanceRatio(counts)));
    WeightedSampler sampler = c.oversample() ? WeightedSampler.oversample(train.labels(), classes, c.seed()) : null;

    Checkpoint.Loaded resumed = null;
    if (c.resume() != null) {
      resumed = Checkpoint.load(c.resume().resolve(CHECKPOINT));
      if (resumed.stopReason() != null) {
        throw new IllegalArgumentException(c.resume() + ": that run already ended (" + resumed.stopReason()
            + "); nothing to resume");
      }
      String saved = resumed.extra().get("config");
      String now = resumableConfig(c);
      if (saved != null && !saved.equals(now)) {
        throw new IllegalArgumentException(c.resume() + ": the run was started with other options; resume it with the"
            + " same ones. Saved: " + saved + "; given: " + now);
      }
    }
    Sequential model = resumed != null ? resumed.model()
        : c.model().endsWith(".json") ? ModelFiles.readArchitecture(Path.of(c.model()), c.seed())
        : Architectures.byName(c.model(), train.sampleShape(), classes, c.seed());
    CrossEntropyLoss.Builder lossBuilder = CrossEntropyLoss.builder();
    if (!c.classWeights().equals("none")) {
      double[] w = c.classWeights().equals("balanced") ? ClassBalance.balancedWeights(train.labels(), classes)
          : ClassBalance.parseWeights(c.classWeights(), names);
      lossBuilder.classWeights(w);
      Log.info("class weights " + java.util.Arrays.toString(w));
    }
    CrossEntropyLoss loss = lossBuilder.build();
    Optimizer optimizer = optimizer(c, model);

    Augmentation augmentation = c.augment().isEmpty() ? Augmentation.identity() : AugmentationSpec.parse(c.augment(), train);
    List<Callback> callbacks = new ArrayList<>();
    callbacks.add(new TerminateOnNaN());
    EarlyStopping early = null;
    if (c.earlyStopping() > 0) {
      early = EarlyStopping.on(c.monitor()).patience(c.earlyStopping()).restoreBestWeights(true).build();
      callbacks.add(early);
    }
    callbacks.add(new CheckpointCallback(c.out().resolve(CHECKPOINT), Map.of("config", resumableConfig(c))));
    Trainer.TrainingState state = new Trainer.TrainingState();
    if (resumed != null) {
      resumed.restore(model, optimizer, callbacks);
      state = resumed.trainingState();
      out.println("resuming " + c.resume() + " after epoch " + resumed.epochsDone());
    }
    Trainer trainer = Trainer.builder(model, loss, optimizer).epochs(c.epochs()).schedule(schedule(c))
        .callbacks(callbacks.toArray(new Callback[0])).progress(Progress.auto()).diagnostics(c.diagnostics())
        .build();

    Files.createDirectories(c.out());
    out.println(String.format(Locale.ROOT, "training %s on %s: %d parameters, %d epochs of %d images, batch %d, %s lr %g",
        c.model(), c.dataset(), model.parameterCount(), c.epochs(), train.size(), c.batchSize(), c.optimizer(), c.lr()));
    Trainer.Result result;
    DataLoader.Builder loaderBuilder = DataLoader.builder(train).batchSize(c.batchSize()).seed(c.seed())
        .augmentation(augmentation);
    if (sampler != null) loaderBuilder.sampler(sampler); // each epoch its own draw of the repeated minority samples
    int firstEpoch = state.history().size();
    try (DataLoader trainLoader = loaderBuilder.build();
         DataLoader valLoader = validation == null ? null
             : DataLoader.builder(validation).batchSize(256).shuffle(false).build()) {
      trainLoader.setEpoch(firstEpoch); // epoch e's order and augmentation depend only on (seed, e)
      result = trainer.fit(trainLoader, valLoader, state);
    }
    if (result.stopReason() != null) out.println(result.stopReason());

    Evaluation eval;
    try (DataLoader testLoader = DataLoader.builder(test).batchSize(256).shuffle(false).build()) {
      eval = Evaluator.evaluate(model, loss, testLoader, names);
    }
    out.println();
    out.println("test set:");
    out.print(eval.table());

    int bestEpoch = early != null && early.bestEpoch() >= 0 ? early.bestEpoch() : result.history().size() - 1;
    ModelFiles.save(model, c.out().resolve("model.safetensors"));
    History.writeCsv(result.history(), c.out().resolve("history.csv"));
    History.writeJson(result.history(), c.out().resolve("history.json"));
    ModelDir.saveClassNames(c.out(), names);
    Metrics.write(c.out().resolve("metrics.json"), eval, result.history(), bestEpoch, train.size(), c.seed(), c.asMap());
    out.println();
    out.println("wrote the model, history and metrics to " + c.out().toAbsolutePath());
    out.flush();
    return new Result(eval, result.history(), bestEpoch, c.out());
  }

  /** The checkpoint's directory inside --out. */
  static final String CHECKPOINT = "checkpoint";

  /** The options a resumed run must share with the saved one (all but epochs, threads, out and resume). */
  static String resumableConfig(Config c) {
    Map<String, Object> m = new LinkedHashMap<>(c.asMap());
    for (String k : List.of("epochs", "threads", "out", "resume")) m.remove(k);
    return m.toString();
  }

  /** A stratified random subset of n samples (all of them when n >= the size). */
  private static Dataset limit(Dataset d, int n, Rng rng) {
    if (n >= d.size()) return d;
    return d.subset(Splits.stratified(d.labels(), (double) n / d.size(), rng).validation());
  }

  static Optimizer optimizer(Config c, Sequential model) {
    switch (c.optimizer()) {
      case "sgd":
        return Sgd.builder(c.lr()).momentum(c.momentum()).weightDecay(c.weightDecay()).build(model.parameters());
      case "adam":
        return Adam.adam(c.lr()).weightDecay(c.weightDecay()).build(model.parameters());
      case "adamw":
        return Adam.adamW(c.lr()).weightDecay(c.weightDecay()).build(model.parameters());
      default:
        return RmsProp.builder(c.lr()).momentum(c.momentum()).weightDecay(c.weightDecay()).build(model.parameters());
    }
  }

  /**
   * The {@code --lr-schedule} text: {@code constant}, {@code step:EVERY:GAMMA}, {@code exp:GAMMA},
   * {@code cosine[:TMAX[:MIN_FACTOR]]} (TMAX defaults to --epochs), optionally after
   * {@code warmup:EPOCHS,}.
   */
  static LrSchedule schedule(Config c) {
    String spec = c.lrSchedule().trim().toLowerCase(Locale.ROOT);
    int warmup = 0;
    if (spec.startsWith("warmup:")) {
      int comma = spec.indexOf(',');
      if (comma < 0) throw scheduleError(c.lrSchedule(), "warmup:EPOCHS must be followed by ,SCHEDULE");
      warmup = (int) number(c.lrSchedule(), spec.substring(7, comma));
      spec = spec.substring(comma + 1);
    }
    String[] parts = spec.split(":");
    LrSchedule s;
    try {
      switch (parts[0]) {
        case "constant":
          s = LrSchedule.constant();
          break;
        case "step":
          s = LrSchedule.step((int) number(c.lrSchedule(), parts[1]), number(c.lrSchedule(), parts[2]));
          break;
        case "exp":
          s = LrSchedule.exponential(number(c.lrSchedule(), parts[1]));
          break;
        case "cosine":
          s = LrSchedule.cosine(parts.length > 1 ? (int) number(c.lrSchedule(), parts[1]) : Math.max(1, c.epochs() - warmup),
              parts.length > 2 ? number(c.lrSchedule(), parts[2]) : 0);
          break;
        default:
          throw scheduleError(c.lrSchedule(), "unknown schedule '" + parts[0] + "'");
      }
    } catch (ArrayIndexOutOfBoundsException e) {
      throw scheduleError(c.lrSchedule(), "a value is missing");
    }
    return warmup > 0 ? s.withWarmup(warmup, 0.1) : s;
  }

  private static double number(String spec, String text) {
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw scheduleError(spec, "'" + text + "' is not a number");
    }
  }

  private static IllegalArgumentException scheduleError(String spec, String why) {
    return new IllegalArgumentException("--lr-schedule " + spec + ": " + why + "; expected constant, step:EVERY:GAMMA,"
        + " exp:GAMMA or cosine[:TMAX[:MIN_FACTOR]], optionally after warmup:EPOCHS, (e.g. warmup:2,cosine)");
  }

  private static <T> T pick(T value, T fallback) {
    return value != null ? value : fallback;
  }

  private static void positive(String option, int v) {
    if (v < 1) throw bad(option, v, "an integer >= 1");
  }

  private static IllegalArgumentException bad(String option, Object value, String expected) {
    return new IllegalArgumentException(option + " " + value + ": expected " + expected);
  }

  private static Metric parseMonitor(String s) {
    for (Metric m : Metric.values()) if (m.key().equals(s.toLowerCase(Locale.ROOT))) return m;
    throw bad("--monitor", s, "val_loss, val_accuracy, loss or accuracy");
  }
}
