package dev.cnn.layers.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Safetensors files are written through {@link AtomicFiles} (whose own test covers the recipe):
 * a write that fails at any point leaves the old, readable file and no temporary file.
 */
class SafeTensorsAtomicWriteTest {
  @TempDir Path dir;

  private List<String> listing() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void aDirectoryTargetIsRefusedBeforeAnythingIsWritten() throws IOException {
    Path f = dir.resolve("model.safetensors");
    Files.createDirectory(f);
    IOException e = assertThrows(IOException.class, () -> SafeTensors.write(f, Map.of("a", Tensor.zeros(2))));
    assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    assertEquals(List.of("model.safetensors"), listing());
  }

  @Test
  void aSafetensorsOverwriteThatFailsKeepsTheOldReadableFile() throws IOException {
    Path f = dir.resolve("w.safetensors");
    SafeTensors.write(f, Map.of("a", Tensor.of(new float[] {1, 2}, 2)));
    byte[] before = Files.readAllBytes(f);
    // A tensor map with a null value fails when checked, before the old file is touched.
    Map<String, Tensor> bad = new java.util.HashMap<>();
    bad.put("a", null);
    assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(f, bad));
    // A writer that dies midway through the safetensors body (after the header) leaves the old file.
    AtomicFiles.Body body = SafeTensors.body(Map.of("a", Tensor.zeros(1000)), Map.of());
    assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> body.writeTo(new java.nio.channels.WritableByteChannel() {
      int written;

      @Override
      public int write(ByteBuffer src) throws IOException {
        if (written > 100) throw new IOException("device error (simulated)");
        int n = src.remaining();
        written += n;
        return out.write(src);
      }

      @Override
      public boolean isOpen() {
        return true;
      }

      @Override
      public void close() {}
    })));
    assertArrayEquals(before, Files.readAllBytes(f));
    assertArrayEquals(new float[] {1, 2}, SafeTensors.read(f).tensors().get("a").floatData());
    assertEquals(List.of("w.safetensors"), listing());
  }
}
