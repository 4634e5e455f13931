package dev.cnn.layers.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Atomic writes: a failure at any point before the rename leaves the old file intact and no
 * temporary file behind. (A crash of the process cannot be simulated in a unit test; these
 * tests cover the exceptions, and the rename itself is the operating system's atomic step.)
 */
class AtomicFilesTest {
  @TempDir Path dir;

  private List<String> listing() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void replacesTheContentAndLeavesNoTemporaryFile() throws IOException {
    Path f = dir.resolve("a.txt");
    AtomicFiles.write(f, "old".getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(f, "new content".getBytes(StandardCharsets.UTF_8));
    assertEquals("new content", Files.readString(f));
    assertEquals(List.of("a.txt"), listing());
  }

  @Test
  void createsMissingDirectories() throws IOException {
    Path f = dir.resolve("x/y/a.txt");
    AtomicFiles.write(f, new byte[] {1});
    assertArrayEquals(new byte[] {1}, Files.readAllBytes(f));
  }

  @Test
  void aFailureMidwayLeavesTheOldFileIntact() throws IOException {
    Path f = dir.resolve("a.txt");
    Files.writeString(f, "old");
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
      AtomicFiles.writeFully(out, ByteBuffer.wrap(new byte[100_000])); // half written
      throw new IOException("disk full (simulated)");
    }));
    assertEquals("disk full (simulated)", e.getMessage());
    assertEquals("old", Files.readString(f));
    assertEquals(List.of("a.txt"), listing(), "the temporary file is removed");

    assertThrows(IllegalStateException.class, () -> AtomicFiles.write(f, out -> {
      AtomicFiles.writeFully(out, ByteBuffer.wrap(new byte[10]));
      throw new IllegalStateException("bug in the writer (simulated)");
    }));
    assertEquals("old", Files.readString(f));
    assertEquals(List.of("a.txt"), listing());
  }

  @Test
  void aFailedRenameLeavesTheTargetAndRemovesTheTemporaryFile() throws IOException {
    Path f = dir.resolve("a.txt");
    AtomicFiles.Staged staged = AtomicFiles.stage(f, out -> AtomicFiles.writeFully(out, ByteBuffer.wrap(new byte[8])));
    assertTrue(Files.exists(staged.temporaryFile()));
    assertEquals(f.toAbsolutePath().getParent(), staged.temporaryFile().getParent(), "same directory");
    // Between staging and the rename the target became a non-empty directory: rename(2) fails.
    Files.createDirectory(f);
    Files.writeString(f.resolve("inside.txt"), "keep me");
    IOException e = assertThrows(IOException.class, staged::commit);
    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    assertEquals("keep me", Files.readString(f.resolve("inside.txt")));
    assertEquals(List.of("a.txt"), listing(), "the temporary file is removed");
    staged.close();
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
  void closingWithoutCommitDiscardsTheTemporaryFile() throws IOException {
    Path f = dir.resolve("a.txt");
    Files.writeString(f, "old");
    try (AtomicFiles.Staged staged = AtomicFiles.stage(f, out -> AtomicFiles.writeFully(out,
        ByteBuffer.wrap("new".getBytes(StandardCharsets.UTF_8))))) {
      assertTrue(Files.exists(staged.temporaryFile()));
      assertEquals(2, listing().size());
    }
    assertEquals("old", Files.readString(f));
    assertEquals(List.of("a.txt"), listing());
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
    assertFalse(Files.exists(dir.resolve("w.safetensors.tmp")));
  }
}
