package dev.cnn.layers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.regex.Pattern;

/**
 * Finds the layer kind a type name in an architecture file means: a built-in {@link LayerType},
 * else a {@link LayerFactory} given by the caller, else one registered as a service on the
 * classpath ({@code META-INF/services/dev.cnn.layers.LayerFactory}). Nothing is cached or
 * registered globally: the services are looked up when a file names a kind that is not built in.
 */
public final class LayerFactories {
  /** What a custom type name may be: lower-case letters, digits and underscores, starting with a letter. */
  static final Pattern TYPE_NAME = Pattern.compile("[a-z][a-z0-9_]*");

  private LayerFactories() {}

  /**
   * A new layer of kind {@code typeName} from its config.
   *
   * @param given factories to try before the registered ones (may be empty)
   * @throws IllegalArgumentException when no kind has that name (listing the built-in names, the
   *     custom ones found and how to register one), or from the factory for a bad config
   */
  public static Layer create(String typeName, Map<String, Object> config, List<LayerFactory> given) {
    if (LayerType.builtInLabels().contains(typeName)) return LayerType.parse(typeName).create(config);
    Map<String, LayerFactory> custom = new LinkedHashMap<>();
    for (LayerFactory f : given) custom.putIfAbsent(f.typeName(), f);
    LayerFactory f = custom.get(typeName);
    if (f == null) {
      for (LayerFactory s : ServiceLoader.load(LayerFactory.class)) custom.putIfAbsent(s.typeName(), s);
      f = custom.get(typeName);
    }
    if (f == null) {
      throw new IllegalArgumentException("layer type '" + typeName + "' is unknown; the built-in types are "
          + LayerType.builtInLabels() + (custom.isEmpty() ? "" : " and the custom ones found " + new ArrayList<>(custom.keySet()))
          + ". A custom layer (CustomLayer) loads when its LayerFactory is on the classpath, listed in"
          + " META-INF/services/dev.cnn.layers.LayerFactory, or passed to ModelFiles.load(file, factories)");
    }
    Layer layer = f.create(config);
    if (layer == null || !typeName.equals(layer.typeName())) {
      throw new IllegalStateException("the LayerFactory " + f.getClass().getName() + " for '" + typeName + "' made "
          + (layer == null ? "null" : "a layer of type '" + layer.typeName() + "'") + "; it must make '" + typeName
          + "' layers");
    }
    return layer;
  }

  /**
   * Checks that a layer's {@link Layer#typeName()} can be saved: a built-in kind, or a custom name
   * of lower-case letters, digits and underscores that is not a built-in one.
   *
   * @throws IllegalArgumentException naming the layer and the rule
   */
  public static void checkSavable(String layerName, Layer layer) {
    if (layer.type() != LayerType.CUSTOM) return;
    String t = layer.typeName();
    if (t == null || !TYPE_NAME.matcher(t).matches() || LayerType.builtInLabels().contains(t)) {
      throw new IllegalArgumentException("layer '" + layerName + "' (" + layer.getClass().getName() + "): typeName() is "
          + (t == null ? "null" : "'" + t + "'") + "; a custom layer's type name is lower-case letters, digits and"
          + " underscores, starting with a letter, and not a built-in type " + LayerType.builtInLabels());
    }
  }
}
