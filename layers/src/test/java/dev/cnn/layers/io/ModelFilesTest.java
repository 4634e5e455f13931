package dev.cnn.layers.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnn.engine.Mode;
import dev.cnn.engine.Variable;
import dev.cnn.layers.Model;
import dev.cnn.layers.Architectures;
import dev.cnn.layers.AvgPool2d;
import dev.cnn.layers.BatchNorm1d;
import dev.cnn.layers.ChannelScale;
import dev.cnn.layers.BatchNorm2d;
import dev.cnn.layers.Conv2d;
import dev.cnn.layers.Dense;
import dev.cnn.layers.Dropout;
import dev.cnn.layers.ELU;
import dev.cnn.layers.Flatten;
import dev.cnn.layers.GELU;
import dev.cnn.layers.GlobalAvgPool2d;
import dev.cnn.layers.GlobalMaxPool2d;
import dev.cnn.layers.SeparableConv2d;
import dev.cnn.layers.AdaptiveAvgPool2d;
import dev.cnn.layers.Init;
import dev.cnn.layers.Layer;
import dev.cnn.layers.LayerType;
import dev.cnn.layers.LeakyReLU;
import dev.cnn.layers.MaxPool2d;
import dev.cnn.layers.Padding;
import dev.cnn.layers.ReLU;
import dev.cnn.layers.Sequential;
import dev.cnn.layers.SiLU;
import dev.cnn.layers.Sigmoid;
import dev.cnn.layers.Softmax;
import dev.cnn.layers.Tanh;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saving and loading models: the architecture file round trip (every Dense and Conv2d option,
 * initialiser labels, layer names), bit-identical weights and forward outputs after loading,
 * atomic saves, and errors that name the file and the tensor or layer.
 */
class ModelFilesTest {
  @TempDir Path dir;

  /** Convolutions with every option away from its default, and custom layer names. */
  static Sequential convNet(long seed) {
    return Sequential.builder(3, 9, 9)
        .add("conv1", Conv2d.builder(3, 4).kernel(3).padding(Padding.SAME).weightInit(Init.heNormal())
            .biasInit(Init.constant(0.25)).build())
        .add("conv2", Conv2d.builder(4, 6).kernel(3).stride(2).padding(Padding.VALID).groups(2).bias(false)
            .weightInit(Init.glorotUniform()).build())
        .add(Conv2d.builder(6, 2).kernel(2).padding(2).dilation(2).weightInit(Init.heUniform())
            .biasInit(Init.zeros()).build())
        .build(seed);
  }

  /** Dense layers, one with {@code in} inferred. */
  static Sequential mlp(long seed) {
    return Sequential.builder(20)
        .add("fc1", Dense.builder(16).weightInit(Init.glorotNormal()).biasInit(Init.constant(-0.5)).build())
        .add(Dense.of(16, 5))
        .add("out", Dense.builder(3).in(5).bias(false).build())
        .build(seed);
  }

  private static Tensor forward(Model m, Tensor x) {
    return m.forward(Variable.constant(x), Mode.EVAL).value();
  }

  private static void assertBitsEqual(Tensor a, Tensor b, String what) {
    assertEquals(a.dtype(), b.dtype(), what);
    assertArrayEquals(a.shape(), b.shape(), what);
    float[] fa = a.floatData(), fb = b.floatData();
    for (int i = 0; i < fa.length; i++) {
      assertEquals(Float.floatToRawIntBits(fa[i]), Float.floatToRawIntBits(fb[i]), what + " element " + i);
    }
  }

  private static void assertSameState(Model a, Model b) {
    assertEquals(List.copyOf(a.stateDict().keySet()), List.copyOf(b.stateDict().keySet()));
    a.stateDict().forEach((name, t) -> assertBitsEqual(t, b.stateDict().get(name), name));
  }

  private List<String> listing() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  // ---------------------------------------------------------------- round trips

  @Test
  void architectureRoundTripKeepsTypesConfigsAndNames() throws IOException {
    for (Sequential m : new Sequential[] {convNet(1), mlp(1)}) {
      Path w = dir.resolve("m.safetensors");
      ModelFiles.save(m, w);
      Sequential back = ModelFiles.readArchitecture(dir.resolve("m.json"));
      assertArrayEquals(m.inputShape(), back.inputShape());
      assertArrayEquals(m.outputShape(), back.outputShape());
      assertEquals(m.layerNames(), back.layerNames());
      for (int i = 0; i < m.layers().size(); i++) {
        Layer a = m.layers().get(i), b = back.layers().get(i);
        assertEquals(a.type(), b.type());
        assertEquals(a.config(), b.config(), "layer " + i);
      }
      assertEquals(ModelFiles.architectureJson(m), ModelFiles.architectureJson(back));
    }
  }

