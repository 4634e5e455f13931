package dev.cnn.layers.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnn.layers.Architectures;
import dev.cnn.layers.Sequential;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The round trip the README shows: PyTorch saves a FashionNet state dict (and a training
 * checkpoint), tools/pt2safetensors.py converts each to safetensors, {@link ModelFiles#importPyTorch}
 * loads it into {@link Architectures#fashionnet}, and the float32 logits match PyTorch's float64
 * ones (tolerance as in {@link PyTorchImportTest}). The PyTorch side is
 * src/test/python/converter_roundtrip.py. Needs Debian's PyTorch ({@code apt-get install
 * python3-torch}, which .ci/run installs); without it the test is skipped and says so.
 */
class PyTorchConverterTest {
  /** The module's directory is Surefire's working directory; the tool lives at the repository's root. */
  private static final Path TOOL = Path.of("..", "tools", "pt2safetensors.py");
  private static final Path SCRIPT = Path.of("src", "test", "python", "converter_roundtrip.py");

  @TempDir Path dir;

  private static DebianPython.Result python(String... args) throws IOException, InterruptedException {
    return DebianPython.run(args);
  }

  private static void assumeTorch() throws IOException, InterruptedException {
    DebianPython.assumeModule("torch", "python3-torch");
  }

  private static Sequential imported(Path safetensors) throws IOException {
    Sequential model = Architectures.fashionnet(new int[] {1, 28, 28}, 10, 7);
    ModelFiles.importPyTorch(model, safetensors);
    return model;
  }

  private JsonNode reference(String name) throws IOException {
    return new ObjectMapper().readTree(dir.resolve(name + ".json").toFile());
  }

  @Test
  void stateDictsAndCheckpointsConvertAndReproducePyTorchsLogits() throws Exception {
    assumeTorch();
    DebianPython.Result made = python(SCRIPT.toString(), dir.toString());
    assertEquals(0, made.exitCode(), made.output());

    Path plain = dir.resolve("fashionnet.safetensors");
    DebianPython.Result r = python(TOOL.toString(), dir.resolve("fashionnet.pt").toString(), plain.toString());
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().contains("8 tensors"), r.output());
    PyTorchImportTest.assertLogitsMatch(imported(plain), reference("fashionnet"));

    // A training checkpoint: the state dict under "model_state_dict". PyTorch 1.13's safe loader
    // refuses the optimiser's floats, and says to add --allow-pickle for a trusted file.
    Path checkpoint = dir.resolve("checkpoint.safetensors");
    r = python(TOOL.toString(), dir.resolve("checkpoint.pth").toString(), checkpoint.toString(), "--allow-pickle");
    assertEquals(0, r.exitCode(), r.output());
    PyTorchImportTest.assertLogitsMatch(imported(checkpoint), reference("checkpoint"));
    r = python(TOOL.toString(), dir.resolve("checkpoint.pth").toString(), checkpoint.toString(), "--key", "nope",
        "--allow-pickle");
    assertEquals(1, r.exitCode());
    assertTrue(r.output().contains("has no key 'nope'; its keys are ['epoch', 'model_state_dict',"), r.output());

    // A pickled nn.Module: refused by default (unpickling can run code), converted when allowed.
    Path whole = dir.resolve("whole.safetensors");
    r = python(TOOL.toString(), dir.resolve("whole_model.pt").toString(), whole.toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.output().contains("add --allow-pickle"), r.output());
    assertFalse(Files.exists(whole), "nothing written for a refused file");
    try (var files = Files.list(dir)) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith(".pt2safetensors-")), "no temporary file left");
    }
    r = python(TOOL.toString(), dir.resolve("whole_model.pt").toString(), whole.toString(), "--allow-pickle");
    assertEquals(0, r.exitCode(), r.output());
    PyTorchImportTest.assertLogitsMatch(imported(whole), reference("checkpoint"));
  }
}
