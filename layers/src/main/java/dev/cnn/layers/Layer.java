package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A building block of a network: it may hold parameters (trained) and buffers (state that is
 * saved but not trained, such as batch norm's running statistics), and maps a batch to a batch.
 *
 * <p>Shapes are per sample, without the batch axis: a layer that takes {@code [N, C, H, W]}
 * batches has input shape {@code [C, H, W]}. The life of a layer:
 * <ol>
 *   <li>{@link #outputShape(int[])}: shape inference; throws {@link IllegalArgumentException}
 *       with the shape it needs when the input does not fit. {@link Sequential} calls it for
 *       every layer when the model is built, so a wrong connection fails before any data flows.
 *   <li>{@link #build(int[], Rng)}: creates the parameters for that input shape from the
 *       generator (called once).
 *   <li>{@link #forward(Variable, Mode)}: the batch through the layer, recorded on the autograd
 *       graph. The mode is explicit: dropout and batch norm behave differently in
 *       {@link Mode#TRAIN} and {@link Mode#EVAL}.
 * </ol>
 * Layers only hold parameters and call {@code dev.cnn.engine.Ops}; the gradients live in the ops.
 */
public abstract class Layer {
  private final Map<String, Variable> parameters = new LinkedHashMap<>();
  private final Map<String, Tensor> buffers = new LinkedHashMap<>();
  private boolean built;

  /** The layer's kind: one of the built-in ones, or {@link LayerType#CUSTOM} for a {@link CustomLayer}. */
  public abstract LayerType type();

  /**
   * The name of the layer's kind in architecture files: {@code type().label()} for the built-in
   * kinds ({@code "conv2d"}, ...); a {@link CustomLayer} names its own, which its
   * {@link LayerFactory} answers to when a saved model is loaded.
   */
  public String typeName() {
    return type().label();
  }

  /**
   * The per-sample output shape for this per-sample input shape.
   *
   * @throws IllegalArgumentException naming the shape received and the shape needed
   */
  public abstract int[] outputShape(int[] inputShape);

  /** The batch through the layer: x {@code [N, inputShape...]} to {@code [N, outputShape...]}. */
  public abstract Variable forward(Variable x, Mode mode);

  /**
   * For element-wise layers: overwrites x with the layer's output and returns true, as
   * {@link #forward} would compute it without a graph; the default returns false (not supported).
   * {@link Sequential} calls it in inference only, on a hidden activation that nothing else refers
   * to (PyTorch's {@code inplace=True}, decided by the model instead of the user).
   */
  boolean applyInPlace(Tensor x) {
    return false;
  }

  /**
   * The hyperparameters that, with {@link #type()}, rebuild this layer
   * ({@link LayerType#create(Map)}): numbers, booleans, strings and int arrays only.
   */
  public abstract Map<String, Object> config();

  /** Creates the parameters for this input shape; layers without parameters do nothing. */
  protected void create(int[] inputShape, Rng rng) {}

  /** Builds the layer once for this input shape (checked with {@link #outputShape}). */
  final void build(int[] inputShape, Rng rng) {
    if (built) {
      throw new IllegalStateException(typeName() + " layer is already built; a layer object belongs to one model");
    }
    outputShape(inputShape);
    create(inputShape, rng);
    built = true;
  }

  /** Registers a trainable parameter under a local name ({@code "weight"}). */
  protected final Variable addParameter(String localName, Tensor value) {
    Variable v = Variable.parameter(value, localName);
    parameters.put(localName, v);
    return v;
  }

  /** Registers a buffer under a local name ({@code "running_mean"}). */
  protected final Tensor addBuffer(String localName, Tensor value) {
    buffers.put(localName, value);
    return value;
  }

  /**
   * The parameter registered under this local name, or null when the layer has none of that name
   * (a bias that is switched off). Layers read their parameters through this method in
   * {@link #forward}, so that {@link #forwardWith} can substitute them.
   */
  protected final Variable parameter(String localName) {
    return parameters.get(localName);
  }

  /** The buffer registered under this local name, or null when there is none. */
  protected final Tensor buffer(String localName) {
    return buffers.get(localName);
  }

  /**
   * Runs {@link #forward} once with other values in place of some parameters and buffers, then
   * puts the layer's own back. This is how the float64 gradient checks evaluate a layer as users
   * build it: the layer creates float32 parameters, the check passes float64 copies here.
   *
   * @param substituteParameters by local name; each must name a parameter of this layer and have
   *     its shape (the dtype may differ)
   * @param substituteBuffers likewise for buffers; a TRAIN pass may modify them in place
   * @throws IllegalArgumentException naming a substitute whose name or shape does not match
   */
  final Variable forwardWith(Map<String, Variable> substituteParameters, Map<String, Tensor> substituteBuffers,
      Variable x, Mode mode) {
    substituteParameters.forEach((name, v) -> {
      Variable own = parameters.get(name);
      requireSame("parameter", name, own == null ? null : own.shape(), v.shape());
    });
    substituteBuffers.forEach((name, t) -> {
      Tensor own = buffers.get(name);
      requireSame("buffer", name, own == null ? null : own.shape(), t.shape());
    });
    Map<String, Variable> ownParameters = new LinkedHashMap<>(parameters);
    Map<String, Tensor> ownBuffers = new LinkedHashMap<>(buffers);
    try {
      parameters.putAll(substituteParameters);
      buffers.putAll(substituteBuffers);
      return forward(x, mode);
    } finally {
      parameters.putAll(ownParameters);
      buffers.putAll(ownBuffers);
    }
  }

  private void requireSame(String kind, String name, int[] own, int[] substitute) {
    if (own == null) {
      throw new IllegalArgumentException(typeName() + ": no " + kind + " named '" + name + "'; the layer has "
          + (kind.equals("parameter") ? parameters.keySet() : buffers.keySet()));
    }
    if (!Arrays.equals(own, substitute)) {
      throw new IllegalArgumentException(typeName() + ": substitute " + kind + " '" + name + "' has shape "
          + Arrays.toString(substitute) + ", expected " + Arrays.toString(own));
    }
  }

  /** The parameters by local name, in creation order. */
  public final Map<String, Variable> parameters() {
    return Collections.unmodifiableMap(parameters);
  }

  /** The buffers by local name, in creation order. */
  public final Map<String, Tensor> buffers() {
    return Collections.unmodifiableMap(buffers);
  }

  /** Gives every parameter its model-wide name, {@code prefix + "." + localName}. */
  final void nameParameters(String prefix) {
    parameters.forEach((local, v) -> v.named(prefix + "." + local));
  }

  @Override
  public String toString() {
    return typeName() + config();
  }
}
