package dev.cnn.layers;

/**
 * A layer written outside this library that saves and loads like the built-in ones.
 *
 * <p>Write it as the built-in layers are written (see {@link Layer} for the life of a layer):
 * <ol>
 *   <li>Extend this class; give the kind a name for architecture files ({@link #typeName()}:
 *       lower-case letters, digits and underscores, not a built-in name such as {@code "dense"}).
 *   <li>{@link #outputShape(int[])}: the per-sample output shape, or an
 *       {@link IllegalArgumentException} naming the input shape received and the one needed.
 *   <li>{@link #create}: the parameters for that input shape ({@link #addParameter}, from the
 *       generator for reproducible weights) and buffers ({@link #addBuffer}).
 *   <li>{@link #forward}: the batch through the layer with {@code dev.cnn.engine.Ops}, reading the
 *       parameters with {@link #parameter(String)}; autograd gives the backward pass.
 *   <li>{@link #config()}: the hyperparameters (numbers, booleans, strings, int arrays) that
 *       rebuild the layer, and a {@link LayerFactory} that rebuilds it from them, registered as
 *       a service: a file {@code META-INF/services/dev.cnn.layers.LayerFactory} on the classpath
 *       listing the factory's class name. {@code ModelFiles.load} then finds it (or pass the
 *       factory to {@code ModelFiles.load(file, factories)} directly).
 * </ol>
 * Check its gradients with {@code LayerGradCheck} (float64 central differences through the
 * layer's own {@code forward}, parameters included) before training with it. The examples module
 * holds one ({@code dev.cnn.examples.LayerScale}) with its factory, service file and checks.
 */
public abstract class CustomLayer extends Layer {
  /** Always {@link LayerType#CUSTOM}: the kind is named by {@link #typeName()}. */
  @Override
  public final LayerType type() {
    return LayerType.CUSTOM;
  }

  /** The kind's name in architecture files; its {@link LayerFactory} has the same name. */
  @Override
  public abstract String typeName();
}
