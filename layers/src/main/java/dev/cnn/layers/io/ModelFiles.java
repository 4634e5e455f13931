package dev.cnn.layers.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnn.layers.Layer;
import dev.cnn.layers.GraphModel;
import dev.cnn.layers.LayerFactories;
import dev.cnn.layers.LayerFactory;
import dev.cnn.layers.Model;
import dev.cnn.layers.Sequential;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.UnaryOperator;

/**
 * Saving and loading models ({@link Sequential}, and {@link GraphModel} in the "cnn-graph"
 * architecture format below), and importing PyTorch weights.
 *
 * <h2>A saved model is two files</h2>
 * {@link #save(Model, Path) save(model, "run/model.safetensors")} writes
 * <ul>
 *   <li>{@code run/model.safetensors}: the {@link Sequential#stateDict() state dict} (parameters
 *       and buffers by name, {@code "0.weight"}, {@code "3.running_mean"}) as float32
 *       {@link SafeTensors safetensors}, with the metadata {@code {"format": "cnn",
 *       "architecture": <the text of the architecture file>}} so that the weights file alone
 *       still says what it belongs to;
 *   <li>{@code run/model.json} ({@link #architectureFile(Path)}): the architecture,
 *       <pre>
 * {"format": "cnn-sequential", "version": 1, "input_shape": [1, 28, 28],
 *  "layers": [{"name": "0", "type": "conv2d", "config": {"in": 1, "out": 32, "kernel": 3, ...}}, ...]}
 *       </pre>
 *       where {@code type} is {@link Layer#typeName()} (a built-in kind's label, or a custom
 *       layer's own name) and {@code config} is {@link Layer#config()}.
 * </ul>
 * A {@link GraphModel}'s architecture file has the format {@code "cnn-graph"}: its nodes in order,
 * each a layer {@code {"name", "type", "config", "inputs": [one node]}} or a merge
 * {@code {"name", "type": "add" | "concat", "inputs": [two or more]}}, and {@code "output"}, the
 * output node ({@link #loadModel} reads either format; {@link #load} returns a Sequential).
 * Both are written atomically ({@link AtomicFiles}): both temporary files are written and flushed
 * before either is renamed, so a failure while writing leaves both old files as they were.
 * {@link #load(Path)} rebuilds the model from the architecture file
 * ({@link LayerFactories#create}: the built-in kinds, then the factories of custom ones; layer
 * names kept) and copies the weights in; it
 * refuses a weights file whose recorded architecture differs from the architecture file (the
 * pair was not written by one save, e.g. a save interrupted between the two renames).
 * Files hold data only: no Java serialization, no code.
 *
 * <h2>Importing PyTorch weights</h2>
 * {@link #importPyTorch(Model, Path)} loads a PyTorch state dict saved as safetensors
 * ({@code safetensors.torch.save_file(model.state_dict(), path)}) into a model of the same
 * architecture. The name rule: the PyTorch entry {@code <prefix>.<param>} ({@code prefix} the
 * module's path, {@code param} the parameter or buffer: {@code weight}, {@code bias},
 * {@code running_mean}, {@code running_var}) fills the Java tensor of the same name,
 * {@code <layer name>.<param>}. For an {@code nn.Sequential} the prefixes are the indices
 * {@code 0, 1, ...}, which are the default Java layer names, so the layers match when they sit
 * at the same positions (parameterless layers such as ReLU and Flatten included). For modules with
 * names ({@code self.conv1 = nn.Conv2d(...)}) give the Java layers the same names
 * ({@code builder.add("conv1", ...)}). Entries named {@code num_batches_tracked} (batch norm's
 * step counter, an int64 that inference does not use) are skipped; F64 tensors are rounded to
 * float32. Every other mismatch fails, naming the file and the tensor and listing the tensors
 * the model expects: a missing tensor, an extra one, a wrong shape, or a dtype other than F32
 * and F64. The layouts agree without any transposition: {@link dev.cnn.layers.Dense} keeps
 * {@code nn.Linear}'s {@code [out, in]} weight, {@link dev.cnn.layers.Conv2d} keeps
 * {@code [Cout, Cin/G, K, K]}, and flattening is row-major over {@code [C, H, W]} in both.
 * Nested module paths ({@code features.0.weight}) contain dots, which Java layer names may not:
 * map them with {@link #importPyTorch(Model, Path, UnaryOperator)}.
 *
 * <h2>Errors</h2>
 * A file that cannot be read, or whose content is damaged, raises an {@link IOException}
 * ({@link FileFormatException} for damage), naming the file and the tensor or layer. A readable
 * weights file that does not fit the model raises an {@link IllegalArgumentException} naming the
 * file and the tensor; the model is then unchanged.
 */
