package dev.cnn.layers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading a layer's hyperparameters back from its config map (as parsed from JSON), with errors
 * that name the layer type, the key, what was found and what was expected. A
 * {@link LayerFactory} uses it too: {@code new Config("swish", map).number("beta")}.
 */
public final class Config {
  private final String type;
  private final Map<String, Object> map;

  Config(LayerType type, Map<String, Object> map) {
    this(type.label(), map);
  }

  /** The config of a layer of kind {@code typeName} (named in the errors). */
  public Config(String typeName, Map<String, Object> map) {
    this.type = typeName;
    this.map = map == null ? Map.of() : map;
  }

  /** An ordered map for building a config: key, value, key, value, ... */
  public static Map<String, Object> of(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
    return m;
  }

  public int integer(String key) {
    Object v = require(key);
    if (v instanceof Number && ((Number) v).doubleValue() == Math.rint(((Number) v).doubleValue())) {
      return ((Number) v).intValue();
    }
    throw bad(key, v, "an integer");
  }

  public double number(String key) {
    Object v = require(key);
    if (v instanceof Number) return ((Number) v).doubleValue();
    throw bad(key, v, "a number");
  }

  public boolean bool(String key) {
    Object v = require(key);
    if (v instanceof Boolean) return (Boolean) v;
    throw bad(key, v, "true or false");
  }

  public String string(String key) {
    Object v = require(key);
    if (v instanceof String) return (String) v;
    throw bad(key, v, "a string");
  }

  public int[] ints(String key) {
    Object v = require(key);
    if (v instanceof int[]) return ((int[]) v).clone();
    if (v instanceof List) {
      List<?> list = (List<?>) v;
      int[] out = new int[list.size()];
      for (int i = 0; i < out.length; i++) {
        if (!(list.get(i) instanceof Number)) throw bad(key, v, "a list of integers");
        out[i] = ((Number) list.get(i)).intValue();
      }
      return out;
    }
    throw bad(key, v, "a list of integers");
  }

  private Object require(String key) {
    Object v = map.get(key);
    if (v == null) {
      throw new IllegalArgumentException(type + " config: '" + key + "' is missing (found keys "
          + map.keySet() + ")");
    }
    return v;
  }

  private IllegalArgumentException bad(String key, Object v, String expected) {
    return new IllegalArgumentException(type + " config: '" + key + "' is " + v + "; expected " + expected);
  }
}
