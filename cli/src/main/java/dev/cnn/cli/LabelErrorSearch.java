package dev.cnn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnn.data.DataLoader;
import dev.cnn.data.Dataset;
import dev.cnn.data.Splits;
import dev.cnn.diagnose.Predictions;
import dev.cnn.layers.Model;
import dev.cnn.tensor.Log;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Out-of-sample class probabilities for every training image of a run, by stratified K-fold
 * training with the run's own options: fold f's images are predicted by a model trained on the
 * other K - 1 folds, so no image is scored by a model that has seen (and memorised) its label.
 * This is what confident learning needs ({@code cnn diagnose --label-errors}).
 *
 * <p>Each fold is an independent job whose result is a file, {@code RUN/label-errors/fold-F-of-K.json}
 * (the fold's positions in the training set and their probabilities, with the key of the job that
 * made them): a finished fold is read back instead of trained again when its key matches (same
 * options, folds, epochs, seed and training set), so an interrupted search resumes, and folds can
 * be run by separate processes.
 */
final class LabelErrorSearch {
  /** The folds' directory inside the run. */
  static final String DIR = "label-errors";
  /** The default number of folds (the paper's and cleanlab's choice). */
  static final int DEFAULT_FOLDS = 5;
  /** Mixed into the run's seed for the fold assignment and each fold's training ("FOLD"). */
  private static final long FOLD_STREAM = 0x464f4c44L;
  static final String FORMAT = "cnn-fold";

  private static final ObjectMapper JSON = new ObjectMapper();

  private LabelErrorSearch() {}

  /**
   * Checks {@code folds} against the training set: at least 2, and at most the smallest class's
   * count (each fold needs an image of every class to leave out).
   */
  static void checkFolds(int folds, Dataset train) {
    int[] counts = dev.cnn.data.ClassBalance.counts(train.labels(), train.classes());
    int smallest = Integer.MAX_VALUE, which = 0;
    for (int c = 0; c < counts.length; c++) {
      if (counts[c] < smallest) {
        smallest = counts[c];
        which = c;
      }
    }
    if (folds < 2 || folds > smallest) {
      throw new IllegalArgumentException("--folds " + folds + ": expected 2 to " + Math.max(2, smallest) + " (at most"
          + " the training images of the smallest class, " + train.classNames().get(which) + ", which has " + smallest
          + ")" + (smallest < 2 ? "; that class is too small for cross-validation: give it more images" : ""));
    }
  }

  /**
   * The out-of-sample probabilities of every image of {@code train}, {@code [train.size()][k]},
   * training each fold for {@code c.epochs()} epochs (or reading its file).
   *
   * @param datasetIndex each training image's position in the dataset's training split, recorded
   *     in the fold files beside its given label (so that a fold file can be read on its own)
   * @param dir where the fold files go (created)
   */
  static double[][] outOfSample(TrainingRun.Config c, Dataset train, int[] datasetIndex, int folds, Path dir,
      PrintWriter out) throws IOException {
    return outOfSample(c, train, datasetIndex, folds, dir, out, null);
  }

  /**
   * As {@link #outOfSample(TrainingRun.Config, Dataset, int[], int, Path, PrintWriter)}; with a
   * {@link SparkFolds} the folds still to train run as Spark tasks, all at once, each computing what
   * this process would (the same split, seed and training), and this process writes their files.
   */
  static double[][] outOfSample(TrainingRun.Config c, Dataset train, int[] datasetIndex, int folds, Path dir,
      PrintWriter out, SparkFolds spark) throws IOException {
    checkFolds(folds, train);
    Files.createDirectories(dir);
    List<Splits.Split> splits = splits(c, train, folds);
    long[] seeds = foldSeeds(c, folds);
    double[][] probs = new double[train.size()][];
    boolean[] toTrain = new boolean[folds];
    for (int f = 0; f < folds && spark != null; f++) {
      Path file = dir.resolve(String.format(Locale.ROOT, "fold-%d-of-%d.json", f + 1, folds));
      toTrain[f] = Fold.read(file, key(c, train, folds, f, seeds[f])) == null;
    }
    Map<Integer, Fold> remote = spark == null ? Map.of() : spark.run(folds, seeds, toTrain);
    for (int f = 0; f < folds; f++) {
      long seed = seeds[f];
      Path file = dir.resolve(String.format(Locale.ROOT, "fold-%d-of-%d.json", f + 1, folds));
      Map<String, Object> key = key(c, train, folds, f, seed);
      Fold fold = remote.containsKey(f) ? new Fold(key, remote.get(f).indices(), remote.get(f).probabilities())
          : Fold.read(file, key);
      if (remote.containsKey(f)) {
        fold.write(file, train, datasetIndex);
        out.println(String.format(Locale.ROOT, "fold %d of %d: trained on Spark, scored %d images", f + 1, folds,
            fold.indices().length));
      } else if (fold != null) {
        out.println(String.format(Locale.ROOT, "fold %d of %d: read %s", f + 1, folds, file));
      } else {
        long start = System.nanoTime();
        fold = Fold.run(c, train, splits.get(f), seed, key);
        fold.write(file, train, datasetIndex);
        out.println(String.format(Locale.ROOT, "fold %d of %d: trained on %d images for %d epochs, scored %d (%.0f s)",
            f + 1, folds, splits.get(f).train().length, c.epochs(), fold.indices().length,
            (System.nanoTime() - start) / 1e9));
      }
      out.flush();
      for (int i = 0; i < fold.indices().length; i++) probs[fold.indices()[i]] = fold.probabilities()[i];
    }
    return probs;
  }

