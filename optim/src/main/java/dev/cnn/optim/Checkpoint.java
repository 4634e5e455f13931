package dev.cnn.optim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnn.layers.Model;
import dev.cnn.layers.io.FileFormatException;
import dev.cnn.layers.io.ModelFiles;
import dev.cnn.layers.io.SafeTensors;
import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training checkpoint: everything a run needs to continue after an interruption and end with
 * the same weights, bit for bit, as a run that was not interrupted.
 *
 * <h2>What it holds</h2>
 * {@link #save} writes a new subdirectory {@code epoch-NNNN} (NNNN the number of epochs done)
 * of the checkpoint directory:
 * <ul>
 *   <li>{@code model.safetensors} and {@code model.json}: the weights and buffers, and the
 *       architecture ({@link ModelFiles#save});
 *   <li>{@code optimizer.safetensors}: {@link Optimizer#state()} (moment and momentum buffers,
 *       {@code step}, {@code lr}) as float64, with the optimiser's name in the metadata;
 *   <li>{@code callbacks.safetensors}: the tensors of the callbacks that have state
 *       ({@link StatefulCallback}: early stopping's copy of the best weights), each named
 *       {@code <state key>/<tensor name>};
 *   <li>{@code state.json}: the format and version, the epochs done, the base learning rate and
 *       the learning-rate scale ({@link Trainer.TrainingState}), why a callback stopped the run
 *       (or null), the history ({@link History#json} rows), the generator state of every layer
 *       that draws random numbers ({@link Model#randomStates()}: each dropout layer's),
 *       each stateful callback's counters by its key, the optimiser's name and
 *       hyperparameters (checked on restore), the caller's {@code extra} strings (the command
 *       line stores its configuration and seed there), and the size and CRC-32 of each of the
 *       other files.
 * </ul>
 * The data order is not saved: a {@code DataLoader}'s epoch e is a function of its seed and e
 * only, so a resumed run needs only the number of epochs done
 * ({@code loader.setEpoch(loaded.epochsDone())}). An {@code Iterable} of batches that keeps other
 * state must be brought to the same point by its owner.
 *
 * <h2>Atomic, and checked on read</h2>
 * The subdirectory is written under a temporary name ({@code .epoch-NNNN.<random>.tmp}), every
 * file flushed to the disk, then renamed into place; only then is the pointer file
 * {@code latest} (one line: the subdirectory's name) replaced atomically ({@link AtomicFiles}).
 * {@link #load} follows the pointer, so a crash at any moment leaves the previous checkpoint as
 * the one that is loaded: a half-written or unreferenced subdirectory is ignored (and deleted by
 * the next save). After the pointer moves, the subdirectories other than the new one and the one
 * the pointer named before are deleted, so two checkpoints are kept. {@link #load} checks each
 * file's size and CRC-32 against {@code state.json}, and the safetensors files check their own
 * tensors; every error names the file and what is wrong. One process at a time may save into a
 * directory. Each save deletes the temporary files and directories that an interrupted save left
 * ({@link AtomicFiles#removeOrphans(Path)}); {@link #load} deletes those at least 10 minutes old.
 *
 * <h2>Where the code is</h2>
 * This class is the entry point ({@link #save}, {@link #load}, {@link Loaded}). What
 * {@code state.json} records and its JSON are {@link CheckpointState}; writing and reading the
 * directory with its pointer and checksums is {@link CheckpointDirectory}; putting the state back
 * into a model, an optimiser and callbacks is {@link CheckpointRestore}.
 *
 * <h2>Resuming</h2>
 * <pre>
 * Checkpoint.Loaded ckpt = Checkpoint.load(dir);
 * Model model = ckpt.model();                       // or a model built the same way
 * Optimizer opt = Adam.adamW(1e-3).build(model.parameters());   // the same settings as the run
 * EarlyStopping es = EarlyStopping.on(Metric.VAL_LOSS).patience(5).restoreBestWeights(true).build();
 * ckpt.restore(model, opt, List.of(es));                 // weights, random states, optimiser, counters
 * loader.setEpoch(ckpt.epochsDone());
 * Trainer trainer = Trainer.builder(model, loss, opt).epochs(30).callbacks(es, new CheckpointCallback(dir)).build();
 * trainer.fit(loader, validation, ckpt.trainingState());
 * </pre>
 */
public final class Checkpoint {
  /** The {@code format} field of {@code state.json}. */
  public static final String FORMAT = "cnn-checkpoint";
  /** The version of {@code state.json} this code writes and reads. */
  public static final int VERSION = 1;
  /** The pointer file's name. */
  public static final String LATEST = "latest";
  static final String MODEL = "model.safetensors";
  static final String OPTIMIZER = "optimizer.safetensors";
  static final String CALLBACKS = "callbacks.safetensors";
  static final String STATE = "state.json";
  /** The files besides {@code state.json}, each checked against the size and CRC-32 it records. */
  static final List<String> FILES = List.of(MODEL, ModelFiles.architectureFile(Path.of(MODEL)).toString(), OPTIMIZER,
      CALLBACKS);

  private static final String OPTIMIZER_FORMAT = "cnn-optimizer-state";
  private static final String CALLBACKS_FORMAT = "cnn-callback-state";

  private Checkpoint() {}

  /**
   * Writes a checkpoint of this run into a new subdirectory of {@code dir} and points
   * {@code dir/latest} at it (see the class comment).
   *
   * @param state the run's state after the epochs done ({@link Trainer#fit} records into it)
   * @param callbacks the trainer's callbacks; the {@link StatefulCallback}s among them are saved
   * @param extra strings to keep with the checkpoint (a configuration, a seed); may be empty
   * @return the new subdirectory
   * @throws IOException if a file cannot be written; {@code dir/latest} then still names the
   *     previous checkpoint, and the partial subdirectory has been removed
   * @throws IllegalArgumentException if a callback's state holds a value of another kind than
   *     number, boolean or string, or a key is not letters, digits, '_' and '-'
   */
  public static Path save(Path dir, Model model, Optimizer optimizer, Trainer.TrainingState state,
      List<? extends Callback> callbacks, Map<String, String> extra) throws IOException {
    if (dir == null || model == null || optimizer == null || state == null || callbacks == null) {
      throw new IllegalArgumentException("Checkpoint.save: the directory, model, optimiser, training state and"
          + " callback list must all be given");
    }
    // Everything that can be wrong with the values is found here, before a file is written.
    ObjectNode json = CheckpointState.capture(model, optimizer, state, callbacks, extra).toJson();
    Map<String, Tensor> cbTensors = new LinkedHashMap<>();
    CheckpointState.keyed(callbacks).forEach((key, c) ->
        c.saveTensors().forEach((name, t) -> cbTensors.put(key + "/" + name, t)));
    return CheckpointDirectory.write(dir, state.epochsDone(), FILES, tmp -> {
      ModelFiles.save(model, tmp.resolve(MODEL));
      SafeTensors.write(tmp.resolve(OPTIMIZER), optimizer.state(),
          Map.of("format", OPTIMIZER_FORMAT, "optimizer", optimizer.name()));
      SafeTensors.write(tmp.resolve(CALLBACKS), cbTensors, Map.of("format", CALLBACKS_FORMAT));
    }, json);
  }

  /** Whether {@code dir} holds a checkpoint to resume from (its {@code latest} pointer exists). */
  public static boolean exists(Path dir) {
    return CheckpointDirectory.exists(dir);
  }

  /**
   * Reads the checkpoint that {@code dir/latest} names, or the checkpoint in {@code dir} itself
   * when it is one of the {@code epoch-NNNN} subdirectories. Temporary files and directories that
   * an interrupted save left in {@code dir} at least 10 minutes ago are deleted.
   *
   * @throws IOException naming the file when a file is missing, damaged (size, checksum, JSON) or
   *     of another format or version
   * @throws IllegalArgumentException naming the file when the weights do not fit the architecture
   */
  public static Loaded load(Path dir) throws IOException {
    Path sub = CheckpointDirectory.resolve(dir);
    Path stateFile = sub.resolve(STATE);
    CheckpointState state = CheckpointState.fromJson(stateFile, CheckpointDirectory.readChecked(sub, FILES));

    Model model = ModelFiles.loadModel(sub.resolve(MODEL));
    model.restoreRandomStates(state.randomStates(), stateFile.toString());
    Path optFile = sub.resolve(OPTIMIZER);
    SafeTensors.Contents optContents = SafeTensors.read(optFile);
    String savedBy = optContents.metadata().get("optimizer");
    if (!OPTIMIZER_FORMAT.equals(optContents.metadata().get("format")) || !state.optimizerName().equals(savedBy)) {
      throw new FileFormatException(optFile, null, "the metadata says format " + optContents.metadata().get("format")
          + ", optimizer " + savedBy + "; expected " + OPTIMIZER_FORMAT + " of " + state.optimizerName() + " (as "
          + STATE + " says)");
    }
    Path cbFile = sub.resolve(CALLBACKS);
    SafeTensors.Contents cbContents = SafeTensors.read(cbFile);
    Map<String, Map<String, Tensor>> cbTensors = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : cbContents.tensors().entrySet()) {
      int cut = e.getKey().indexOf('/');
      String key = cut < 0 ? null : e.getKey().substring(0, cut);
      if (key == null || !state.callbackStates().containsKey(key)) {
        throw new FileFormatException(cbFile, e.getKey(), "tensor '" + e.getKey() + "' belongs to no callback of "
            + STATE + " (whose callbacks are " + state.callbackStates().keySet() + "); expected names"
            + " '<callback key>/<tensor>'");
      }
      cbTensors.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(e.getKey().substring(cut + 1), e.getValue());
    }
    return new Loaded(sub, model, state, optContents.tensors(), cbTensors);
  }

  /**
   * A checkpoint read back: the model with its weights, and the rest of the state to hand to
   * the objects of the resumed run with {@link #restore}.
   */
  public static final class Loaded {
    private final Path directory;
    private final Model model;
    private final CheckpointState state;
    private final Map<String, Tensor> optimizerState;
    private final Map<String, Map<String, Tensor>> callbackTensors;

    Loaded(Path directory, Model model, CheckpointState state, Map<String, Tensor> optimizerState,
        Map<String, Map<String, Tensor>> callbackTensors) {
      this.directory = directory;
      this.model = model;
      this.state = state;
      this.optimizerState = Collections.unmodifiableMap(optimizerState);
      this.callbackTensors = Collections.unmodifiableMap(callbackTensors);
    }

    /** The subdirectory that was read ({@code dir/epoch-NNNN}). */
    public Path directory() {
      return directory;
    }

    /**
     * The model rebuilt from the architecture with the saved weights and buffers, and its
     * dropout generators where they were ({@link #restore} does the same to another model).
     */
    public Model model() {
      return model;
    }

    /** The epochs done: the index of the epoch the resumed run starts with. */
    public int epochsDone() {
      return state.epochsDone();
    }

    /** The run's base learning rate (NaN when it was saved before the first fit). */
    public double baseLearningRate() {
      return state.baseLr();
    }

    public double learningRateScale() {
      return state.lrScale();
    }

    /** Why a callback stopped the run at the saved epoch, or null: a stopped run is usually not resumed. */
    public String stopReason() {
      return state.stopReason();
    }

    /** The metrics of the epochs done. */
    public List<EpochMetrics> history() {
      return state.history();
    }

    /** The name of the optimiser that was saved ("AdamW", ...). */
    public String optimizerName() {
      return state.optimizerName();
    }

    public Map<String, Object> optimizerHyperparameters() {
      return state.optimizerHyperparameters();
    }

    /** {@link Optimizer#state()} as saved. */
    public Map<String, Tensor> optimizerState() {
      return optimizerState;
    }

    /** The random layers' generator states by layer name. */
    public Map<String, long[]> randomStates() {
      Map<String, long[]> out = new LinkedHashMap<>();
      state.randomStates().forEach((k, v) -> out.put(k, v.clone()));
      return out;
    }

    /** Each stateful callback's scalars by key. */
    public Map<String, Map<String, Object>> callbackStates() {
      return state.callbackStates();
    }

    /** The strings given to {@link Checkpoint#save} as {@code extra}. */
    public Map<String, String> extra() {
      return state.extra();
    }

    /** The scalar state as read (for {@link CheckpointRestore}). */
    CheckpointState state() {
      return state;
    }

    /** Each stateful callback's tensors by key, names without the prefix (for {@link CheckpointRestore}). */
    Map<String, Map<String, Tensor>> callbackTensors() {
      return callbackTensors;
    }

    /** A new training state that continues after the saved epochs (pass it to {@link Trainer#fit}). */
    public Trainer.TrainingState trainingState() {
      Trainer.TrainingState s = Double.isNaN(state.baseLr()) ? Trainer.TrainingState.after(state.history(), state.lrScale())
          : Trainer.TrainingState.after(state.history(), state.lrScale(), state.baseLr());
      s.stopReason = state.stopReason();
      return s;
    }

    /**
     * Puts the saved state into the objects of the resumed run: the weights and buffers and the
     * random generators into {@code model} (unless it is {@link #model()} itself, which has them),
     * the state into {@code optimizer}, and each {@link StatefulCallback}'s state into the one
     * of the same key among {@code callbacks} (callbacks without state are ignored).
     *
     * @param callbacks the resumed trainer's callbacks: the same stateful callbacks, in the same
     *     order, as the saved run
     * @throws IllegalArgumentException naming the file and what does not match: the model's
     *     tensors (name, shape) or random layers; the optimiser's name, a hyperparameter, or a
     *     state buffer; a callback that the checkpoint has no state for, or state for a callback
     *     that is not given, or a callback's settings. The objects may then be partly restored:
     *     build them again before trying something else.
     */
    public void restore(Model model, Optimizer optimizer, List<? extends Callback> callbacks) {
      CheckpointRestore.restore(this, model, optimizer, callbacks);
    }
  }
}
