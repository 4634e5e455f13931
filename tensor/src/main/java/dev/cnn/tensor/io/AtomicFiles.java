package dev.cnn.tensor.io;

import dev.cnn.tensor.Log;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The project's one way of writing a file (or a directory of files) so that readers see either
 * the old content or the complete new content, never a mixture or a truncated file. Every module
 * that saves something (model files, checkpoints, the training history, downloads, previews, the
 * graph export) writes through this class.
 *
 * <h2>The recipe</h2>
 * <ol>
 *   <li>Write the bytes to a temporary file in the target's directory (the same file system, so
 *       the rename below is a rename and not a copy).
 *   <li>Flush them to the disk ({@link FileChannel#force(boolean) force(true)}, i.e. fsync).
 *   <li>Rename the temporary file over the target with {@link StandardCopyOption#ATOMIC_MOVE} (on
 *       POSIX systems {@code rename(2)}, which replaces the target in one step).
 *   <li>Flush the directory, so that the rename itself survives a power failure. Linux and macOS
 *       allow this; where the platform refuses (Windows), the refusal is ignored.
 * </ol>
 * If anything fails before the rename, the temporary file is deleted and the target is untouched.
 *
 * <h2>File mode</h2>
 * The temporary file is created like any new file ({@code open(2)} with mode 0666 less the
 * umask), not with the owner-only 0600 of {@link Files#createTempFile}, so a new target gets the
 * permissions a plain {@link Files#write} would give it. When the target already exists, its POSIX
 * permissions are copied to the replacement, as {@link Files#write} (which truncates the file in
 * place) would keep them.
 *
 * <h2>Temporary names and orphans</h2>
 * Temporary files and directories are named {@code .<target name>.<16 hex digits>.tmp}. Only a
 * crash or a kill between their creation and the rename leaves one behind (an exception never
 * does); {@link #removeOrphans(Path)} deletes them. Call it when opening a directory that this
 * process is about to write into and no other process writes into (a run directory, a
 * checkpoint directory); {@link #removeOrphans(Path, Duration)} spares recent ones, for
 * directories that another process may be writing into at the same time (a download cache).
 */
public final class AtomicFiles {
  /** A temporary name: dot, the target's name, dot, 1 to 16 lowercase hex digits, ".tmp". */
  private static final Pattern TEMP_NAME = Pattern.compile("\\..+\\.[0-9a-f]{1,16}\\.tmp");

  private AtomicFiles() {}

  /** Writes the content of a file to a channel (all of it: see {@link #writeFully}). */
  @FunctionalInterface
  public interface Body {
    void writeTo(WritableByteChannel out) throws IOException;
  }

  /** Writes the content of a file to a stream; the stream is flushed and closed by the caller. */
  @FunctionalInterface
  public interface StreamBody {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Fills a new, empty directory with files. */
  @FunctionalInterface
  public interface DirectoryBody {
    void fill(Path dir) throws IOException;
  }

  // ---------------------------------------------------------------- files

  /**
   * Replaces (or creates) {@code target} with what {@code body} writes, atomically. Missing
   * parent directories are created.
   *
   * @throws IOException if writing, flushing or renaming fails, or {@code target} is a directory;
   *     {@code target} then still holds its old content (or still does not exist) and no
   *     temporary file is left
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

  /** {@link #write(Path, Body)} for text, encoded as UTF-8. */
  public static void writeString(Path target, String text) throws IOException {
    write(target, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Appends one line (a record of a journal such as a study's {@code study.jsonl}) and forces it to
   * disk before returning. The line and its {@code \n} go out in one write to a file opened for
   * appending, so a reader sees whole lines, except at worst a last line cut short by a crash,
   * which has no {@code \n}: readers skip such a line (and the record is written again). The file
   * and its parent directories are created when missing.
   *
   * @throws IllegalArgumentException if {@code line} holds a line break
   */
  public static void appendLine(Path target, String line) throws IOException {
    if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("appendLine: the line holds a line break; expected one record per line");
    }
    Path parent = target.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
    try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      writeFully(ch, ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    }
  }

  /**
   * {@link #write(Path, Body)} for a writer that needs an {@link OutputStream} (an image encoder,
   * a JSON generator). The stream is buffered by the caller if it needs to be; it is flushed
   * after {@code body} returns. {@code body} must not close it.
   */
  public static void writeStream(Path target, StreamBody body) throws IOException {
    write(target, ch -> {
      OutputStream out = Channels.newOutputStream(ch);
      body.writeTo(out);
      out.flush();
    });
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
      tmp = temporarySibling(abs);
      try {
        // CREATE_NEW without attributes: mode 0666 & ~umask, like a plain new file.
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
      copyPermissions(abs, tmp);
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
     * @throws IllegalStateException if already committed or closed
     */
    public void commit() throws IOException {
      if (done) throw new IllegalStateException(shownTarget + ": already committed or discarded");
      done = true;
      try {
        rename(tmp, target);
      } catch (IOException | RuntimeException e) {
        deleteQuietly(tmp, e);
        throw new IOException(shownTarget + ": could not replace the file with the newly written "
            + tmp.getFileName() + " (" + e + "); the old content is unchanged", e);
      }
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

  // ---------------------------------------------------------------- directories

  /**
   * Creates (or replaces) the directory {@code target} with the files {@code body} puts into an
   * empty directory, so that {@code target} is never seen half filled.
   *
   * <p>{@code body} fills a temporary directory next to {@code target} (any way it likes; files
   * written there need not be atomic). Then every regular file in it and the directory itself are
   * flushed to the disk, and it is renamed to {@code target}. If {@code target} already exists, it
   * is first renamed aside to a temporary name and deleted after the new directory is in place:
   * POSIX has no atomic replacement of a non-empty directory, so in that one short moment
   * {@code target} is missing (readers see the old directory, no directory, or the new one; never
   * a partial one). Callers that need an atomic switch write a new directory under a new name and
   * then replace a pointer file with {@link #write(Path, byte[])} (what checkpoints do).
   *
   * @return {@code target}
   * @throws IOException if {@code body} or a flush or rename fails; the temporary directory is
   *     then deleted and {@code target} is unchanged
   */
  public static Path writeDirectory(Path target, DirectoryBody body) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir == null) throw new IOException(target + ": cannot replace a file system root; expected a directory path");
    if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(target + " exists and is not a directory; expected a directory path or none"
          + " (nothing was written)");
    }
    Files.createDirectories(dir);
    Path tmp = createTemporaryDirectory(abs);
    try {
      body.fill(tmp);
      forceTree(tmp);
    } catch (IOException | RuntimeException | Error e) {
      deleteTreeQuietly(tmp, e);
      throw e;
    }
    Path aside = null;
    try {
      if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
        aside = createTemporaryName(abs);
        Files.move(abs, aside, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      if (aside != null && !Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
        try {
          Files.move(aside, abs, StandardCopyOption.ATOMIC_MOVE); // put the old one back
          aside = null;
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      deleteTreeQuietly(tmp, e);
      throw new IOException(target + ": could not move the newly written directory " + tmp.getFileName()
          + " into place (" + e + ")" + (aside == null ? "; the old directory is unchanged"
          : "; the old directory is at " + aside), e);
    }
    forceDirectory(dir);
    if (aside != null) deleteTree(aside);
    return target;
  }

  /**
   * Deletes a file or a directory with everything in it; nothing happens when {@code path} does
   * not exist. Symbolic links are deleted, not followed.
   */
  public static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) return;
    List<Path> all;
    try (Stream<Path> walk = Files.walk(path)) {
      all = new ArrayList<>(walk.toList());
    }
    all.sort(Comparator.reverseOrder()); // children before their directory
    for (Path p : all) Files.deleteIfExists(p);
  }

  // ---------------------------------------------------------------- orphans

  /**
   * Whether {@code fileName} has the form of this class's temporary names
   * ({@code .<name>.<hex>.tmp}).
   */
  public static boolean isTemporaryName(String fileName) {
    return TEMP_NAME.matcher(fileName).matches();
  }

  /**
   * Deletes the temporary files and directories that a killed write left in {@code dir} (not in
   * its subdirectories). Only names of this class's form are touched ({@link #isTemporaryName});
   * every other file is kept. Nothing happens when {@code dir} does not exist.
   *
   * <p>Call it only when no other process is writing into {@code dir} at the same time: it would
   * delete that process's temporary file, and its write would fail (its target stays intact).
   *
   * @return the paths deleted
   * @throws IOException if {@code dir} cannot be listed or an orphan cannot be deleted
   */
  public static List<Path> removeOrphans(Path dir) throws IOException {
    return removeOrphans(dir, Duration.ZERO);
  }

  /**
   * {@link #removeOrphans(Path)}, sparing temporary files modified less than {@code minAge} ago:
   * for a directory another process may be writing into right now.
   */
  public static List<Path> removeOrphans(Path dir, Duration minAge) throws IOException {
    if (minAge == null || minAge.isNegative()) {
      throw new IllegalArgumentException("AtomicFiles.removeOrphans: minAge is " + minAge + "; expected zero or more");
    }
    List<Path> removed = new ArrayList<>();
    if (!Files.isDirectory(dir)) return removed;
    Instant cutoff = Instant.now().minus(minAge);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, p -> isTemporaryName(p.getFileName().toString()))) {
      for (Path p : entries) {
        FileTime modified;
        try {
          modified = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
          continue;
        }
        if (!minAge.isZero() && modified.toInstant().isAfter(cutoff)) continue;
        deleteTree(p);
        removed.add(p);
      }
    }
    if (!removed.isEmpty()) {
      Log.info("removed " + removed.size() + " temporary " + (removed.size() == 1 ? "file" : "files")
          + " left in " + dir + " by an interrupted write");
    }
    return removed;
  }

  // ---------------------------------------------------------------- internals

  private static Path temporarySibling(Path abs) {
    String suffix = String.format(Locale.ROOT, "%016x", ThreadLocalRandom.current().nextLong());
    return abs.resolveSibling("." + abs.getFileName() + "." + suffix + ".tmp");
  }

  /** An unused temporary name next to {@code abs} (nothing is created). */
  private static Path createTemporaryName(Path abs) throws IOException {
    for (int attempt = 0; attempt <= 100; attempt++) {
      Path p = temporarySibling(abs);
      if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return p;
    }
    throw new FileAlreadyExistsException(abs + ": no unused temporary name after 100 attempts");
  }

  /** A new, empty temporary directory next to {@code abs}, with the default mode (not 0700). */
  private static Path createTemporaryDirectory(Path abs) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path p = temporarySibling(abs);
      try {
        return Files.createDirectory(p);
      } catch (FileAlreadyExistsException e) {
        if (attempt > 100) throw e;
      }
    }
  }

  /** Renames atomically; falls back to a plain replacing move on file systems without atomic renames. */
  private static void rename(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Log.debug("the file system of " + to + " has no atomic rename (" + e.getMessage() + "); replacing it"
          + " with a plain move");
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Gives {@code tmp} the POSIX permissions of {@code target}, when both exist on a POSIX file system. */
  private static void copyPermissions(Path target, Path tmp) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(target, PosixFileAttributeView.class);
    if (view == null || !Files.isRegularFile(target)) return;
    Set<PosixFilePermission> perms;
    try {
      perms = view.readAttributes().permissions();
    } catch (NoSuchFileException gone) {
      return;
    }
    Files.setPosixFilePermissions(tmp, perms);
  }

  /** Flushes every regular file under {@code root}, then every directory, deepest first. */
  private static void forceTree(Path root) throws IOException {
    List<Path> all;
    try (Stream<Path> walk = Files.walk(root)) {
      all = new ArrayList<>(walk.toList());
    }
    all.sort(Comparator.reverseOrder());
    for (Path p : all) {
      if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        try (FileChannel c = FileChannel.open(p, StandardOpenOption.READ)) {
          c.force(true);
        }
      } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        forceDirectory(p);
      }
    }
  }

  /**
   * Flushes a directory's entries (a rename) to the disk. Linux and macOS allow this through a
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

  private static void deleteQuietly(Path tmp, Throwable cause) {
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException suppressed) {
      cause.addSuppressed(suppressed);
    }
  }

  private static void deleteTreeQuietly(Path tmp, Throwable cause) {
    try {
      deleteTree(tmp);
    } catch (IOException suppressed) {
      cause.addSuppressed(suppressed);
    }
  }
}
