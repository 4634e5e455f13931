package dev.cnn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnn.spark.SparkTasks;
import dev.cnn.spark.TaskRunner;
import dev.cnn.tensor.Rng;
import dev.cnn.tune.Direction;
import dev.cnn.tune.Sampler;
import dev.cnn.tune.SearchSpace;
import dev.cnn.tune.Trial;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code cnn tune --spark}: the study's trials as Spark tasks, a round of P at a time. The driver
 * proposes the round's points, the executors train ({@link Task}, by class name, the trial as JSON
 * both ways), and the driver records the results in trial order: the journal has one writer, so
 * {@code --resume} works as locally, and a task Spark retries is still recorded once.
 *
 * <p><b>Proposals.</b> Trial t draws from the t-th split of the study's generator, as locally, so
 * grid and random search propose exactly the local run's points (grid search sees the round's
 * pending points as taken). Bayesian search proposes a round by the <i>constant liar</i>: after
 * each proposal the point is added to the history as if it had completed with the best value so
 * far (none before any trial completes: the pending points are then only taken, not scored), so the
 * next proposal moves away from it instead of repeating it; the lies are dropped when the real
 * values arrive.
 */
final class SparkTrials {
  private SparkTrials() {}

  /** Receives each finished trial, in trial order. */
  interface Recorder {
    void record(Trial trial, double seconds) throws IOException;
  }

  static void run(String master, Integer parallel, Sampler sampler, SearchSpace space, List<Trial> done, int budget,
      Rng root, Direction direction, List<String> trainArgs, String objective, int folds, Recorder recorder)
      throws IOException {
    SparkRun.requireSpark(master);
    SparkConf conf = new SparkConf().setAppName("cnn tune --spark");
    if (!master.equals("submit")) conf.setMaster(master);
    SparkRun.shipThisJar(conf);
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      sc.setLogLevel("WARN");
      int p = parallel != null ? parallel : Math.max(1, sc.defaultParallelism());
      ObjectMapper json = new ObjectMapper();
      boolean exhausted = false;
      while (done.size() < budget && !exhausted) {
        List<Trial> history = new ArrayList<>(done);
        List<String> tasks = new ArrayList<>();
        for (int t = done.size(); t < Math.min(budget, done.size() + p); t++) {
          Map<String, String> params;
          try {
            params = sampler.suggest(space, history, direction, root.split());
          } catch (IllegalStateException e) { // the grid is exhausted
            exhausted = true;
            break;
          }
          history.add(lie(t, params, done, direction));
          ObjectNode task = json.createObjectNode().put("number", t).put("objective", objective).put("folds", folds)
              .put("direction", direction.name());
          params.forEach(task.putObject("params")::put);
          ArrayNode args = task.putArray("train");
          trainArgs.forEach(args::add);
          tasks.add(json.writeValueAsString(task));
        }
        if (tasks.isEmpty()) break;
        long start = System.nanoTime();
        List<String> results = SparkTasks.run(sc, Task.class.getName(), tasks);
        double seconds = (System.nanoTime() - start) / 1e9;
        for (String r : results) recorder.record(trial(json.readTree(r)), seconds);
      }
    }
  }

  /** A pending point as the history shows it: completed with the best value so far, or merely taken. */
  private static Trial lie(int number, Map<String, String> params, List<Trial> done, Direction direction) {
    Trial best = TuneCommand.best(done, direction);
    return best == null ? Trial.failed(number, params, List.of()) : Trial.complete(number, params, best.value(), List.of());
  }

  private static Trial trial(JsonNode j) {
    Map<String, String> params = new LinkedHashMap<>();
    j.get("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
    List<Double> curve = new ArrayList<>();
    j.get("curve").forEach(v -> curve.add(Double.parseDouble(v.asText())));
    int number = j.get("number").asInt();
    double value = Double.parseDouble(j.get("value").asText());
    return switch (Trial.State.valueOf(j.get("state").asText())) {
      case COMPLETE -> Trial.complete(number, params, value, curve);
      case PRUNED -> Trial.pruned(number, params, curve);
      default -> Trial.failed(number, params, curve);
    };
  }

  /** The executor's side: one trial from its JSON, trained as 'cnn tune' trains it locally. */
  public static final class Task implements TaskRunner {
    @Override
    public String run(String text) throws Exception {
      ObjectMapper json = new ObjectMapper();
      JsonNode j = json.readTree(text);
      Map<String, String> params = new LinkedHashMap<>();
      j.get("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
      List<String> trainArgs = new ArrayList<>();
      j.get("train").forEach(a -> trainArgs.add(a.asText()));
      Trial t = TuneCommand.runTrial(j.get("number").asInt(), params, trainArgs, j.get("objective").asText(),
          Direction.valueOf(j.get("direction").asText()), j.get("folds").asInt(), null);
      ObjectNode out = json.createObjectNode().put("number", t.number()).put("state", t.state().name())
          .put("value", Double.toString(t.value()));
      t.params().forEach(out.putObject("params")::put);
      ArrayNode curve = out.putArray("curve");
      for (double v : t.curve()) curve.add(Double.toString(v));
      return json.writeValueAsString(out);
    }
  }
}
