package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.NoGrad;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Workspace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A stack of layers, each feeding the next, built for a fixed per-sample input shape.
 *
 * <pre>
 * Sequential model = Sequential.builder(1, 28, 28)          // per-sample input [C, H, W]
 *     .add(Conv2d.builder(1, 32).kernel(3).padding(1).build())
 *     .add(new ReLU())
 *     .add(MaxPool2d.of(2))
 *     .add(new Flatten())
 *     .add(Dense.of(32 * 14 * 14, 10))
 *     .build(42);                                          // shapes checked, weights from seed 42
 * Variable logits = model.forward(Variable.constant(batch), Mode.TRAIN);   // [N, 10]
 * </pre>
 *
 * <p>{@link Builder#build} infers every layer's output shape in order; a layer that cannot take
 * its input fails there, with its index, type, the shape it got and the shape it needs. Each
 * layer is named by its index ({@code "0"}, {@code "1"}, ...) unless given a name, and its
 * parameters and buffers by {@code name.local} ({@code "0.weight"}, {@code "3.running_mean"}),
 * the names PyTorch gives the same {@code nn.Sequential}. The same seed gives the same weights,
 * bit for bit: each layer draws from its own child of the seed's generator.
 */
public final class Sequential implements Model {
  private final int[] inputShape;
  private final List<Layer> layers;
  private final List<String> names;
  private final List<int[]> outputShapes;
  /** The order the layers run in when no one observes them: {@link #runOrder}. */
  private final int[] runOrder;

  private Sequential(int[] inputShape, List<Layer> layers, List<String> names, List<int[]> outputShapes) {
    this.inputShape = inputShape;
    this.layers = layers;
    this.names = names;
    this.outputShapes = outputShapes;
    this.runOrder = runOrder(layers);
  }

  /**
   * The layers' indices in the order forward runs them: their own order, except that a ReLU
   * followed by a max pool runs after it. Max pooling commutes with ReLU,
   * {@code max_w max(x, 0) = max(max_w x, 0)} over each window w (padding never wins), so the
   * output is the same, and so is every gradient: the pool sends a window's gradient to its
   * largest input, which is the ReLU's largest input too, and where that is at most 0 ReLU's
   * gradient is 0 either way. Pooled first, the ReLU and its backward touch a quarter of the
   * elements (2 x 2 pooling): FashionNet's two ReLU passes over [N, 32, 28, 28] and
   * [N, 64, 14, 14] shrink fourfold.
   */
  static int[] runOrder(List<Layer> layers) {
    int[] order = new int[layers.size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    for (int i = 0; i + 1 < order.length; i++) {
      if (layers.get(i).type() == LayerType.RELU && layers.get(i + 1).type() == LayerType.MAX_POOL2D) {
        order[i] = i + 1;
        order[i + 1] = i;
        i++;
      }
    }
    return order;
  }

  /** A builder for a model whose samples have this shape ({@code [C, H, W]} or {@code [features]}). */
  public static Builder builder(int... inputShape) {
    return new Builder(inputShape);
  }

  /**
   * The batch through every layer: x {@code [N, inputShape...]} to {@code [N, outputShape...]}.
   *
   * @throws IllegalArgumentException if x's shape is not {@code [N, inputShape...]}
   */
  @Override
  public Variable forward(Variable x, Mode mode) {
    return forward(x, mode, null);
  }

  /**
   * As {@link #forward(Variable, Mode)}, handing each layer's output to an observer as it is made
   * (layer index and output): what diagnostics use to look inside, e.g. at ReLU outputs. Observed,
   * the layers run strictly in their order; unobserved, a ReLU before a max pool runs after it
   * (the same result and gradients, less work: {@link #runOrder}).
   *
   * @param observer called once per layer in order, or null
   */
  @Override
  public Variable forward(Variable x, Mode mode, java.util.function.ObjIntConsumer<Variable> observer) {
    ModelChecks.forwardArguments("Sequential", this, x, mode);
    Variable h = x;
    for (int step = 0; step < layers.size(); step++) {
      int i = observer == null ? runOrder[step] : step;
      Variable in = h;
      // Without a graph (inference), nothing but this loop refers to a hidden activation borrowed
      // from a Workspace scope: not the model's input, not a view of it, not when observed. Such an
      // activation goes through an element-wise layer (ReLU) in place, and goes back to the pool
      // once the next layer's output exists, so inference holds about two activations, not all.
      boolean owned = in != x && observer == null && (NoGrad.active() || !in.requiresGrad())
          && Workspace.lent(in.value()) && !in.value().sharesStorage(x.value());
      if (owned && layers.get(i).applyInPlace(in.value())) continue; // h stays in, now transformed
      h = layers.get(i).forward(in, mode);
      if (observer != null) observer.accept(h, i);
      if (owned && !h.requiresGrad() && !in.value().sharesStorage(h.value())) Workspace.giveBack(in.value());
    }
    return h;
  }

  /** The per-sample input shape. */
  @Override
  public int[] inputShape() {
    return inputShape.clone();
  }

  /** The per-sample output shape. */
  @Override
  public int[] outputShape() {
    return outputShapes.isEmpty() ? inputShape.clone() : outputShapes.get(outputShapes.size() - 1).clone();
  }

  @Override
  public int[] outputShapeFor(int[] sampleShape) {
    List<int[]> shapes = inferShapes(sampleShape, layers, names);
    return shapes.isEmpty() ? sampleShape.clone() : shapes.get(shapes.size() - 1);
  }

  /**
   * Each layer's per-sample output shape for samples of shape {@code in}.
   *
   * @throws IllegalArgumentException naming the first layer (index, name and type) whose input does
   *     not fit, the shape it got and the shape it needs
   */
  private static List<int[]> inferShapes(int[] in, List<Layer> layers, List<String> names) {
    List<int[]> shapes = new ArrayList<>();
    int[] shape = in;
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      try {
        shape = layer.outputShape(shape).clone();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Sequential: layer " + i + " ('" + names.get(i) + "', "
            + layer.typeName() + ") does not fit: " + e.getMessage(), e);
      }
      shapes.add(shape);
    }
    return shapes;
  }

  /** The per-sample output shape of layer i. */
  @Override
  public int[] outputShape(int i) {
    return outputShapes.get(i).clone();
  }

  @Override
  public List<Layer> layers() {
    return Collections.unmodifiableList(layers);
  }

  @Override
  public List<String> layerNames() {
    return Collections.unmodifiableList(names);
  }

  /**
   * The layers as a Keras-style table (print it): names, types, output shapes, parameter counts,
   * and the total, trainable and non-trainable (buffer) counts.
   */
  @Override
  public Summary summary() {
    return Summary.of(this);
  }

  /** Building a {@link Sequential}: layers in order, then {@link #build}. */
  public static final class Builder {
    private final int[] inputShape;
    private final List<Layer> layers = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    private Builder(int[] inputShape) {
      if (inputShape == null || inputShape.length == 0) {
        throw new IllegalArgumentException("Sequential: no input shape; expected the per-sample shape, e.g. (1, 28, 28)");
      }
      for (int d : inputShape) {
        if (d < 1) {
          throw new IllegalArgumentException("Sequential: input shape " + Arrays.toString(inputShape)
              + "; expected every dimension >= 1");
        }
      }
      this.inputShape = inputShape.clone();
    }

    /** Appends a layer named by its index. */
    public Builder add(Layer layer) {
      return add(Integer.toString(layers.size()), layer);
    }

    /** Appends a named layer (its parameters are {@code name.weight}, ...). */
    public Builder add(String name, Layer layer) {
      if (layer == null) throw new IllegalArgumentException("Sequential: layer " + layers.size() + " is null");
      if (name == null || name.isEmpty() || name.contains(".")) {
        throw new IllegalArgumentException("Sequential: layer name '" + name + "' for layer " + layers.size()
            + "; expected a non-empty name without dots");
      }
      layers.add(layer);
      names.add(name);
      return this;
    }

    /** Checks every connection and creates the weights from this seed. */
    public Sequential build(long seed) {
      return build(new Rng(seed));
    }

    /**
     * Checks every connection (shape inference) and creates the weights from the generator.
     *
     * @throws IllegalArgumentException naming the first layer (index and type) whose input does
     *     not fit, the shape it got and the shape it needs
     */
    public Sequential build(Rng rng) {
      Set<String> seen = new HashSet<>();
      for (String n : names) {
        if (!seen.add(n)) throw new IllegalArgumentException("Sequential: two layers are named '" + n + "'");
      }
      List<int[]> shapes = inferShapes(inputShape, layers, names);
      int[] shape;
      shape = inputShape;
      for (int i = 0; i < layers.size(); i++) { // every layer its own child generator, in order
        layers.get(i).build(shape, rng.split());
        layers.get(i).nameParameters(names.get(i));
        shape = shapes.get(i);
      }
      return new Sequential(inputShape, List.copyOf(layers), List.copyOf(names), shapes);
    }
  }
}
