package dev.cnn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Variable;
import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.Sequential;
import dev.cnn.layers.io.ModelFiles;
import dev.cnn.tensor.Batch;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Log;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ModelCheckpoint driven with scripted metrics, as the trainer would call it: before each
 * epoch's metrics the model's weights are moved to values of their own, and the model's output
 * on a fixed input is recorded, so that each saved file can be checked to hold that epoch's
 * model (loaded from the files, the same output bit for bit).
 */
class ModelCheckpointTest {
  @TempDir
  Path tmp;

  @BeforeAll
  static void quiet() {
    Log.setLevel(Log.Level.WARN);
  }

  @AfterAll
  static void loud() {
    Log.setLevel(Log.Level.INFO);
  }

  private static final Variable INPUT = Variable.constant(Tensor.uniform(new Rng(3), DType.FLOAT32, -2, 2, 5, 2));

  private static float[] output(Sequential m) {
    return m.forward(INPUT, Mode.EVAL).value().floatData().clone();
  }

  /** Runs the callback over the values; returns the model's output at each epoch. */
  private static List<float[]> run(ModelCheckpoint mc, Metric metric, double... values) {
    Sequential model = Fixtures.mlp(4, 11);
    TrainingContext ctx = new TrainingContext(model, Sgd.builder(0.1).build(model.parameters()), new ArrayList<>());
    Rng rng = new Rng(5);
    List<float[]> outputs = new ArrayList<>();
    mc.onTrainBegin(ctx);
    for (int e = 0; e < values.length; e++) {
      for (Tensor t : model.stateDict().values()) {
        float[] d = t.floatData();
        for (int i = 0; i < d.length; i++) d[i] += (float) rng.uniform(-0.5, 0.5);
      }
      outputs.add(output(model));
      mc.onEpochEnd(ctx, EarlyStoppingTest.metrics(metric, e, values[e]));
    }
    mc.onTrainEnd(ctx);
    return outputs;
  }

  private Set<String> files() throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static void assertHoldsModelOf(Path file, float[] expectedOutput) throws IOException {
    assertArrayEquals(expectedOutput, output(ModelFiles.load(file)), 0f, file.toString());
  }

  @Test
  void bestOnlySavesOnlyWhenTheLossImproves() throws IOException {
    ModelCheckpoint mc = ModelCheckpoint.bestOnly(tmp.resolve("best-{epoch}.safetensors"), Metric.VAL_LOSS);
    List<float[]> out = run(mc, Metric.VAL_LOSS, 1.0, 0.8, 0.9, 0.7, 0.75);
    assertEquals(Set.of("best-0001.safetensors", "best-0001.json", "best-0002.safetensors", "best-0002.json",
        "best-0004.safetensors", "best-0004.json"), files());
    assertHoldsModelOf(tmp.resolve("best-0001.safetensors"), out.get(0));
    assertHoldsModelOf(tmp.resolve("best-0002.safetensors"), out.get(1));
    assertHoldsModelOf(tmp.resolve("best-0004.safetensors"), out.get(3));
    assertEquals(3, mc.saves());
    assertEquals(3, mc.bestEpoch());
    assertEquals(0.7, mc.best());
    assertEquals(tmp.resolve("best-0004.safetensors"), mc.lastSaved());
  }

  @Test
  void bestOnlyFollowsTheMetricsDirectionAndMinDelta() throws IOException {
    ModelCheckpoint mc = ModelCheckpoint.bestOnly(tmp.resolve("best.safetensors"), Metric.VAL_ACCURACY, 0.05);
    List<float[]> out = run(mc, Metric.VAL_ACCURACY, 0.5, 0.7, 0.6, 0.72, 0.9, 0.1);
    // Higher is better; 0.72 is not 0.05 better than 0.7. One file, replaced each time: epoch 5's.
    assertEquals(3, mc.saves());
    assertEquals(Set.of("best.safetensors", "best.json"), files(), "no temporary files left");
    assertHoldsModelOf(tmp.resolve("best.safetensors"), out.get(4));
  }

