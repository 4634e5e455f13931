package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.NoGrad;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;
import dev.cnn.tensor.Workspace;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network of named layers that maps a batch to a batch: a stack ({@link Sequential}) or a graph
 * with branches and merges ({@link GraphModel}). What training, evaluation, checkpoints and
 * prediction need of a model is here; the parameters, buffers, state dict and random states are
 * gathered from {@link #layers()} by name, the same way for every kind of model.
 *
 * <p>Names: a layer's parameters and buffers are {@code layerName.local} ({@code "0.weight"},
 * {@code "res1_bn1.running_mean"}).
 */
public interface Model {
  /**
   * The batch through the model: x {@code [N, inputShape...]} to {@code [N, outputShape...]}. Samples
   * of another shape are taken when the model gives its output shape for them
   * ({@link #outputShapeFor}): a model with global or adaptive pooling before its head takes other
   * image sizes.
   *
   * @throws IllegalArgumentException if x's samples have a shape the model cannot take
   */
  Variable forward(Variable x, Mode mode);

  /**
   * As {@link #forward(Variable, Mode)}, handing each layer's output to an observer as it is made
   * (its index in {@link #layers()} and its output), for diagnostics that look inside.
   *
   * @param observer called once per layer, or null
   */
  Variable forward(Variable x, Mode mode, java.util.function.ObjIntConsumer<Variable> observer);

  /** The per-sample input shape. */
  int[] inputShape();

  /** The per-sample output shape. */
  int[] outputShape();

  /**
   * The per-sample output shape for samples of another shape, by the layers' shape inference. A
   * model takes samples of a shape other than {@link #inputShape()} (another image size) when this
   * gives {@link #outputShape()}: convolutions and pools take any size, and a global or adaptive
   * pooling before the dense head makes the head's input independent of it.
   *
   * @throws IllegalArgumentException naming the first layer or node that cannot take such samples
   */
  int[] outputShapeFor(int[] sampleShape);

  /** The per-sample output shape of layer i of {@link #layers()}. */
  int[] outputShape(int i);

  /** The layers (nodes with a {@link Layer}), in the order they run. */
  List<Layer> layers();

  /** The layers' names, in the order of {@link #layers()}. */
  List<String> layerNames();

  /** A Keras-style table of the layers (print it). */
  Summary summary();

  /** Every trainable parameter by its model-wide name ({@code "0.weight"}), in layer order. */
  default Map<String, Variable> parameters() {
    List<Layer> layers = layers();
    List<String> names = layerNames();
    Map<String, Variable> out = new LinkedHashMap<>();
    for (int i = 0; i < layers.size(); i++) {
      String prefix = names.get(i) + ".";
      layers.get(i).parameters().forEach((local, v) -> out.put(prefix + local, v));
    }
    return out;
  }

  /** Every buffer (saved, not trained: batch norm's running statistics) by model-wide name. */
  default Map<String, Tensor> buffers() {
    List<Layer> layers = layers();
    List<String> names = layerNames();
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (int i = 0; i < layers.size(); i++) {
      String prefix = names.get(i) + ".";
      layers.get(i).buffers().forEach((local, t) -> out.put(prefix + local, t));
    }
    return out;
  }