  @Test
  void architectureFileHoldsTheDocumentedFields() throws IOException {
    Path w = dir.resolve("run/model.safetensors");
    ModelFiles.save(convNet(2), w);
    Path json = dir.resolve("run/model.json");
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertEquals("cnn-sequential", root.get("format").asText());
    assertEquals(1, root.get("version").asInt());
    assertEquals("[3,9,9]", root.get("input_shape").toString());
    JsonNode layers = root.get("layers");
    assertEquals(3, layers.size());
    assertEquals("conv1", layers.get(0).get("name").asText());
    assertEquals("conv2d", layers.get(0).get("type").asText());
    JsonNode c0 = layers.get(0).get("config");
    assertEquals("same", c0.get("padding").asText());
    assertEquals("he_normal", c0.get("weight_init").asText());
    assertEquals("constant(0.25)", c0.get("bias_init").asText());
    JsonNode c1 = layers.get(1).get("config");
    assertEquals("valid", c1.get("padding").asText());
    assertEquals(2, c1.get("groups").asInt());
    assertEquals(false, c1.get("bias").asBoolean());
    assertEquals("2", layers.get(2).get("name").asText());
    assertEquals("2", layers.get(2).get("config").get("padding").asText());

    SafeTensors.Contents c = SafeTensors.read(w);
    assertEquals("cnn", c.metadata().get("format"));
    assertEquals(Files.readString(json), c.metadata().get("architecture"));
    assertEquals(List.of("conv1.weight", "conv1.bias", "conv2.weight", "2.weight", "2.bias").stream().sorted()
        .collect(Collectors.toList()), List.copyOf(c.tensors().keySet()), "F32 tensors, by name");
    c.tensors().values().forEach(t -> assertEquals(DType.FLOAT32, t.dtype()));
  }

  @Test
  void modelRoundTripGivesIdenticalTensorsAndOutputs() throws IOException {
    Rng rng = new Rng(5);
    for (Sequential m : new Sequential[] {convNet(3), mlp(3)}) {
      Path w = dir.resolve("m.safetensors");
      ModelFiles.save(m, w);
      Sequential back = ModelFiles.load(w);
      assertSameState(m, back);
      int[] shape = new int[m.inputShape().length + 1];
      shape[0] = 4;
      System.arraycopy(m.inputShape(), 0, shape, 1, m.inputShape().length);
      Tensor x = Tensor.uniform(rng, DType.FLOAT32, -2, 2, shape);
      assertBitsEqual(forward(m, x), forward(back, x), "forward output");
      // Saved again, the loaded model gives the same bytes.
      Path w2 = dir.resolve("again.safetensors");
      ModelFiles.save(back, w2);
      assertArrayEquals(Files.readAllBytes(w), Files.readAllBytes(w2));
      assertArrayEquals(Files.readAllBytes(dir.resolve("m.json")), Files.readAllBytes(dir.resolve("again.json")));
    }
  }

  @Test
  void loadWeightsIntoAnExistingModel() throws IOException {
    Sequential m = mlp(7);
    Path w = dir.resolve("w.safetensors");
    ModelFiles.save(m, w);
    Sequential other = mlp(8);
    assertNotEquals(m.stateDict().get("fc1.weight").floatData()[0], other.stateDict().get("fc1.weight").floatData()[0]);
    ModelFiles.loadWeights(other, w);
    assertSameState(m, other);
  }

  @Test
  void float64WeightsAreRoundedToFloat32() throws IOException {
    Sequential m = mlp(9);
    Map<String, Tensor> f64 = new LinkedHashMap<>();
    Rng rng = new Rng(10);
    m.stateDict().forEach((name, t) -> f64.put(name, Tensor.uniform(rng, DType.FLOAT64, -1, 1, t.shape())));
    Path w = dir.resolve("f64.safetensors");
    SafeTensors.write(w, f64);
    ModelFiles.loadWeights(m, w);
    f64.forEach((name, t) -> {
      float[] got = m.stateDict().get(name).floatData();
      for (int i = 0; i < got.length; i++) assertEquals((float) t.doubleData()[i], got[i], name);
    });
  }

