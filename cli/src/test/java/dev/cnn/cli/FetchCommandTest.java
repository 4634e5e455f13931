package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.data.StandardDatasets;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cnn fetch} with its search path pointed at a temporary directory: a dataset already
 * installed there is not downloaded; {@code --data-dir} still fetches.
 */
class FetchCommandTest {
  @TempDir Path tmp;

  private StandardDatasets.SearchRoots roots() {
    return new StandardDatasets.SearchRoots(Map.of(), tmp.resolve("home"), tmp.resolve("usr-share-datasets"));
  }

  /** Runs {@code cnn fetch ...} in-process with the search roots replaced. */
  private CnnTest.Run fetch(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cmd = Cnn.commandLine();
    ((FetchCommand) cmd.getSubcommands().get("fetch").getCommand()).roots = roots();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 1];
    all[0] = "fetch";
    System.arraycopy(args, 0, all, 1, args.length);
    int code = cmd.execute(all);
    return new CnnTest.Run(code, out.toString(), err.toString());
  }

  /** The four IDX files of a tiny dataset (3 images of 2x2 per split), uncompressed, in dir. */
  private static void writeFakeIdx(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String prefix : new String[] {"train", "t10k"}) {
      Files.write(dir.resolve(prefix + "-images-idx3-ubyte"),
          ByteBuffer.allocate(16 + 12).putInt(0x803).putInt(3).putInt(2).putInt(2).array());
      Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"),
          ByteBuffer.allocate(8 + 3).putInt(0x801).putInt(3).put(new byte[] {0, 1, 2}).array());
    }
  }

  @Test
  void aDatasetInstalledOnTheSystemIsNotDownloaded() throws IOException {
    Path installed = tmp.resolve("usr-share-datasets/fashion-mnist");
    writeFakeIdx(installed);
    CnnTest.Run r = fetch("fashion-mnist");
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("fashion-mnist is already installed in " + installed.toAbsolutePath()
        + " (found on the search path: Debian's dataset packages); nothing to download."
        + " To download a copy anyway, pass --data-dir DIR.", r.out().trim());
    assertFalse(Files.exists(tmp.resolve("home/.cache")), "nothing may be written to the cache");
  }

  /** With --data-dir the user asks for a copy there: the fetch runs (here against an empty mirror, so it fails). */
  @Test
  void anExplicitDataDirStillFetches() throws IOException {
    writeFakeIdx(tmp.resolve("usr-share-datasets/fashion-mnist"));
    Path mirror = Files.createDirectories(tmp.resolve("mirror"));
    CnnTest.Run r = fetch("fashion-mnist", "--data-dir", tmp.resolve("mine").toString(), "--base-url",
        mirror.toUri().toString());
    assertEquals(1, r.exitCode(), r.out());
    assertFalse(r.out().contains("already installed"), r.out());
    assertTrue(r.err().contains("train-images-idx3-ubyte.gz"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  /** Half a dataset (one split) is not an installed one: the fetch runs. */
  @Test
  void anIncompleteCopyIsNotInstalled() throws IOException {
    Path dir = tmp.resolve("usr-share-datasets/mnist");
    writeFakeIdx(dir);
    Files.delete(dir.resolve("t10k-labels-idx1-ubyte"));
    CnnTest.Run r = fetch("mnist", "--base-url", Files.createDirectories(tmp.resolve("mirror")).toUri().toString());
    assertEquals(1, r.exitCode(), r.out());
    assertTrue(r.err().contains("cnn fetch: error:"), r.err());
    assertFalse(r.out().contains("already installed"), r.out());
  }

  @Test
  void anUnknownNameListsTheChoices() {
    CnnTest.Run r = fetch("cifar");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("unknown dataset 'cifar'") && r.err().contains("fashion-mnist"), r.err());
  }
}