  /** Parameters' values and buffers by name: what a weights file holds. The tensors are the live ones. */
  default Map<String, Tensor> stateDict() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    parameters().forEach((name, v) -> out.put(name, v.value()));
    out.putAll(buffers());
    return out;
  }

  /**
   * Copies these tensors into the model's parameters and buffers (by name; float64 values are
   * rounded to float32). Every entry of {@link #stateDict()} must be present with its shape, and
   * no other name may appear.
   *
   * @param source where the tensors came from, for error messages (a file name)
   * @throws IllegalArgumentException naming the source and the tensor that is missing, extra or
   *     of the wrong shape; nothing is changed then
   */
  default void loadStateDict(Map<String, Tensor> tensors, String source) {
    Map<String, Tensor> own = stateDict();
    for (Map.Entry<String, Tensor> e : own.entrySet()) {
      Tensor t = tensors.get(e.getKey());
      if (t == null) {
        throw new IllegalArgumentException(source + ": tensor '" + e.getKey() + "' is missing; the model needs "
            + own.keySet());
      }
      if (!Arrays.equals(t.shape(), e.getValue().shape())) {
        throw new IllegalArgumentException(source + ": tensor '" + e.getKey() + "' has shape "
            + Shapes.format(t.shape()) + ", the model needs " + Shapes.format(e.getValue().shape()));
      }
    }
    for (String name : tensors.keySet()) {
      if (!own.containsKey(name)) {
        throw new IllegalArgumentException(source + ": tensor '" + name + "' does not belong to this model,"
            + " whose tensors are " + own.keySet());
      }
    }
    own.forEach((name, dst) -> {
      Tensor src = tensors.get(name);
      Tensor f = src.dtype() == DType.FLOAT32 ? src : src.to(DType.FLOAT32);
      System.arraycopy(f.floatData(), 0, dst.floatData(), 0, dst.size());
    });
  }

  /**
   * The generator state of every layer that draws random numbers while running
   * ({@link RandomState}, e.g. {@link Dropout}), by layer name in layer order: with
   * {@link #stateDict()}, what a checkpoint needs to continue a training run bit for bit. The
   * arrays are copies.
   */
  default Map<String, long[]> randomStates() {
    List<Layer> layers = layers();
    List<String> names = layerNames();
    Map<String, long[]> out = new LinkedHashMap<>();
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i) instanceof RandomState r) {
        long[] state = r.randomState();
        if (state != null) out.put(names.get(i), state);
      }
    }
    return out;
  }

  /**
   * Puts back what {@link #randomStates()} returned: every layer that draws random numbers must
   * have an entry, under its name, and no other name may appear.
   *
   * @param source where the states came from, for error messages (a file name)
   * @throws IllegalArgumentException naming the source and the layer that is missing, not a
   *     random layer, or has an invalid state; nothing is changed then
   */
  default void restoreRandomStates(Map<String, long[]> states, String source) {
    List<Layer> layers = layers();
    List<String> names = layerNames();
    Map<String, long[]> own = randomStates();
    for (String name : own.keySet()) {
      if (!states.containsKey(name)) {
        throw new IllegalArgumentException(source + ": no random state for layer '" + name + "' ("
            + layers.get(names.indexOf(name)).typeName() + "); the model's random layers are " + own.keySet());
      }
    }
    for (Map.Entry<String, long[]> e : states.entrySet()) {
      if (!own.containsKey(e.getKey())) {
        throw new IllegalArgumentException(source + ": random state for layer '" + e.getKey() + "', which "
            + (names.contains(e.getKey()) ? "draws no random numbers" : "this model does not have")
            + "; the model's random layers are " + own.keySet());
      }
      long[] st = e.getValue();
      if (st == null || st.length != 2 || (st[1] & 1) == 0) {
        throw new IllegalArgumentException(source + ": random state of layer '" + e.getKey() + "' is "
            + Arrays.toString(st) + "; expected two integers {seed, gamma} with an odd gamma");
      }
    }
    states.forEach((name, st) -> ((RandomState) layers.get(names.indexOf(name))).restoreRandomState(st.clone()));
  }

  /** Samples per forward pass in {@link #predict(float[][])}. */
  int PREDICT_BATCH = 256;

  /**
   * Class probabilities for each sample: {@code p[i] = softmax(model(x[i]))}, in EVAL mode
   * (dropout off, batch norm on its running statistics) and without recording a graph, in batches
   * of {@value #PREDICT_BATCH}. For programs that embed the engine; {@code ImageFolder.readSample}
   * turns an image file into such a sample.
   *
   * @param samples one row per sample, each the flattened per-sample input ({@link #inputShape()},
   *     row-major: for an image {@code [C, H, W]}, channel by channel, row by row)
   * @return one row per sample of K probabilities summing to 1 (K = the classes)
   * @throws IllegalArgumentException naming the sample whose length is not the product of the input
   *     shape, or when the model's output per sample is not a vector of class scores
   */
  default float[][] predict(float[][] samples) {
    if (samples == null) throw new IllegalArgumentException("predict: samples is null; expected float[N][]");
    int[] out = outputShape();
    if (out.length != 1) {
      throw Shapes.error("predict", "the model's output per sample has shape " + Shapes.format(out),
          "[K] class scores (predict gives class probabilities: end the model with a Dense layer)");
    }
    int[] inputShape = inputShape();
    int size = Shapes.size(inputShape);
    for (int i = 0; i < samples.length; i++) {
      if (samples[i] == null || samples[i].length != size) {
        throw Shapes.error("predict", "sample " + i + " has "
            + (samples[i] == null ? "no values (null)" : samples[i].length + " values"), size + " (the input shape "
            + Shapes.format(inputShape) + " flattened)");
      }
    }
    float[][] p = new float[samples.length][];
    int[] batchShape = new int[inputShape.length + 1];
    System.arraycopy(inputShape, 0, batchShape, 1, inputShape.length);
    for (int from = 0; from < samples.length; from += PREDICT_BATCH) {
      int n = Math.min(PREDICT_BATCH, samples.length - from);
      float[] x = new float[n * size];
      for (int i = 0; i < n; i++) System.arraycopy(samples[from + i], 0, x, i * size, size);
      batchShape[0] = n;
      try (NoGrad g = NoGrad.enter(); Workspace w = Workspace.open()) {
        Tensor logits = forward(Variable.constant(Tensor.wrap(x, batchShape.clone())), Mode.EVAL).value();
        float[] probs = dev.cnn.tensor.TensorMath.softmax(logits.to(DType.FLOAT32), 1).floatData();
        int k = out[0];
        for (int i = 0; i < n; i++) p[from + i] = Arrays.copyOfRange(probs, i * k, (i + 1) * k);
      }
    }
    return p;
  }

  /** {@link #predict(float[][])} for one sample: its K class probabilities. */
  default float[] predict(float[] sample) {
    return predict(new float[][] {sample})[0];
  }

  /** Clears every parameter's gradient (before the next backward pass). */
  default void zeroGrad() {
    parameters().values().forEach(Variable::zeroGrad);
  }

  /** The number of trainable scalars. */
  default long parameterCount() {
    long n = 0;
    for (Variable v : parameters().values()) n += v.value().size();
    return n;
  }
}
