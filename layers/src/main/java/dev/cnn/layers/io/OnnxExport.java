package dev.cnn.layers.io;

import dev.cnn.engine.Variable;
import dev.cnn.layers.Config;
import dev.cnn.layers.GraphModel;
import dev.cnn.layers.Layer;
import dev.cnn.layers.LayerType;
import dev.cnn.layers.Model;
import dev.cnn.layers.Padding;
import dev.cnn.layers.Sequential;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A trained model as an ONNX file, for inference elsewhere (ONNX Runtime, OpenCV's DNN module,
 * TensorRT, a browser through onnxruntime-web): the model in inference mode, its parameters and
 * batch-norm statistics as initializers.
 *
 * <p><b>The file.</b> IR version {@value #IR_VERSION}, opset {@value #OPSET} of the default domain.
 * One input {@value #INPUT}, float32 {@code [N, inputShape...]} with a symbolic batch size
 * {@code N} and the model's own image size: the same tensor the engine's {@link Model#forward}
 * takes (no normalisation is added); one output {@value #OUTPUT}, float32
 * {@code [N, outputShape...]}: the model's output, logits for the built-in classifiers (apply a
 * softmax for probabilities). A value between layers is named after its layer ({@code "0"},
 * {@code "res1_bn1"}), an initializer after its state-dict entry ({@code "0.weight"},
 * {@code "res1_bn1.running_mean"}).
 *
 * <p><b>The operators.</b> Each layer becomes the ONNX operator that computes the same function in
 * inference mode:
 * <pre>
 *   conv2d            Conv (kernel_shape, strides, pads, dilations, group)
 *   separable_conv2d  Conv (depthwise: group = Cin), Conv (1x1)
 *   dense             Gemm (transB = 1: the weight is [out, in], as PyTorch's)
 *   max_pool2d        MaxPool;  avg_pool2d: AveragePool (count_include_pad = 1)
 *   global_avg_pool2d GlobalAveragePool, Flatten;  global_max_pool2d: GlobalMaxPool, Flatten
 *   adaptive_avg_pool2d  AveragePool (kernel = stride) when the output size divides the model's
 *                     input size; else Reshape, MatMul by the constant pooling matrix, Reshape
 *   flatten           Flatten (axis 1)
 *   dropout           Identity (dropout is off at inference)
 *   batch_norm1d/2d   BatchNormalization (running statistics, epsilon)
 *   relu, leaky_relu, elu, sigmoid, tanh, softmax: Relu, LeakyRelu, Elu, Sigmoid, Tanh, Softmax
 *   gelu              x * (1 + Erf(x / sqrt 2)) / 2   (opset 13 has no Gelu; this is the exact form)
 *   silu              x * Sigmoid(x)
 *   merge add         Add (two inputs) or Sum;  merge concat: Concat (axis 1)
 * </pre>
 * A {@link dev.cnn.layers.CustomLayer} has no ONNX form: exporting a model with one is refused with
 * the layer's name and type.
 *
 * <p>Written with {@link ProtoWriter} (the protobuf wire format by hand), so exporting needs no
 * protobuf library. {@code OnnxExportTest} runs the files in ONNX Runtime and compares the outputs
 * with the engine's.
 */
public final class OnnxExport {
  /** The ONNX IR version written: 7, the version that goes with opset 13. */
  public static final int IR_VERSION = 7;
  /** The operator set version of the default ONNX domain. */
  public static final int OPSET = 13;
  /** The graph input's name. */
  public static final String INPUT = "input";
  /** The graph output's name. */
  public static final String OUTPUT = "output";

  /** TensorProto.DataType FLOAT and INT64. */
  private static final int FLOAT = 1;
  private static final int INT64 = 7;
  /** AttributeProto.AttributeType values. */
  private static final int ATTR_FLOAT = 1;
  private static final int ATTR_INT = 2;
  private static final int ATTR_INTS = 7;

  private final List<ProtoWriter> nodes = new ArrayList<>();
  private final List<ProtoWriter> initializers = new ArrayList<>();
  private final Set<String> names = new HashSet<>(List.of(INPUT, OUTPUT));

  private OnnxExport() {}

  /**
   * Writes the model's ONNX file, atomically (a failure leaves any old file as it was).
   *
   * @throws IllegalArgumentException if the model holds a layer with no ONNX form (see {@link #toBytes})
   * @throws IOException if the file cannot be written
   */
  public static void write(Model model, Path file) throws IOException {
    write(model, Map.of(), file);
  }

  /**
   * As {@link #write(Model, Path)}, with metadata: key-value strings stored in the model's
   * {@code metadata_props} (ONNX Runtime shows them as the model's custom metadata), for example
   * the class names.
   */
  public static void write(Model model, Map<String, String> metadata, Path file) throws IOException {
    AtomicFiles.write(file, toBytes(model, metadata));
  }

  /**
   * The model as the bytes of an ONNX file ({@code ModelProto}).
   *
   * @throws IllegalArgumentException if the model is neither a {@link Sequential} nor a
   *     {@link GraphModel}, or holds a layer with no ONNX form (a custom layer), named in the message
   */
  public static byte[] toBytes(Model model) {
    return toBytes(model, Map.of());
  }

  /**
   * As {@link #toBytes(Model)}, with metadata in {@code metadata_props}, in the map's order.
   *
   * @throws IllegalArgumentException also for a null key or value
   */
  public static byte[] toBytes(Model model, Map<String, String> metadata) {
    if (metadata == null) throw new IllegalArgumentException("ONNX export: the metadata map is null; give Map.of()");
    if (model == null) throw new IllegalArgumentException("ONNX export: the model is null");
    OnnxExport e = new OnnxExport();
    if (model instanceof GraphModel g) {
      e.graph(g);
    } else if (model instanceof Sequential s) {
      e.sequential(s);
    } else {
      throw new IllegalArgumentException("ONNX export: a " + model.getClass().getName() + " is not a model kind the"
          + " exporter knows; expected a Sequential or a GraphModel");
    }
    ProtoWriter graph = new ProtoWriter();
    for (ProtoWriter n : e.nodes) graph.message(1, n);
    graph.string(2, "cnn");
    for (ProtoWriter t : e.initializers) graph.message(5, t);
    graph.message(11, valueInfo(INPUT, model.inputShape()));
    graph.message(12, valueInfo(OUTPUT, model.outputShape()));
    ProtoWriter file = new ProtoWriter()
        .varint(1, IR_VERSION)
        .string(2, "cnn")
        .string(3, "1")
        .message(7, graph)
        .message(8, new ProtoWriter().string(1, "").varint(2, OPSET));
    metadata.forEach((key, value) -> {
      if (key == null || value == null) {
        throw new IllegalArgumentException("ONNX export: metadata entry " + key + " = " + value + " has a null; expected"
            + " strings");
      }
      file.message(14, new ProtoWriter().string(1, key).string(2, value));
    });
    return file.toByteArray();
  }

  private void sequential(Sequential model) {
    List<Layer> layers = model.layers();
    List<String> layerNames = model.layerNames();
    if (layers.isEmpty()) {
      node("Identity", "identity", List.of(INPUT), OUTPUT);
      return;
    }
    String x = INPUT;
    int[] shape = model.inputShape();
    for (int i = 0; i < layers.size(); i++) {
      String out = i == layers.size() - 1 ? OUTPUT : fresh(layerNames.get(i));
      layer(layerNames.get(i), layers.get(i), x, shape, out);
      x = out;
      shape = model.outputShape(i);
    }
  }

  private void graph(GraphModel model) {
    Map<String, String> values = new HashMap<>();
    Map<String, int[]> shapes = new HashMap<>();
    values.put(GraphModel.INPUT, INPUT);
    shapes.put(GraphModel.INPUT, model.inputShape());
    for (GraphModel.Node n : model.nodes()) {
      shapes.put(n.name(), n.shape());
      String out = n.name().equals(model.outputNode()) ? OUTPUT : fresh(n.name());
      List<String> in = new ArrayList<>();
      for (String from : n.inputs()) in.add(values.get(from));
      if (n.layer() != null) {
        layer(n.name(), n.layer(), in.get(0), shapes.get(n.inputs().get(0)), out);
      } else if (n.merge() == GraphModel.Merge.ADD) {
        node(in.size() == 2 ? "Add" : "Sum", n.name(), in, out);
      } else {
        node("Concat", n.name(), in, out, intAttr("axis", 1));
      }
      values.put(n.name(), out);
    }
  }

  /** The operators of one layer, from value x (per-sample shape {@code shape}) to value out. */
  private void layer(String name, Layer layer, String x, int[] shape, String out) {
    LayerType type = layer.type();
    Config c = new Config(layer.typeName(), layer.config());
    switch (type) {
      case CONV2D -> {
        int k = c.integer("kernel"), stride = c.integer("stride"), dilation = c.integer("dilation");
        int pad = Padding.parse(c.string("padding")).resolve(name, k, stride, dilation);
        List<String> in = new ArrayList<>(List.of(x, parameter(name, layer, "weight")));
        if (c.bool("bias")) in.add(parameter(name, layer, "bias"));
        node("Conv", name, in, out, intsAttr("kernel_shape", k, k), intsAttr("strides", stride, stride),
            intsAttr("pads", pad, pad, pad, pad), intsAttr("dilations", dilation, dilation),
            intAttr("group", c.integer("groups")));
      }
      case SEPARABLE_CONV2D -> { // the depthwise convolution, then the pointwise one
        int k = c.integer("kernel"), stride = c.integer("stride"), dilation = c.integer("dilation");
        int pad = Padding.parse(c.string("padding")).resolve(name, k, stride, dilation);
        String depthwise = fresh(name + "/depthwise");
        node("Conv", name + "/depthwise", List.of(x, parameter(name, layer, "depthwise_weight")), depthwise,
            intsAttr("kernel_shape", k, k), intsAttr("strides", stride, stride), intsAttr("pads", pad, pad, pad, pad),
            intsAttr("dilations", dilation, dilation), intAttr("group", c.integer("in")));
        List<String> in = new ArrayList<>(List.of(depthwise, parameter(name, layer, "pointwise_weight")));
        if (c.bool("bias")) in.add(parameter(name, layer, "bias"));
        node("Conv", name, in, out, intsAttr("kernel_shape", 1, 1));
      }
      case ADAPTIVE_AVG_POOL2D -> adaptiveAvgPool(name,
          new int[] {c.integer("output_height"), c.integer("output_width")}, x, shape, out);
      case DENSE -> {
        List<String> in = new ArrayList<>(List.of(x, parameter(name, layer, "weight")));
        if (c.bool("bias")) in.add(parameter(name, layer, "bias"));
        node("Gemm", name, in, out, intAttr("transB", 1));
      }
      case MAX_POOL2D, AVG_POOL2D -> {
        int k = c.integer("kernel"), stride = c.integer("stride"), pad = c.integer("padding");
        List<ProtoWriter> attrs = new ArrayList<>(List.of(intsAttr("kernel_shape", k, k),
            intsAttr("strides", stride, stride), intsAttr("pads", pad, pad, pad, pad)));
        if (type == LayerType.AVG_POOL2D) attrs.add(intAttr("count_include_pad", 1));
        node(type == LayerType.MAX_POOL2D ? "MaxPool" : "AveragePool", name, List.of(x), out,
            attrs.toArray(ProtoWriter[]::new));
      }
      case GLOBAL_AVG_POOL2D, GLOBAL_MAX_POOL2D -> {
        String pooled = fresh(name + "/pool");
        node(type == LayerType.GLOBAL_AVG_POOL2D ? "GlobalAveragePool" : "GlobalMaxPool", name + "/pool", List.of(x),
            pooled);
        node("Flatten", name, List.of(pooled), out, intAttr("axis", 1));
      }
      case FLATTEN -> node("Flatten", name, List.of(x), out, intAttr("axis", 1));
      case DROPOUT -> node("Identity", name, List.of(x), out);
      case BATCH_NORM1D, BATCH_NORM2D -> node("BatchNormalization", name,
          List.of(x, parameter(name, layer, "weight"), parameter(name, layer, "bias"),
              buffer(name, layer, "running_mean"), buffer(name, layer, "running_var")),
          out, floatAttr("epsilon", (float) c.number("eps")));
      case RELU -> node("Relu", name, List.of(x), out);
      case LEAKY_RELU -> node("LeakyRelu", name, List.of(x), out, floatAttr("alpha", (float) c.number("slope")));
      case ELU -> node("Elu", name, List.of(x), out, floatAttr("alpha", (float) c.number("alpha")));
      case SIGMOID -> node("Sigmoid", name, List.of(x), out);
      case TANH -> node("Tanh", name, List.of(x), out);
      case SOFTMAX -> node("Softmax", name, List.of(x), out, intAttr("axis", c.integer("axis")));
      case SILU -> {
        String s = fresh(name + "/sigmoid");
        node("Sigmoid", name + "/sigmoid", List.of(x), s);
        node("Mul", name, List.of(x, s), out);
      }
      case GELU -> { // x * (1 + erf(x / sqrt 2)) / 2
        String scaled = fresh(name + "/scaled"), erf = fresh(name + "/erf"), onePlus = fresh(name + "/one_plus");
        String product = fresh(name + "/product");
        node("Div", name + "/scaled", List.of(x, scalar(name + "/sqrt2", (float) Math.sqrt(2))), scaled);
        node("Erf", name + "/erf", List.of(scaled), erf);
        node("Add", name + "/one_plus", List.of(erf, scalar(name + "/one", 1f)), onePlus);
        node("Mul", name + "/product", List.of(x, onePlus), product);
        node("Mul", name, List.of(product, scalar(name + "/half", 0.5f)), out);
      }
      case CUSTOM -> throw new IllegalArgumentException("ONNX export: layer '" + name + "' is a custom layer (type '"
          + layer.typeName() + "'), which has no ONNX form; export a model built from the built-in layers ("
          + String.join(", ", LayerType.builtInLabels()) + ")");
    }
  }

  /**
   * Adaptive average pooling for the model's input size: average pooling with kernel = stride
   * when the output size divides the input size; otherwise each plane times a constant pooling
   * matrix {@code P [H*W, outH*outW]} ({@code P[i][o] = 1/|window o|} for the pixels i of window o):
   * Reshape to {@code [N, C, H*W]}, MatMul, Reshape to {@code [N, C, outH, outW]}.
   */
  private void adaptiveAvgPool(String name, int[] size, String x, int[] shape, String out) {
    int c = shape[0], h = shape[1], w = shape[2], oh = size[0], ow = size[1];
    if (h % oh == 0 && w % ow == 0) {
      int kh = h / oh, kw = w / ow;
      node("AveragePool", name, List.of(x), out, intsAttr("kernel_shape", kh, kw), intsAttr("strides", kh, kw));
      return;
    }
    float[] pool = new float[h * w * oh * ow]; // [H*W, outH*outW], row-major
    for (int i = 0; i < oh; i++) {
      int hs = i * h / oh, he = ((i + 1) * h + oh - 1) / oh;
      for (int j = 0; j < ow; j++) {
        int ws = j * w / ow, we = ((j + 1) * w + ow - 1) / ow;
        float weight = 1f / ((he - hs) * (we - ws));
        for (int r = hs; r < he; r++) {
          for (int q = ws; q < we; q++) pool[(r * w + q) * (oh * ow) + i * ow + j] = weight;
        }
      }
    }
    String flat = fresh(name + "/planes"), pooled = fresh(name + "/pooled");
    node("Reshape", name + "/planes", List.of(x, int64s(name + "/planes_shape", 0, c, (long) h * w)), flat);
    node("MatMul", name + "/pooled", List.of(flat, initializer(name + "/pooling", new long[] {(long) h * w, oh * ow}, pool)),
        pooled);
    node("Reshape", name, List.of(pooled, int64s(name + "/output_shape", 0, c, oh, ow)), out);
  }

  // ------------------------------------------------------------------ graph pieces

  /** A name no value or initializer has taken yet: {@code base}, else {@code base_1}, ... */
  private String fresh(String base) {
    String name = base;
    for (int i = 1; !names.add(name); i++) name = base + "_" + i;
    return name;
  }

  private void node(String opType, String name, List<String> inputs, String output, ProtoWriter... attributes) {
    ProtoWriter n = new ProtoWriter();
    for (String in : inputs) n.string(1, in);
    n.string(2, output).string(3, name).string(4, opType);
    for (ProtoWriter a : attributes) n.message(5, a);
    nodes.add(n);
  }

  private String parameter(String layerName, Layer layer, String local) {
    Variable p = layer.parameters().get(local);
    if (p == null) throw new IllegalStateException("ONNX export: layer '" + layerName + "' has no parameter " + local);
    return initializer(layerName + "." + local, p.value());
  }

  private String buffer(String layerName, Layer layer, String local) {
    Tensor t = layer.buffers().get(local);
    if (t == null) throw new IllegalStateException("ONNX export: layer '" + layerName + "' has no buffer " + local);
    return initializer(layerName + "." + local, t);
  }

  /** A rank-1 int64 initializer (a shape for Reshape: 0 copies the input's size on that axis). */
  private String int64s(String base, long... values) {
    String name = fresh(base);
    ByteBuffer raw = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) raw.putLong(v);
    initializers.add(new ProtoWriter().packedInt64(1, values.length).varint(2, INT64).string(8, name).bytes(9, raw.array()));
    return name;
  }

  /** A float32 initializer with the tensor's shape and values ({@code TensorProto}, raw_data). */
  private String initializer(String base, Tensor t) {
    Tensor f = t.dtype() == DType.FLOAT32 ? t : t.to(DType.FLOAT32);
    long[] dims = new long[f.rank()];
    for (int i = 0; i < dims.length; i++) dims[i] = f.dim(i);
    return initializer(base, dims, f.floatData());
  }

  /** A scalar (rank-0) float32 initializer. */
  private String scalar(String base, float value) {
    return initializer(base, new long[0], new float[] {value});
  }

  private String initializer(String base, long[] dims, float[] values) {
    String name = fresh(base);
    ProtoWriter t = new ProtoWriter();
    if (dims.length > 0) t.packedInt64(1, dims);
    t.varint(2, FLOAT).string(8, name).bytes(9, ProtoWriter.littleEndian(values));
    initializers.add(t);
    return name;
  }

  /** A graph input or output: float32 {@code [N, shape...]} with N symbolic. */
  private static ProtoWriter valueInfo(String name, int[] shape) {
    ProtoWriter dims = new ProtoWriter().message(1, new ProtoWriter().string(2, "N"));
    for (int d : shape) dims.message(1, new ProtoWriter().varint(1, d));
    ProtoWriter tensorType = new ProtoWriter().varint(1, FLOAT).message(2, dims);
    return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
  }

  private static ProtoWriter intAttr(String name, long value) {
    return new ProtoWriter().string(1, name).varint(20, ATTR_INT).varint(3, value);
  }

  private static ProtoWriter intsAttr(String name, long... values) {
    ProtoWriter a = new ProtoWriter().string(1, name).varint(20, ATTR_INTS);
    for (long v : values) a.varint(8, v); // unpacked, as onnx's own helper writes them
    return a;
  }

  private static ProtoWriter floatAttr(String name, float value) {
    return new ProtoWriter().string(1, name).varint(20, ATTR_FLOAT).float32(2, value);
  }
}
