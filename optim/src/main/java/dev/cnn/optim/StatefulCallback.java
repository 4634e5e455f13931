package dev.cnn.optim;

import dev.cnn.layers.Model;
import dev.cnn.tensor.Tensor;
import java.util.Map;

/**
 * A callback with counters or copies of weights that a resumed run must continue from
 * ({@link EarlyStopping}, {@link ReduceLrOnPlateau}, {@link ModelCheckpoint}). A
 * {@link Checkpoint} saves {@link #saveState()} into its {@code state.json} under
 * {@link #stateKey()}, and {@link #saveTensors()} into {@code callbacks.safetensors} with the
 * names prefixed by {@code stateKey + "/"}; {@link Checkpoint.Loaded#restore} hands both back to
 * {@link #restoreState}.
 *
 * <p>Scalar values are {@link Double}, {@link Integer} or {@link Long}, {@link Boolean} and
 * {@link String}. They come back as JSON gives them (a whole number as a Long, a number with a
 * fraction or exponent as a Double, an infinite or NaN double as the text {@code "Infinity"},
 * {@code "-Infinity"} or {@code "NaN"}), so read them with {@link #number}, {@link #integer},
 * {@link #bool} and {@link #text}, which accept those forms and name the key when a value is
 * missing or of the wrong kind. Doubles come back bit for bit.
 */
public interface StatefulCallback extends Callback {
  /**
   * The name of this callback's state in a checkpoint ({@code "early_stopping"}); letters,
   * digits, '_' and '-'. When a trainer has several callbacks with the same key, the checkpoint
   * numbers the second and later ones ({@code "early_stopping-2"}) and matches them by order.
   */
  String stateKey();

  /** The counters and settings to save: names to Double, Integer, Long, Boolean or String values. */
  Map<String, Object> saveState();

  /** Tensors to save (copies of weights); none by default. */
  default Map<String, Tensor> saveTensors() {
    return Map.of();
  }

  /**
   * Continues from a saved state.
   *
   * @param scalars what {@link #saveState()} returned, read back
   * @param tensors what {@link #saveTensors()} returned, read back (names without the prefix)
   * @param model the model the run continues with, for checking saved copies of its weights
   * @throws IllegalArgumentException if the state was saved by a callback of other settings (another
   *     monitored metric) or does not fit the model; the message says which value
   */
  void restoreState(Map<String, Object> scalars, Map<String, Tensor> tensors, Model model);

  /** A number from a saved state (a Double, a Long, or "Infinity", "-Infinity", "NaN"). */
  static double number(Map<String, Object> state, String key) {
    Object v = state.get(key);
    if (v instanceof Number n) return n.doubleValue();
    if ("Infinity".equals(v)) return Double.POSITIVE_INFINITY;
    if ("-Infinity".equals(v)) return Double.NEGATIVE_INFINITY;
    if ("NaN".equals(v)) return Double.NaN;
    throw wrong(key, v, "a number");
  }

  /** A whole number in the int range from a saved state. */
  static int integer(Map<String, Object> state, String key) {
    Object v = state.get(key);
    if ((v instanceof Long || v instanceof Integer) && ((Number) v).longValue() == ((Number) v).intValue()) {
      return ((Number) v).intValue();
    }
    throw wrong(key, v, "a whole number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE);
  }

  /** A boolean from a saved state. */
  static boolean bool(Map<String, Object> state, String key) {
    Object v = state.get(key);
    if (v instanceof Boolean b) return b;
    throw wrong(key, v, "true or false");
  }

  /** A string from a saved state. */
  static String text(Map<String, Object> state, String key) {
    Object v = state.get(key);
    if (v instanceof String s) return s;
    throw wrong(key, v, "a string");
  }

  private static IllegalArgumentException wrong(String key, Object v, String expected) {
    return new IllegalArgumentException("'" + key + "' is " + (v == null ? "missing" : v instanceof String
        ? "\"" + v + "\"" : v) + "; expected " + expected);
  }
}