public final class ModelFiles {
  /** The {@code format} field of an architecture file. */
  public static final String ARCHITECTURE_FORMAT = "cnn-sequential";
  /** The {@code "format"} of a {@link GraphModel}'s architecture file. */
  public static final String GRAPH_FORMAT = "cnn-graph";
  /** The architecture file version this code writes and reads. */
  public static final int ARCHITECTURE_VERSION = 1;
  /** The {@code format} metadata entry of a weights file written by {@link #save}. */
  public static final String WEIGHTS_FORMAT = "cnn";

  private static final String PYTORCH_STEP_COUNTER = "num_batches_tracked";
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  /** Indented with two spaces and "\n" line ends on every platform, so the bytes do not vary. */
  private static final ObjectWriter PRETTY = JSON.writer(new DefaultPrettyPrinter()
      .withObjectIndenter(new DefaultIndenter("  ", "\n")));

  private ModelFiles() {}

  /**
   * The architecture file that belongs to a weights file: the same name with {@code .json}
   * instead of its last extension ({@code model.safetensors} to {@code model.json},
   * {@code model} to {@code model.json}).
   *
   * @throws IllegalArgumentException if the weights file itself ends in {@code .json}
   */
  public static Path architectureFile(Path weightsFile) {
    String name = weightsFile.getFileName().toString();
    if (name.toLowerCase(java.util.Locale.ROOT).endsWith(".json")) {
      throw new IllegalArgumentException(weightsFile + ": a weights file ending in .json would collide with its"
          + " architecture file; use the extension .safetensors");
    }
    int dot = name.lastIndexOf('.');
    String base = dot > 0 ? name.substring(0, dot) : name;
    return weightsFile.resolveSibling(base + ".json");
  }

  // ---------------------------------------------------------------- saving

  /**
   * Writes the model's weights to {@code weightsFile} (float32 safetensors) and its architecture
   * to {@link #architectureFile(Path)}, both atomically. Missing directories are created.
   *
   * @throws IOException if either file cannot be written; when the failure happens while
   *     writing, both old files are intact (a failure of the second rename, after the first,
   *     leaves a pair that {@link #load} recognises as mismatched)
   */
  public static void save(Model model, Path weightsFile) throws IOException {
    Path archFile = architectureFile(weightsFile);
    byte[] arch = architectureJson(model).getBytes(StandardCharsets.UTF_8);
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", WEIGHTS_FORMAT);
    meta.put("architecture", new String(arch, StandardCharsets.UTF_8));
    Map<String, Tensor> state = new LinkedHashMap<>();
    model.stateDict().forEach((name, t) -> state.put(name, t.dtype() == DType.FLOAT32 ? t : t.to(DType.FLOAT32)));
    try (AtomicFiles.Staged a = AtomicFiles.stage(archFile, out -> AtomicFiles.writeFully(out, ByteBuffer.wrap(arch)));
         AtomicFiles.Staged w = AtomicFiles.stage(weightsFile, SafeTensors.body(state, meta))) {
      w.commit();
      a.commit();
    }
  }

