package dev.cnn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.Dense;
import dev.cnn.layers.Dropout;
import dev.cnn.layers.ReLU;
import dev.cnn.layers.Model;
import dev.cnn.layers.Sequential;
import dev.cnn.layers.io.FileFormatException;
import dev.cnn.layers.io.ModelFiles;
import dev.cnn.layers.io.SafeTensors;
import dev.cnn.tensor.Batch;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Log;
import dev.cnn.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoint files: what a checkpoint directory holds, that a crash or a failure while writing
 * leaves the previous checkpoint as the one that is loaded, that damage is detected and named,
 * that restoring into objects of other settings fails with a message that names the file and the
 * difference, and that callback scalars come back bit for bit.
 */
class CheckpointTest {
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

  private static final List<Batch> DATA = Fixtures.batches(Fixtures.blobs(3, 40, 40, 2.0), 16);

  private static Sequential model(long seed) {
    return Sequential.builder(2).add(Dense.of(2, 8)).add(new ReLU()).add(new Dropout(0.25)).add(Dense.of(8, 2))
        .build(seed);
  }

  private static EarlyStopping earlyStopping() {
    return EarlyStopping.on(Metric.LOSS).patience(50).restoreBestWeights(true).build();
  }

  /** Trains a fresh model for the given epochs with a checkpoint every epoch into dir. */
  private static Trainer.Result train(Path dir, int epochs, Callback... more) {
    Sequential m = model(1);
    List<Callback> cbs = new ArrayList<>(List.of(more));
    cbs.add(new CheckpointCallback(dir));
    return Trainer.builder(m, CrossEntropyLoss.of(), Adam.adam(0.01).build(m.parameters())).epochs(epochs)
        .callbacks(cbs.toArray(new Callback[0])).build().fit(DATA, null);
  }

  private static Set<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  @Test
  void aCheckpointIsASubdirectoryOfFiveFilesAndAPointerAndTheLastTwoAreKept() throws IOException {
    Path dir = tmp.resolve("run");
    train(dir, 3, earlyStopping());
    assertEquals(Set.of("latest", "epoch-0002", "epoch-0003"), names(dir));
    assertEquals("epoch-0003\n", Files.readString(dir.resolve("latest")));
    assertEquals(Set.of("model.safetensors", "model.json", "optimizer.safetensors", "callbacks.safetensors",
        "state.json"), names(dir.resolve("epoch-0003")));
    // Each file is what its own reader expects.
    Sequential m = ModelFiles.load(dir.resolve("epoch-0003/model.safetensors"));
    SafeTensors.Contents opt = SafeTensors.read(dir.resolve("epoch-0003/optimizer.safetensors"));
    assertEquals("Adam", opt.metadata().get("optimizer"));
    opt.tensors().values().forEach(t -> assertEquals(DType.FLOAT64, t.dtype()));
    assertEquals(15.0, opt.tensors().get("step").getFlat(0), "3 epochs of 5 batches");
    SafeTensors.Contents cb = SafeTensors.read(dir.resolve("epoch-0003/callbacks.safetensors"));
    assertEquals(m.stateDict().keySet().stream().map(k -> "early_stopping/" + k).collect(Collectors.toSet()),
        cb.tensors().keySet());
    // And the whole reads back.
    Checkpoint.Loaded c = Checkpoint.load(dir);
    assertEquals(3, c.epochsDone());
    assertEquals(0.01, c.baseLearningRate());
    assertEquals(List.of("2"), List.copyOf(c.randomStates().keySet()), "the dropout layer");
    assertEquals(Set.of("early_stopping"), c.callbackStates().keySet());
    assertEquals(3, c.history().size());
    assertNull(c.stopReason());
    // An epoch directory can be loaded directly too.
    assertEquals(2, Checkpoint.load(dir.resolve("epoch-0002")).epochsDone());
  }