  @Test
  void architectureFileNaming() {
    assertEquals(Path.of("a/model.json"), ModelFiles.architectureFile(Path.of("a/model.safetensors")));
    assertEquals(Path.of("model.v2.json"), ModelFiles.architectureFile(Path.of("model.v2.safetensors")));
    assertEquals(Path.of("model.json"), ModelFiles.architectureFile(Path.of("model")));
    assertThrows(IllegalArgumentException.class, () -> ModelFiles.architectureFile(Path.of("model.json")));
  }

  /**
   * One model with every layer type, options away from their defaults: the architecture file
   * rebuilds each one with the same config, and the loaded model computes the same outputs (EVAL)
   * and the same updated running statistics (one TRAIN pass), bit for bit.
   */
  static Sequential everyLayerType(long seed) {
    return Sequential.builder(3, 12, 12)
        .add("stem", Conv2d.builder(3, 4).kernel(3).padding(Padding.SAME).build())
        .add("bn", BatchNorm2d.builder(4).momentum(0.2).eps(1e-3).build())
        .add(new LeakyReLU(0.2))
        .add(MaxPool2d.of(3, 1, 1))
        .add(new ELU(0.5))
        .add(AvgPool2d.of(2))
        .add(new GELU())
        .add(Conv2d.of(4, 5, 3))
        .add(new SiLU())
        .add(new GlobalAvgPool2d())
        .add(Dense.of(5, 6))
        .add("scale", new ChannelScale(0.7)) // a custom layer: its factory is a registered service
        .add(BatchNorm1d.builder(6).momentum(0.3).eps(1e-4).build())
        .add(new Tanh())
        .add(new Dropout(0.25))
        .add(Dense.of(6, 12))
        .add(new Sigmoid())
        .add(new ReLU())
        .add(new Flatten())
        .add(new Softmax(-1))
        .build(seed);
  }

  /** The layer types a chain cannot hold beside everyLayerType's (a second global pooling), and the newer ones. */
  static Sequential otherLayerTypes(long seed) {
    return Sequential.builder(3, 12, 12)
        .add(Conv2d.of(3, 4, 3))
        .add(SeparableConv2d.builder(4, 4).kernel(3).padding(1).depthMultiplier(2).build())
        .add(AdaptiveAvgPool2d.of(3, 2))
        .add("gmp", new GlobalMaxPool2d())
        .add(Dense.of(4, 3))
        .build(seed);
  }

  @Test
  void everyLayerTypeSurvivesTheArchitectureFile() throws IOException {
    Set<LayerType> covered = EnumSet.noneOf(LayerType.class);
    everyLayerType(11).layers().forEach(l -> covered.add(l.type()));
    otherLayerTypes(11).layers().forEach(l -> covered.add(l.type()));
    assertEquals(EnumSet.allOf(LayerType.class), covered,
        "add the new layer types to everyLayerType() or otherLayerTypes()");
    roundTrip(everyLayerType(11), "all");
    roundTrip(otherLayerTypes(11), "other");
  }

  private void roundTrip(Sequential m, String label) throws IOException {
    Path w = dir.resolve(label + ".safetensors");
    Rng rng = new Rng(12);
    // Non-trivial running statistics first, so that the buffers carry information.
    m.forward(Variable.constant(Tensor.uniform(rng, DType.FLOAT32, -1, 3, 8, 3, 12, 12)), Mode.TRAIN);
    ModelFiles.save(m, w);
    Sequential back = ModelFiles.load(w);
    assertEquals(m.layerNames(), back.layerNames());
    for (int i = 0; i < m.layers().size(); i++) {
      assertEquals(m.layers().get(i).type(), back.layers().get(i).type());
      assertEquals(m.layers().get(i).config(), back.layers().get(i).config(), "layer " + i);
    }
    assertSameState(m, back);
    Tensor x = Tensor.uniform(rng, DType.FLOAT32, -2, 2, 4, 3, 12, 12);
    assertBitsEqual(forward(m, x), forward(back, x), "EVAL output");
    m.forward(Variable.constant(x), Mode.TRAIN);
    back.forward(Variable.constant(x), Mode.TRAIN);
    m.buffers().forEach((name, t) -> assertBitsEqual(t, back.buffers().get(name), "after a TRAIN pass: " + name));
  }

