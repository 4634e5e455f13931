package dev.cnn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnn.spark.SparkTasks;
import dev.cnn.spark.TaskRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code cnn diagnose RUN --label-errors --spark MASTER}: the folds still to train as Spark tasks.
 * Each task rebuilds the run's training set, folds and fold seed from the run directory, as this
 * process does, and trains and scores its fold; the driver writes the fold files, so a resumed
 * search and a local one read the same files. The run directory and the dataset must be readable
 * from every node (a shared file system; the built-in shapes need nothing).
 */
final class SparkFolds {
  private final String master;
  private final Path run;
  private final String dataset;
  private final Path dataDir;
  private final int epochs;

  SparkFolds(String master, Path run, String dataset, Path dataDir, int epochs) {
    this.master = master;
    this.run = run.toAbsolutePath().normalize();
    this.dataset = dataset;
    this.dataDir = dataDir == null ? null : dataDir.toAbsolutePath().normalize();
    this.epochs = epochs;
  }

  /** Trains the folds marked in {@code needed}, one Spark task each; their results by fold. */
  Map<Integer, LabelErrorSearch.Fold> run(int folds, long[] seeds, boolean[] needed) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<String> tasks = new ArrayList<>();
    for (int f = 0; f < folds; f++) {
      if (!needed[f]) continue;
      ObjectNode t = json.createObjectNode().put("run", run.toString()).put("epochs", epochs).put("folds", folds)
          .put("fold", f).put("seed", seeds[f]);
      if (dataset != null) t.put("dataset", dataset);
      if (dataDir != null) t.put("data_dir", dataDir.toString());
      tasks.add(json.writeValueAsString(t));
    }
    Map<Integer, LabelErrorSearch.Fold> out = new LinkedHashMap<>();
    if (tasks.isEmpty()) return out;
    SparkRun.requireSpark(master);
    SparkConf conf = new SparkConf().setAppName("cnn diagnose --label-errors --spark");
    if (!master.equals("submit")) conf.setMaster(master);
    SparkRun.shipThisJar(conf);
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      sc.setLogLevel("WARN");
      for (String r : SparkTasks.run(sc, Task.class.getName(), tasks)) {
        JsonNode j = json.readTree(r);
        JsonNode idx = j.get("indices"), rows = j.get("probabilities");
        int[] indices = new int[idx.size()];
        double[][] p = new double[indices.length][];
        for (int i = 0; i < indices.length; i++) {
          indices[i] = idx.get(i).asInt();
          p[i] = new double[rows.get(i).size()];
          for (int c = 0; c < p[i].length; c++) p[i][c] = rows.get(i).get(c).asDouble();
        }
        out.put(j.get("fold").asInt(), new LabelErrorSearch.Fold(Map.of(), indices, p));
      }
    }
    return out;
  }

  /** The executor's side: one fold, trained and scored from the run directory. */
  public static final class Task implements TaskRunner {
    @Override
    public String run(String text) throws Exception {
      ObjectMapper json = new ObjectMapper();
      JsonNode j = json.readTree(text);
      Path run = Path.of(j.get("run").asText());
      TrainingRun.Config c = DiagnoseCommand.RunFiles.finished(run).config();
      if (j.has("dataset") || j.has("data_dir")) {
        c = c.withData(j.has("dataset") ? j.get("dataset").asText() : c.dataset(),
            j.has("data_dir") ? Path.of(j.get("data_dir").asText()) : null);
      }
      c = c.withEpochs(j.get("epochs").asInt());
      TrainingRun.RunData d = TrainingRun.RunData.of(c, ModelDir.load(run).classNames());
      int folds = j.get("folds").asInt(), f = j.get("fold").asInt();
      LabelErrorSearch.Fold fold = LabelErrorSearch.Fold.run(c, d.train(), LabelErrorSearch.splits(c, d.train(), folds)
          .get(f), j.get("seed").asLong(), Map.of());
      ObjectNode out = json.createObjectNode().put("fold", f);
      ArrayNode idx = out.putArray("indices");
      for (int i : fold.indices()) idx.add(i);
      ArrayNode rows = out.putArray("probabilities");
      for (double[] p : fold.probabilities()) {
        ArrayNode row = rows.addArray();
        for (double v : p) row.add(v);
      }
      return json.writeValueAsString(out);
    }
  }
}