  /**
   * A crash while writing epoch 3 can leave a temporary directory, or a renamed epoch-0003 whose
   * pointer update never happened (here with a truncated file in it). Loading ignores both and
   * gives epoch 2; the next save of epoch 3 replaces them.
   */
  @Test
  void aHalfWrittenCheckpointIsIgnoredAndTheNextSaveReplacesIt() throws IOException {
    Path dir = tmp.resolve("run");
    train(dir, 2);
    Path stale = Files.createDirectory(dir.resolve(".epoch-0003.5eed.tmp"));
    Files.write(stale.resolve("model.safetensors"), new byte[] {1, 2, 3});
    Path half = Files.createDirectory(dir.resolve("epoch-0003"));
    try (Stream<Path> s = Files.list(dir.resolve("epoch-0002"))) {
      for (Path p : s.toList()) Files.copy(p, half.resolve(p.getFileName()));
    }
    byte[] opt = Files.readAllBytes(half.resolve("optimizer.safetensors"));
    Files.write(half.resolve("optimizer.safetensors"), Arrays.copyOf(opt, opt.length / 2));

    Checkpoint.Loaded c = Checkpoint.load(dir);
    assertEquals(2, c.epochsDone());
    assertEquals(dir.resolve("epoch-0002"), c.directory());

    // Resume to epoch 3: the leftovers are replaced by a complete checkpoint.
    Model m = c.model();
    Optimizer o = Adam.adam(0.01).build(m.parameters());
    c.restore(m, o, List.of());
    Trainer.builder(m, CrossEntropyLoss.of(), o).epochs(3).callbacks(new CheckpointCallback(dir)).build()
        .fit(DATA, null, c.trainingState());
    assertEquals(Set.of("latest", "epoch-0002", "epoch-0003"), names(dir));
    assertEquals(3, Checkpoint.load(dir).epochsDone());
  }

  /**
   * A save killed before its rename leaves temporary files and directories of AtomicFiles' form.
   * Loading deletes those old enough not to belong to a save in progress (10 minutes), and the
   * next save deletes all of them; a user's own files are kept.
   */
  @Test
  void orphansOfAKilledSaveAreRemovedOnLoadAndOnTheNextSave() throws IOException {
    Path dir = tmp.resolve("run");
    train(dir, 1);
    Path oldOrphan = Files.createDirectory(dir.resolve(".epoch-0002.00000000000000aa.tmp"));
    Files.write(oldOrphan.resolve("model.safetensors"), new byte[] {1, 2, 3});
    Path oldPointer = Files.writeString(dir.resolve(".latest.00000000000000bb.tmp"), "epoch-00");
    Path recent = Files.writeString(dir.resolve(".latest.00000000000000cc.tmp"), "epoch-0");
    Path users = Files.writeString(dir.resolve("notes.tmp"), "mine");
    FileTime hourAgo = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
    Files.setLastModifiedTime(oldOrphan, hourAgo);
    Files.setLastModifiedTime(oldPointer, hourAgo);

    Checkpoint.Loaded c = Checkpoint.load(dir);
    assertEquals(1, c.epochsDone());
    assertEquals(Set.of("latest", "epoch-0001", ".latest.00000000000000cc.tmp", "notes.tmp"), names(dir));

    Model m = c.model();
    Optimizer o = Adam.adam(0.01).build(m.parameters());
    c.restore(m, o, List.of());
    Checkpoint.save(dir, m, o, c.trainingState(), List.of(), Map.of());
    assertFalse(Files.exists(recent), "a save owns the directory and removes every orphan");
    assertEquals("mine", Files.readString(users));
    assertEquals(Set.of("latest", "epoch-0001", "epoch-0001-2", "notes.tmp"), names(dir));
  }

