package dev.cnn.layers.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.layers.Conv2d;
import dev.cnn.layers.Dense;
import dev.cnn.layers.Sequential;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PyTorch name rule of {@link ModelFiles#importPyTorch}: {@code <prefix>.<param>} fills the
 * Java layer named {@code <prefix>}; {@code num_batches_tracked} is skipped; F64 is rounded to
 * float32; every mismatch names the file and the tensor and lists what the model expects.
 * The files are written the way PyTorch users write them (integer counters included), by hand.
 * Comparisons with real PyTorch models are in {@link PyTorchImportTest}.
 */
class PyTorchNamesTest {
  @TempDir Path dir;

  /** A safetensors file with no checksum, tensors in the given order: name, dtype, shape, bytes. */
  private Path torchFile(String name, Object... entries) throws IOException {
    StringBuilder json = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (int i = 0; i < entries.length; i += 4) {
      byte[] bytes = (byte[]) entries[i + 3];
      json.append(",\"").append(entries[i]).append("\":{\"dtype\":\"").append(entries[i + 1])
          .append("\",\"shape\":").append(Arrays.toString((int[]) entries[i + 2]).replace(" ", ""))
          .append(",\"data_offsets\":[").append(data.size()).append(',').append(data.size() + bytes.length).append("]}");
      data.write(bytes);
    }
    json.append('}');
    while (json.length() % 8 != 0) json.append(' ');
    byte[] h = json.toString().getBytes(StandardCharsets.UTF_8);
    Path f = dir.resolve(name);
    Files.write(f, ByteBuffer.allocate(8 + h.length + data.size()).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(h.length).put(h).put(data.toByteArray()).array());
    return f;
  }

  private static byte[] f32(Tensor t) {
    ByteBuffer b = ByteBuffer.allocate(4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : t.floatData()) b.putFloat(v);
    return b.array();
  }

  private static byte[] f64(Tensor t) {
    ByteBuffer b = ByteBuffer.allocate(8 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : t.doubleData()) b.putDouble(v);
    return b.array();
  }

  private static byte[] i64(long v) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
  }

  private static Sequential mlp(String first, String second) {
    return Sequential.builder(4).add(first, Dense.of(4, 3)).add(second, Dense.of(3, 2)).build(1);
  }

  private static Tensor rand(Rng rng, DType dtype, int... shape) {
    return Tensor.uniform(rng, dtype, -1, 1, shape);
  }

  @Test
  void sequentialIndicesMapToDefaultLayerNamesAndStepCountersAreSkipped() throws IOException {
    Rng rng = new Rng(1);
    Tensor w0 = rand(rng, DType.FLOAT64, 3, 4), b0 = rand(rng, DType.FLOAT32, 3);
    Tensor w1 = rand(rng, DType.FLOAT32, 2, 3), b1 = rand(rng, DType.FLOAT64, 2);
    Path f = torchFile("seq.safetensors",
        "1.bias", "F64", new int[] {2}, f64(b1),
        "0.weight", "F64", new int[] {3, 4}, f64(w0),
        "7.num_batches_tracked", "I64", new int[] {}, i64(5),
        "0.bias", "F32", new int[] {3}, f32(b0),
        "num_batches_tracked", "I64", new int[] {}, i64(5),
        "1.weight", "F32", new int[] {2, 3}, f32(w1));
    Sequential m = mlp("0", "1");
    ModelFiles.importPyTorch(m, f);
    Map<String, Tensor> s = m.stateDict();
    assertArrayEquals(w0.to(DType.FLOAT32).floatData(), s.get("0.weight").floatData(), "F64 rounded to float32");
    assertArrayEquals(b0.floatData(), s.get("0.bias").floatData());
    assertArrayEquals(w1.floatData(), s.get("1.weight").floatData());
    assertArrayEquals(b1.to(DType.FLOAT32).floatData(), s.get("1.bias").floatData());
  }

  @Test
  void namedModulesMapToLayersWithTheSameNames() throws IOException {
    Rng rng = new Rng(2);
    Sequential source = Sequential.builder(2, 5, 5).add("conv1", Conv2d.of(2, 3, 3)).add("conv2", Conv2d.of(3, 1, 3))
        .build(9);
    Map<String, Tensor> state = new LinkedHashMap<>();
    source.stateDict().forEach((k, t) -> state.put(k, rand(rng, DType.FLOAT32, t.shape())));
    Object[] entries = new Object[4 * state.size()];
    int i = 0;
    for (Map.Entry<String, Tensor> e : state.entrySet()) {
      entries[i++] = e.getKey();
      entries[i++] = "F32";
      entries[i++] = e.getValue().shape();
      entries[i++] = f32(e.getValue());
    }
    Path f = torchFile("named.safetensors", entries);
    ModelFiles.importPyTorch(source, f);
    state.forEach((k, t) -> assertArrayEquals(t.floatData(), source.stateDict().get(k).floatData(), k));
  }

  @Test
  void nestedModulePathsMapThroughARenaming() throws IOException {
    Rng rng = new Rng(3);
    Tensor w0 = rand(rng, DType.FLOAT32, 3, 4), b0 = rand(rng, DType.FLOAT32, 3);
    Tensor w1 = rand(rng, DType.FLOAT32, 2, 3), b1 = rand(rng, DType.FLOAT32, 2);
    Path f = torchFile("nested.safetensors",
        "features.0.weight", "F32", new int[] {3, 4}, f32(w0), "features.0.bias", "F32", new int[] {3}, f32(b0),
        "classifier.1.weight", "F32", new int[] {2, 3}, f32(w1), "classifier.1.bias", "F32", new int[] {2}, f32(b1));
    Sequential m = mlp("f0", "c1");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFiles.importPyTorch(m, f));
    assertTrue(e.getMessage().contains("features.0.weight"), e.getMessage());
    ModelFiles.importPyTorch(m, f, n -> n.replace("features.", "f").replace("classifier.", "c"));
    assertArrayEquals(w0.floatData(), m.stateDict().get("f0.weight").floatData());
    assertArrayEquals(b1.floatData(), m.stateDict().get("c1.bias").floatData());

    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
        () -> ModelFiles.importPyTorch(m, f, n -> "x"));
    assertTrue(twice.getMessage().contains(f.toString()) && twice.getMessage().contains("one to one"),
        twice.getMessage());
  }

  private static void assertMessage(Exception e, Path f, String... words) {
    String m = e.getMessage();
    assertTrue(m.contains(f.toString()), "names the file: " + m);
    for (String w : words) assertTrue(m.contains(w), "mentions '" + w + "': " + m);
  }

  @Test
  void mismatchesNameTheFileAndTheTensorAndListWhatTheModelExpects() throws IOException {
    Rng rng = new Rng(4);
    byte[] w0 = f32(rand(rng, DType.FLOAT32, 3, 4)), b0 = f32(rand(rng, DType.FLOAT32, 3));
    byte[] w1 = f32(rand(rng, DType.FLOAT32, 2, 3)), b1 = f32(rand(rng, DType.FLOAT32, 2));
    String[] expects = {"0.weight [3, 4]", "0.bias [3]", "1.weight [2, 3]", "1.bias [2]"};

    Sequential m = mlp("0", "1");
    Map<String, Tensor> before = new LinkedHashMap<>();
    m.stateDict().forEach((k, t) -> before.put(k, t.copy()));

    Path missing = torchFile("missing.safetensors", "0.weight", "F32", new int[] {3, 4}, w0,
        "0.bias", "F32", new int[] {3}, b0, "1.weight", "F32", new int[] {2, 3}, w1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFiles.importPyTorch(m, missing));
    assertMessage(e, missing, "'1.bias'", "missing");
    assertMessage(e, missing, expects);

    Path extra = torchFile("extra.safetensors", "0.weight", "F32", new int[] {3, 4}, w0,
        "0.bias", "F32", new int[] {3}, b0, "1.weight", "F32", new int[] {2, 3}, w1, "1.bias", "F32", new int[] {2}, b1,
        "2.weight", "F32", new int[] {2}, b1);
    e = assertThrows(IllegalArgumentException.class, () -> ModelFiles.importPyTorch(m, extra));
    assertMessage(e, extra, "'2.weight'", "does not belong");
    assertMessage(e, extra, expects);

    // A weight stored transposed ([in, out] as some frameworks do) is refused, not reinterpreted.
    Path shape = torchFile("shape.safetensors", "0.weight", "F32", new int[] {4, 3}, w0,
        "0.bias", "F32", new int[] {3}, b0, "1.weight", "F32", new int[] {2, 3}, w1, "1.bias", "F32", new int[] {2}, b1);
    e = assertThrows(IllegalArgumentException.class, () -> ModelFiles.importPyTorch(m, shape));
    assertMessage(e, shape, "'0.weight'", "[4, 3]", "needs [3, 4]");
    assertMessage(e, shape, expects);

    Path half = torchFile("half.safetensors", "0.weight", "F16", new int[] {3, 4}, Arrays.copyOf(w0, 24));
    FileFormatException h = assertThrows(FileFormatException.class, () -> ModelFiles.importPyTorch(m, half));
    assertMessage(h, half, "'0.weight'", "F16", "F32 and F64");

    before.forEach((k, t) -> assertArrayEquals(t.floatData(), m.stateDict().get(k).floatData(), "unchanged " + k));
  }
}
