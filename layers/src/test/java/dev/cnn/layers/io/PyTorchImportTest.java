package dev.cnn.layers.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnn.engine.Mode;
import dev.cnn.engine.Variable;
import dev.cnn.layers.Architectures;
import dev.cnn.layers.BatchNorm2d;
import dev.cnn.layers.Conv2d;
import dev.cnn.layers.Dense;
import dev.cnn.layers.Flatten;
import dev.cnn.layers.MaxPool2d;
import dev.cnn.layers.ReLU;
import dev.cnn.layers.Sequential;
import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real PyTorch models, imported: the reference FashionNet and a batch-norm net, written by
 * src/test/python/pytorch_models.py (see its header to regenerate) as a state dict in
 * safetensors plus a JSON file with an input batch and PyTorch's eval-mode logits. The Java
 * model is built from the same layers, the weights are imported by the name rule of
 * {@link ModelFiles#importPyTorch}, and the float32 forward pass reproduces the logits.
 *
 * <p>Tolerance: 1e-5 relative, per element, against {@code max(|expected|, rms(expected))}, as
 * in the engine's GoldenTest. The reference is computed in float64 from the float32 weights, so
 * the difference is this engine's float32 rounding alone: sums of up to 3136 products (the first
 * dense layer), a few units of 6e-8 each relative to the size of the terms.
 */
class PyTorchImportTest {
  private static final double RTOL = 1e-5;

  @TempDir Path dir;

  private static Path resource(String name) {
    URL url = PyTorchImportTest.class.getResource("/pytorch/" + name);
    assertNotNull(url, "pytorch/" + name + " is missing from the test resources; run"
        + " /usr/bin/python3 layers/src/test/python/pytorch_models.py");
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  private static JsonNode reference(String model) throws IOException {
    return new ObjectMapper().readTree(resource(model + ".json").toFile());
  }

  /** An input batch: float32 values (checked: the JSON holds them exactly). */
  static Tensor input(JsonNode ref) {
    JsonNode node = ref.get("input");
    int[] shape = new int[node.get("shape").size()];
    for (int i = 0; i < shape.length; i++) shape[i] = node.get("shape").get(i).intValue();
    JsonNode data = node.get("data");
    float[] values = new float[data.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) data.get(i).doubleValue();
      assertEquals(data.get(i).doubleValue(), values[i], 0.0, "inputs are float32 values");
    }
    return Tensor.wrap(values, shape);
  }

  /** The model's state dict has PyTorch's names and shapes (num_batches_tracked aside). */
  private static void assertSameNamesAndShapes(Sequential model, JsonNode ref) {
    Map<String, String> torch = new LinkedHashMap<>();
    ref.get("state_dict").properties().forEach(e -> {
      if (!e.getKey().endsWith(".num_batches_tracked")) {
        int[] s = new int[e.getValue().size()];
        for (int i = 0; i < s.length; i++) s[i] = e.getValue().get(i).intValue();
        torch.put(e.getKey(), Shapes.format(s));
      }
    });
    Map<String, String> ours = new LinkedHashMap<>();
    model.stateDict().forEach((name, t) -> ours.put(name, Shapes.format(t.shape())));
    assertEquals(torch, ours);
  }

  /** The float32 logits against PyTorch's float64 ones; returns the worst relative error. */
  static double assertLogitsMatch(Sequential model, JsonNode ref) {
    Tensor logits = model.forward(Variable.constant(input(ref)), Mode.EVAL).value();
    JsonNode expected = ref.get("logits");
    int[] shape = new int[expected.get("shape").size()];
    for (int i = 0; i < shape.length; i++) shape[i] = expected.get("shape").get(i).intValue();
    assertArrayEquals(shape, logits.shape());
    JsonNode data = expected.get("data");
    double sumSq = 0;
    for (JsonNode v : data) sumSq += v.doubleValue() * v.doubleValue();
    double rms = Math.sqrt(sumSq / data.size());
    double worst = 0;
    for (int i = 0; i < data.size(); i++) {
      double e = data.get(i).doubleValue(), got = logits.floatData()[i];
      double err = Math.abs(got - e) / Math.max(Math.abs(e), rms);
      worst = Math.max(worst, err);
      assertTrue(err <= RTOL, ref.get("model").asText() + " logit " + i + ": Java " + got + ", PyTorch " + e
          + ", relative error " + err + " > " + RTOL);
    }
    return worst;
  }

  @Test
  void fashionNetReproducesPyTorch() throws IOException {
    JsonNode ref = reference("fashionnet");
    Sequential model = Architectures.fashionnet(new int[] {1, 28, 28}, 10, 12345);
    assertSameNamesAndShapes(model, ref);
    ModelFiles.importPyTorch(model, resource("fashionnet.safetensors"));
    assertLogitsMatch(model, ref);

    // The imported model survives our own save and load, bit for bit.
    Path w = dir.resolve("fashionnet.safetensors");
    ModelFiles.save(model, w);
    Sequential back = ModelFiles.load(w);
    Tensor x = input(ref);
    Tensor a = model.forward(Variable.constant(x), Mode.EVAL).value();
    Tensor b = back.forward(Variable.constant(x), Mode.EVAL).value();
    for (int i = 0; i < a.size(); i++) {
      assertEquals(Float.floatToRawIntBits(a.floatData()[i]), Float.floatToRawIntBits(b.floatData()[i]));
    }
    assertLogitsMatch(back, ref);
  }

  @Test
  void batchNormNetReproducesPyTorchWithItsRunningStatistics() throws IOException {
    JsonNode ref = reference("bnnet");
    Sequential model = Sequential.builder(3, 8, 8)
        .add(Conv2d.builder(3, 8).kernel(3).padding(1).build())
        .add(BatchNorm2d.of(8))
        .add(new ReLU())
        .add(MaxPool2d.of(2))
        .add(new Flatten())
        .add(Dense.of(8 * 4 * 4, 5))
        .build(6789);
    assertSameNamesAndShapes(model, ref);
    ModelFiles.importPyTorch(model, resource("bnnet.safetensors"));

    // The running statistics are the file's, and far from their initial 0 and 1.
    Map<String, Tensor> file = SafeTensors.read(resource("bnnet.safetensors"),
        n -> !n.endsWith("num_batches_tracked")).tensors();
    for (String buffer : new String[] {"1.running_mean", "1.running_var"}) {
      assertArrayEquals(file.get(buffer).floatData(), model.buffers().get(buffer).floatData(), buffer);
    }
    double meanAbs = 0, varDev = 0;
    for (float v : model.buffers().get("1.running_mean").floatData()) meanAbs += Math.abs(v) / 8;
    for (float v : model.buffers().get("1.running_var").floatData()) varDev += Math.abs(v - 1) / 8;
    assertTrue(meanAbs > 0.1 && varDev > 0.5, "running statistics are non-trivial: " + meanAbs + ", " + varDev);

    assertLogitsMatch(model, ref);
  }
}
