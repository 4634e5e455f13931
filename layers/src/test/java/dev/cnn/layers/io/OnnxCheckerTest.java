package dev.cnn.layers.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnn.layers.Architectures;
import dev.cnn.layers.Model;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported files pass the ONNX project's own checker with full checking (src/test/python/
 * onnx_check.py, on Debian's {@code python3-onnx}), and ONNX's shape inference derives the output
 * shape the engine declares, the batch size staying symbolic. Skipped, with the package to
 * install, where python3-onnx is missing (.ci/run installs it).
 */
class OnnxCheckerTest {
  private static final Path SCRIPT = Path.of("src", "test", "python", "onnx_check.py");

  @TempDir Path dir;

  @Test
  void everyBuiltInArchitecturePassesTheOnnxChecker() throws Exception {
    DebianPython.assumeModule("onnx", "python3-onnx");
    List<String> args = new ArrayList<>(List.of(SCRIPT.toString()));
    List<Model> models = new ArrayList<>();
    for (String name : Architectures.NAMES) {
      Model m = Architectures.byName(name, new int[] {1, 28, 28}, 10, 1);
      Path file = dir.resolve(name + ".onnx");
      OnnxExport.write(m, file);
      args.add(file.toString());
      models.add(m);
    }
    DebianPython.Result r = DebianPython.run(args.toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.output());
    String[] lines = r.output().strip().split("\n");
    assertEquals(models.size(), lines.length, r.output());
    for (int i = 0; i < lines.length; i++) {
      JsonNode j = new ObjectMapper().readTree(lines[i]);
      assertEquals(OnnxExport.IR_VERSION, j.get("ir_version").asInt(), lines[i]);
      assertEquals(OnnxExport.OPSET, j.get("opset").asInt(), lines[i]);
      assertEquals("[\"N\"," + models.get(i).outputShape()[0] + "]", j.get("inferred_output").toString(), lines[i]);
    }
    assertTrue(lines[3].contains("\"Add\"") && lines[3].contains("\"BatchNormalization\""), lines[3]);
  }
}
