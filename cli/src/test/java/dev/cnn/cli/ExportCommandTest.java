package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.layers.Architectures;
import dev.cnn.layers.Model;
import dev.cnn.layers.io.ModelFiles;
import dev.cnn.layers.io.OnnxExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cnn export RUN --format onnx}: the file is the library's export of the run's model with
 * the class names in its metadata (layers' OnnxExportTest runs such files in ONNX Runtime), an
 * existing file is kept unless {@code --force}, and bad arguments get one clear message.
 */
class ExportCommandTest {
  @TempDir static Path tmp;
  static Path run;
  static final List<String> CLASSES = List.of("t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt",
      "sneaker", "bag", "boot");

  /** A run directory as 'cnn train' leaves it, with a graph model (resnet-small). */
  @BeforeAll
  static void saveARun() throws IOException {
    run = Files.createDirectories(tmp.resolve("run"));
    ModelFiles.save(Architectures.resnetSmall(new int[] {1, 28, 28}, 10, 5), run.resolve(ModelDir.WEIGHTS));
    ModelDir.saveClassNames(run, CLASSES);
  }

  @Test
  void writesTheRunsModelWithItsClassNames() throws IOException {
    Path file = tmp.resolve("resnet.onnx");
    CnnTest.Run r = CnnTest.run("export", run.toString(), "--format", "onnx", "--out", file.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("wrote " + file.toAbsolutePath()) && r.out().contains("ONNX opset 13")
        && r.out().contains("input 'input' [N, 1, 28, 28] float32, output 'output' [N, 10] (logits)"), r.out());
    Model model = ModelFiles.loadModel(run.resolve(ModelDir.WEIGHTS));
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("classes", "[\"t-shirt\",\"trouser\",\"pullover\",\"dress\",\"coat\",\"sandal\",\"shirt\",\"sneaker\","
        + "\"bag\",\"boot\"]");
    metadata.put("source", run.toAbsolutePath().normalize().toString());
    assertArrayEquals(OnnxExport.toBytes(model, metadata), Files.readAllBytes(file));
  }

  @Test
  void anExistingFileIsKeptUnlessForced() throws IOException {
    Path file = run.resolve("model.onnx");
    Files.writeString(file, "the user's own file");
    CnnTest.Run r = CnnTest.run("export", run.toString(), "--format", "onnx");
    assertEquals(1, r.exitCode(), r.out() + r.err());
    assertTrue(r.err().contains(file + " exists; add --force to replace it, or give another --out FILE"), r.err());
    assertEquals("the user's own file", Files.readString(file));
    r = CnnTest.run("export", run.toString(), "--format", "ONNX", "--force");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(Files.size(file) > 300_000, "resnet-small's 77,754 parameters: " + Files.size(file) + " bytes");
  }

  @Test
  void badArgumentsGetOneMessage() throws IOException {
    CnnTest.Run r = CnnTest.run("export", run.toString(), "--format", "tflite");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--format tflite: unknown format; expected one of onnx"), r.err());

    Path empty = Files.createDirectories(tmp.resolve("empty"));
    r = CnnTest.run("export", empty.toString(), "--format", "onnx");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("no model.safetensors here"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());

    r = CnnTest.run("export", run.toString(), "--format", "onnx", "--out", tmp.resolve("no/such/dir/m.onnx").toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("does not exist; create it first"), r.err());
  }
}
