package dev.cnn.optim;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnn.layers.Sequential;
import dev.cnn.tensor.io.AtomicFiles;
import dev.cnn.layers.io.FileFormatException;
import dev.cnn.layers.io.ModelFiles;
import dev.cnn.layers.io.SafeTensors;
import dev.cnn.tensor.Log;
import dev.cnn.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;

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
 *       that draws random numbers ({@link Sequential#randomStates()}: each dropout layer's),
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
 * directory.
 *
 * <h2>Resuming</h2>
 * <pre>
 * Checkpoint.Loaded ckpt = Checkpoint.load(dir);
 * Sequential model = ckpt.model();                       // or a model built the same way
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

  private static final String OPTIMIZER_FORMAT = "cnn-optimizer-state";
  private static final String CALLBACKS_FORMAT = "cnn-callback-state";
  private static final Pattern DIR_NAME = Pattern.compile("epoch-[0-9]{4,}(-[0-9]+)?");
  private static final Pattern TEMP_NAME = Pattern.compile("\\.epoch-[0-9]{4,}(-[0-9]+)?\\.[0-9a-f]+\\.tmp");
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]+");
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final ObjectWriter PRETTY = JSON.writer(new DefaultPrettyPrinter()
      .withObjectIndenter(new DefaultIndenter("  ", "\n")));

  private Checkpoint() {}

  // ---------------------------------------------------------------- saving

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
  public static Path save(Path dir, Sequential model, Optimizer optimizer, Trainer.TrainingState state,
      List<? extends Callback> callbacks, Map<String, String> extra) throws IOException {
    if (dir == null || model == null || optimizer == null || state == null || callbacks == null) {
      throw new IllegalArgumentException("Checkpoint.save: the directory, model, optimiser, training state and"
          + " callback list must all be given");
    }
    Map<String, StatefulCallback> stateful = keyed(callbacks);
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", VERSION);
    root.put("epochs_done", state.epochsDone());
    putNumber(root, "base_lr", state.baseLr);
    root.put("lr_scale", state.lrScale);
    if (state.stopReason == null) root.putNull("stop_reason");
    else root.put("stop_reason", state.stopReason);
    ObjectNode opt = root.putObject("optimizer");
    opt.put("name", optimizer.name());
    opt.put("steps", optimizer.steps());
    opt.set("hyperparameters", scalars("optimizer " + optimizer.name(), optimizer.hyperparameters()));
    ObjectNode random = root.putObject("random_states");
    model.randomStates().forEach((layer, s) -> random.putArray(layer).add(s[0]).add(s[1]));
    ObjectNode cbs = root.putObject("callbacks");
    Map<String, Tensor> cbTensors = new LinkedHashMap<>();
    stateful.forEach((key, c) -> {
      cbs.set(key, scalars("callback '" + key + "'", c.saveState()));
      c.saveTensors().forEach((name, t) -> cbTensors.put(key + "/" + name, t));
    });
    ObjectNode ex = root.putObject("extra");
    if (extra != null) {
      extra.forEach((k, v) -> {
        if (k == null || v == null) {
          throw new IllegalArgumentException("Checkpoint.save: extra holds a null key or value (" + k + " = " + v + ")");
        }
        ex.put(k, v);
      });
    }
    root.set("history", JSON.readTree(History.json(state.history)));

    Files.createDirectories(dir);
    String previous = pointed(dir);
    String base = String.format(Locale.ROOT, "epoch-%04d", state.epochsDone()), name = base;
    for (int n = 2; name.equals(previous); n++) name = base + "-" + n; // never replace the checkpoint in use
    Path tmp = dir.resolve("." + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + ".tmp");
    Path target = dir.resolve(name);
    try {
      Files.createDirectory(tmp);
      ModelFiles.save(model, tmp.resolve(MODEL));
      SafeTensors.write(tmp.resolve(OPTIMIZER), optimizer.state(),
          Map.of("format", OPTIMIZER_FORMAT, "optimizer", optimizer.name()));
      SafeTensors.write(tmp.resolve(CALLBACKS), cbTensors, Map.of("format", CALLBACKS_FORMAT));
      ObjectNode files = root.putObject("files");
      for (String f : List.of(MODEL, ModelFiles.architectureFile(Path.of(MODEL)).toString(), OPTIMIZER, CALLBACKS)) {
        Path p = tmp.resolve(f);
        ObjectNode entry = files.putObject(f);
        entry.put("bytes", Files.size(p));
        entry.put("crc32", crc32(p));
      }
      AtomicFiles.write(tmp.resolve(STATE), (PRETTY.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8));
      forceDirectory(tmp);
      if (Files.exists(target)) deleteTree(target); // a leftover of a save that did not reach the pointer
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      forceDirectory(dir);
    } catch (IOException | RuntimeException | Error e) {
      try {
        deleteTree(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    AtomicFiles.write(dir.resolve(LATEST), (name + "\n").getBytes(StandardCharsets.UTF_8));
    removeOld(dir, name, previous);
    return target;
  }

  /** The stateful callbacks by key, numbering repeated keys by order ("early_stopping-2"). */
  private static Map<String, StatefulCallback> keyed(List<? extends Callback> callbacks) {
    Map<String, StatefulCallback> out = new LinkedHashMap<>();
    Map<String, Integer> seen = new HashMap<>();
    for (Callback c : callbacks) {
      if (!(c instanceof StatefulCallback s)) continue;
      String key = s.stateKey();
      if (key == null || !KEY.matcher(key).matches()) {
        throw new IllegalArgumentException("Checkpoint: callback " + c.getClass().getSimpleName() + " has the state key '"
            + key + "'; expected letters, digits, '_' and '-' only");
      }
      int n = seen.merge(key, 1, Integer::sum);
      out.put(n == 1 ? key : key + "-" + n, s);
    }
    return out;
  }

  private static ObjectNode scalars(String owner, Map<String, Object> values) {
    ObjectNode o = JSON.createObjectNode();
    values.forEach((k, v) -> {
      if (v instanceof Double || v instanceof Float) putNumber(o, k, ((Number) v).doubleValue());
      else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
        o.put(k, ((Number) v).longValue());
      } else if (v instanceof Boolean b) o.put(k, b);
      else if (v instanceof String s) o.put(k, s);
      else {
        throw new IllegalArgumentException("Checkpoint: " + owner + " has the state value '" + k + "' = " + v
            + (v == null ? "" : " (" + v.getClass().getSimpleName() + ")") + "; expected a number, a boolean or a string");
      }
    });
    return o;
  }

  /** A double: a JSON number when finite (exact: the shortest text that reads back to it), else text. */
  private static void putNumber(ObjectNode o, String key, double v) {
    if (Double.isFinite(v)) o.put(key, v);
    else o.put(key, Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
  }

  /** The subdirectory {@code dir/latest} names, or null when there is no valid pointer. */
  private static String pointed(Path dir) {
    try {
      String s = Files.readString(dir.resolve(LATEST), StandardCharsets.UTF_8).strip();
      return DIR_NAME.matcher(s).matches() ? s : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Deletes the subdirectories other than the new one and the previous one, and stale temporary ones. */
  private static void removeOld(Path dir, String keep, String previous) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String n = p.getFileName().toString();
        boolean old = DIR_NAME.matcher(n).matches() && !n.equals(keep) && !n.equals(previous);
        if ((old || TEMP_NAME.matcher(n).matches()) && Files.isDirectory(p)) deleteTree(p);
      }
    } catch (IOException e) {
      Log.warn("checkpoint: could not delete old checkpoints in " + dir + " (" + e.getMessage() + "); the new one, "
          + keep + ", is complete");
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (Stream<Path> walk = Files.walk(p)) {
      List<Path> all = new ArrayList<>(walk.toList());
      all.sort(Comparator.reverseOrder()); // children before their directory
      for (Path q : all) Files.deleteIfExists(q);
    }
  }

  /** Flushes a directory's entries to the disk where the platform allows it (see AtomicFiles). */
  private static void forceDirectory(Path dir) {
    try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
      c.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Not possible on this platform; the renames are as durable as it makes them.
    }
  }

  private static String crc32(Path file) throws IOException {
    CRC32 crc = new CRC32();
    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (ch.read(buf.clear()) >= 0) crc.update(buf.flip());
    }
    return String.format(Locale.ROOT, "%08x", crc.getValue());
  }

  // ---------------------------------------------------------------- loading

  /** Whether {@code dir} holds a checkpoint to resume from (its {@code latest} pointer exists). */
  public static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(LATEST));
  }

  /**
   * Reads the checkpoint that {@code dir/latest} names, or the checkpoint in {@code dir} itself
   * when it is one of the {@code epoch-NNNN} subdirectories.
   *
   * @throws IOException naming the file when a file is missing, damaged (size, checksum, JSON) or
   *     of another format or version
   * @throws IllegalArgumentException naming the file when the weights do not fit the architecture
   */
  public static Loaded load(Path dir) throws IOException {
    Path sub;
    if (Files.isRegularFile(dir.resolve(STATE)) && !Files.exists(dir.resolve(LATEST))) {
      sub = dir;
    } else {
      Path pointer = dir.resolve(LATEST);
      String text;
      try {
        text = Files.readString(pointer, StandardCharsets.UTF_8).strip();
      } catch (NoSuchFileException e) {
        throw new NoSuchFileException(pointer.toString(), null, "no checkpoint here: the pointer file '" + LATEST
            + "' is missing; expected a directory written by Checkpoint.save (the training command's --out)");
      } catch (java.nio.charset.MalformedInputException e) {
        throw new FileFormatException(pointer, null, "the pointer file is not UTF-8 text", e);
      }
      if (!DIR_NAME.matcher(text).matches()) {
        throw new FileFormatException(pointer, null, "the pointer file holds \"" + abbreviate(text)
            + "\"; expected the name of a checkpoint subdirectory such as epoch-0003");
      }
      sub = dir.resolve(text);
      if (!Files.isDirectory(sub)) {
        throw new FileFormatException(pointer, null, "the pointer names " + text + ", which is not a directory in "
            + dir + "; the checkpoint directory was changed after it was written");
      }
    }
    Path stateFile = sub.resolve(STATE);
    JsonNode root = readJson(stateFile);
    String format = root.path("format").asText(null);
    if (!FORMAT.equals(format)) {
      throw new FileFormatException(stateFile, "format", "format is " + show(root.get("format")) + "; expected \""
          + FORMAT + "\"");
    }
    JsonNode version = root.get("version");
    if (version == null || !version.isInt() || version.intValue() != VERSION) {
      throw new FileFormatException(stateFile, "version", "version is " + show(version) + "; this program reads"
          + " version " + VERSION);
    }
    JsonNode files = object(stateFile, root, "files");
    for (String f : List.of(MODEL, ModelFiles.architectureFile(Path.of(MODEL)).toString(), OPTIMIZER, CALLBACKS)) {
      checkFile(stateFile, sub.resolve(f), files.get(f));
    }

    int epochs = integer(stateFile, root, "epochs_done");
    List<EpochMetrics> history;
    try {
      history = History.parseJson(JSON.writeValueAsString(object(stateFile, root, "history")));
    } catch (IOException e) {
      throw new FileFormatException(stateFile, "history", "the history cannot be read: " + e.getMessage(), e);
    }
    if (history.size() != epochs) {
      throw new FileFormatException(stateFile, "history", "the history has " + history.size() + " epochs, but"
          + " epochs_done is " + epochs);
    }
    for (int i = 0; i < history.size(); i++) {
      if (history.get(i).epoch() != i) {
        throw new FileFormatException(stateFile, "history", "history row " + (i + 1) + " is epoch "
            + (history.get(i).epoch() + 1) + "; expected the epochs 1 to " + epochs + " in order");
      }
    }
    double baseLr = number(stateFile, root, "base_lr");
    double lrScale = number(stateFile, root, "lr_scale");
    if (!(lrScale >= 0) || Double.isInfinite(lrScale) || !(Double.isNaN(baseLr) || baseLr >= 0 && Double.isFinite(baseLr))) {
      throw new FileFormatException(stateFile, "lr_scale", "base_lr = " + baseLr + ", lr_scale = " + lrScale
          + "; expected finite values >= 0");
    }
    JsonNode stop = root.get("stop_reason");
    if (stop == null || !(stop.isNull() || stop.isTextual())) {
      throw new FileFormatException(stateFile, "stop_reason", "stop_reason is " + show(stop) + "; expected a string or null");
    }

    JsonNode opt = object(stateFile, root, "optimizer");
    String optName = opt.path("name").asText(null);
    if (optName == null || !opt.get("name").isTextual()) {
      throw new FileFormatException(stateFile, "optimizer", "optimizer.name is " + show(opt.get("name")) + "; expected a string");
    }
    Map<String, Object> hyper = decode(object(stateFile, opt, "hyperparameters"));

    Map<String, long[]> random = new LinkedHashMap<>();
    object(stateFile, root, "random_states").fields().forEachRemaining(e -> random.put(e.getKey(), longPair(e.getValue())));
    for (Map.Entry<String, long[]> e : random.entrySet()) {
      if (e.getValue() == null) {
        throw new FileFormatException(stateFile, e.getKey(), "random_states." + e.getKey() + " is "
            + show(root.get("random_states").get(e.getKey())) + "; expected [seed, gamma], two 64-bit integers");
      }
    }
    Map<String, Map<String, Object>> cbStates = new LinkedHashMap<>();
    object(stateFile, root, "callbacks").fields().forEachRemaining(e -> cbStates.put(e.getKey(),
        e.getValue().isObject() ? decode(e.getValue()) : null));
    for (Map.Entry<String, Map<String, Object>> e : cbStates.entrySet()) {
      if (e.getValue() == null) {
        throw new FileFormatException(stateFile, e.getKey(), "callbacks." + e.getKey() + " is not an object");
      }
    }
    Map<String, String> extra = new LinkedHashMap<>();
    object(stateFile, root, "extra").fields().forEachRemaining(e -> extra.put(e.getKey(),
        e.getValue().isTextual() ? e.getValue().textValue() : null));
    for (Map.Entry<String, String> e : extra.entrySet()) {
      if (e.getValue() == null) throw new FileFormatException(stateFile, e.getKey(), "extra." + e.getKey() + " is not a string");
    }

    Sequential model = ModelFiles.load(sub.resolve(MODEL));
    model.restoreRandomStates(random, stateFile.toString());
    Path optFile = sub.resolve(OPTIMIZER);
    SafeTensors.Contents optContents = SafeTensors.read(optFile);
    String savedBy = optContents.metadata().get("optimizer");
    if (!OPTIMIZER_FORMAT.equals(optContents.metadata().get("format")) || !optName.equals(savedBy)) {
      throw new FileFormatException(optFile, null, "the metadata says format " + optContents.metadata().get("format")
          + ", optimizer " + savedBy + "; expected " + OPTIMIZER_FORMAT + " of " + optName + " (as " + STATE + " says)");
    }
    Path cbFile = sub.resolve(CALLBACKS);
    SafeTensors.Contents cbContents = SafeTensors.read(cbFile);
    Map<String, Map<String, Tensor>> cbTensors = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : cbContents.tensors().entrySet()) {
      int cut = e.getKey().indexOf('/');
      String key = cut < 0 ? null : e.getKey().substring(0, cut);
      if (key == null || !cbStates.containsKey(key)) {
        throw new FileFormatException(cbFile, e.getKey(), "tensor '" + e.getKey() + "' belongs to no callback of "
            + STATE + " (whose callbacks are " + cbStates.keySet() + "); expected names '<callback key>/<tensor>'");
      }
      cbTensors.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(e.getKey().substring(cut + 1), e.getValue());
    }
    return new Loaded(sub, model, epochs, baseLr, lrScale, stop.isNull() ? null : stop.textValue(), history, optName,
        hyper, optContents.tensors(), random, cbStates, cbTensors, extra);
  }

  private static JsonNode readJson(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, "the checkpoint's state file is missing; the checkpoint"
          + " is incomplete");
    } catch (java.nio.charset.MalformedInputException e) {
      throw new FileFormatException(file, null, "not UTF-8 text", e);
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new FileFormatException(file, null, "not valid JSON (" + e.getOriginalMessage() + "); the file is damaged", e);
    }
    if (root == null || !root.isObject()) throw new FileFormatException(file, null, "expected a JSON object");
    return root;
  }

  private static void checkFile(Path stateFile, Path file, JsonNode entry) throws IOException {
    String name = file.getFileName().toString();
    if (entry == null || !entry.isObject() || !entry.path("bytes").canConvertToLong() || !entry.path("crc32").isTextual()) {
      throw new FileFormatException(stateFile, name, "files." + name + " is " + show(entry)
          + "; expected {\"bytes\": <size>, \"crc32\": \"<8 hex digits>\"}");
    }
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "missing; the checkpoint is incomplete (restore the"
          + " directory, or resume from the previous checkpoint)");
    }
    long size = Files.size(file), recorded = entry.get("bytes").longValue();
    if (size != recorded) {
      throw new FileFormatException(file, null, "the file has " + size + " bytes, but " + STATE + " records "
          + recorded + "; it was truncated or changed after the checkpoint was written");
    }
    String crc = crc32(file);
    if (!crc.equalsIgnoreCase(entry.get("crc32").textValue())) {
      throw new FileFormatException(file, null, "the file's CRC-32 is " + crc + ", but " + STATE + " records "
          + entry.get("crc32").textValue() + "; it was changed or damaged after the checkpoint was written");
    }
  }

  private static JsonNode object(Path file, JsonNode parent, String field) throws FileFormatException {
    JsonNode n = parent.get(field);
    if (n == null || !n.isObject()) {
      throw new FileFormatException(file, field, field + " is " + show(n) + "; expected an object");
    }
    return n;
  }

  private static int integer(Path file, JsonNode parent, String field) throws FileFormatException {
    JsonNode n = parent.get(field);
    if (n == null || !n.isInt() || n.intValue() < 0) {
      throw new FileFormatException(file, field, field + " is " + show(n) + "; expected a whole number >= 0");
    }
    return n.intValue();
  }

  private static double number(Path file, JsonNode parent, String field) throws FileFormatException {
    Object v = value(parent.get(field));
    try {
      return StatefulCallback.number(v == null ? Map.of() : Map.of(field, v), field);
    } catch (IllegalArgumentException e) {
      throw new FileFormatException(file, field, e.getMessage());
    }
  }

  private static long[] longPair(JsonNode n) {
    if (n == null || !n.isArray() || n.size() != 2) return null;
    for (JsonNode x : n) if (!x.isIntegralNumber() || !x.canConvertToLong()) return null;
    return new long[] {n.get(0).longValue(), n.get(1).longValue()};
  }

  private static Map<String, Object> decode(JsonNode object) {
    Map<String, Object> out = new LinkedHashMap<>();
    object.fields().forEachRemaining(e -> out.put(e.getKey(), value(e.getValue())));
    return out;
  }

  /** A JSON scalar as Java: Long, Double, Boolean or String; null for anything else. */
  private static Object value(JsonNode n) {
    if (n == null) return null;
    if (n.isIntegralNumber() && n.canConvertToLong()) return n.longValue();
    if (n.isNumber()) return n.doubleValue();
    if (n.isBoolean()) return n.booleanValue();
    if (n.isTextual()) return n.textValue();
    return null;
  }

  private static String show(JsonNode n) {
    if (n == null || n.isMissingNode()) return "missing";
    return abbreviate(n.toString());
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }

  // ---------------------------------------------------------------- restoring

  /**
   * A checkpoint read back: the model with its weights, and the rest of the state to hand to
   * the objects of the resumed run with {@link #restore}.
   */
  public static final class Loaded {
    private final Path directory;
    private final Sequential model;
    private final int epochsDone;
    private final double baseLr;
    private final double lrScale;
    private final String stopReason;
    private final List<EpochMetrics> history;
    private final String optimizerName;
    private final Map<String, Object> optimizerHyperparameters;
    private final Map<String, Tensor> optimizerState;
    private final Map<String, long[]> randomStates;
    private final Map<String, Map<String, Object>> callbackStates;
    private final Map<String, Map<String, Tensor>> callbackTensors;
    private final Map<String, String> extra;

    Loaded(Path directory, Sequential model, int epochsDone, double baseLr, double lrScale, String stopReason,
        List<EpochMetrics> history, String optimizerName, Map<String, Object> optimizerHyperparameters,
        Map<String, Tensor> optimizerState, Map<String, long[]> randomStates,
        Map<String, Map<String, Object>> callbackStates, Map<String, Map<String, Tensor>> callbackTensors,
        Map<String, String> extra) {
      this.directory = directory;
      this.model = model;
      this.epochsDone = epochsDone;
      this.baseLr = baseLr;
      this.lrScale = lrScale;
      this.stopReason = stopReason;
      this.history = List.copyOf(history);
      this.optimizerName = optimizerName;
      this.optimizerHyperparameters = Collections.unmodifiableMap(optimizerHyperparameters);
      this.optimizerState = Collections.unmodifiableMap(optimizerState);
      this.randomStates = Collections.unmodifiableMap(randomStates);
      this.callbackStates = Collections.unmodifiableMap(callbackStates);
      this.callbackTensors = Collections.unmodifiableMap(callbackTensors);
      this.extra = Collections.unmodifiableMap(extra);
    }

    /** The subdirectory that was read ({@code dir/epoch-NNNN}). */
    public Path directory() {
      return directory;
    }

    /**
     * The model rebuilt from the architecture with the saved weights and buffers, and its
     * dropout generators where they were ({@link #restore} does the same to another model).
     */
    public Sequential model() {
      return model;
    }

    /** The epochs done: the index of the epoch the resumed run starts with. */
    public int epochsDone() {
      return epochsDone;
    }

    /** The run's base learning rate (NaN when it was saved before the first fit). */
    public double baseLearningRate() {
      return baseLr;
    }

    public double learningRateScale() {
      return lrScale;
    }

    /** Why a callback stopped the run at the saved epoch, or null: a stopped run is usually not resumed. */
    public String stopReason() {
      return stopReason;
    }

    /** The metrics of the epochs done. */
    public List<EpochMetrics> history() {
      return history;
    }

    /** The name of the optimiser that was saved ("AdamW", ...). */
    public String optimizerName() {
      return optimizerName;
    }

    public Map<String, Object> optimizerHyperparameters() {
      return optimizerHyperparameters;
    }

    /** {@link Optimizer#state()} as saved. */
    public Map<String, Tensor> optimizerState() {
      return optimizerState;
    }

    /** The random layers' generator states by layer name. */
    public Map<String, long[]> randomStates() {
      Map<String, long[]> out = new LinkedHashMap<>();
      randomStates.forEach((k, v) -> out.put(k, v.clone()));
      return out;
    }

    /** Each stateful callback's scalars by key. */
    public Map<String, Map<String, Object>> callbackStates() {
      return callbackStates;
    }

    /** The strings given to {@link Checkpoint#save} as {@code extra}. */
    public Map<String, String> extra() {
      return extra;
    }

    /** A new training state that continues after the saved epochs (pass it to {@link Trainer#fit}). */
    public Trainer.TrainingState trainingState() {
      Trainer.TrainingState s = Double.isNaN(baseLr) ? Trainer.TrainingState.after(history, lrScale)
          : Trainer.TrainingState.after(history, lrScale, baseLr);
      s.stopReason = stopReason;
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
    public void restore(Sequential model, Optimizer optimizer, List<? extends Callback> callbacks) {
      Path stateFile = directory.resolve(STATE);
      if (!optimizer.name().equals(optimizerName)) {
        throw new IllegalArgumentException(directory.resolve(OPTIMIZER) + ": the checkpoint's optimiser is "
            + optimizerName + ", the one given is " + optimizer.name() + "; resume with the optimiser of the saved run");
      }
      List<String> differences = new ArrayList<>();
      optimizer.hyperparameters().forEach((k, v) -> {
        Object saved = optimizerHyperparameters.get(k);
        boolean same;
        if (v instanceof Boolean) {
          same = v.equals(saved);
        } else {
          double d = ((Number) v).doubleValue();
          try {
            same = saved != null && Double.compare(d, StatefulCallback.number(optimizerHyperparameters, k)) == 0;
          } catch (IllegalArgumentException e) {
            same = false;
          }
        }
        if (!same) differences.add(k + " " + (saved == null ? "(missing)" : saved) + " -> " + v);
      });
      for (String k : optimizerHyperparameters.keySet()) {
        if (!optimizer.hyperparameters().containsKey(k)) differences.add(k + " " + optimizerHyperparameters.get(k) + " -> (none)");
      }
      if (!differences.isEmpty()) {
        throw new IllegalArgumentException(stateFile + ": the optimiser " + optimizerName + " was saved with other"
            + " settings than the one given (saved -> given: " + String.join(", ", differences)
            + "); resume with the settings of the saved run");
      }
      Map<String, StatefulCallback> given = keyed(callbacks);
      for (String key : callbackStates.keySet()) {
        if (!given.containsKey(key)) {
          throw new IllegalArgumentException(stateFile + ": the checkpoint holds the state of callback '" + key
              + "', but no such callback is given (given: " + given.keySet() + "); resume with the callbacks of the"
              + " saved run");
        }
      }
      for (String key : given.keySet()) {
        if (!callbackStates.containsKey(key)) {
          throw new IllegalArgumentException(stateFile + ": callback '" + key + "' is given, but the checkpoint has"
              + " no state for it (saved: " + callbackStates.keySet() + "); it would start afresh. Resume with the"
              + " callbacks of the saved run");
        }
      }
      if (model != this.model) {
        Map<String, Tensor> weights = this.model.stateDict();
        model.loadStateDict(weights, directory.resolve(MODEL).toString());
      }
      model.restoreRandomStates(randomStates(), stateFile.toString());
      try {
        optimizer.loadState(optimizerState);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(directory.resolve(OPTIMIZER) + ": " + e.getMessage(), e);
      }
      Path cbFile = directory.resolve(CALLBACKS);
      given.forEach((key, c) -> {
        try {
          c.restoreState(callbackStates.get(key), callbackTensors.getOrDefault(key, Map.of()), model);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(stateFile + " (and " + cbFile.getFileName() + "): callback '" + key
              + "': " + e.getMessage(), e);
        }
      });
    }
  }
}
