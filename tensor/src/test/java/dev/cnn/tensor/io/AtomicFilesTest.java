package dev.cnn.tensor.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Atomic writes: a failure at any point before the rename leaves the old file intact and no
 * temporary file behind. (A crash of the process cannot be simulated in a unit test; these
 * tests cover the exceptions and the orphans a crash leaves, and the rename itself is the
 * operating system's atomic step.)
 */
class AtomicFilesTest {
  @TempDir Path dir;

  private List<String> listing() throws IOException {
    return listing(dir);
  }

  private static List<String> listing(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  @Test
  void replacesTheContentAndLeavesNoTemporaryFile() throws IOException {
    Path f = dir.resolve("a.txt");
    AtomicFiles.write(f, "old".getBytes(StandardCharsets.UTF_8));
    AtomicFiles.writeString(f, "new content");
    assertEquals("new content", Files.readString(f));
    assertEquals(List.of("a.txt"), listing());
  }

  @Test
  void writesThroughAnOutputStream() throws IOException {
    Path f = dir.resolve("s.bin");
    AtomicFiles.writeStream(f, out -> {
      out.write(new byte[] {1, 2});
      out.write(3);
    });
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(f));
    assertEquals(List.of("s.bin"), listing());
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

    assertThrows(IllegalStateException.class, () -> AtomicFiles.writeStream(f, out -> {
      out.write(new byte[10]);
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
    assertTrue(AtomicFiles.isTemporaryName(staged.temporaryFile().getFileName().toString()));
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
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, new byte[] {1}));
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
  void aNewFileGetsTheModeOfAFileWrittenWithFilesWrite() throws IOException {
    assumeTrue(posix(), "POSIX permissions only");
    Path plain = dir.resolve("plain.txt");
    Files.write(plain, new byte[] {1});
    Path atomic = dir.resolve("atomic.txt");
    AtomicFiles.write(atomic, new byte[] {1});
    Path streamed = dir.resolve("streamed.txt");
    AtomicFiles.writeStream(streamed, out -> out.write(1));
    var expected = Files.getPosixFilePermissions(plain);
    assertEquals(expected, Files.getPosixFilePermissions(atomic), "not the 0600 of Files.createTempFile");
    assertEquals(expected, Files.getPosixFilePermissions(streamed));

    Path plainDir = dir.resolve("plain-dir");
    Files.createDirectory(plainDir);
    Path atomicDir = AtomicFiles.writeDirectory(dir.resolve("atomic-dir"), d -> Files.write(d.resolve("f"), new byte[0]));
    assertEquals(Files.getPosixFilePermissions(plainDir), Files.getPosixFilePermissions(atomicDir),
        "not the 0700 of Files.createTempDirectory");
  }

  @Test
  void replacingAFileKeepsItsPermissionsAsFilesWriteWould() throws IOException {
    assumeTrue(posix(), "POSIX permissions only");
    Path f = dir.resolve("shared.csv");
    Files.writeString(f, "old");
    var chosen = PosixFilePermissions.fromString("rw-r-----");
    Files.setPosixFilePermissions(f, chosen);
    AtomicFiles.writeString(f, "new");
    assertEquals("new", Files.readString(f));
    assertEquals(chosen, Files.getPosixFilePermissions(f));
  }

  @Test
  void writeDirectoryCreatesAndReplacesWholeDirectories() throws IOException {
    Path d = dir.resolve("ckpt");
    AtomicFiles.writeDirectory(d, t -> {
      Files.writeString(t.resolve("a"), "1");
      Files.createDirectory(t.resolve("sub"));
      Files.writeString(t.resolve("sub/b"), "2");
    });
    assertEquals(List.of("a", "sub"), listing(d));
    assertEquals("2", Files.readString(d.resolve("sub/b")));

    AtomicFiles.writeDirectory(d, t -> Files.writeString(t.resolve("c"), "3"));
    assertEquals(List.of("c"), listing(d), "the old content is gone");
    assertEquals(List.of("ckpt"), listing(), "no temporary or set-aside directory remains");
  }

  @Test
  void aFailedDirectoryWriteLeavesTheOldDirectory() throws IOException {
    Path d = dir.resolve("ckpt");
    AtomicFiles.writeDirectory(d, t -> Files.writeString(t.resolve("a"), "old"));
    assertThrows(UncheckedIOException.class, () -> AtomicFiles.writeDirectory(d, t -> {
      Files.writeString(t.resolve("a"), "half");
      throw new UncheckedIOException(new IOException("disk full (simulated)"));
    }));
    assertEquals("old", Files.readString(d.resolve("a")));
    assertEquals(List.of("ckpt"), listing());

    Path file = dir.resolve("plain");
    Files.writeString(file, "x");
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeDirectory(file, t -> {}));
    assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
    assertEquals("x", Files.readString(file));
  }

  @Test
  void removeOrphansDeletesOnlyTheHelpersTemporaryFiles() throws IOException {
    // What a write killed before its rename leaves: a file and a directory of the helper's form.
    Files.writeString(dir.resolve(".history.csv.0123456789abcdef.tmp"), "partial");
    Path orphanDir = dir.resolve(".epoch-0003.00000000deadbeef.tmp");
    Files.createDirectories(orphanDir.resolve("inner"));
    Files.writeString(orphanDir.resolve("inner/model.safetensors"), "partial");
    // Names that are not the helper's, or a user's file that merely ends in .tmp, are kept.
    List<String> kept = List.of("history.csv", "notes.tmp", ".hidden.tmp", ".x.NOTHEX.tmp", "run.0123.tmp");
    for (String k : kept) Files.writeString(dir.resolve(k), k);

    List<Path> removed = AtomicFiles.removeOrphans(dir);
    assertEquals(2, removed.size(), removed.toString());
    assertEquals(kept.stream().sorted().toList(), listing());
    assertEquals(List.of(), AtomicFiles.removeOrphans(dir), "nothing left to remove");
    assertEquals(List.of(), AtomicFiles.removeOrphans(dir.resolve("missing")));
  }

  @Test
  void removeOrphansWithAMinimumAgeSparesRecentFiles() throws IOException {
    Path recent = dir.resolve(".a.bin.00000000000000aa.tmp");
    Path old = dir.resolve(".b.bin.00000000000000bb.tmp");
    Files.writeString(recent, "being written");
    Files.writeString(old, "left by a kill");
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    assertEquals(List.of(old), AtomicFiles.removeOrphans(dir, Duration.ofMinutes(10)));
    assertTrue(Files.exists(recent));
    assertFalse(Files.exists(old));
    assertThrows(IllegalArgumentException.class, () -> AtomicFiles.removeOrphans(dir, Duration.ofSeconds(-1)));
  }

  @Test
  void appendLineAddsWholeLinesAndRefusesLineBreaks(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
    Path journal = tmp.resolve("sub/study.jsonl");
    AtomicFiles.appendLine(journal, "{\"trial\":0}");
    AtomicFiles.appendLine(journal, "{\"trial\":1}");
    org.junit.jupiter.api.Assertions.assertEquals("{\"trial\":0}\n{\"trial\":1}\n", Files.readString(journal));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> AtomicFiles.appendLine(journal, "a\nb"));
  }
}