  /** Checkpoint files get the mode of a plainly written file (not the 0600/0700 of temporary files). */
  @Test
  void checkpointFilesHaveTheModeOfAPlainFile() throws IOException {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX only");
    Path dir = tmp.resolve("run");
    train(dir, 1);
    Path plainFile = Files.writeString(tmp.resolve("plain.txt"), "x");
    Path plainDir = Files.createDirectory(tmp.resolve("plain-dir"));
    Path sub = dir.resolve("epoch-0001");
    assertEquals(Files.getPosixFilePermissions(plainDir), Files.getPosixFilePermissions(sub));
    try (Stream<Path> s = Files.list(sub)) {
      for (Path f : s.toList()) {
        assertEquals(Files.getPosixFilePermissions(plainFile), Files.getPosixFilePermissions(f), f.toString());
      }
    }
    assertEquals(Files.getPosixFilePermissions(plainFile), Files.getPosixFilePermissions(dir.resolve("latest")));
  }

  /** A callback whose tensors cannot be written makes the save fail after the model file was written. */
  private static final class Broken implements StatefulCallback {
    @Override
    public String stateKey() {
      return "broken";
    }

    @Override
    public Map<String, Object> saveState() {
      return Map.of("x", 1);
    }

    @Override
    public Map<String, Tensor> saveTensors() {
      Map<String, Tensor> m = new LinkedHashMap<>();
      m.put("t", null);
      return m;
    }

    @Override
    public void restoreState(Map<String, Object> scalars, Map<String, Tensor> tensors, Model model) {}
  }

  @Test
  void aSaveThatFailsHalfWayLeavesThePreviousCheckpointAndNoDebris() throws IOException {
    Path dir = tmp.resolve("run");
    train(dir, 2);
    Sequential m = model(1);
    Optimizer o = Adam.adam(0.01).build(m.parameters());
    Trainer.TrainingState s = Checkpoint.load(dir).trainingState();
    s.history.add(new EpochMetrics(2, 0.5, 0.5, Double.NaN, Double.NaN, 0.01, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(dir, m, o, s, List.of(new Broken()), Map.of()));
    assertEquals(Set.of("latest", "epoch-0001", "epoch-0002"), names(dir));
    assertEquals(2, Checkpoint.load(dir).epochsDone());

    // A value that is not a number, boolean or string fails before anything is written.
    StatefulCallback odd = new StatefulCallback() {
      @Override
      public String stateKey() {
        return "odd";
      }

      @Override
      public Map<String, Object> saveState() {
        return Map.of("list", List.of(1, 2));
      }

      @Override
      public void restoreState(Map<String, Object> scalars, Map<String, Tensor> tensors, Model model) {}
    };
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.save(dir, m, o, s, List.of(odd), Map.of()));
    assertTrue(e.getMessage().contains("callback 'odd' has the state value 'list' = [1, 2]"), e.getMessage());
    assertEquals(Set.of("latest", "epoch-0001", "epoch-0002"), names(dir));
  }

  @Test
  void savingTheEpochOfTheCheckpointInUseWritesASecondDirectoryBesideIt() throws IOException {
    Path dir = tmp.resolve("run");
    train(dir, 2);
    Checkpoint.Loaded c = Checkpoint.load(dir);
    Model m = c.model();
    Optimizer o = Adam.adam(0.01).build(m.parameters());
    c.restore(m, o, List.of());
    Path again = Checkpoint.save(dir, m, o, c.trainingState(), List.of(), Map.of());
    assertEquals(dir.resolve("epoch-0002-2"), again);
    assertEquals(Set.of("latest", "epoch-0002", "epoch-0002-2"), names(dir));
    assertEquals(again, Checkpoint.load(dir).directory());
  }

  // ---------------------------------------------------------------- damage

  private static String message(Class<? extends Throwable> type, Executable action) {
    return assertThrows(type, action).getMessage();
  }

  private static void assertContains(String message, String... parts) {
    for (String p : parts) assertTrue(message.contains(p), "expected \"" + p + "\" in: " + message);
  }