  /** The run's stratified folds, drawn from its seed (the same here and on an executor). */
  static List<Splits.Split> splits(TrainingRun.Config c, Dataset train, int folds) {
    return Splits.stratifiedKFold(train.labels(), folds, new Rng(c.seed() ^ FOLD_STREAM).split());
  }

  /** Each fold's training seed: the draws after the fold assignment's. */
  static long[] foldSeeds(TrainingRun.Config c, int folds) {
    Rng rng = new Rng(c.seed() ^ FOLD_STREAM);
    rng.split(); // the fold assignment's
    long[] seeds = new long[folds];
    for (int f = 0; f < folds; f++) seeds[f] = rng.split().nextLong();
    return seeds;
  }

  /** What determines a fold's result: a file made under another key is stale. */
  private static Map<String, Object> key(TrainingRun.Config c, Dataset train, int folds, int fold, long seed) {
    Map<String, Object> options = new LinkedHashMap<>(c.asMap());
    for (String k : List.of("threads", "out", "resume", "data_dir", "diagnostics", "early_stopping", "monitor")) {
      options.remove(k);
    }
    Map<String, Object> key = new LinkedHashMap<>();
    key.put("folds", folds);
    key.put("fold", fold + 1);
    key.put("seed", seed);
    key.put("training_images", train.size());
    key.put("labels_hash", java.util.Arrays.hashCode(train.labels()));
    key.put("options", options);
    return key;
  }

  /**
   * One fold's result.
   *
   * @param indices positions in the training set of the images the fold scored
   * @param probabilities their class probabilities, one row each
   */
  record Fold(Map<String, Object> key, int[] indices, double[][] probabilities) {
    /** Trains on the split's training part and scores its held-out part. */
    static Fold run(TrainingRun.Config c, Dataset train, Splits.Split split, long seed, Map<String, Object> key)
        throws IOException {
      Model model = TrainingRun.trainQuietly(c, train.subset(split.train()), train.classNames(), seed);
      Predictions.Probabilities p;
      try (DataLoader held = DataLoader.builder(train.subset(split.validation())).batchSize(256).shuffle(false)
          .build()) {
        p = Predictions.probabilities(model, held);
      }
      return new Fold(key, split.validation().clone(), p.probabilities());
    }

    /** The fold in {@code file} when it was made under {@code key}; null when missing, stale or damaged. */
    static Fold read(Path file, Map<String, Object> key) throws IOException {
      if (!Files.isRegularFile(file)) return null;
      try {
        JsonNode root = JSON.readTree(file.toFile());
        if (!FORMAT.equals(root.path("format").asText())) return null;
        // Compared as parsed JSON on both sides (a long written as 42 reads back as an int).
        if (!JSON.readTree(JSON.writeValueAsString(key)).equals(root.get("key"))) {
          Log.info(file + " was made with other options; training the fold again");
          return null;
        }
        JsonNode idx = root.get("indices"), probs = root.get("probabilities");
        int[] indices = new int[idx.size()];
        double[][] p = new double[idx.size()][];
        for (int i = 0; i < indices.length; i++) {
          indices[i] = idx.get(i).asInt();
          JsonNode row = probs.get(i);
          p[i] = new double[row.size()];
          for (int c = 0; c < p[i].length; c++) p[i][c] = row.get(c).asDouble();
        }
        return new Fold(key, indices, p);
      } catch (IOException | RuntimeException e) {
        Log.warn(file + " is damaged (" + e.getMessage() + "); training the fold again");
        return null;
      }
    }

    /**
     * Writes the fold atomically: {@code indices} (positions in the training set), their
     * {@code dataset_indices} and given {@code labels}, and the {@code probabilities}, one row each.
     */
    void write(Path file, Dataset train, int[] datasetIndex) throws IOException {
      ObjectNode root = JSON.createObjectNode();
      root.put("format", FORMAT);
      root.put("version", 1);
      root.set("key", JSON.valueToTree(key));
      ArrayNode idx = root.putArray("indices");
      for (int i : indices) idx.add(i);
      ArrayNode original = root.putArray("dataset_indices");
      for (int i : indices) original.add(datasetIndex[i]);
      ArrayNode labels = root.putArray("labels");
      for (int i : indices) labels.add(train.label(i));
      ArrayNode rows = root.putArray("probabilities");
      for (double[] p : probabilities) {
        ArrayNode row = rows.addArray();
        for (double v : p) row.add((float) v); // float32 is what the model computed
      }
      AtomicFiles.writeString(file, JSON.writeValueAsString(root) + "\n");
    }
  }
}
