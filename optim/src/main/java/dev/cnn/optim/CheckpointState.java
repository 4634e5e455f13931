package dev.cnn.optim;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnn.layers.Model;
import dev.cnn.layers.io.FileFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The schema of a checkpoint: what {@code state.json} records about a run, and its JSON. This is
 * the scalar part; the tensors (weights, optimiser buffers, callbacks' copies of weights) are in
 * the safetensors files beside it, and the section {@code files} (their sizes and checksums) is
 * added by {@link CheckpointDirectory}.
 *
 * <pre>
 * {
 *   "format": "cnn-checkpoint", "version": 1,
 *   "epochs_done": 3, "base_lr": 0.01, "lr_scale": 0.5, "stop_reason": null,
 *   "optimizer": {"name": "AdamW", "steps": 120, "hyperparameters": {"lr": 0.01, ...}},
 *   "random_states": {"2": [seed, gamma]},          // each dropout layer's generator
 *   "callbacks": {"early_stopping": {"best": 0.31, "wait": 1, ...}},
 *   "extra": {"config": "..."},                      // the caller's strings
 *   "history": {"epochs": [...]},                    // History.json rows
 *   "files": {"model.safetensors": {"bytes": 1234, "crc32": "0a1b2c3d"}, ...}
 * }
 * </pre>
 * Doubles are written as the shortest JSON number that reads back to the same bits, and NaN and
 * the infinities as the texts {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
 */
record CheckpointState(int epochsDone, double baseLr, double lrScale, String stopReason, List<EpochMetrics> history,
    String optimizerName, long optimizerSteps, Map<String, Object> optimizerHyperparameters,
    Map<String, long[]> randomStates, Map<String, Map<String, Object>> callbackStates, Map<String, String> extra) {

  static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]+");

  CheckpointState {
    history = List.copyOf(history);
    optimizerHyperparameters = Collections.unmodifiableMap(new LinkedHashMap<>(optimizerHyperparameters));
    randomStates = Collections.unmodifiableMap(new LinkedHashMap<>(randomStates));
    callbackStates = Collections.unmodifiableMap(new LinkedHashMap<>(callbackStates));
    extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
  }

  /**
   * The state of a run after {@code state.epochsDone()} epochs.
   *
   * @throws IllegalArgumentException if a callback's state holds a value of another kind than
   *     number, boolean or string, a state key is not letters, digits, '_' and '-', or
   *     {@code extra} holds a null
   */
  static CheckpointState capture(Model model, Optimizer optimizer, Trainer.TrainingState state,
      List<? extends Callback> callbacks, Map<String, String> extra) {
    Map<String, Map<String, Object>> cbStates = new LinkedHashMap<>();
    keyed(callbacks).forEach((key, c) -> cbStates.put(key, c.saveState()));
    Map<String, String> ex = new LinkedHashMap<>();
    if (extra != null) {
      extra.forEach((k, v) -> {
        if (k == null || v == null) {
          throw new IllegalArgumentException("Checkpoint.save: extra holds a null key or value (" + k + " = " + v + ")");
        }
        ex.put(k, v);
      });
    }
    return new CheckpointState(state.epochsDone(), state.baseLr, state.lrScale, state.stopReason, state.history,
        optimizer.name(), optimizer.steps(), optimizer.hyperparameters(), model.randomStates(), cbStates, ex);
  }

  /**
   * The stateful callbacks by key, numbering repeated keys by order ("early_stopping-2"), as
   * saved and as matched on restore.
   */
  static Map<String, StatefulCallback> keyed(List<? extends Callback> callbacks) {
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

  // ---------------------------------------------------------------- to JSON

  /**
   * The JSON object of {@code state.json}, without the {@code files} section.
   *
   * @throws IllegalArgumentException if a hyperparameter or callback value is not a number,
   *     boolean or string (the message names the owner and the key)
   */
  ObjectNode toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", Checkpoint.FORMAT);
    root.put("version", Checkpoint.VERSION);
    root.put("epochs_done", epochsDone);
    putNumber(root, "base_lr", baseLr);
    root.put("lr_scale", lrScale);
    if (stopReason == null) root.putNull("stop_reason");
    else root.put("stop_reason", stopReason);
    ObjectNode opt = root.putObject("optimizer");
    opt.put("name", optimizerName);
    opt.put("steps", optimizerSteps);
    opt.set("hyperparameters", scalars("optimizer " + optimizerName, optimizerHyperparameters));
    ObjectNode random = root.putObject("random_states");
    randomStates.forEach((layer, s) -> random.putArray(layer).add(s[0]).add(s[1]));
    ObjectNode cbs = root.putObject("callbacks");
    callbackStates.forEach((key, values) -> cbs.set(key, scalars("callback '" + key + "'", values)));
    ObjectNode ex = root.putObject("extra");
    extra.forEach(ex::put);
    try {
      root.set("history", JSON.readTree(History.json(history)));
    } catch (IOException e) {
      throw new IllegalStateException("History.json wrote text that is not JSON", e);
    }
    return root;
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

  // ---------------------------------------------------------------- from JSON

  /**
   * Reads the fields of {@code state.json} (whose format and version the caller has checked).
   *
   * @throws FileFormatException naming {@code stateFile} and the field that is missing, of the
   *     wrong kind, or inconsistent (a history that is not the epochs 1 to epochs_done)
   */
  static CheckpointState fromJson(Path stateFile, JsonNode root) throws FileFormatException {
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
    long steps = opt.path("steps").canConvertToLong() ? opt.get("steps").longValue() : 0;
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
    return new CheckpointState(epochs, baseLr, lrScale, stop.isNull() ? null : stop.textValue(), history, optName,
        steps, hyper, random, cbStates, extra);
  }

  static JsonNode object(Path file, JsonNode parent, String field) throws FileFormatException {
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

  /** A JSON value for an error message: "missing", or its text cut to 80 characters. */
  static String show(JsonNode n) {
    if (n == null || n.isMissingNode()) return "missing";
    return abbreviate(n.toString());
  }

  static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }
}
