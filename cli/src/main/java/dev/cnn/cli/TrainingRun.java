package dev.cnn.cli;

import dev.cnn.data.Augmentation;
import dev.cnn.data.AugmentationSpec;
import dev.cnn.data.ClassBalance;
import dev.cnn.data.DataLoader;
import dev.cnn.data.Dataset;
import dev.cnn.data.Splits;
import dev.cnn.data.SyntheticShapes;
import dev.cnn.data.WeightedSampler;
import dev.cnn.diagnose.Diagnosis;
import dev.cnn.diagnose.DiagnosisJson;
import dev.cnn.diagnose.Finding;
import dev.cnn.diagnose.RunEvidence;
import dev.cnn.layers.Architectures;
import dev.cnn.layers.ClassificationLoss;
import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.FocalLoss;
import dev.cnn.layers.Model;
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
import dev.cnn.optim.HistoryWriter;
import dev.cnn.optim.LrSchedule;
import dev.cnn.optim.Metric;
import dev.cnn.optim.Optimizer;
import dev.cnn.optim.Progress;
import dev.cnn.optim.ReduceLrOnPlateau;
import dev.cnn.optim.RmsProp;
import dev.cnn.optim.Sgd;
import dev.cnn.optim.TerminateOnDivergence;
import dev.cnn.optim.TerminateOnNaN;
import dev.cnn.optim.Trainer;
import dev.cnn.tensor.Log;
import dev.cnn.tensor.Parallel;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.io.AtomicFiles;
import dev.cnn.tensor.io.Csv;
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
      long seed, int threads, Path out, Path resume, boolean diagnostics, int limitTrain, int limitTest,
      boolean overwrite, boolean defaultOut, double labelNoise, String labelNoiseKind, String excludeFile,
      List<Integer> excluded, String study, double dropout, String loss, double focalGamma, double labelSmoothing,
      double clipNorm, String reduceLrOnPlateau, double minDelta, boolean decayBiasAndNorm) {

    /**
     * The configuration a command line asks for. With {@code --resume DIR}, every option not given
     * takes the value saved in {@code DIR/run.json}, and a given one must equal it (except those in
     * {@link #MAY_CHANGE_ON_RESUME}).
     */
    static Config from(TrainCommand o) throws IOException {
      Saved s = Saved.NONE;
      if (o.resume != null) {
        if (o.out != null && !o.out.toAbsolutePath().normalize().equals(o.resume.toAbsolutePath().normalize())) {
          throw new IllegalArgumentException("--out " + o.out + " and --resume " + o.resume + " name different"
              + " directories; a resumed run goes on writing into its own directory: drop --out");
        }
        if (Boolean.TRUE.equals(o.overwrite)) {
          throw new IllegalArgumentException("--overwrite and --resume " + o.resume + " contradict each other:"
              + " --resume continues that run, --overwrite would replace it; give one of them");
        }
        Map<String, Object> saved = RunDirectory.readOptions(o.resume);
        if (saved != null) s = new Saved(saved);
      }
      TrainCommand.Preset p = o.preset != null ? o.preset
          : s.string("preset") == null || s.string("preset").isEmpty() ? null : TrainCommand.Preset.valueOf(s.string("preset"));
      String dataset = first(o.dataset, s.string("dataset"), p == null || p == TrainCommand.Preset.shapes ? "shapes" : "fashion-mnist");
      boolean resnet = p == TrainCommand.Preset.fashion_resnet;
      String model = first(o.model, s.string("model"), p == TrainCommand.Preset.fashion_bn ? "vgg-small"
          : resnet ? "resnet-small" : "fashionnet");
      boolean fashion = p != null && p != TrainCommand.Preset.shapes;
      int epochs = first(o.epochs, s.integer("epochs"), p == null || p == TrainCommand.Preset.shapes ? 4
          : p == TrainCommand.Preset.fashion_bn ? 30 : resnet ? 12 : 15);
      int early = first(o.earlyStopping, s.integer("early_stopping"), fashion ? 4 : 0);
      double valSplit = first(o.valSplit, s.number("val_split"), early > 0 ? 0.1 : 0.0);
      String optimizer = first(o.optimizer, s.string("optimizer"), resnet ? "adamw" : "adam").toLowerCase(Locale.ROOT);
      double weightDecay = first(o.weightDecay, s.number("weight_decay"), resnet ? 5e-4 : optimizer.equals("adamw") ? 0.01 : 0.0);
      String augment = first(o.augment, s.string("augment"), p == TrainCommand.Preset.fashion_bn ? "shift=0.1,hflip,erase=0.25"
          : resnet ? "hflip" : "");
      String subsample = first(o.subsample, s.string("subsample"),
          p == TrainCommand.Preset.imbalance ? "Pullover=0.05,Coat=0.05,Shirt=0.05" : "");
      long seed = first(o.seed, s.integer("seed") == null ? null : s.longValue("seed"), 42L);
      Path dataDir = o.dataDir != null ? o.dataDir : s.string("data_dir") != null ? Path.of(s.string("data_dir")) : null;
      boolean defaultOut = o.out == null && o.resume == null;
      Path out = o.out != null ? o.out : o.resume != null ? o.resume : defaultRunDirectory(dataset, model);
      Metric monitor = parseMonitor(first(o.monitor, s.string("monitor"), fashion ? "val_accuracy" : "val_loss"));
      int[] limit = o.limit != null ? o.limit : s.limit();
      String excludeFile = o.exclude != null ? o.exclude.toAbsolutePath().normalize().toString()
          : s.string("exclude") == null ? "" : s.string("exclude");
      List<Integer> excluded = o.exclude != null ? ExcludeList.read(o.exclude) : s.integers("excluded");
      String plateau = first(o.reduceLrOnPlateau, s.string("reduce_lr_on_plateau"), "").trim();
      Config c = new Config(p == null ? "" : p.name(), dataset, dataDir, first(o.imageSize, s.integer("image_size"), 0),
          model, epochs, first(o.batchSize, s.integer("batch_size"), 64), optimizer,
          first(o.lr, s.number("lr"), resnet ? 2e-3 : 1e-3),
          first(o.momentum, s.number("momentum"), 0.0), weightDecay,
          first(o.lrSchedule, s.string("lr_schedule"), resnet ? "warmup-steps:300,cosine" : fashion ? "cosine" : "constant"),
          first(o.classWeights, s.string("class_weights"), "none"), first(o.oversample, s.bool("oversample"), false),
          subsample, augment, valSplit, early, monitor, seed, first(o.threads, Parallel.threads()), out, o.resume,
          first(o.diagnostics, s.bool("diagnostics"), false), limit != null && limit.length > 0 ? limit[0] : 0,
          limit != null && limit.length > 1 ? limit[1] : 0, Boolean.TRUE.equals(o.overwrite), defaultOut,
          first(o.labelNoise, s.number("label_noise"), 0.0),
          first(o.labelNoiseKind, s.string("label_noise_kind"), "uniform").toLowerCase(Locale.ROOT), excludeFile,
          excluded, o.study != null ? o.study.toAbsolutePath().normalize().toString()
              : s.string("study") == null ? "" : s.string("study"),
          first(o.dropout, s.number("dropout"), -1.0),
          first(o.loss, s.string("loss"), "cross-entropy").trim().toLowerCase(Locale.ROOT),
          first(o.focalGamma, s.number("focal_gamma"), 2.0), first(o.labelSmoothing, s.number("label_smoothing"), 0.0),
          first(o.clipNorm, s.number("clip_norm"), 0.0), plateau, first(o.minDelta, s.number("min_delta"), 0.0),
          !first(o.noDecayOnBiasAndNorm, s.bool("no_decay_on_bias_and_norm"), resnet));
      c.check(o);
      if (s != Saved.NONE) c.checkSameAs(s.values);
      return c;
    }

    /** The training images of the built-in shapes dataset (SyntheticShapes' default). */
  static final int SHAPES_TRAIN_IMAGES = 10_000;

  /** Keys of {@link #asMap} that a resumed run may change: they cannot change what it computes. */
    static final List<String> MAY_CHANGE_ON_RESUME = List.of("epochs", "threads", "out", "resume", "data_dir",
        "diagnostics", "study");

    /** Refuses a resumed run whose options differ from the saved ones, naming the first that does. */
    private void checkSameAs(Map<String, Object> saved) {
      Map<String, Object> now = asMap();
      for (Map.Entry<String, Object> e : now.entrySet()) {
        if (MAY_CHANGE_ON_RESUME.contains(e.getKey()) || !saved.containsKey(e.getKey())) continue;
        String was = RunDirectory.json(saved.get(e.getKey())), is = RunDirectory.json(e.getValue());
        if (!was.equals(is)) {
          throw new IllegalArgumentException("--resume " + resume + ": the run was started with " + flag(e.getKey())
              + " " + was + ", not " + is + "; a resumed run keeps its options (only --epochs and --threads may be"
              + " given again). To train with other options, start a new run with --out");
        }
      }
    }

    private static String flag(String key) {
      return "--" + key.replace('_', '-');
    }

    /** The checks that need no data: ranges, and options that would be silently ignored. */
    private void check(TrainCommand given) {
      positive("--epochs", epochs);
      positive("--batch-size", batchSize);
      RunChecks.threads(threads);
      if (imageSize < 0) throw bad("--image-size", imageSize, "a size in pixels >= 1");
      if (given.imageSize != null && !dataset.startsWith("folder:") && !dataset.equals("shapes")) {
        throw new IllegalArgumentException("--image-size " + imageSize + ": " + dataset + " images are 28 x 28 and are"
            + " not resized (--image-size applies to folder:DIR and shapes); drop --image-size");
      }
      // The drawn shapes keep their 10,000 training images in one byte array.
      int maxShapes = (int) Math.min(512, Math.sqrt((Integer.MAX_VALUE - 8) / (double) SHAPES_TRAIN_IMAGES));
      if (dataset.equals("shapes") && imageSize != 0 && (imageSize < 8 || imageSize > maxShapes)) {
        throw bad("--image-size", imageSize, "8 to " + maxShapes + " for the drawn shapes (their "
            + SHAPES_TRAIN_IMAGES + " training images are kept in one array)");
      }
      // 3 channels of N x N floats must be indexable by an int, and one image alone must fit in memory.
      if (imageSize > 0 && 3L * imageSize * imageSize > Integer.MAX_VALUE) {
        throw bad("--image-size", imageSize, "at most " + (int) Math.sqrt(Integer.MAX_VALUE / 3.0) + ": one " + imageSize
            + " x " + imageSize + " image has more values than a Java array can index");
      }
      if (!List.of("sgd", "adam", "adamw", "rmsprop").contains(optimizer)) {
        throw bad("--optimizer", optimizer, "sgd, adam, adamw or rmsprop");
      }
      if (!(lr > 0) || Double.isInfinite(lr)) throw bad("--lr", lr, "a finite learning rate > 0");
      if (!(momentum >= 0 && momentum < 1)) throw bad("--momentum", momentum, "a value in [0, 1)");
      if (given.momentum != null && optimizer.startsWith("adam")) {
        throw new IllegalArgumentException("--momentum " + momentum + " does nothing with --optimizer " + optimizer
            + " (Adam keeps its own moment estimates); drop --momentum, or use --optimizer sgd or rmsprop");
      }
      if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) throw bad("--weight-decay", weightDecay, "a finite value >= 0");
      if (!(valSplit >= 0 && valSplit < 1)) throw bad("--val-split", valSplit, "a fraction in [0, 1)");
      if (limitTrain < 0 || limitTest < 0) throw bad("--limit", limitTrain + "," + limitTest, "sample counts >= 1");
      if (given.limit != null && (given.limit.length > 2 || (given.limit.length > 0 && given.limit[0] == 0)
          || (given.limit.length > 1 && given.limit[1] == 0))) {
        throw bad("--limit", String.join(",", java.util.Arrays.stream(given.limit).mapToObj(Integer::toString)
            .toArray(String[]::new)), "TRAIN[,TEST] with counts >= 1");
      }
      if (earlyStopping < 0) throw bad("--early-stopping", earlyStopping, "a patience in epochs >= 0");
      Plateau plateau = plateau(reduceLrOnPlateau); // parses, or says what is wrong
      boolean watching = earlyStopping > 0 || plateau != null;
      if (given.monitor != null && !watching) {
        throw new IllegalArgumentException("--monitor " + monitor.key() + " is what --early-stopping and"
            + " --reduce-lr-on-plateau watch, and neither is on; add one of them, or drop --monitor");
      }
      if (monitor.needsValidation() && watching && valSplit == 0) {
        throw new IllegalArgumentException("--monitor " + monitor.key() + " needs validation data: add --val-split"
            + " (e.g. 0.1), or monitor loss or accuracy");
      }
      if (!(minDelta >= 0) || Double.isInfinite(minDelta)) throw bad("--min-delta", minDelta, "a finite value >= 0");
      if (given.minDelta != null && !watching) {
        throw new IllegalArgumentException("--min-delta " + minDelta + " is the least improvement --early-stopping and"
            + " --reduce-lr-on-plateau count, and neither is on; add one of them, or drop --min-delta");
      }
      if (!List.of("cross-entropy", "focal").contains(loss)) throw bad("--loss", loss, "cross-entropy or focal");
      if (!(focalGamma >= 0) || Double.isInfinite(focalGamma)) throw bad("--focal-gamma", focalGamma, "a finite value >= 0");
      if (given.focalGamma != null && !loss.equals("focal")) {
        throw new IllegalArgumentException("--focal-gamma " + focalGamma + " is focal loss's exponent, and the loss is "
            + loss + "; add --loss focal, or drop --focal-gamma");
      }
      if (!(labelSmoothing >= 0 && labelSmoothing < 1)) throw bad("--label-smoothing", labelSmoothing, "a value in [0, 1)");
      if (labelSmoothing > 0 && loss.equals("focal")) {
        throw new IllegalArgumentException("--label-smoothing " + labelSmoothing + " smooths cross-entropy's targets;"
            + " focal loss has none: use --loss cross-entropy, or drop --label-smoothing");
      }
      if (given.clipNorm != null && !(clipNorm > 0 && clipNorm < Double.POSITIVE_INFINITY)) {
        throw bad("--clip-norm", clipNorm, "a finite norm > 0");
      }
      if (!decayBiasAndNorm && weightDecay == 0) {
        throw new IllegalArgumentException("--no-decay-on-bias-and-norm exempts parameters from weight decay, and"
            + " --weight-decay is 0 (" + optimizer + "'s default); add --weight-decay X, or drop the flag");
      }
      if (!(labelNoise >= 0 && labelNoise < 1)) throw bad("--label-noise", labelNoise, "a fraction in [0, 1)");
      if (!List.of("uniform", "pairs").contains(labelNoiseKind)) {
        throw bad("--label-noise-kind", labelNoiseKind, "uniform or pairs");
      }
      if (labelNoise > 0 && !dataset.equals("shapes")) {
        throw new IllegalArgumentException("--label-noise " + labelNoise + ": planted label noise is for the built-in"
            + " shapes dataset (which records the true labels), not " + dataset + "; use --dataset shapes, or drop"
            + " --label-noise");
      }
      if (given.labelNoiseKind != null && labelNoise == 0) {
        throw new IllegalArgumentException("--label-noise-kind " + labelNoiseKind + " says how labels are flipped, and"
            + " --label-noise is 0; add --label-noise F (e.g. 0.1), or drop --label-noise-kind");
      }
      if (given.dropout != null && !(dropout >= 0 && dropout < 1)) throw bad("--dropout", dropout, "a rate in [0, 1)");
      if (given.dropout != null && model.endsWith(".json")) {
        throw new IllegalArgumentException("--dropout " + dropout + " sets the rate of a built-in architecture; " + model
            + " gives its own layers: set the rate in that file, or drop --dropout");
      }
      if (given.dropout != null && model.trim().equalsIgnoreCase("lenet5")) {
        throw new IllegalArgumentException("--dropout " + dropout + ": lenet5 has no dropout layer; use --model"
            + " fashionnet or vgg-small, or drop --dropout");
      }
      if (given.study != null && !Files.isRegularFile(given.study.resolve("study.jsonl"))) {
        throw new IllegalArgumentException("--study " + given.study + ": not a 'cnn tune' study (no study.jsonl); give"
            + " the --out directory of a study, or drop --study");
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
      m.put("label_noise", labelNoise);
      m.put("label_noise_kind", labelNoiseKind);
      m.put("exclude", excludeFile);
      m.put("excluded", excluded);
      m.put("study", study);
      m.put("dropout", dropout < 0 ? null : dropout);
      m.put("loss", loss);
      m.put("focal_gamma", loss.equals("focal") ? focalGamma : null);
      m.put("label_smoothing", labelSmoothing);
      m.put("clip_norm", clipNorm > 0 ? clipNorm : null);
      Plateau plateau = plateau(reduceLrOnPlateau);
      m.put("reduce_lr_on_plateau", plateau == null ? null : plateau.toString());
      m.put("min_delta", minDelta);
      m.put("no_decay_on_bias_and_norm", !decayBiasAndNorm);
      return m;
    }

    /** The same run on another dataset (cnn diagnose --dataset); checked like the original. */
    Config withData(String otherDataset, Path otherDataDir) {
      return with(otherDataset, otherDataDir != null ? otherDataDir : dataDir, out, epochs);
    }

    Config withOut(Path dir) {
      return with(dataset, dataDir, dir, epochs);
    }

    /** The same options for another number of epochs (the fold runs of cnn diagnose --label-errors). */
    Config withEpochs(int n) {
      return with(dataset, dataDir, out, n);
    }

    private Config with(String dataset, Path dataDir, Path out, int epochs) {
      return new Config(preset, dataset, dataDir, imageSize, model, epochs, batchSize, optimizer, lr, momentum,
          weightDecay, lrSchedule, classWeights, oversample, subsample, augment, valSplit, earlyStopping, monitor, seed,
          threads, out, resume, diagnostics, limitTrain, limitTest, overwrite, defaultOut, labelNoise, labelNoiseKind,
          excludeFile, excluded, study, dropout, loss, focalGamma, labelSmoothing, clipNorm, reduceLrOnPlateau,
          minDelta, decayBiasAndNorm);
    }
  }

  /**
   * {@code --reduce-lr-on-plateau PATIENCE[,FACTOR]}: after PATIENCE epochs without an improvement
   * of --monitor (by more than --min-delta), the learning rate is multiplied by FACTOR.
   */
  record Plateau(int patience, double factor) {
    static final double DEFAULT_FACTOR = 0.1;

    @Override
    public String toString() {
      return patience + "," + factor;
    }
  }

  /** The parsed {@code --reduce-lr-on-plateau} text, or null when it is empty (off). */
  static Plateau plateau(String spec) {
    if (spec == null || spec.isBlank()) return null;
    String[] parts = spec.trim().split(",", -1);
    String expected = "PATIENCE[,FACTOR] with an integer PATIENCE >= 1 (epochs) and FACTOR in (0, 1) (default "
        + Plateau.DEFAULT_FACTOR + "), e.g. 3 or 3,0.5";
    if (parts.length > 2) throw bad("--reduce-lr-on-plateau", spec, expected);
    int patience;
    double factor = Plateau.DEFAULT_FACTOR;
    try {
      patience = Integer.parseInt(parts[0].trim());
      if (parts.length == 2) factor = Double.parseDouble(parts[1].trim());
    } catch (NumberFormatException e) {
      throw bad("--reduce-lr-on-plateau", spec, expected);
    }
    if (patience < 1 || !(factor > 0 && factor < 1)) throw bad("--reduce-lr-on-plateau", spec, expected);
    return new Plateau(patience, factor);
  }

  /** The options saved in a run's run.json (empty for a new run), read by key. */
  private static final class Saved {
    static final Saved NONE = new Saved(Map.of());
    final Map<String, Object> values;

    Saved(Map<String, Object> values) {
      this.values = values;
    }

    String string(String key) {
      Object v = values.get(key);
      return v == null ? null : v.toString();
    }

    Integer integer(String key) {
      Object v = values.get(key);
      return v instanceof Number ? ((Number) v).intValue() : null;
    }

    Long longValue(String key) {
      Object v = values.get(key);
      return v instanceof Number ? ((Number) v).longValue() : null;
    }

    Double number(String key) {
      Object v = values.get(key);
      return v instanceof Number ? ((Number) v).doubleValue() : null;
    }

    Boolean bool(String key) {
      Object v = values.get(key);
      return v instanceof Boolean ? (Boolean) v : null;
    }

    /** A list of integers, empty when the key is missing (runs from before it existed). */
    List<Integer> integers(String key) {
      Object v = values.get(key);
      if (!(v instanceof List)) return List.of();
      List<Integer> out = new ArrayList<>();
      for (Object o : (List<?>) v) out.add(((Number) o).intValue());
      return List.copyOf(out);
    }

    int[] limit() {
      Object v = values.get("limit");
      if (!(v instanceof List)) return null;
      List<?> l = (List<?>) v;
      int[] out = new int[l.size()];
      for (int i = 0; i < out.length; i++) out[i] = ((Number) l.get(i)).intValue();
      return out;
    }
  }

  /** runs/DATASET-MODEL-TIME (made unique when the run starts: {@link RunDirectory#claim}). */
  private static Path defaultRunDirectory(String dataset, String model) {
    String time = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    return Path.of("runs", dataset.replaceAll("[^A-Za-z0-9._-]", "_") + "-"
        + Path.of(model).getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + time);
  }

  @SafeVarargs
  private static <T> T first(T... values) {
    for (T v : values) if (v != null) return v;
    return null;
  }

  /** What a run measured, as written to metrics.json. */
  record Result(Evaluation test, List<EpochMetrics> history, int bestEpoch, Path out) {}

  static Result run(Config c, PrintWriter out) throws IOException {
    return run(c, out, true);
  }

  /**
   * Trains, evaluates and writes the run; with {@code diagnose}, ends with the quick diagnosis
   * (the findings that need no more than the history, the test confusion matrix and the class
   * counts), printed and written to diagnosis.json.
   */
  static Result run(Config c, PrintWriter out, boolean diagnose) throws IOException {
    Parallel.setThreads(c.threads());
    if (c.resume() == null) RunDirectory.checkNewRun(c.out(), c.overwrite());
    Checkpoint.Loaded resumed = null;
    if (c.resume() != null && Checkpoint.exists(c.resume().resolve(CHECKPOINT))) {
      resumed = Checkpoint.load(c.resume().resolve(CHECKPOINT));
      checkResumable(c, resumed);
      // Runs from before run.json recorded their options only in the checkpoint.
      String saved = Files.exists(c.resume().resolve(RunDirectory.OPTIONS)) ? null : resumed.extra().get("config");
      if (saved != null && !saved.equals(resumableConfig(c))) {
        throw new IllegalArgumentException("--resume " + c.resume() + ": the run was started with other options;"
            + " resume it with the same ones. Saved: " + saved + "; given: " + resumableConfig(c));
      }
    } else if (c.resume() != null) {
      out.println("resuming " + c.resume() + ": it stopped before its first checkpoint; starting it from epoch 1");
    }
    RunData d = RunData.of(c);
    Dataset train = d.train(), validation = d.validation(), test = d.test();
    List<String> names = d.names();
    int classes = names.size();
    int[] counts = d.counts();
    RunChecks.data(c, d.data(), train, validation, test, counts);
    if (c.resume() == null && !c.excludeFile().isEmpty()) ExcludeList.checkFiles(Path.of(c.excludeFile()), d.data().train());
    Log.info(String.format(Locale.ROOT, "%s: %d training images (%s), %d validation, %d test; imbalance ratio %.1f",
        c.dataset(), train.size(), java.util.Arrays.toString(counts), validation == null ? 0 : validation.size(),
        test.size(), ClassBalance.imbalanceRatio(counts)));
    WeightedSampler sampler = c.oversample() ? WeightedSampler.oversample(train.labels(), classes, c.seed()) : null;
    if (sampler != null) {
      Log.info(String.format(Locale.ROOT, "oversampling: %d images per epoch (%d classes x %d, the largest class),"
          + " from %d distinct training images", sampler.samplesPerEpoch(), classes,
          java.util.Arrays.stream(counts).max().orElse(0), train.size()));
    }

    Model model = resumed != null ? resumed.model() : newModel(c, train, classes, c.seed());
    RunChecks.model(c, model, train, classes, sampler == null ? train.size() : sampler.samplesPerEpoch());
    ClassificationLoss loss = loss(c, train, names);
    Optimizer optimizer = optimizer(c, model);
    Augmentation augmentation = augmentation(c, train);

    // Everything is checked: claim the directory (a new run) or record the new epoch count (a resumed one).
    if (c.resume() == null) {
      Path dir = RunDirectory.claim(c.out(), c.defaultOut(), c.overwrite(), c.asMap());
      if (!dir.equals(c.out())) {
        c = c.withOut(dir);
        RunDirectory.writeOptions(dir, c.asMap());
      }
    } else {
      RunDirectory.writeOptions(c.out(), c.asMap());
    }
    if (d.data().train() instanceof SyntheticShapes.ShapesDataset shapes && shapes.flippedCount() > 0) {
      writeLabelNoise(c.out().resolve(LABEL_NOISE), shapes, d.trainIndices());
    }

    List<Callback> callbacks = new ArrayList<>();
    callbacks.add(new TerminateOnNaN());
    TerminateOnDivergence divergence = new TerminateOnDivergence();
    // A checkpoint from before this callback existed has no state for it: resume such a run without it.
    if (resumed == null || resumed.callbackStates().containsKey(divergence.stateKey())) callbacks.add(divergence);
    List<Callback> watching = monitors(c);
    callbacks.addAll(watching);
    EarlyStopping early = watching.stream().filter(EarlyStopping.class::isInstance).map(EarlyStopping.class::cast)
        .findFirst().orElse(null);
    callbacks.add(new CheckpointCallback(c.out().resolve(CHECKPOINT), Map.of("config", resumableConfig(c))));
    callbacks.add(new HistoryWriter(c.out()));
    Trainer.TrainingState state = new Trainer.TrainingState();
    if (resumed != null) {
      resumed.restore(model, optimizer, callbacks);
      state = resumed.trainingState();
      out.println("resuming " + c.resume() + " after epoch " + resumed.epochsDone() + " of " + c.epochs());
    }
    Trainer trainer = trainer(c, model, loss, optimizer).callbacks(callbacks.toArray(new Callback[0]))
        .progress(Progress.auto()).diagnostics(c.diagnostics()).build();

    out.println(String.format(Locale.ROOT, "training %s on %s: %d parameters, %d epochs of %d images, batch %d, %s lr %g",
        c.model(), c.dataset(), model.parameterCount(), c.epochs(),
        sampler == null ? train.size() : sampler.samplesPerEpoch(), c.batchSize(), c.optimizer(), c.lr()));
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
    ModelFiles.save(model, c.out().resolve(ModelDir.WEIGHTS));
    History.writeCsv(result.history(), c.out().resolve(HistoryWriter.CSV));
    History.writeJson(result.history(), c.out().resolve(HistoryWriter.JSON));
    ModelDir.saveClassNames(c.out(), names);
    if (!result.diagnostics().isEmpty()) DiagnosticsFile.write(c.out(), result.diagnostics());
    Metrics.write(c.out().resolve(METRICS), eval, result.history(), bestEpoch, train.size(), c.seed(), c.asMap(),
        result.stopReason());
    if (diagnose) {
      RunEvidence evidence = new RunEvidence(names, result.history(), c.epochs(), result.stopReason(), counts,
          eval.confusion(), result.diagnostics(), Double.NaN);
      List<Finding> findings = Diagnosis.findings(evidence);
      DiagnosisJson.write(c.out().resolve(DiagnoseCommand.DIAGNOSIS), evidence, findings);
      out.println();
      DiagnoseCommand.print(out, findings, c.asMap());
      out.println("  (cnn diagnose " + c.out() + " adds calibration and the report with figures)");
    }
    out.println();
    out.println("wrote the model, history and metrics to " + c.out().toAbsolutePath());
    out.flush();
    return new Result(eval, result.history(), bestEpoch, c.out());
  }

  /** The planted label errors of a {@code --label-noise} run: index, true label, given label. */
  static final String LABEL_NOISE = "label_noise.csv";

  /**
   * Writes the images the run trains on whose labels the noise replaced, by position in the
   * dataset's training split (the numbers of label_errors.csv), ascending.
   *
   * @param used the positions of the run's training images (after --limit, --subsample, --val-split)
   */
  private static void writeLabelNoise(Path file, SyntheticShapes.ShapesDataset split, int[] used) throws IOException {
    StringBuilder sb = new StringBuilder(Csv.row("index", "true_label", "given_label"));
    int[] truth = split.trueLabels();
    boolean[] flipped = split.flipped();
    List<String> names = split.classNames();
    int[] sorted = used.clone();
    java.util.Arrays.sort(sorted);
    for (int i : sorted) {
      if (flipped[i]) sb.append(Csv.row(i, names.get(truth[i]), names.get(split.label(i))));
    }
    AtomicFiles.writeString(file, sb.toString());
  }

  /** The run's model, freshly initialised from {@code seed}: a named architecture or a model.json file. */
  static Model newModel(Config c, Dataset train, int classes, long seed) throws IOException {
    if (c.model().endsWith(".json")) return ModelFiles.readModelArchitecture(Path.of(c.model()), seed);
    return c.dropout() >= 0 ? Architectures.byName(c.model(), train.sampleShape(), classes, seed, c.dropout())
        : Architectures.byName(c.model(), train.sampleShape(), classes, seed);
  }

  /**
   * The run's --loss: cross-entropy (with --label-smoothing) or focal loss (with --focal-gamma),
   * weighted by class as --class-weights says (balanced weights from {@code train}'s counts; focal
   * loss's alpha).
   */
  static ClassificationLoss loss(Config c, Dataset train, List<String> names) {
    double[] w = null;
    if (!c.classWeights().equals("none")) {
      w = c.classWeights().equals("balanced") ? ClassBalance.balancedWeights(train.labels(), names.size())
          : ClassBalance.parseWeights(c.classWeights(), names);
      Log.info("class weights " + java.util.Arrays.toString(w));
    }
    if (c.loss().equals("focal")) {
      FocalLoss.Builder b = FocalLoss.builder().gamma(c.focalGamma());
      if (w != null) b.alpha(w);
      return b.build();
    }
    CrossEntropyLoss.Builder b = CrossEntropyLoss.builder();
    if (w != null) b.classWeights(w);
    if (c.labelSmoothing() > 0) b.labelSmoothing(c.labelSmoothing());
    return b.build();
  }

  /**
   * The callbacks that watch --monitor, as the run's options ask: early stopping (restoring the
   * best weights) and the learning-rate reduction on a plateau, both with --min-delta.
   */
  static List<Callback> monitors(Config c) {
    List<Callback> out = new ArrayList<>();
    if (c.earlyStopping() > 0) {
      out.add(EarlyStopping.on(c.monitor()).patience(c.earlyStopping()).minDelta(c.minDelta())
          .restoreBestWeights(true).build());
    }
    Plateau p = plateau(c.reduceLrOnPlateau());
    if (p != null) out.add(new ReduceLrOnPlateau(c.monitor(), p.factor(), p.patience(), c.minDelta(), 0, 0));
    return out;
  }

  /** A trainer with the run's schedule and --clip-norm. */
  static Trainer.Builder trainer(Config c, Model model, ClassificationLoss loss, Optimizer optimizer) {
    Trainer.Builder b = Trainer.builder(model, loss, optimizer).epochs(c.epochs()).schedule(schedule(c));
    return c.clipNorm() > 0 ? b.clipGradientNorm(c.clipNorm()) : b;
  }

  /**
   * The loader of the training data as the run's options make it: batches of --batch-size in an
   * order drawn from {@code seed}, with the run's augmentation, and with --oversample's sampler.
   * (The fold runs of --label-errors, the trials of cnn tune and cnn lr-find train through it;
   * {@link #run} builds the same loader from the sampler and augmentation it checked first.)
   */
  static DataLoader trainingLoader(Config c, Dataset train, long seed) {
    DataLoader.Builder b = DataLoader.builder(train).batchSize(c.batchSize()).seed(seed)
        .augmentation(augmentation(c, train));
    if (c.oversample()) b.sampler(WeightedSampler.oversample(train.labels(), train.classes(), seed));
    return b.build();
  }

  /** The run's --augment (fill values from {@code train}'s statistics), or none. */
  static Augmentation augmentation(Config c, Dataset train) {
    return c.augment().isEmpty() ? Augmentation.identity() : AugmentationSpec.parse(c.augment(), train);
  }

  /**
   * Trains a fresh model with the run's options on {@code train} for {@code c.epochs()} epochs,
   * quietly and without validation, early stopping, learning-rate reduction on a plateau or
   * checkpoints (a fold of cnn diagnose --label-errors). Every random choice comes from {@code seed}.
   */
  static Model trainQuietly(Config c, Dataset train, List<String> names, long seed) throws IOException {
    Model model = newModel(c, train, names.size(), seed);
    Trainer trainer = trainer(c, model, loss(c, train, names), optimizer(c, model)).callbacks(new TerminateOnNaN())
        .progress(Progress.none()).build();
    try (DataLoader loader = trainingLoader(c, train, seed)) {
      Trainer.Result r = trainer.fit(loader, null, new Trainer.TrainingState());
      if (r.stopReason() != null) Log.warn("a fold run stopped early: " + r.stopReason());
    }
    return model;
  }

  /** Refuses to resume a run that is over, or to shorten one. */
  private static void checkResumable(Config c, Checkpoint.Loaded resumed) {
    String dir = "--resume " + c.resume();
    if (resumed.stopReason() != null) {
      throw new IllegalArgumentException(dir + ": the run is finished: it stopped after epoch " + resumed.epochsDone()
          + " (" + resumed.stopReason() + "); nothing to resume. Start a new run with --out to train again");
    }
    if (resumed.epochsDone() > c.epochs()) {
      throw new IllegalArgumentException(dir + ": --epochs " + c.epochs() + " is fewer than the " + resumed.epochsDone()
          + " epochs the run has trained; give --epochs " + (resumed.epochsDone() + 1) + " or more to extend it");
    }
    if (resumed.epochsDone() == c.epochs() && Files.exists(c.resume().resolve(METRICS))) {
      throw new IllegalArgumentException(dir + ": the run is finished: it trained all " + c.epochs() + " epochs and"
          + " wrote its metrics. To train it further, give --epochs N with N > " + c.epochs());
    }
  }

  /** The metrics file of a finished run. */
  static final String METRICS = "metrics.json";

  /**
   * The data a run trains, validates and tests on, as its options make them.
   *
   * @param trainIndices {@code trainIndices[i]}: the position in the dataset's training split
   *     ({@code data.train()}) of training image i, the number that label_errors.csv and
   *     {@code --exclude} use
   */
  record RunData(DataChoice data, Dataset train, Dataset validation, Dataset test, List<String> names, int[] counts,
      int[] trainIndices) {
    /**
     * Loads the dataset and applies --exclude, --limit, --subsample and --val-split in the order
     * and with the random draws of {@code cnn train}, so that {@code cnn diagnose} sees the run's
     * own splits.
     */
    static RunData of(Config c) throws IOException {
      return of(c, null);
    }

    /** As {@link #of(Config)}, refusing a dataset whose classes are not {@code expected} (a trained model's). */
    static RunData of(Config c, List<String> expected) throws IOException {
      Rng rng = new Rng(c.seed());
      Log.info("loading " + c.dataset());
      DataChoice data = DataChoice.load(c.dataset(), c.dataDir(), c.imageSize(), c.seed(), c.labelNoise(),
          c.labelNoiseKind());
      Dataset full = data.train(), test = data.test();
      List<String> names = full.classNames();
      if (expected != null && !expected.equals(names)) {
        throw new IllegalArgumentException("the run's model predicts " + expected.size() + " classes ("
            + preview(expected) + ") but --dataset " + c.dataset() + " has " + names.size() + " (" + preview(names)
            + "); use the dataset the run was trained on, or one with the same classes");
      }
      int[] index = ExcludeList.keep(full.size(), c.excluded(), c.excludeFile(), c.dataset());
      Dataset train = index.length == full.size() ? full : full.subset(index);
      // Each --limit takes its own random stream even when it keeps everything, so later draws do not move.
      Rng limitTrain = c.limitTrain() > 0 ? rng.split() : null, limitTest = c.limitTest() > 0 ? rng.split() : null;
      if (limitTrain != null && c.limitTrain() < train.size()) {
        int[] pick = limit(train, c.limitTrain(), limitTrain);
        train = train.subset(pick);
        index = select(index, pick);
      }
      if (limitTest != null && c.limitTest() < test.size()) test = test.subset(limit(test, c.limitTest(), limitTest));
      if (!c.subsample().isEmpty()) {
        int[] keep = Splits.subsample(train.labels(), Splits.parseFractions(c.subsample(), names), rng.split());
        train = train.subset(keep);
        index = select(index, keep);
      }
      Dataset validation = null;
      if (c.valSplit() > 0) {
        Splits.Split s = Splits.stratified(train.labels(), c.valSplit(), rng.split());
        validation = train.subset(s.validation());
        train = train.subset(s.train());
        index = select(index, s.train());
      }
      return new RunData(data, train, validation, test, names, ClassBalance.counts(train.labels(), names.size()),
          index);
    }

    /** {@code index[pick[i]]} for each i: positions of a subset of a subset, in the original. */
    private static int[] select(int[] index, int[] pick) {
      int[] out = new int[pick.length];
      for (int i = 0; i < pick.length; i++) out[i] = index[pick[i]];
      return out;
    }
  }

  private static String preview(List<String> names) {
    return String.join(", ", names.subList(0, Math.min(4, names.size()))) + (names.size() > 4 ? ", ..." : "");
  }

  /** The checkpoint's directory inside --out. */
  static final String CHECKPOINT = "checkpoint";

  /**
   * The options a resumed run must share with the saved one (all but epochs, threads, out and
   * resume), as the checkpoint records them; compared only for runs without a run.json.
   */
  static String resumableConfig(Config c) {
    Map<String, Object> m = new LinkedHashMap<>(c.asMap());
    for (String k : List.of("epochs", "threads", "out", "resume")) m.remove(k);
    return m.toString();
  }

  /** The positions of a stratified random subset of n of d's samples (n below the size). */
  private static int[] limit(Dataset d, int n, Rng rng) {
    return Splits.stratified(d.labels(), (double) n / d.size(), rng).validation();
  }

  static Optimizer optimizer(Config c, Model model) {
    switch (c.optimizer()) {
      case "sgd":
        return Sgd.builder(c.lr()).momentum(c.momentum()).weightDecay(c.weightDecay())
            .decayBiasAndNorm(c.decayBiasAndNorm()).build(model.parameters());
      case "adam":
        return Adam.adam(c.lr()).weightDecay(c.weightDecay()).decayBiasAndNorm(c.decayBiasAndNorm())
            .build(model.parameters());
      case "adamw":
        return Adam.adamW(c.lr()).weightDecay(c.weightDecay()).decayBiasAndNorm(c.decayBiasAndNorm())
            .build(model.parameters());
      default:
        return RmsProp.builder(c.lr()).momentum(c.momentum()).weightDecay(c.weightDecay())
            .decayBiasAndNorm(c.decayBiasAndNorm()).build(model.parameters());
    }
  }

  /**
   * The {@code --lr-schedule} text: {@code constant}, {@code step:EVERY:GAMMA}, {@code exp:GAMMA},
   * {@code cosine[:TMAX[:MIN_FACTOR]]} (TMAX defaults to --epochs) or {@code one-cycle[:PCT_START]}
   * (over --epochs, the rate set before every step; PCT_START 0.3, PyTorch's dividers 25 and 1e4),
   * optionally after {@code warmup:EPOCHS,} (per epoch) or {@code warmup-steps:STEPS,} (per step),
   * both from 0.1 of the rate.
   */
  static LrSchedule schedule(Config c) {
    String spec = c.lrSchedule().trim().toLowerCase(Locale.ROOT);
    int warmup = 0, warmupSteps = 0;
    if (spec.startsWith("warmup-steps:")) {
      int comma = spec.indexOf(',');
      if (comma < 0) throw scheduleError(c.lrSchedule(), "warmup-steps:STEPS must be followed by ,SCHEDULE");
      double n = number(c.lrSchedule(), spec.substring(13, comma));
      if (n < 1 || n != Math.rint(n)) throw scheduleError(c.lrSchedule(), "warmup-steps needs a whole number of steps >= 1");
      warmupSteps = (int) n;
      spec = spec.substring(comma + 1);
    } else if (spec.startsWith("warmup:")) {
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
        case "one-cycle":
          if (warmup > 0 || warmupSteps > 0) throw scheduleError(c.lrSchedule(), "one-cycle has its own warm-up");
          s = LrSchedule.oneCycle(c.epochs(), parts.length > 1 ? number(c.lrSchedule(), parts[1]) : 0.3, 25, 1e4);
          break;
        default:
          throw scheduleError(c.lrSchedule(), "unknown schedule '" + parts[0] + "'");
      }
    } catch (ArrayIndexOutOfBoundsException e) {
      throw scheduleError(c.lrSchedule(), "a value is missing");
    } catch (IllegalArgumentException e) { // a schedule's own range check, e.g. one-cycle:1.5
      if (e.getMessage() != null && e.getMessage().startsWith("--lr-schedule")) throw e;
      throw scheduleError(c.lrSchedule(), e.getMessage());
    }
    try {
      if (warmupSteps > 0) return s.withWarmupSteps(warmupSteps, 0.1);
      return warmup > 0 ? s.withWarmup(warmup, 0.1) : s;
    } catch (IllegalArgumentException e) {
      throw scheduleError(c.lrSchedule(), e.getMessage());
    }
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
        + " exp:GAMMA, cosine[:TMAX[:MIN_FACTOR]] or one-cycle[:PCT_START], optionally after warmup:EPOCHS, or"
        + " warmup-steps:STEPS, (e.g. warmup:2,cosine or warmup-steps:500,cosine)");
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
