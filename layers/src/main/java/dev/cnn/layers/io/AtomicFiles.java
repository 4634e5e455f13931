package dev.cnn.layers.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writing a file so that readers see either the old content or the complete new content, never
 * a mixture or a truncated file.
 *
 * <p>The recipe: write the bytes to a temporary file in the target's directory (the same file
 * system, so the rename below is a rename and not a copy), flush them to the disk
 * ({@link FileChannel#force(boolean) force(true)}), rename the temporary file over the target
 * with {@link StandardCopyOption#ATOMIC_MOVE} (on POSIX systems {@code rename(2)}, which
 * replaces the target in one step), and flush the directory so that the rename itself survives
 * a power failure. If anything fails before the rename, the temporary file is deleted and the
 * target is untouched.
 *
 * <p>The temporary file is named {@code .<target name>.<random>.tmp}; a crash (not an exception)
 * between its creation and the rename can leave one behind, and it is safe to delete. It is
 * created with the default permissions (as a plain new file would be), not the owner-only
 * permissions of {@link Files#createTempFile}.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes the content of a file to a channel. */
  @FunctionalInterface
  public interface Body {
    void writeTo(WritableByteChannel out) throws IOException;
  }

  /**
   * Replaces (or creates) {@code target} with what {@code body} writes, atomically. Missing
   * parent directories are created.
   *
   * @throws IOException if writing, flushing or renaming fails; {@code target} then still holds
   *     its old content (or still does not exist) and no temporary file is left
   */
  public static void write(Path target, Body body) throws IOException {
    try (Staged staged = stage(target, body)) {
      staged.commit();
    }
  }

  /** {@link #write(Path, Body)} for content already in memory. */
  public static void write(Path target, byte[] content) throws IOException {
    write(target, out -> writeFully(out, ByteBuffer.wrap(content)));
  }

  /**
   * Writes and flushes the temporary file for {@code target}, without renaming it yet: the first
   * half of {@link #write}. Several files can be staged first and committed one after another, so
   * that a failure while writing any of them changes none of the targets.
   *
   * @throws IOException if writing fails; the temporary file is then already deleted
   */
  public static Staged stage(Path target, Body body) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir == null) throw new IOException(target + ": cannot write to a file system root; expected a file path");
    if (Files.isDirectory(abs)) {
      throw new IOException(target + " is a directory; expected a file path (nothing was written)");
    }
    Files.createDirectories(dir);
    Path tmp = null;
    FileChannel ch = null;
    for (int attempt = 0; ch == null; attempt++) {
      tmp = dir.resolve("." + abs.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
          + ".tmp");
      try {
        ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      } catch (FileAlreadyExistsException e) {
        if (attempt > 100) throw e;
      }
    }
    try {
      try (FileChannel c = ch) {
        body.writeTo(c);
        c.force(true);
      }
      return new Staged(tmp, abs, target);
    } catch (IOException | RuntimeException | Error e) {
      deleteQuietly(tmp, e);
      throw e;
    }
  }

  /** Writes every remaining byte of {@code buf} (a channel may take fewer bytes per call). */
  public static void writeFully(WritableByteChannel out, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) out.write(buf);
  }

  private static void deleteQuietly(Path tmp, Throwable cause) {
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException suppressed) {
      cause.addSuppressed(suppressed);
    }
  }

  /**
   * A temporary file, written and flushed, waiting to be renamed over its target by
   * {@link #commit()}. Closing it without committing deletes the temporary file.
   */
  public static final class Staged implements AutoCloseable {
    private final Path tmp;
    private final Path target;
    private final Path shownTarget;
    private boolean done;

    private Staged(Path tmp, Path target, Path shownTarget) {
      this.tmp = tmp;
      this.target = target;
      this.shownTarget = shownTarget;
    }

    /** The temporary file (for tests). */
    Path temporaryFile() {
      return tmp;
    }

    /**
     * Renames the temporary file over the target in one step and flushes the directory.
     *
     * @throws IOException if the rename fails (the target is a directory, the directory is not
     *     writable, ...); the target is then unchanged and the temporary file is deleted
     */
    public void commit() throws IOException {
      if (done) throw new IllegalStateException(shownTarget + ": already committed or discarded");
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException | RuntimeException e) {
        done = true;
        deleteQuietly(tmp, e);
        throw new IOException(shownTarget + ": could not replace the file with the newly written "
            + tmp.getFileName() + " (" + e + "); the old content is unchanged", e);
      }
      done = true;
      forceDirectory(target.getParent());
    }

    /** Deletes the temporary file unless it was committed. */
    @Override
    public void close() throws IOException {
      if (!done) {
        done = true;
        Files.deleteIfExists(tmp);
      }
    }
  }

  /**
   * Flushes a directory's entries (the rename) to the disk. Linux and macOS allow this through a
   * read-only channel on the directory; where the platform refuses (Windows), the rename is
   * already durable or cannot be made so from Java, and the refusal is ignored.
   */
  private static void forceDirectory(Path dir) {
    try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
      c.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // See the method comment: nothing more can be done portably.
    }
  }
}
