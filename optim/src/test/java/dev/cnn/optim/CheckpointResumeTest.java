package dev.cnn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.layers.Architectures;
import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.Model;
import dev.cnn.layers.Sequential;
import dev.cnn.tensor.Batch;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Log;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise of checkpoints: a run interrupted after epoch 3 of 6 and resumed from its checkpoint,
 * with every object rebuilt (model from the files, a new optimiser, new callbacks restored from
 * the checkpoint), ends exactly where the uninterrupted run ends.
 *
 * <p>The run involves everything that carries state from one epoch to the next: the fashionnet
 * architecture on 8x8 images (convolutions, pooling, dense layers, and a dropout layer whose
 * generator moves on with every batch), Adam (moment estimates and the step count), a cosine
 * schedule (the base learning rate), gradient clipping, ReduceLrOnPlateau (its counters and the
 * learning-rate scale it changes: the settings make it reduce twice in six epochs), EarlyStopping
 * with restoreBestWeights (its counters and its copy of the best weights, put back at the end),
 * and training batches whose order depends on the epoch (as a DataLoader's does).
 */
class CheckpointResumeTest {
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

  private static final int EPOCHS = 6;
  private static final int INTERRUPT_AFTER = 3;

  /**
   * Fixed batches visited in an order that is a function of (seed, epoch) only, as a DataLoader's
   * epochs are; like the loader, each {@link #iterator()} starts the next epoch, and
   * {@link #setEpoch} sets the one the next iterator starts (to resume).
   */
  static final class EpochShuffled implements Iterable<Batch> {
    private final List<Batch> batches;
    private final long seed;
    private int nextEpoch;

    EpochShuffled(List<Batch> batches, long seed) {
      this.batches = batches;
      this.seed = seed;
    }

    void setEpoch(int e) {
      nextEpoch = e;
    }

    @Override
    public Iterator<Batch> iterator() {
      List<Batch> order = new ArrayList<>(batches);
      Rng rng = new Rng(seed * 1_000_003L + nextEpoch++);
      for (int i = order.size() - 1; i > 0; i--) { // Fisher-Yates
        int j = rng.nextInt(i + 1);
        Batch t = order.get(i);
        order.set(i, order.get(j));
        order.set(j, t);
      }
      return order.iterator();
    }
  }

  /** Images with a class-dependent bright square (DeterminismTest's data). */
  static List<Batch> images(long seed, int n, int batch) {
    Rng rng = new Rng(seed);
    List<Batch> out = new ArrayList<>();
    for (int start = 0; start < n; start += batch) {
      int m = Math.min(batch, n - start);
      Tensor x = Tensor.uniform(rng, DType.FLOAT32, 0, 1, m, 1, 8, 8);
      int[] y = new int[m];
      for (int i = 0; i < m; i++) {
        y[i] = rng.nextInt(3);
        for (int r = 0; r < 3; r++) for (int c = 0; c < 3; c++) x.set(1.5, i, 0, 2 * y[i] + r, 2 * y[i] + c);
      }
      out.add(new Batch(x, y));
    }
    return out;
  }

  private static final List<Batch> TRAIN = images(7, 96, 16);
  private static final List<Batch> VALIDATION = images(8, 48, 16);

  /** Everything of one run that is built from its settings. */
  private record Parts(Optimizer optimizer, EarlyStopping earlyStopping, ReduceLrOnPlateau reduce,
      CheckpointCallback checkpoint, ModelCheckpoint best) {}

  private static Parts parts(Model model, Path dir) {
    return new Parts(Adam.adam(4e-3).build(model.parameters()),
        EarlyStopping.on(Metric.VAL_ACCURACY).minDelta(0.05).patience(100).restoreBestWeights(true).build(),
        new ReduceLrOnPlateau(Metric.LOSS, 0.5, 1, 0.36, 0, 1e-6), // a gain under 0.36 is no improvement
        new CheckpointCallback(dir, Map.of("config", "{\"model\": \"fashionnet\"}", "seed", "2024")),
        ModelCheckpoint.bestOnly(dir.resolve("best.safetensors"), Metric.VAL_LOSS));
  }

  private static Trainer.Result fit(Model model, Parts p, int epochs, EpochShuffled train,
      Trainer.TrainingState state) {
    Trainer trainer = Trainer.builder(model, CrossEntropyLoss.of(), p.optimizer()).epochs(epochs)
        .schedule(LrSchedule.cosine(EPOCHS, 0.2)).clipGradientNorm(5)
        .callbacks(p.best(), p.checkpoint(), p.earlyStopping(), p.reduce()) // the checkpoint in the middle on purpose
        .build();
    return trainer.fit(train, VALIDATION, state);
  }

  @Test
  void aRunInterruptedAndResumedFromItsCheckpointEndsBitIdentical() throws IOException {
    // Uninterrupted: six epochs.
    Path dirA = tmp.resolve("straight");
    Sequential straight = Architectures.fashionnet(new int[] {1, 8, 8}, 3, 2024);
    Parts a = parts(straight, dirA);
    Trainer.Result full = fit(straight, a, EPOCHS, new EpochShuffled(TRAIN, 5), new Trainer.TrainingState());
    assertEquals(EPOCHS, full.history().size());
    assertNull(full.stopReason());
    assertEquals(List.of("9"), List.copyOf(straight.randomStates().keySet()), "one dropout layer");
    Checkpoint.Loaded endA = Checkpoint.load(dirA);
    // The settings exercise what the test is about: the best weights are copied before the
    // interruption and put back at the end; the rate is reduced before and after it.
    assertTrue(a.earlyStopping().bestEpoch() < INTERRUPT_AFTER, "best epoch " + a.earlyStopping().bestEpoch());
    double[] scale = full.history().stream()
        .mapToDouble(m -> m.learningRate() / (4e-3 * LrSchedule.cosine(EPOCHS, 0.2).factor(m.epoch()))).toArray();
    assertTrue(scale[INTERRUPT_AFTER - 1] < 1 && scale[EPOCHS - 1] < scale[INTERRUPT_AFTER], "learning-rate scale per"
        + " epoch: " + java.util.Arrays.toString(scale));

    // Interrupted: the same run stopped after three epochs; then every object is dropped.
    Path dirB = tmp.resolve("interrupted");
    {
      Sequential first = Architectures.fashionnet(new int[] {1, 8, 8}, 3, 2024);
      Trainer.Result part = fit(first, parts(first, dirB), INTERRUPT_AFTER, new EpochShuffled(TRAIN, 5),
          new Trainer.TrainingState());
      assertEquals(INTERRUPT_AFTER, part.history().size());
    }

    // Resumed: everything rebuilt from the checkpoint.
    Checkpoint.Loaded ckpt = Checkpoint.load(dirB);
    assertEquals(INTERRUPT_AFTER, ckpt.epochsDone());
    assertEquals(dirB.resolve("epoch-0003"), ckpt.directory());
    assertEquals("2024", ckpt.extra().get("seed"));
    Model resumed = ckpt.model();
    Parts b = parts(resumed, dirB);
    ckpt.restore(resumed, b.optimizer(), List.of(b.best(), b.checkpoint(), b.earlyStopping(), b.reduce()));
    EpochShuffled train = new EpochShuffled(TRAIN, 5);
    train.setEpoch(ckpt.epochsDone());
    Trainer.Result rest = fit(resumed, b, EPOCHS, train, ckpt.trainingState());

    // The same weights in memory, bit for bit: EarlyStopping put back the best epoch's (epoch 3's, whose
    // copy went through the checkpoint) at the end. The trained weights of epoch 6 are compared
    // below, in the last checkpoints (written before that restore).
    Map<String, Tensor> wa = straight.stateDict(), wb = resumed.stateDict();
    assertEquals(wa.keySet(), wb.keySet());
    wa.forEach((k, v) -> assertArrayEquals(v.floatData(), wb.get(k).floatData(), 0f, "weight " + k));
    // The same history, apart from the timings.
    assertSameHistory(full.history(), rest.history());
    // The same optimiser state: moments, step count, rate.
    Map<String, Tensor> sa = a.optimizer().state(), sb = b.optimizer().state();
    assertEquals(sa.keySet(), sb.keySet());
    sa.forEach((k, v) -> assertArrayEquals(v.doubleData(), sb.get(k).doubleData(), 0.0, "optimiser state " + k));
    // The same callback counters, dropout generator and ModelCheckpoint choice.
    assertEquals(a.earlyStopping().saveState(), b.earlyStopping().saveState());
    assertEquals(a.reduce().saveState(), b.reduce().saveState());
    assertEquals(a.best().saveState(), b.best().saveState());
    assertArrayEquals(straight.randomStates().get("9"), resumed.randomStates().get("9"), "dropout generator");
    // The last checkpoints of both runs hold the same tensors, byte for byte: the weights after
    // epoch 6, the optimiser state, early stopping's copy of the best weights.
    Checkpoint.Loaded endB = Checkpoint.load(dirB);
    assertEquals(EPOCHS, endB.epochsDone());
    for (String f : List.of(Checkpoint.MODEL, "model.json", Checkpoint.OPTIMIZER, Checkpoint.CALLBACKS)) {
      assertArrayEquals(Files.readAllBytes(endA.directory().resolve(f)), Files.readAllBytes(endB.directory().resolve(f)), f);
    }
    assertArrayEquals(Files.readAllBytes(dirA.resolve("best.safetensors")), Files.readAllBytes(dirB.resolve("best.safetensors")),
        "the best model saved by ModelCheckpoint");
    assertEquals(endA.learningRateScale(), endB.learningRateScale(), 0.0);
    assertEquals(endA.callbackStates(), endB.callbackStates());
  }

  /** Without the checkpoint's state the continuation differs: the comparison above can fail. */
  @Test
  void resumingWithoutTheOptimiserAndDropoutStateDoesNotGiveTheSameWeights() throws IOException {
    Path dirA = tmp.resolve("a");
    Sequential straight = Architectures.fashionnet(new int[] {1, 8, 8}, 3, 2024);
    Parts a = parts(straight, dirA);
    fit(straight, a, 4, new EpochShuffled(TRAIN, 5), new Trainer.TrainingState());

    Path dirB = tmp.resolve("b");
    Sequential first = Architectures.fashionnet(new int[] {1, 8, 8}, 3, 2024);
    fit(first, parts(first, dirB), INTERRUPT_AFTER, new EpochShuffled(TRAIN, 5), new Trainer.TrainingState());
    Checkpoint.Loaded ckpt = Checkpoint.load(dirB);
    Model resumed = ckpt.model(); // weights restored, but a fresh optimiser and seed-0 dropout
    resumed.restoreRandomStates(Map.of("9", new long[] {0, 0x9e3779b97f4a7c15L}), "test");
    Parts b = parts(resumed, dirB);
    EpochShuffled train = new EpochShuffled(TRAIN, 5);
    train.setEpoch(ckpt.epochsDone());
    fit(resumed, b, 4, train, ckpt.trainingState());
    assertFalse(Fixtures.sameWeights(straight, resumed), "a fresh optimiser and generator should give other weights");
  }

  static void assertSameHistory(List<EpochMetrics> a, List<EpochMetrics> b) {
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      EpochMetrics x = a.get(i), y = b.get(i);
      assertEquals(new EpochMetrics(x.epoch(), x.loss(), x.accuracy(), x.valLoss(), x.valAccuracy(), x.learningRate(),
          0, 0), new EpochMetrics(y.epoch(), y.loss(), y.accuracy(), y.valLoss(), y.valAccuracy(), y.learningRate(),
          0, 0), "epoch " + (i + 1));
    }
  }
}
