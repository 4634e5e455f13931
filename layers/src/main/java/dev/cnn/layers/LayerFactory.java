package dev.cnn.layers;

import java.util.Map;

/**
 * Rebuilds a {@link CustomLayer} from its saved config, so that a model holding one loads again.
 * Register an implementation as a service (a line with its class name in
 * {@code META-INF/services/dev.cnn.layers.LayerFactory}; it needs a public no-argument
 * constructor), or pass it to {@code ModelFiles.load(file, factories)}.
 * {@link LayerFactories#create} resolves a type name: the built-in kinds first, then the factories
 * given, then the registered ones.
 */
public interface LayerFactory {
  /** The {@link CustomLayer#typeName()} of the layers this factory makes. */
  String typeName();

  /**
   * A new, unbuilt layer from its {@link Layer#config()}.
   *
   * @throws IllegalArgumentException naming a key that is missing or has a wrong value
   */
  Layer create(Map<String, Object> config);
}
