package dev.cnn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnn.engine.Mode;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * PyTorch's values for every layer type (golden/layers.json, written by
 * src/test/python/layers_golden.py; see its header to regenerate). For each case the layer is
 * rebuilt from its config inside a one-layer {@link Sequential} with the case's seed, its
 * parameters and buffers are set from the file, and in float32 it must reproduce PyTorch's
 * output, the gradients of {@code L = sum(probe * output)} with respect to the input and every
 * parameter, and (batch norm) the running statistics after the pass.
 *
 * <p>Tolerance: 1e-5 relative, per element, against {@code max(|expected|, rms(expected))}, as in
 * the engine's GoldenTest: the error of a float32 sum is relative to the size of its terms, so an
 * element that cancels to near zero carries the absolute error of its terms.
 */
class LayersGoldenTest {
  private static final double RTOL = 1e-5;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNode DOC = load();

  private static JsonNode load() {
    try (InputStream in = LayersGoldenTest.class.getResourceAsStream("/golden/layers.json")) {
      assertNotNull(in, "golden/layers.json is missing from the test resources");
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new AssertionError("cannot read golden/layers.json", e);
    }
  }

  @TestFactory
  Stream<DynamicTest> everyCaseMatchesPyTorch() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : DOC.get("cases")) tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> check(c)));
    return tests.stream();
  }

  @Test
  void everyLayerTypeHasAGoldenCase() {
    EnumSet<LayerType> covered = EnumSet.noneOf(LayerType.class);
    for (JsonNode c : DOC.get("cases")) covered.add(LayerType.parse(c.get("type").asText()));
    Set<LayerType> missing = EnumSet.complementOf(covered);
    missing.remove(LayerType.CUSTOM); // a user's layer has no PyTorch twin; its gradient property covers it
    assertTrue(missing.isEmpty(), "layer types without a PyTorch golden case: " + missing);
  }

  /**
   * Where a torch module was made with its required arguments only, its config holds PyTorch's
   * defaults: the Java layer made the same way must have the same config.
   */
  @Test
  void defaultsMatchPyTorch() {
    Set<String> checked = new TreeSet<>();
    for (JsonNode c : DOC.get("cases")) {
      if (!c.get("torch_defaults").asBoolean()) continue;
      Map<String, Object> expected = config(c);
      Config cfg = new Config(LayerType.parse(c.get("type").asText()), expected);
      Layer layer;
      switch (c.get("type").asText()) {
        case "conv2d": layer = Conv2d.of(cfg.integer("in"), cfg.integer("out"), cfg.integer("kernel")); break;
        case "dense": layer = Dense.of(cfg.integer("in"), cfg.integer("out")); break;
        case "max_pool2d": layer = MaxPool2d.of(cfg.integer("kernel")); break;
        case "avg_pool2d": layer = AvgPool2d.of(cfg.integer("kernel")); break;
        case "dropout": layer = new Dropout(); break;
        case "batch_norm1d": layer = BatchNorm1d.of(cfg.integer("features")); break;
        case "batch_norm2d": layer = BatchNorm2d.of(cfg.integer("channels")); break;
        case "leaky_relu": layer = new LeakyReLU(); break;
        case "elu": layer = new ELU(); break;
        default: throw new AssertionError(c.get("name").asText() + ": no default constructor known for this type");
      }
      assertEquals(expected, layer.config(), c.get("name").asText() + ": the Java defaults differ from PyTorch's");
      checked.add(c.get("type").asText());
    }
    assertEquals(Set.of("conv2d", "dense", "max_pool2d", "avg_pool2d", "dropout", "batch_norm1d", "batch_norm2d",
        "leaky_relu", "elu"), checked, "layer types whose defaults were compared");
  }

  private static void check(JsonNode c) {
    String name = c.get("name").asText();
    LayerType type = LayerType.parse(c.get("type").asText());
    Map<String, Object> config = config(c);
    Layer layer = type.create(config);
    assertEquals(config, layer.config(), name + ": config round trip");
    Sequential model = Sequential.builder(ints(c.get("input_shape"))).add(layer).build(c.get("seed").asLong());

    assertEquals(names(c.get("parameters")), layer.parameters().keySet(), name + ": parameter names");
    assertEquals(names(c.get("buffers")), layer.buffers().keySet(), name + ": buffer names");
    layer.parameters().forEach((k, v) -> copyInto(c.get("parameters").get(k), v.value()));
    layer.buffers().forEach((k, t) -> copyInto(c.get("buffers").get(k), t));

    Variable x = Variable.leaf(tensor(c.get("input")), true);
    Mode mode = c.get("mode").asText().equals("train") ? Mode.TRAIN : Mode.EVAL;
    Variable out = model.forward(x, mode);
    compare(name + " output", c.get("output"), out.value());
    out.backward(tensor(c.get("probe")), false);

    JsonNode grads = c.get("grads");
    assertEquals(names(grads).size(), layer.parameters().size() + 1, name + ": gradients in the file");
    assertNotNull(x.grad(), name + ": no gradient for the input");
    compare(name + " d/dinput", grads.get("input"), x.grad());
    layer.parameters().forEach((k, v) -> {
      assertNotNull(v.grad(), name + ": no gradient for " + k);
      compare(name + " d/d" + k, grads.get(k), v.grad());
    });
    if (c.has("buffers_after")) {
      layer.buffers().forEach((k, t) -> compare(name + " " + k + " after the pass", c.get("buffers_after").get(k), t));
    }
  }

  private static Map<String, Object> config(JsonNode c) {
    return JSON.convertValue(c.get("config"), new TypeReference<Map<String, Object>>() {});
  }

  private static Set<String> names(JsonNode object) {
    Set<String> out = new LinkedHashSet<>();
    Iterator<String> it = object.fieldNames();
    while (it.hasNext()) out.add(it.next());
    return out;
  }

  /** Compares element by element with the tolerance explained in the class comment. */
  private static void compare(String what, JsonNode expected, Tensor actual) {
    assertArrayEquals(ints(expected.get("shape")), actual.shape(), what + ": shape");
    JsonNode data = expected.get("data");
    double ss = 0;
    for (JsonNode v : data) ss += v.asDouble() * v.asDouble();
    double rms = data.size() == 0 ? 0 : Math.sqrt(ss / data.size());
    for (int i = 0; i < data.size(); i++) {
      double e = data.get(i).asDouble(), got = actual.getFlat(i);
      double tol = RTOL * Math.max(Math.abs(e), rms);
      if (!(Math.abs(got - e) <= tol)) {
        throw new AssertionError(String.format(Locale.ROOT,
            "%s: element %d is %.9g, PyTorch says %.9g (|difference| %.3g > tolerance %.3g)",
            what, i, got, e, Math.abs(got - e), tol));
      }
    }
  }

  private static void copyInto(JsonNode source, Tensor target) {
    Tensor t = tensor(source);
    assertArrayEquals(target.shape(), t.shape(), "shape of a tensor from the file");
    System.arraycopy(t.floatData(), 0, target.floatData(), 0, t.size());
  }

  private static Tensor tensor(JsonNode node) {
    JsonNode data = node.get("data");
    float[] v = new float[data.size()];
    for (int i = 0; i < v.length; i++) v[i] = (float) data.get(i).asDouble();
    return Tensor.of(v, ints(node.get("shape")));
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
    return out;
  }
}