  @Test
  void everyEpochSavesEachEpochsModel() throws IOException {
    ModelCheckpoint mc = ModelCheckpoint.everyEpoch(tmp.resolve("sub/model-{epoch}.safetensors"));
    List<float[]> out = run(mc, Metric.LOSS, 3, 4, 5);
    for (int e = 0; e < 3; e++) assertHoldsModelOf(tmp.resolve("sub/model-000" + (e + 1) + ".safetensors"), out.get(e));
    assertEquals(3, mc.saves());
  }

  @Test
  void anEpochWithoutTheMonitoredValueSavesNothing() throws IOException {
    ModelCheckpoint mc = ModelCheckpoint.bestOnly(tmp.resolve("best.safetensors"), Metric.VAL_LOSS);
    run(mc, Metric.LOSS, 1, 0.5); // the scripted epochs have a training loss only: val_loss is NaN
    assertEquals(0, mc.saves());
    assertEquals(Set.of(), files());
  }

  @Test
  void aRestoredBestIsNotBeatenByAWorseValue() throws IOException {
    ModelCheckpoint first = ModelCheckpoint.bestOnly(tmp.resolve("best.safetensors"), Metric.VAL_LOSS);
    run(first, Metric.VAL_LOSS, 0.9, 0.5);
    ModelCheckpoint resumed = ModelCheckpoint.bestOnly(tmp.resolve("best.safetensors"), Metric.VAL_LOSS);
    Map<String, Object> state = first.saveState();
    resumed.restoreState(state, Map.of(), Fixtures.mlp(4, 11));
    run(resumed, Metric.VAL_LOSS, 0.6, 0.4);
    assertEquals(1, resumed.saves(), "0.6 does not beat the restored 0.5; 0.4 does");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelCheckpoint
        .everyEpoch(tmp.resolve("m.safetensors")).restoreState(state, Map.of(), Fixtures.mlp(4, 11)));
    assertTrue(e.getMessage().contains("the saved model checkpoint monitored val_loss, this one saves every epoch"),
        e.getMessage());
  }

  @Test
  void aWeightsFileEndingInJsonIsRejectedAtOnce() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelCheckpoint.everyEpoch(Path.of("runs/model.json")));
    assertTrue(e.getMessage().contains("collide with its architecture file"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ModelCheckpoint.bestOnly(Path.of("m.safetensors"), null));
  }

  /**
   * In a real run, the best-only file on val_loss holds the same weights that EarlyStopping on
   * val_loss puts back at the end: both keep the epoch with the lowest validation loss.
   */
  @Test
  void inTrainingTheBestFileHoldsTheWeightsEarlyStoppingRestores() throws IOException {
    List<Batch> train = Fixtures.batches(Fixtures.blobs(1, 60, 60, 1.5), 16);
    List<Batch> val = Fixtures.batches(Fixtures.blobs(2, 30, 30, 1.5), 16);
    Sequential model = Fixtures.mlp(8, 3);
    ModelCheckpoint mc = ModelCheckpoint.bestOnly(tmp.resolve("best.safetensors"), Metric.VAL_LOSS);
    EarlyStopping es = EarlyStopping.on(Metric.VAL_LOSS).patience(100).restoreBestWeights(true).build();
    Trainer.Result r = Trainer.builder(model, CrossEntropyLoss.of(), Adam.adam(0.3).build(model.parameters()))
        .epochs(12).callbacks(mc, es).build().fit(train, val);
    assertEquals(es.bestEpoch(), mc.bestEpoch());
    assertTrue(mc.saves() >= 2, "saved on each improvement: " + r.history());
    assertTrue(mc.saves() < r.history().size(),
        "the run should have epochs that do not improve, so that best-only matters: " + r.history());
    assertTrue(Fixtures.sameWeights(model, ModelFiles.load(tmp.resolve("best.safetensors"))));
  }
}