  @Test
  void damagedOrMissingFilesAreNamed() throws IOException {
    Path dir = tmp.resolve("run");
    train(dir, 2, earlyStopping());
    Path sub = dir.resolve("epoch-0002");

    Path opt = sub.resolve("optimizer.safetensors");
    byte[] good = Files.readAllBytes(opt);
    byte[] flipped = good.clone();
    flipped[flipped.length - 3] ^= 1;
    Files.write(opt, flipped);
    assertContains(message(FileFormatException.class, () -> Checkpoint.load(dir)), opt.toString(), "CRC-32",
        "changed or damaged");
    Files.write(opt, good);

    Path cb = sub.resolve("callbacks.safetensors");
    byte[] cbBytes = Files.readAllBytes(cb);
    Files.write(cb, Arrays.copyOf(cbBytes, 100));
    assertContains(message(FileFormatException.class, () -> Checkpoint.load(dir)), cb.toString(),
        "has 100 bytes, but state.json records " + cbBytes.length);
    Files.write(cb, cbBytes);

    Path arch = sub.resolve("model.json");
    byte[] archBytes = Files.readAllBytes(arch);
    Files.delete(arch);
    assertContains(message(NoSuchFileException.class, () -> Checkpoint.load(dir)), arch.toString(), "incomplete");
    Files.write(arch, archBytes);

    Path state = sub.resolve("state.json");
    String stateText = Files.readString(state);
    Files.writeString(state, stateText.substring(0, stateText.length() / 2));
    assertContains(message(FileFormatException.class, () -> Checkpoint.load(dir)), state.toString(), "not valid JSON");
    Files.writeString(state, stateText.replace("\"version\" : 1", "\"version\" : 7"));
    assertContains(message(FileFormatException.class, () -> Checkpoint.load(dir)), state.toString(),
        "version is 7; this program reads version 1");
    Files.writeString(state, stateText.replace("\"epochs_done\" : 2", "\"epochs_done\" : 5"));
    assertContains(message(FileFormatException.class, () -> Checkpoint.load(dir)), state.toString(),
        "the history has 2 epochs, but epochs_done is 5");
    Files.writeString(state, stateText);

    Path latest = dir.resolve("latest");
    Files.writeString(latest, "../elsewhere\n");
    assertContains(message(FileFormatException.class, () -> Checkpoint.load(dir)), latest.toString(),
        "holds \"../elsewhere\"; expected the name of a checkpoint subdirectory");
    Files.writeString(latest, "epoch-0009\n");
    assertContains(message(FileFormatException.class, () -> Checkpoint.load(dir)), "names epoch-0009, which is not a"
        + " directory");
    Files.delete(latest);
    assertFalse(Checkpoint.exists(dir));
    assertContains(message(NoSuchFileException.class, () -> Checkpoint.load(dir)), latest.toString(),
        "no checkpoint here");
    Files.writeString(latest, "epoch-0002\n");
    assertTrue(Checkpoint.exists(dir));
    assertEquals(2, Checkpoint.load(dir).epochsDone(), "intact again");
  }

  // ---------------------------------------------------------------- restoring into other objects

