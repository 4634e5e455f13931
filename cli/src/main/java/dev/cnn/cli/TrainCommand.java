package dev.cnn.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cnn train}: trains a model on a dataset, evaluates it on the test set, prints the
 * per-class table and the confusion matrix, and writes its outputs to {@code --out}. With no
 * options it trains FashionNet on the built-in {@code shapes} dataset for a few epochs.
 *
 * <p>The option names are fixed so that scripts can rely on them; every value is checked before
 * training starts, and the effective values are written to {@code metrics.json} under
 * {@code config}. The work itself is in {@link TrainingRun}.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train a CNN on a dataset's training split, then report on its test split (per-class table and"
        + " confusion matrix) and write the model, history, checkpoint and metrics to --out.",
        "Splits: fashion-mnist, mnist and idx:DIR have their own training and test files; shapes generates both;"
            + " folder:DIR uses DIR/train and DIR/test when it has them, else a stratified 20% of its images (by"
            + " --seed) is the test split. --val-split F holds out a stratified fraction F of the training split for"
            + " validation (val_loss, early stopping); the test split is used only for the final report.",
        "With no options: FashionNet on the built-in 'shapes' dataset (about 15 s on 2 cores).",
        "Every option is checked before the first step; a run's options are saved in --out/run.json."})
class TrainCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--preset", paramLabel = "NAME",
      description = "Start from the settings of an example: ${COMPLETION-CANDIDATES}; explicit options override"
          + " them. shapes: the defaults. fashion: fashionnet on fashion-mnist, 15 epochs, cosine schedule,"
          + " --val-split 0.1, --early-stopping 4 on val_accuracy. fashion_bn: the same with vgg-small, 30 epochs"
          + " and --augment shift=0.1,hflip,erase=0.25. fashion_resnet: resnet-small (a residual GraphModel), 12"
          + " epochs, --optimizer adamw --lr 0.002 --weight-decay 0.0005 --no-decay-on-bias-and-norm --lr-schedule"
          + " warmup-steps:300,cosine --augment hflip. imbalance: fashion with"
          + " --subsample Pullover=0.05,Coat=0.05,Shirt=0.05.")
  Preset preset;

  @Option(names = "--dataset", paramLabel = "NAME",
      description = "shapes (built in), fashion-mnist, mnist, folder:DIR (one sub-folder per class) or idx:DIR."
          + " Default: shapes.")
  String dataset;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Where to look first for fashion-mnist and mnist (then $CNN_DATA, the cache,"
          + " /usr/share/datasets).")
  Path dataDir;

  @Option(names = "--image-size", paramLabel = "N",
      description = "Resize folder images to N x N (default: keep their size, which must then be the same);"
          + " with shapes, draw the images at N x N (8 to 512; default 28). fashion-mnist, mnist and idx:DIR"
          + " images are 28 x 28 and are not resized.")
  Integer imageSize;

  @Option(names = "--limit", paramLabel = "TRAIN[,TEST]", split = ",",
      description = "Use a stratified random subset of TRAIN training (and TEST test) samples, for quick runs.")
  int[] limit;

  @Option(names = "--model", paramLabel = "NAME|FILE.json",
      description = "fashionnet, lenet5, vgg-small, resnet-small, or an architecture file (a run's model.json,"
          + " stack or graph). Default: fashionnet.")
  String model;

  @Option(names = "--dropout", paramLabel = "P",
      description = "Dropout rate of the classifier of fashionnet and vgg-small, in [0, 1) (default: theirs, 0.5).")
  Double dropout;

  @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default 4; 15 with --preset fashion or imbalance, 30 with fashion_bn).")
  Integer epochs;

  @Option(names = "--batch-size", paramLabel = "N", description = "Samples per batch (default 64).")
  Integer batchSize;

  @Option(names = "--optimizer", paramLabel = "NAME", description = "sgd, adam, adamw or rmsprop (default adam).")
  String optimizer;

  @Option(names = "--lr", paramLabel = "X", description = "Learning rate (default 0.001).")
  Double lr;

  @Option(names = "--momentum", paramLabel = "X", description = "Momentum for sgd and rmsprop (default 0).")
  Double momentum;

  @Option(names = "--weight-decay", paramLabel = "X",
      description = "Weight decay (L2 for sgd, adam, rmsprop; decoupled for adamw; default 0, 0.01 for adamw).")
  Double weightDecay;

  @Option(names = "--lr-schedule", paramLabel = "SPEC",
      description = "constant, step:EVERY:GAMMA, exp:GAMMA, cosine[:TMAX[:MIN_FACTOR]] or one-cycle[:PCT_START]"
          + " (set before every step), each optionally after warmup:EPOCHS, or warmup-steps:STEPS, (per step; e.g."
          + " warmup:2,cosine or warmup-steps:500,cosine). Default: constant.")
  String lrSchedule;

  @Option(names = "--no-decay-on-bias-and-norm",
      description = "Exempt biases and batch-norm scales and shifts (every one-dimensional parameter) from"
          + " --weight-decay, the usual practice (default: decay every parameter, as PyTorch).")
  Boolean noDecayOnBiasAndNorm;

  @Option(names = "--loss", paramLabel = "NAME",
      description = "cross-entropy or focal (Lin et al., 2017: down-weights the examples the model already gets"
          + " right; --class-weights become its alpha). Default: cross-entropy.")
  String loss;

  @Option(names = "--focal-gamma", paramLabel = "G",
      description = "Focal loss's gamma >= 0 (default 2; 0 gives cross-entropy). Only with --loss focal.")
  Double focalGamma;

  @Option(names = "--label-smoothing", paramLabel = "EPS",
      description = "Cross-entropy against (1 - EPS) * one-hot + EPS / classes, EPS in [0, 1) (default 0).")
  Double labelSmoothing;

  @Option(names = "--clip-norm", paramLabel = "X",
      description = "Clip the gradients' global L2 norm to X before every step (default: no clipping).")
  Double clipNorm;

  @Option(names = "--reduce-lr-on-plateau", paramLabel = "PATIENCE[,FACTOR]",
      description = "Multiply the learning rate by FACTOR in (0, 1) (default 0.1) when --monitor has not improved"
          + " for PATIENCE epochs (Keras' ReduceLROnPlateau).")
  String reduceLrOnPlateau;

  @Option(names = "--min-delta", paramLabel = "D",
      description = "The least change of --monitor that counts as an improvement, for --early-stopping and"
          + " --reduce-lr-on-plateau (default 0).")
  Double minDelta;

  @Option(names = "--class-weights", paramLabel = "SPEC",
      description = "none, balanced (n / (classes * count)), or LABEL=W,... by class index or name. Default: none.")
  String classWeights;

  @Option(names = "--oversample", description = "Repeat minority-class samples until every class has as many"
      + " as the largest (a weighted sampler without replacement).")
  Boolean oversample;

  @Option(names = "--subsample", paramLabel = "LABEL=FRACTION,...",
      description = "Keep only that fraction of a class in the training set (to make imbalanced experiments).")
  String subsample;

  @Option(names = "--exclude", paramLabel = "FILE.csv",
      description = "Train without the training images listed in FILE.csv (its 'index' column: positions in the"
          + " dataset's training split, as 'cnn diagnose --label-errors' writes them to label_errors.csv).")
  Path exclude;

  @Option(names = "--label-noise", paramLabel = "F",
      description = "shapes only: replace this fraction of the training labels with wrong ones (planted label"
          + " errors; the truth goes to RUN/label_noise.csv). Default: 0.")
  Double labelNoise;

  @Option(names = "--label-noise-kind", paramLabel = "KIND",
      description = "uniform (any other class) or pairs (each class to its look-alike: circle/ring, square/frame,"
          + " triangle/star, cross/bar). Default: uniform.")
  String labelNoiseKind;

  @Option(names = "--augment", paramLabel = "SPEC",
      description = "Augmentation, e.g. rotate=10,shift=0.1,zoom=0.1,hflip,fill=reflect,erase=0.25,crop=4"
          + " (see data/README.md). Default: none.")
  String augment;

  @Option(names = "--val-split", paramLabel = "F",
      description = "Stratified fraction of the training split held out for validation; it is not trained on"
          + " (default 0; 0.1 with --early-stopping).")
  Double valSplit;

  @Option(names = "--early-stopping", paramLabel = "PATIENCE",
      description = "Stop when --monitor has not improved for PATIENCE epochs and restore the best weights.")
  Integer earlyStopping;

  @Option(names = "--monitor", paramLabel = "METRIC",
      description = "What --early-stopping and --reduce-lr-on-plateau watch: val_loss (default; val_accuracy with"
          + " the fashion presets), val_accuracy, loss or accuracy.")
  String monitor;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of every random choice (default 42).")
  Long seed;

  @Option(names = "--threads", paramLabel = "N", description = "Threads (default: the number of processors; at most 4 x the processors).")
  Integer threads;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Output directory, created if missing (default runs/<dataset>-<model>-<time>). A directory"
          + " that holds a run is refused: continue that run with --resume, or replace it with --overwrite.")
  Path out;

  @Option(names = "--overwrite", description = "Replace the run in --out (its files only; other files stay).")
  Boolean overwrite;

  @Option(names = "--resume", paramLabel = "DIR",
      description = "Continue the run in DIR from its last checkpoint, with the options it was started with"
          + " (restored from DIR/run.json). Only --epochs (to extend a run) and --threads may be given again;"
          + " any other option must equal the saved one.")
  Path resume;

  @Option(names = "--study", paramLabel = "DIR",
      description = "The 'cnn tune' study these options came from (its best line gives it): cnn diagnose shows the"
          + " study's trials and figures in the run's report.")
  Path study;

  @Option(names = "--diagnostics", description = "Record gradient norms and dead-ReLU fractions per epoch.")
  Boolean diagnostics;

  @Option(names = "--no-report", description = "Skip the quick diagnosis printed at the end (cnn diagnose RUN"
      + " gives the full one, with figures).")
  Boolean noReport;

  @Option(names = "--spark", paramLabel = "MASTER",
      description = "Apache Spark (local[N], spark://HOST:7077, or 'submit' under spark-submit). train: data-parallel,"
          + " --workers copies each on their own batches, their parameters averaged every --sync-every steps. tune: each"
          + " trial a Spark task. Needs Spark on the class path (spark-submit, or CNN_CLASSPATH='$SPARK_HOME/jars/*').")
  String spark;

  @Option(names = "--workers", paramLabel = "N", description = "With --spark: workers (default 2), each with --batch-size.")
  Integer workers;

  @Option(names = "--sync-every", paramLabel = "K", description = "With --spark: steps between averages (default 1).")
  Integer syncEvery;

  @Override
  public Integer call() throws Exception {
    if (spark == null && (workers != null || syncEvery != null)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), (workers != null ? "--workers" : "--sync-every")
          + " is for data-parallel training on Spark; add --spark MASTER (local[2] on this machine)");
    }
    if (spark != null) {
      if (resume != null) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--resume is not supported with --spark;"
            + " a data-parallel run is short-lived: start it again");
      }
      int n = workers != null ? workers : 2, k = syncEvery != null ? syncEvery : 1;
      if (n < 1 || k < 1) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), (n < 1 ? "--workers " + n : "--sync-every "
            + k) + ": expected at least 1");
      }
      TrainingRun.Config config = TrainingRun.Config.from(this);
      return SparkRun.train(config, spark, n, k, spec.commandLine().getOut());
    }
    TrainingRun.Config config = TrainingRun.Config.from(this);
    TrainingRun.run(config, spec.commandLine().getOut(), !Boolean.TRUE.equals(noReport));
    return 0;
  }

  /** The example classifiers' settings. */
  enum Preset {
    shapes, fashion, fashion_bn, fashion_resnet, imbalance
  }
}