  @Test
  void theReadyMadeArchitecturesRoundTrip() throws IOException {
    Rng rng = new Rng(13);
    for (String name : Architectures.NAMES) {
      Model m = Architectures.byName(name, new int[] {1, 28, 28}, 10, 14);
      Path w = dir.resolve(name + ".safetensors");
      ModelFiles.save(m, w);
      Model back = ModelFiles.loadModel(w); // resnet-small: a GraphModel in the "cnn-graph" format
      assertEquals(m.getClass(), back.getClass(), name);
      assertSameState(m, back);
      Tensor x = Tensor.uniform(rng, DType.FLOAT32, 0, 1, 2, 1, 28, 28);
      assertBitsEqual(forward(m, x), forward(back, x), name);
    }
  }

  // ---------------------------------------------------------------- atomic saves

  @Test
  void aFailedSaveLeavesTheOldPairIntact() throws IOException {
    Path w = dir.resolve("m.safetensors");
    ModelFiles.save(mlp(1), w);
    byte[] oldWeights = Files.readAllBytes(w);
    byte[] oldJson = Files.readAllBytes(dir.resolve("m.json"));
    // The weights target turned into a directory: the weights cannot be staged, the JSON stays old.
    Path w2 = dir.resolve("n.safetensors");
    ModelFiles.save(mlp(1), w2);
    Files.delete(w2);
    Files.createDirectory(w2);
    byte[] nJson = Files.readAllBytes(dir.resolve("n.json"));
    assertThrows(IOException.class, () -> ModelFiles.save(mlp(2), w2));
    assertArrayEquals(nJson, Files.readAllBytes(dir.resolve("n.json")));
    // The architecture target is a directory: nothing is renamed, the old weights survive.
    Files.delete(dir.resolve("m.json"));
    Files.createDirectory(dir.resolve("m.json"));
    IOException e = assertThrows(IOException.class, () -> ModelFiles.save(mlp(2), w));
    assertTrue(e.getMessage().contains("m.json"), e.getMessage());
    assertArrayEquals(oldWeights, Files.readAllBytes(w));
    assertEquals(List.of("m.json", "m.safetensors", "n.json", "n.safetensors"), listing(), "no temporary files");
    Files.delete(dir.resolve("m.json"));
    Files.write(dir.resolve("m.json"), oldJson);
    assertSameState(mlp(1), ModelFiles.load(w));
  }

  // ---------------------------------------------------------------- weights that do not fit

  private static IllegalArgumentException assertMessage(IllegalArgumentException e, Path f, String... words) {
    String m = e.getMessage();
    assertTrue(m.contains(f.toString()), "names the file: " + m);
    for (String w : words) assertTrue(m.contains(w), "mentions '" + w + "': " + m);
    return e;
  }

  /** Writes the MLP's architecture file next to a weights file written by someone else. */
  private Path weightsWithoutArchitecture(String name, Map<String, Tensor> tensors) throws IOException {
    Path w = dir.resolve(name + ".safetensors");
    SafeTensors.write(w, tensors);
    Files.writeString(ModelFiles.architectureFile(w), ModelFiles.architectureJson(mlp(0)));
    return w;
  }

  @Test
  void missingExtraAndMisshapenTensorsAreNamed() throws IOException {
    Map<String, Tensor> full = new LinkedHashMap<>(mlp(1).stateDict());

    Map<String, Tensor> missing = new LinkedHashMap<>(full);
    missing.remove("1.bias");
    Path a = weightsWithoutArchitecture("missing", missing);
    assertMessage(assertThrows(IllegalArgumentException.class, () -> ModelFiles.load(a)), a, "'1.bias'", "missing");

    Map<String, Tensor> extra = new LinkedHashMap<>(full);
    extra.put("out.bias", Tensor.zeros(3));
    Path b = weightsWithoutArchitecture("extra", extra);
    assertMessage(assertThrows(IllegalArgumentException.class, () -> ModelFiles.load(b)), b, "'out.bias'",
        "does not belong");

    Map<String, Tensor> shape = new LinkedHashMap<>(full);
    shape.put("fc1.weight", Tensor.zeros(20, 16));
    Path c = weightsWithoutArchitecture("shape", shape);
    assertMessage(assertThrows(IllegalArgumentException.class, () -> ModelFiles.load(c)), c, "'fc1.weight'",
        "[20, 16]", "[16, 20]");

    Sequential target = mlp(4);
    Map<String, Tensor> before = new LinkedHashMap<>();
    target.stateDict().forEach((k, t) -> before.put(k, t.copy()));
    assertMessage(assertThrows(IllegalArgumentException.class, () -> ModelFiles.loadWeights(target, c)), c,
        "'fc1.weight'");
    before.forEach((k, t) -> assertBitsEqual(t, target.stateDict().get(k), "unchanged " + k));
  }