  @Test
  void restoringIntoObjectsOfOtherSettingsNamesTheFileAndTheDifference() throws IOException {
    Path dir = tmp.resolve("run");
    train(dir, 2, earlyStopping());
    Checkpoint.Loaded c = Checkpoint.load(dir);
    Path sub = dir.resolve("epoch-0002");
    Model m = c.model();

    assertContains(message(IllegalArgumentException.class,
        () -> c.restore(m, Sgd.builder(0.01).build(m.parameters()), List.of(earlyStopping()))),
        sub.resolve("optimizer.safetensors").toString(), "the checkpoint's optimiser is Adam, the one given is SGD");
    assertContains(message(IllegalArgumentException.class,
        () -> c.restore(m, Adam.adam(0.01).betas(0.8, 0.999).build(m.parameters()), List.of(earlyStopping()))),
        sub.resolve("state.json").toString(), "saved -> given: beta1 0.9 -> 0.8");
    assertContains(message(IllegalArgumentException.class,
        () -> c.restore(m, Adam.adam(0.01).build(m.parameters()), List.of())),
        "callback 'early_stopping', but no such callback is given");
    assertContains(message(IllegalArgumentException.class,
        () -> c.restore(m, Adam.adam(0.01).build(m.parameters()), List.of(earlyStopping(), earlyStopping()))),
        "callback 'early_stopping-2' is given, but the checkpoint has no state for it");
    assertContains(message(IllegalArgumentException.class,
        () -> c.restore(m, Adam.adam(0.01).build(m.parameters()),
            List.of(EarlyStopping.on(Metric.VAL_LOSS).restoreBestWeights(true).build()))),
        "callback 'early_stopping': the saved early stopping watched loss (min, restoreBestWeights true), this one"
            + " watches val_loss");
    Sequential wider = Sequential.builder(2).add(Dense.of(2, 9)).add(new ReLU()).add(new Dropout(0.25))
        .add(Dense.of(9, 2)).build(1);
    assertContains(message(IllegalArgumentException.class,
        () -> c.restore(wider, Adam.adam(0.01).build(wider.parameters()), List.of(earlyStopping()))),
        sub.resolve("model.safetensors").toString(), "tensor '0.weight' has shape [8, 2], the model needs [9, 2]");
    Sequential noDropout = Sequential.builder(2).add(Dense.of(2, 8)).add(new ReLU()).add(new ReLU())
        .add(Dense.of(8, 2)).build(1);
    assertContains(message(IllegalArgumentException.class,
        () -> c.restore(noDropout, Adam.adam(0.01).build(noDropout.parameters()), List.of(earlyStopping()))),
        sub.resolve("state.json").toString(), "random state for layer '2', which draws no random numbers");

    // With the right objects it works, into the loaded model or into another one built the same way.
    c.restore(m, Adam.adam(0.01).build(m.parameters()), List.of(earlyStopping()));
    Sequential other = model(42);
    EarlyStopping es = earlyStopping();
    Optimizer o = Adam.adam(0.01).build(other.parameters());
    c.restore(other, o, List.of(es));
    assertTrue(Fixtures.sameWeights(m, other));
    assertArrayEquals(m.randomStates().get("2"), other.randomStates().get("2"));
    assertEquals(10, o.steps());
    Map<String, Object> saved = c.callbackStates().get("early_stopping"); // whole numbers come back as Long
    assertEquals(StatefulCallback.number(saved, "best"), es.best(), 0.0);
    assertEquals(StatefulCallback.integer(saved, "best_epoch"), es.bestEpoch());
    assertEquals(StatefulCallback.integer(saved, "wait"), es.waited());
  }

  // ---------------------------------------------------------------- callback state

  /** Saves whatever scalars it is given, and keeps what it gets back. */
  private static final class Recorder implements StatefulCallback {
    final Map<String, Object> values;
    Map<String, Object> restored;

    Recorder(Map<String, Object> values) {
      this.values = values;
    }

    @Override
    public String stateKey() {
      return "recorder";
    }

    @Override
    public Map<String, Object> saveState() {
      return values;
    }

    @Override
    public void restoreState(Map<String, Object> scalars, Map<String, Tensor> tensors, Model model) {
      restored = scalars;
    }
  }

