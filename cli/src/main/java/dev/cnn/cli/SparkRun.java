package dev.cnn.cli;

import dev.cnn.data.DataLoader;
import dev.cnn.data.Dataset;
import dev.cnn.data.SyntheticShapes;
import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.Model;
import dev.cnn.layers.io.ModelFiles;
import dev.cnn.optim.Evaluation;
import dev.cnn.optim.Evaluator;
import dev.cnn.spark.DataParallel;
import dev.cnn.tensor.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code cnn train --spark MASTER --workers N --sync-every K}: data-parallel training through
 * {@link DataParallel}, then the test set's evaluation on the driver. Writes the model
 * ({@code model.safetensors}, {@code model.json}, {@code classes.json}) and {@code rounds.csv} (the
 * loss and the time of every round, the synchronisation's share). Only this class touches Spark, so
 * the command line runs without Spark installed until {@code --spark} is given.
 */
final class SparkRun {
  private SparkRun() {}

  /** Trains; 0 on success. */
  static int train(TrainingRun.Config c, String master, int workers, int syncEvery, PrintWriter out) throws IOException {
    requireSpark(master);
    String spec = datasetSpec(c);
    if (!c.optimizer().equals("sgd") && !c.optimizer().equals("adam")) {
      throw new IllegalArgumentException("--optimizer " + c.optimizer() + ": --spark trains with sgd or adam");
    }
    Dataset train = DataParallel.dataset(spec);
    Model model = TrainingRun.newModel(c, train, train.classes(), c.seed());
    int perStep = workers * c.batchSize();
    int steps = c.epochs() * (train.size() / perStep) / syncEvery * syncEvery;
    if (steps < syncEvery) {
      throw new IllegalArgumentException(c.dataset() + " has " + train.size() + " training images, fewer than one round"
          + " of " + workers + " workers x " + c.batchSize() + " images x " + syncEvery + " steps");
    }
    DataParallel.Job job = new DataParallel.Job(ModelFiles.architectureJson(model), spec, c.optimizer(), c.lr(), workers,
        c.batchSize(), syncEvery, steps, c.seed());
    Path dir = c.out();
    RunDirectory.checkCreatable(dir, "--out " + dir);
    Files.createDirectories(dir);
    SparkConf conf = new SparkConf().setAppName("cnn train --spark");
    if (!master.equals("submit")) conf.setMaster(master);
    shipThisJar(conf);
    out.printf(Locale.ROOT, "training %s on %s, data-parallel on Spark %s: %d workers x batch %d, averaged every %d"
        + " steps, %d steps%n", c.model(), c.dataset(), master, workers, c.batchSize(), syncEvery, steps);
    out.flush();
    DataParallel.Result r;
    long start = System.nanoTime();
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      sc.setLogLevel("WARN");
      r = DataParallel.train(sc, job);
    }
    double seconds = (System.nanoTime() - start) / 1e9, sync = 0;
    StringBuilder csv = new StringBuilder("round,steps,loss,seconds,sync_seconds\n");
    for (DataParallel.Round round : r.rounds()) {
      sync += round.syncSeconds();
      csv.append(String.format(Locale.ROOT, "%d,%d,%.6f,%.4f,%.4f%n", round.round() + 1, round.steps(), round.loss(),
          round.seconds(), round.syncSeconds()));
      if (round.round() % Math.max(1, r.rounds().size() / 10) == 0 || round.round() == r.rounds().size() - 1) {
        out.println(DataParallel.describe(round));
      }
    }
    Dataset test = testSplit(c);
    Evaluation e;
    try (DataLoader loader = DataLoader.builder(test).batchSize(256).shuffle(false).build()) {
      e = Evaluator.evaluate(r.model(), CrossEntropyLoss.of(), loader, test.classNames());
    }
    ModelFiles.save(r.model(), dir.resolve(ModelDir.WEIGHTS));
    ModelDir.saveClassNames(dir, train.classNames());
    AtomicFiles.writeString(dir.resolve("rounds.csv"), csv.toString());
    out.printf(Locale.ROOT, "%d images in %.1f s: %.0f images/s, %.1f%% of the time synchronising; test accuracy %.2f%%"
        + " on %d images%n", (long) steps * perStep, seconds, steps * (double) perStep / seconds, 100 * sync / seconds,
        100 * e.accuracy(), test.size());
    out.println("wrote the model and rounds.csv to " + dir);
    out.flush();
    return 0;
  }

  /**
   * Refuses, with how to fix it, when Spark is not on the class path: {@code ./cnn} runs without it
   * until {@code --spark} is given.
   */
  static void requireSpark(String master) {
    try {
      Class.forName("org.apache.spark.SparkConf");
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("--spark needs Apache Spark 4.2 on the class path: run through spark-submit"
          + " (bin/spark-submit --class dev.cnn.cli.Cnn cli/target/cnn.jar ... --spark submit), or give the launcher"
          + " Spark's jars: CNN_CLASSPATH='$SPARK_HOME/jars/*' ./cnn ... --spark " + master);
    }
  }

  /** The executors need the engine's classes: ship the jar this class came from (cnn.jar), when it is one. */
  static void shipThisJar(SparkConf conf) {
    String jar = SparkRun.class.getProtectionDomain().getCodeSource().getLocation().getPath();
    if (jar.endsWith(".jar")) conf.setJars(new String[] {jar});
  }

  /** The dataset as every node can build it: the shapes generator by seed, or a standard dataset by name (and --data-dir). */
  static String datasetSpec(TrainingRun.Config c) {
    if (c.dataset().equals("shapes")) {
      return "shapes:" + c.seed() + ":" + (c.limitTrain() > 0 ? c.limitTrain() : 10_000);
    }
    if (c.dataset().equals("fashion-mnist") || c.dataset().equals("mnist")) { // --limit N: the first N images
      return c.dataset() + (c.dataDir() != null ? ":" + c.dataDir().toAbsolutePath() : "")
          + (c.limitTrain() > 0 ? "@" + c.limitTrain() : "");
    }
    throw new IllegalArgumentException("--dataset " + c.dataset() + ": --spark trains on shapes, fashion-mnist or mnist"
        + " (with --data-dir DIR, a directory every node can read); copy an image folder to every node, or use"
        + " 'cnn train' without --spark");
  }

  private static Dataset testSplit(TrainingRun.Config c) throws IOException {
    if (c.dataset().equals("shapes")) {
      return SyntheticShapes.builder().seed(c.seed()).testSize(c.limitTest() > 0 ? c.limitTest() : 2000).build().test();
    }
    Dataset test = dev.cnn.data.StandardDatasets.load(c.dataset(), dev.cnn.data.StandardDatasets.Split.TEST, c.dataDir());
    return c.limitTest() > 0 && c.limitTest() < test.size()
        ? test.subset(java.util.stream.IntStream.range(0, c.limitTest()).toArray()) : test;
  }
}
