package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
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

  /** The layer's kind, as saved in architecture files. */
  public abstract LayerType type();

  /**
   * The per-sample output shape for this per-sample input shape.
   *
   * @throws IllegalArgumentException naming the shape received and the shape needed
   */
  public abstract int[] outputShape(int[] inputShape);

  /** The batch through the layer: x {@code [N, inputShape...]} to {@code [N, outputShape...]}. */
  public abstract Variable forward(Variable x, Mode mode);

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
      throw new IllegalStateException(type() + " layer is already built; a layer object belongs to one model");
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
    return type().label() + config();
  }
}