  @Test
  void callbackScalarsComeBackBitForBit() throws IOException {
    double[] doubles = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 0.1 + 0.2, Double.MIN_VALUE,
        -0.0, Double.MAX_VALUE, 1.0, 1e-300, -123456.789e10};
    Map<String, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < doubles.length; i++) values.put("d" + i, doubles[i]);
    values.put("int", -7);
    values.put("long", Long.MIN_VALUE);
    values.put("flag", true);
    values.put("text", "Infinity is not a number here: \"quoted\"\n");
    Sequential m = model(1);
    Optimizer o = Sgd.builder(0.1).momentum(0.9).build(m.parameters());
    Path dir = tmp.resolve("run");
    Checkpoint.save(dir, m, o, new Trainer.TrainingState(), List.of(new Recorder(values)), Map.of("k", "v"));

    Checkpoint.Loaded c = Checkpoint.load(dir);
    assertEquals(0, c.epochsDone());
    assertTrue(Double.isNaN(c.baseLearningRate()), "no fit yet: no base rate");
    Recorder r = new Recorder(Map.of());
    c.restore(m, Sgd.builder(0.1).momentum(0.9).build(m.parameters()), List.of(r));
    for (int i = 0; i < doubles.length; i++) {
      assertEquals(Double.doubleToRawLongBits(doubles[i]),
          Double.doubleToRawLongBits(StatefulCallback.number(r.restored, "d" + i)), "d" + i + " = " + doubles[i]);
    }
    assertEquals(-7, StatefulCallback.integer(r.restored, "int"));
    assertEquals(Long.MIN_VALUE, r.restored.get("long"));
    assertTrue(StatefulCallback.bool(r.restored, "flag"));
    assertEquals(values.get("text"), StatefulCallback.text(r.restored, "text"));
    assertEquals(Map.of("k", "v"), c.extra());
    assertContains(message(IllegalArgumentException.class, () -> StatefulCallback.integer(r.restored, "long")),
        "'long' is " + Long.MIN_VALUE + "; expected a whole number");
    assertContains(message(IllegalArgumentException.class, () -> StatefulCallback.number(r.restored, "nothing")),
        "'nothing' is missing; expected a number");
  }

  @Test
  void earlyStoppingAndReduceOnPlateauContinueFromTheirSavedCounters() throws IOException {
    // No epoch beats the first by 10: early stopping (patience 2) stops after epoch 3, and
    // reduce-on-plateau (patience 1, cooldown 2) halves the rate after epoch 2, then counts down.
    EarlyStopping es = EarlyStopping.on(Metric.LOSS).patience(2).minDelta(10).restoreBestWeights(true).build();
    ReduceLrOnPlateau rop = new ReduceLrOnPlateau(Metric.LOSS, 0.5, 1, 10, 2, 0);
    Path dir = tmp.resolve("run");
    Trainer.Result r = train(dir, 10, es, rop);
    assertNotNull(r.stopReason());
    assertEquals(3, r.history().size());

    Checkpoint.Loaded c = Checkpoint.load(dir);
    assertEquals(r.stopReason(), c.stopReason());
    assertEquals(r.stopReason(), c.trainingState().stopReason());
    EarlyStopping es2 = EarlyStopping.on(Metric.LOSS).patience(2).minDelta(10).restoreBestWeights(true).build();
    ReduceLrOnPlateau rop2 = new ReduceLrOnPlateau(Metric.LOSS, 0.5, 1, 10, 2, 0);
    Model m = c.model();
    c.restore(m, Adam.adam(0.01).build(m.parameters()), List.of(es2, rop2));
    assertEquals(es.best(), es2.best(), 0.0);
    assertEquals(es.bestEpoch(), es2.bestEpoch());
    assertEquals(es.waited(), es2.waited());
    assertEquals(es.stoppedEpoch(), es2.stoppedEpoch());
    assertEquals(rop.best(), rop2.best(), 0.0);
    assertEquals(rop.waited(), rop2.waited());
    assertEquals(rop.cooldownLeft(), rop2.cooldownLeft());
    assertEquals(1, rop2.cooldownLeft(), "one cooldown epoch counted down since the reduction");
    assertEquals(0.5, c.learningRateScale());
    Fixtures.assertSameWeights(es.saveTensors(), m); // stopped: the checkpoint has the best weights put back
    es2.saveTensors().forEach((k, v) -> assertArrayEquals(es.saveTensors().get(k).floatData(), v.floatData(), 0f, k));
  }
}