  /**
   * The architecture file's text for this model (see the class comment).
   *
   * @throws IllegalArgumentException if a layer's config holds a value that is not a finite
   *     number, a boolean, a string or an int array
   */
  public static String architectureJson(Model model) {
    if (model instanceof GraphModel graph) return graphJson(graph);
    if (!(model instanceof Sequential)) {
      throw new IllegalArgumentException("ModelFiles: cannot save a " + model.getClass().getName() + "; files hold a"
          + " Sequential or a GraphModel");
    }
    ObjectNode root = JSON.createObjectNode();
    root.put("format", ARCHITECTURE_FORMAT);
    root.put("version", ARCHITECTURE_VERSION);
    ArrayNode shape = root.putArray("input_shape");
    for (int d : model.inputShape()) shape.add(d);
    ArrayNode layers = root.putArray("layers");
    List<Layer> list = model.layers();
    for (int i = 0; i < list.size(); i++) {
      Layer layer = list.get(i);
      String name = model.layerNames().get(i);
      ObjectNode l = layers.addObject();
      l.put("name", name);
      LayerFactories.checkSavable(name, layer);
      l.put("type", layer.typeName());
      ObjectNode config = l.putObject("config");
      layer.config().forEach((key, value) -> config.set(key, configValue(name, layer, key, value)));
    }
    try {
      return PRETTY.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("architecture JSON could not be written: " + e.getMessage(), e);
    }
  }