  @Test
  void weightsOfAnotherModelAreRefused() throws IOException {
    Path w = dir.resolve("a.safetensors");
    ModelFiles.save(mlp(1), w);
    ModelFiles.save(convNet(1), dir.resolve("b.safetensors"));
    Files.copy(dir.resolve("b.json"), dir.resolve("a.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    FileFormatException e = assertThrows(FileFormatException.class, () -> ModelFiles.load(w));
    assertTrue(e.getMessage().contains(w.toString()) && e.getMessage().contains("a.json")
        && e.getMessage().contains("differs"), e.getMessage());
    IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
        () -> ModelFiles.loadWeights(convNet(1), w));
    assertMessage(f, w, "'conv1.weight'", "missing");
  }

  // ---------------------------------------------------------------- damaged architecture files

  private FileFormatException archFails(String name, String json) throws IOException {
    Path w = dir.resolve(name + ".safetensors");
    ModelFiles.save(mlp(1), w);
    Path a = dir.resolve(name + ".json");
    Files.writeString(a, json);
    FileFormatException e = assertThrows(FileFormatException.class, () -> ModelFiles.readArchitecture(a));
    assertTrue(e.getMessage().startsWith(a.toString()), e.getMessage());
    FileFormatException viaLoad = assertThrows(FileFormatException.class, () -> ModelFiles.load(w));
    assertEquals(e.getMessage(), viaLoad.getMessage());
    return e;
  }

  private static void mentions(Exception e, String... words) {
    for (String w : words) assertTrue(e.getMessage().contains(w), "mentions '" + w + "': " + e.getMessage());
  }

  @Test
  void damagedArchitectureFilesNameTheFileAndTheLayer() throws IOException {
    String good = ModelFiles.architectureJson(mlp(1));
    mentions(archFails("type", good.replace("\"type\" : \"dense\"", "\"type\" : \"dense3d\"")),
        "'fc1'", "dense3d", "conv2d");
    mentions(archFails("missingkey", good.replaceFirst("\"bias\" : true,", "")), "'fc1'", "'bias' is missing");
    FileFormatException typo = archFails("unknownkey", good.replaceFirst("\"bias\" : true", "\"bias\" : true, \"biass\" : 1"));
    mentions(typo, "'fc1'", "'biass'", "options");
    assertEquals("fc1", typo.item());
    mentions(archFails("format", good.replace("cnn-sequential", "keras")), "\"keras\"", "cnn-sequential");
    mentions(archFails("version", good.replace("\"version\" : 1", "\"version\" : 2")), "version", "newer");
    mentions(archFails("fit", good.replace("\"in\" : 16", "\"in\" : 17")), "do not fit", "layer 1");
    mentions(archFails("json", good.substring(0, good.length() / 2)), "not valid JSON", "line");
    mentions(archFails("noname", good.replaceFirst("\"name\" : \"fc1\",", "")), "layer 0", "\"name\"");
    mentions(archFails("shape", good.replaceFirst("\"input_shape\" : \\[ 20 \\]", "\"input_shape\" : [ -20 ]")),
        "input_shape", "-20");
    mentions(archFails("init", good.replaceFirst("glorot_normal", "lecun_normal")), "'fc1'", "lecun_normal");
  }

  @Test
  void aMissingArchitectureFileIsNamedWithTheFix() throws IOException {
    Path w = dir.resolve("m.safetensors");
    ModelFiles.save(mlp(1), w);
    Files.delete(dir.resolve("m.json"));
    IOException e = assertThrows(IOException.class, () -> ModelFiles.load(w));
    mentions(e, "m.json", "loadWeights");
  }

  @Test
  void configValuesMustBeData() {
    Sequential m = Sequential.builder(2).add(new Layer() {
      @Override
      public dev.cnn.layers.LayerType type() {
        return dev.cnn.layers.LayerType.DENSE;
      }

      @Override
      public int[] outputShape(int[] inputShape) {
        return inputShape;
      }

      @Override
      public Variable forward(Variable x, Mode mode) {
        return x;
      }

      @Override
      public Map<String, Object> config() {
        return Map.of("callback", new Object());
      }
    }).build(0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFiles.architectureJson(m));
    mentions(e, "'callback'", "layer '0'");
  }
}