  /** The architecture of a {@link GraphModel}: format "cnn-graph", its nodes with their inputs, the output. */
  private static String graphJson(GraphModel model) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", GRAPH_FORMAT);
    root.put("version", ARCHITECTURE_VERSION);
    ArrayNode shape = root.putArray("input_shape");
    for (int d : model.inputShape()) shape.add(d);
    root.put("output", model.outputNode());
    ArrayNode nodes = root.putArray("nodes");
    for (GraphModel.Node n : model.nodes()) {
      ObjectNode o = nodes.addObject();
      o.put("name", n.name());
      o.put("type", n.kind());
      if (n.layer() != null) {
        Layer layer = n.layer();
        LayerFactories.checkSavable(n.name(), layer);
        ObjectNode config = o.putObject("config");
        layer.config().forEach((key, value) -> config.set(key, configValue(n.name(), layer, key, value)));
      }
      ArrayNode in = o.putArray("inputs");
      n.inputs().forEach(in::add);
    }
    try {
      return PRETTY.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("architecture JSON could not be written: " + e.getMessage(), e);
    }
  }

  private static JsonNode configValue(String name, Layer layer, String key, Object value) {
    if (value instanceof Boolean || value instanceof String
        || value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return JSON.valueToTree(value);
    }
    if ((value instanceof Double || value instanceof Float) && Double.isFinite(((Number) value).doubleValue())) {
      return JSON.valueToTree(value);
    }
    if (value instanceof int[]) {
      ArrayNode a = JSON.createArrayNode();
      for (int v : (int[]) value) a.add(v);
      return a;
    }
    throw new IllegalArgumentException("layer '" + name + "' (" + layer.typeName() + "): config value '" + key
        + "' is " + value + (value == null ? "" : " (" + value.getClass().getSimpleName() + ")")
        + "; an architecture file holds finite numbers, booleans, strings and int arrays only");
  }

  // ---------------------------------------------------------------- loading

  /**
   * Rebuilds the model saved by {@link #save} from {@link #architectureFile(Path)} and the
   * weights in {@code weightsFile}.
   *
   * @throws IOException if a file is missing, unreadable or damaged (naming the file, and the
   *     layer or tensor)
   * @throws IllegalArgumentException if the weights do not fit the architecture (naming the
   *     file and the tensor that is missing, extra or of the wrong shape)
   */
  public static Sequential load(Path weightsFile) throws IOException {
    return load(weightsFile, List.of());
  }

  /**
   * {@link #load(Path)} for a model with {@link dev.cnn.layers.CustomLayer}s: their kinds are
   * rebuilt by these factories, or else by the ones registered as services
   * ({@link LayerFactories#create}).
   */
  public static Sequential load(Path weightsFile, List<LayerFactory> factories) throws IOException {
    Model model = loadModel(weightsFile, factories);
    if (model instanceof Sequential seq) return seq;
    throw new IllegalArgumentException(weightsFile + " holds a graph model (GraphModel), not a Sequential; load it with"
        + " ModelFiles.loadModel");
  }

  /** {@link #load(Path)} for any kind of model: a {@link Sequential} or a {@link GraphModel}. */
  public static Model loadModel(Path weightsFile) throws IOException {
    return loadModel(weightsFile, List.of());
  }

  /** {@link #loadModel(Path)} with factories for custom layer kinds, as {@link #load(Path, List)}. */
  public static Model loadModel(Path weightsFile, List<LayerFactory> factories) throws IOException {
    Path archFile = architectureFile(weightsFile);
    JsonNode arch = readArchitectureJson(archFile, weightsFile);
    Model model = GRAPH_FORMAT.equals(arch.path("format").asText(null))
        ? graphFromArchitecture(archFile, arch, 0, factories) : fromArchitecture(archFile, arch, 0, factories);
    SafeTensors.Contents c = SafeTensors.read(weightsFile);
    String recorded = c.metadata().get("architecture");
    if (recorded != null && !parseJson(weightsFile, recorded).equals(arch)) {
      throw new FileFormatException(weightsFile, null, "the architecture recorded in the weights file differs from"
          + " " + archFile.getFileName() + ": the two files were not written by the same save (an interrupted save,"
          + " or one file copied from another model); save the model again, or restore a matching pair");
    }
    model.loadStateDict(c.tensors(), weightsFile.toString());
    return model;
  }

  /**
   * Builds the model an architecture file describes, with fresh weights from seed 0.
   *
   * @throws IOException if the file is missing or unreadable
   * @throws FileFormatException naming the file and the layer when a field is missing or wrong,
   *     a layer type is unknown, a config is invalid, or the layers do not fit together
   */
  public static Sequential readArchitecture(Path architectureFile) throws IOException {
    return readArchitecture(architectureFile, 0);
  }

  /**
   * As {@link #readArchitecture(Path)}, with fresh weights drawn from {@code seed} (what
   * {@code cnn train --model FILE.json --seed N} uses).
   */
  public static Sequential readArchitecture(Path architectureFile, long seed) throws IOException {
    return readArchitecture(architectureFile, seed, List.of());
  }

  /**
   * The model an architecture file of either format describes ({@code "cnn-sequential"} or
   * {@code "cnn-graph"}), with fresh weights drawn from {@code seed}: what
   * {@code cnn train --model FILE.json} builds.
   */
  public static Model readModelArchitecture(Path architectureFile, long seed) throws IOException {
    JsonNode arch = readArchitectureJson(architectureFile, null);
    return GRAPH_FORMAT.equals(arch.path("format").asText(null))
        ? graphFromArchitecture(architectureFile, arch, seed, List.of())
        : fromArchitecture(architectureFile, arch, seed, List.of());
  }

  /**
   * The model an architecture text describes (either format, as {@link #architectureJson} writes
   * it), with fresh weights drawn from {@code seed}: how the workers of a cluster rebuild the
   * driver's model without a shared file.
   *
   * @param source names the text in errors (a file name, "the driver's model")
   * @throws FileFormatException naming the source and the layer when the text is not a valid
   *     architecture
   */
  public static Model modelFromArchitecture(String json, String source, long seed) throws FileFormatException {
    Path label = Path.of(source);
    JsonNode arch = parseJson(label, json);
    return GRAPH_FORMAT.equals(arch.path("format").asText(null)) ? graphFromArchitecture(label, arch, seed, List.of())
        : fromArchitecture(label, arch, seed, List.of());
  }

  /** {@link #readArchitecture(Path, long)} with factories for custom layer kinds, as {@link #load(Path, List)}. */
  public static Sequential readArchitecture(Path architectureFile, long seed, List<LayerFactory> factories)
      throws IOException {
    return fromArchitecture(architectureFile, readArchitectureJson(architectureFile, null), seed, factories);
  }

  private static JsonNode readArchitectureJson(Path archFile, Path weightsFile) throws IOException {
    String text;
    try {
      text = Files.readString(archFile, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(archFile.toString(), null, weightsFile == null ? "no such architecture file"
          : "the architecture file is missing; load() needs the .json that save() writes next to "
              + weightsFile.getFileName() + " (to load weights into a model you build yourself, use loadWeights)");
    } catch (java.nio.charset.MalformedInputException e) {
      throw new FileFormatException(archFile, null, "the architecture file is not UTF-8 text", e);
    }
    return parseJson(archFile, text);
  }

  /**
   * Copies the weights in {@code weightsFile} (a safetensors state dict, as written by
   * {@link #save}) into an existing model, by name; F64 tensors are rounded to float32.
   *
   * @throws IOException if the file is missing, unreadable or damaged
   * @throws IllegalArgumentException naming the file and the tensor that is missing, extra or of
   *     the wrong shape; the model is then unchanged
   */
  public static void loadWeights(Model model, Path weightsFile) throws IOException {
    SafeTensors.Contents c = SafeTensors.read(weightsFile);
    model.loadStateDict(c.tensors(), weightsFile.toString());
  }

  /** The model a parsed architecture describes; {@code file} is named in the errors. */
  private static Sequential fromArchitecture(Path file, JsonNode root, long seed, List<LayerFactory> factories)
      throws FileFormatException {
    if (root == null || !root.isObject()) {
      throw new FileFormatException(file, null, "the architecture is not a JSON object; expected {\"format\": \""
          + ARCHITECTURE_FORMAT + "\", \"version\": 1, \"input_shape\": [...], \"layers\": [...]}");
    }
    JsonNode format = root.get("format");
    if (format == null || !ARCHITECTURE_FORMAT.equals(format.asText(null))) {
      throw new FileFormatException(file, null, "\"format\" is " + show(format) + "; expected \"" + ARCHITECTURE_FORMAT
          + "\" (this is not an architecture file written by ModelFiles.save)");
    }
    JsonNode version = root.get("version");
    if (version == null || !version.isIntegralNumber() || version.intValue() < 1) {
      throw new FileFormatException(file, null, "\"version\" is " + show(version) + "; expected " + ARCHITECTURE_VERSION);
    }
    if (version.intValue() > ARCHITECTURE_VERSION) {
      throw new FileFormatException(file, null, "\"version\" is " + version + ", newer than the version "
          + ARCHITECTURE_VERSION + " this code reads; load it with a newer release");
    }
    int[] inputShape = ints(file, null, "input_shape", root.get("input_shape"));
    JsonNode layers = root.get("layers");
    if (layers == null || !layers.isArray()) {
      throw new FileFormatException(file, null, "\"layers\" is " + show(layers) + "; expected an array of"
          + " {\"name\", \"type\", \"config\"} objects");
    }
    Sequential.Builder builder;
    try {
      builder = Sequential.builder(inputShape);
    } catch (IllegalArgumentException e) {
      throw new FileFormatException(file, null, "\"input_shape\": " + e.getMessage(), e);
    }
    List<Map<String, Object>> configs = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      JsonNode l = layers.get(i);
      String where = "layer " + i;
      if (!l.isObject()) throw new FileFormatException(file, where, where + " is " + l + "; expected an object");
      JsonNode name = l.get("name");
      if (name == null || !name.isTextual()) {
        throw new FileFormatException(file, where, where + ": \"name\" is " + show(name) + "; expected a string");
      }
      where = "layer " + i + " ('" + name.textValue() + "')";
      JsonNode type = l.get("type");
      if (type == null || !type.isTextual()) {
        throw new FileFormatException(file, name.textValue(), where + ": \"type\" is " + show(type) + "; expected a"
            + " layer type such as \"conv2d\"");
      }
      JsonNode config = l.get("config");
      if (config == null || !config.isObject()) {
        throw new FileFormatException(file, name.textValue(), where + ": \"config\" is " + show(config) + "; expected an"
            + " object");
      }
      Map<String, Object> map = JSON.convertValue(config, new TypeReference<LinkedHashMap<String, Object>>() {});
      try {
        Layer layer = LayerFactories.create(type.textValue(), map, factories);
        builder.add(name.textValue(), layer);
      } catch (IllegalArgumentException e) {
        throw new FileFormatException(file, name.textValue(), where + ": " + e.getMessage(), e);
      }
      configs.add(map);
      names.add(name.textValue());
    }
    Sequential model;
    try {
      model = builder.build(seed);
    } catch (IllegalArgumentException e) {
      throw new FileFormatException(file, null, "the layers do not fit together: " + e.getMessage(), e);
    }
    checkConfigKeys(file, model.layers(), names, configs, "layer ");
    return model;
  }

  /** The graph model a parsed "cnn-graph" architecture describes; {@code file} is named in the errors. */
  private static GraphModel graphFromArchitecture(Path file, JsonNode root, long seed, List<LayerFactory> factories)
      throws FileFormatException {
    JsonNode version = root.get("version");
    if (version == null || !version.isIntegralNumber() || version.intValue() < 1 || version.intValue() > ARCHITECTURE_VERSION) {
      throw new FileFormatException(file, null, "\"version\" is " + show(version) + "; expected " + ARCHITECTURE_VERSION);
    }
    int[] inputShape = ints(file, null, "input_shape", root.get("input_shape"));
    JsonNode output = root.get("output"), nodes = root.get("nodes");
    if (output == null || !output.isTextual()) {
      throw new FileFormatException(file, null, "\"output\" is " + show(output) + "; expected the output node's name");
    }
    if (nodes == null || !nodes.isArray()) {
      throw new FileFormatException(file, null, "\"nodes\" is " + show(nodes) + "; expected an array of"
          + " {\"name\", \"type\", \"config\", \"inputs\"} objects");
    }
    GraphModel.Builder builder;
    try {
      builder = GraphModel.builder(inputShape);
    } catch (IllegalArgumentException e) {
      throw new FileFormatException(file, null, "\"input_shape\": " + e.getMessage(), e);
    }
    List<Map<String, Object>> configs = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      JsonNode n = nodes.get(i);
      String where = "node " + i;
      if (!n.isObject() || !n.path("name").isTextual() || !n.path("type").isTextual() || !n.path("inputs").isArray()) {
        throw new FileFormatException(file, where, where + " is " + n + "; expected {\"name\": ..., \"type\": ...,"
            + " \"inputs\": [...]} (and \"config\" for a layer)");
      }
      String name = n.get("name").textValue(), type = n.get("type").textValue();
      where = "node " + i + " ('" + name + "')";
      List<String> inputs = new ArrayList<>();
      n.get("inputs").forEach(x -> inputs.add(x.asText()));
      try {
        GraphModel.Merge merge = GraphModel.Merge.parse(type);
        if (merge != null) {
          builder.merge(name, merge, inputs.toArray(new String[0]));
          continue;
        }
        JsonNode config = n.get("config");
        if (config == null || !config.isObject()) {
          throw new FileFormatException(file, name, where + ": \"config\" is " + show(config) + "; expected an object");
        }
        if (inputs.size() != 1) {
          throw new FileFormatException(file, name, where + ": a layer node takes one input, not " + inputs);
        }
        Map<String, Object> map = JSON.convertValue(config, new TypeReference<LinkedHashMap<String, Object>>() {});
        builder.add(name, LayerFactories.create(type, map, factories), inputs.get(0));
        configs.add(map);
        names.add(name);
      } catch (IllegalArgumentException e) {
        throw new FileFormatException(file, name, where + ": " + e.getMessage(), e);
      }
    }
    GraphModel model;
    try {
      model = builder.build(output.textValue(), seed);
    } catch (IllegalArgumentException e) {
      throw new FileFormatException(file, null, "the nodes do not fit together: " + e.getMessage(), e);
    }
    checkConfigKeys(file, model.layers(), names, configs, "node ");
    return model;
  }

  /**
   * A key the layer does not use would be silently dropped: a typo ("strides") or a file for
   * another version. Refuses it, naming the layer (by {@code what} and its index) and the options
   * the layer has.
   */
  private static void checkConfigKeys(Path file, List<Layer> layers, List<String> names,
      List<Map<String, Object>> configs, String what) throws FileFormatException {
    for (int i = 0; i < configs.size(); i++) {
      Layer layer = layers.get(i);
      for (String key : configs.get(i).keySet()) {
        if (!layer.config().containsKey(key)) {
          throw new FileFormatException(file, names.get(i), what + i + " ('" + names.get(i) + "', "
              + layer.typeName() + "): config key '" + key + "' is not an option of this layer; its options are "
              + layer.config().keySet());
        }
      }
    }
  }

  private static int[] ints(Path file, String item, String field, JsonNode node) throws FileFormatException {
    if (node == null || !node.isArray()) {
      throw new FileFormatException(file, item, "\"" + field + "\" is " + show(node) + "; expected an array of integers");
    }
    int[] out = new int[node.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = node.get(i);
      if (!v.isIntegralNumber() || !v.canConvertToInt()) {
        throw new FileFormatException(file, item, "\"" + field + "\" is " + node + "; expected an array of"
            + " integers");
      }
      out[i] = v.intValue();
    }
    return out;
  }

  /** A JSON value for a message; "missing" for an absent field. */
  private static String show(JsonNode node) {
    return node == null ? "missing" : node.toString();
  }

  private static JsonNode parseJson(Path file, String text) throws FileFormatException {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      String at = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr();
      throw new FileFormatException(file, null, "the architecture is not valid JSON (" + e.getOriginalMessage() + at
          + ")", e);
    }
  }

  // ---------------------------------------------------------------- PyTorch

  /**
   * Loads a PyTorch state dict saved as safetensors into a model of the same architecture, by
   * the name rule of the class comment: {@code <prefix>.<param>} fills the Java tensor
   * {@code <layer name>.<param>}; {@code num_batches_tracked} entries are skipped; F64 tensors
   * are rounded to float32.
   *
   * @throws IOException if the file is missing, unreadable or damaged
   * @throws IllegalArgumentException naming the file and the tensor that is missing, extra or of
   *     the wrong shape, and listing the tensors the model expects; the model is then unchanged
   */
  public static void importPyTorch(Model model, Path safetensorsFile) throws IOException {
    importPyTorch(model, safetensorsFile, null);
  }

  /**
   * {@link #importPyTorch(Model, Path)} with the PyTorch names first rewritten by
   * {@code rename}, for modules whose paths are not plain layer names, e.g.
   * {@code name -> name.replace("features.", "f").replace("classifier.", "c")} to match Java layers
   * named {@code f0, f3, ..., c1}. {@code num_batches_tracked} entries are skipped before renaming.
   * A null {@code rename} keeps the names.
   */
  public static void importPyTorch(Model model, Path safetensorsFile, UnaryOperator<String> rename)
      throws IOException {
    SafeTensors.Contents c = SafeTensors.read(safetensorsFile, name -> !isStepCounter(name));
    Map<String, Tensor> renamed = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : c.tensors().entrySet()) {
      String ours = rename == null ? e.getKey() : rename.apply(e.getKey());
      Tensor t = e.getValue();
      Tensor prev = renamed.put(ours, t.dtype() == DType.FLOAT32 ? t : t.to(DType.FLOAT32));
      if (prev != null) {
        throw new IllegalArgumentException(safetensorsFile + ": two PyTorch tensors are renamed to '" + ours
            + "' (the second is '" + e.getKey() + "'); the renaming must be one to one");
      }
    }
    String source = safetensorsFile + (rename == null ? "" : " (names after renaming)");
    try {
      model.loadStateDict(renamed, source);
    } catch (IllegalArgumentException e) {
      StringJoiner expects = new StringJoiner(", ");
      model.stateDict().forEach((name, t) -> expects.add(name + " " + Shapes.format(t.shape())));
      throw new IllegalArgumentException(e.getMessage() + ". The model expects " + expects + "; the file holds "
          + describe(c.tensors()) + ". PyTorch's '<prefix>.<param>' fills the layer named <prefix> (nn.Sequential"
          + " indices are the default layer names; name the other layers like the PyTorch modules)", e);
    }
  }

  private static boolean isStepCounter(String name) {
    return name.equals(PYTORCH_STEP_COUNTER) || name.endsWith("." + PYTORCH_STEP_COUNTER);
  }

  private static String describe(Map<String, Tensor> tensors) {
    StringJoiner j = new StringJoiner(", ");
    tensors.forEach((name, t) -> j.add(name + " " + Shapes.format(t.shape())));
    return j.toString();
  }
}
