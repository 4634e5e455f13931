package dev.cnn.optim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnn.layers.io.FileFormatException;
import dev.cnn.tensor.Log;
import dev.cnn.tensor.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The directory transaction of a checkpoint: writing a checkpoint subdirectory so that a crash at
 * any moment leaves the previous checkpoint as the one that is loaded, and reading one back with
 * every file checked. It knows the layout ({@code latest}, {@code epoch-NNNN/}, {@code state.json}
 * and its {@code files} section) but not what the files hold ({@link CheckpointState},
 * {@link Checkpoint}).
 *
 * <p>Writing: the files are written into a temporary subdirectory and flushed, {@code state.json}
 * records each file's size and CRC-32, the subdirectory is renamed into place
 * ({@link AtomicFiles#writeDirectory}), and only then is the pointer file {@code latest} replaced
 * atomically. Afterwards the subdirectories other than the new one and the one the pointer named
 * before are deleted, so two checkpoints are kept. One process at a time may write into a
 * checkpoint directory; each write first deletes the temporary files and directories an
 * interrupted write left ({@link AtomicFiles#removeOrphans(Path)}).
 */
final class CheckpointDirectory {
  /** The name of a checkpoint subdirectory: epoch-NNNN, with -2, -3, ... when NNNN is in use. */
  private static final Pattern DIR_NAME = Pattern.compile("epoch-[0-9]{4,}(-[0-9]+)?");
  /**
   * Orphans younger than this are left by {@link #resolve}: loading must not break a save that
   * another process (a training run still going) is making right now. The next save deletes them.
   */
  private static final Duration ORPHAN_AGE_ON_LOAD = Duration.ofMinutes(10);
  private static final ObjectWriter PRETTY = CheckpointState.JSON.writer(new DefaultPrettyPrinter()
      .withObjectIndenter(new DefaultIndenter("  ", "\n")));

  private CheckpointDirectory() {}

  // ---------------------------------------------------------------- writing

  /**
   * Writes a new checkpoint subdirectory of {@code dir} named after {@code epochsDone}: the files
   * {@code body} writes (it must write every one of {@code fileNames}), and {@code state.json},
   * which is {@code state} plus a {@code files} section with each file's size and CRC-32. Then
   * points {@code dir/latest} at it and deletes all but it and the previous one.
   *
   * @return the new subdirectory
   * @throws IOException if a file cannot be written; {@code dir/latest} then still names the
   *     previous checkpoint, and the partial subdirectory has been removed
   */
  static Path write(Path dir, int epochsDone, List<String> fileNames, AtomicFiles.DirectoryBody body, ObjectNode state)
      throws IOException {
    Files.createDirectories(dir);
    AtomicFiles.removeOrphans(dir);
    String previous = pointed(dir);
    String base = String.format(Locale.ROOT, "epoch-%04d", epochsDone), name = base;
    for (int n = 2; name.equals(previous); n++) name = base + "-" + n; // never replace the checkpoint in use
    ObjectNode root = state.deepCopy();
    // An epoch-NNNN that exists here is a leftover of a save that did not reach the pointer: replaced.
    Path target = AtomicFiles.writeDirectory(dir.resolve(name), tmp -> {
      body.fill(tmp);
      ObjectNode files = root.putObject("files");
      for (String f : fileNames) {
        Path p = tmp.resolve(f);
        ObjectNode entry = files.putObject(f);
        entry.put("bytes", Files.size(p));
        entry.put("crc32", crc32(p));
      }
      Files.writeString(tmp.resolve(Checkpoint.STATE), PRETTY.writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
    });
    AtomicFiles.writeString(dir.resolve(Checkpoint.LATEST), name + "\n");
    removeOld(dir, name, previous);
    return target;
  }

  /** The subdirectory {@code dir/latest} names, or null when there is no valid pointer. */
  private static String pointed(Path dir) {
    try {
      String s = Files.readString(dir.resolve(Checkpoint.LATEST), StandardCharsets.UTF_8).strip();
      return DIR_NAME.matcher(s).matches() ? s : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Deletes the subdirectories other than the new one and the previous one. */
  private static void removeOld(Path dir, String keep, String previous) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String n = p.getFileName().toString();
        boolean old = DIR_NAME.matcher(n).matches() && !n.equals(keep) && !n.equals(previous);
        if (old && Files.isDirectory(p)) AtomicFiles.deleteTree(p);
      }
    } catch (IOException e) {
      Log.warn("checkpoint: could not delete old checkpoints in " + dir + " (" + e.getMessage() + "); the new one, "
          + keep + ", is complete");
    }
  }

  // ---------------------------------------------------------------- reading

  /** Whether {@code dir} holds a checkpoint to resume from (its {@code latest} pointer exists). */
  static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(Checkpoint.LATEST));
  }

  /**
   * The subdirectory to read: the one {@code dir/latest} names, or {@code dir} itself when it is
   * a checkpoint subdirectory (it holds {@code state.json} and no pointer). Deletes the temporary
   * files and directories that an interrupted save left in {@code dir} at least 10 minutes ago
   * (younger ones may belong to a save in progress; the next save deletes them).
   *
   * @throws IOException naming the pointer file when it is missing, not a subdirectory's name, or
   *     names a subdirectory that does not exist
   */
  static Path resolve(Path dir) throws IOException {
    if (Files.isRegularFile(dir.resolve(Checkpoint.STATE)) && !Files.exists(dir.resolve(Checkpoint.LATEST))) {
      return dir;
    }
    Path pointer = dir.resolve(Checkpoint.LATEST);
    String text;
    try {
      text = Files.readString(pointer, StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(pointer.toString(), null, "no checkpoint here: the pointer file '"
          + Checkpoint.LATEST + "' is missing; expected a directory written by Checkpoint.save (the training"
          + " command's --out)");
    } catch (MalformedInputException e) {
      throw new FileFormatException(pointer, null, "the pointer file is not UTF-8 text", e);
    }
    if (!DIR_NAME.matcher(text).matches()) {
      throw new FileFormatException(pointer, null, "the pointer file holds \"" + CheckpointState.abbreviate(text)
          + "\"; expected the name of a checkpoint subdirectory such as epoch-0003");
    }
    Path sub = dir.resolve(text);
    if (!Files.isDirectory(sub)) {
      throw new FileFormatException(pointer, null, "the pointer names " + text + ", which is not a directory in "
          + dir + "; the checkpoint directory was changed after it was written");
    }
    try {
      AtomicFiles.removeOrphans(dir, ORPHAN_AGE_ON_LOAD);
    } catch (IOException e) {
      Log.warn("checkpoint: could not delete the temporary files of an interrupted save in " + dir + " ("
          + e.getMessage() + "); the checkpoint itself is read as usual");
    }
    return sub;
  }

  /**
   * Reads {@code sub/state.json}, checks its format and version, and checks each of
   * {@code fileNames} in {@code sub} against the size and CRC-32 that it records.
   *
   * @throws IOException naming the file that is missing, damaged (size, checksum, JSON) or of
   *     another format or version
   */
  static JsonNode readChecked(Path sub, List<String> fileNames) throws IOException {
    Path stateFile = sub.resolve(Checkpoint.STATE);
    JsonNode root = readJson(stateFile);
    String format = root.path("format").asText(null);
    if (!Checkpoint.FORMAT.equals(format)) {
      throw new FileFormatException(stateFile, "format", "format is " + CheckpointState.show(root.get("format"))
          + "; expected \"" + Checkpoint.FORMAT + "\"");
    }
    JsonNode version = root.get("version");
    if (version == null || !version.isInt() || version.intValue() != Checkpoint.VERSION) {
      throw new FileFormatException(stateFile, "version", "version is " + CheckpointState.show(version)
          + "; this program reads version " + Checkpoint.VERSION);
    }
    JsonNode files = CheckpointState.object(stateFile, root, "files");
    for (String f : fileNames) checkFile(stateFile, sub.resolve(f), files.get(f));
    return root;
  }

  private static JsonNode readJson(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, "the checkpoint's state file is missing; the checkpoint"
          + " is incomplete");
    } catch (MalformedInputException e) {
      throw new FileFormatException(file, null, "not UTF-8 text", e);
    }
    JsonNode root;
    try {
      root = CheckpointState.JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new FileFormatException(file, null, "not valid JSON (" + e.getOriginalMessage() + "); the file is damaged", e);
    }
    if (root == null || !root.isObject()) throw new FileFormatException(file, null, "expected a JSON object");
    return root;
  }

  private static void checkFile(Path stateFile, Path file, JsonNode entry) throws IOException {
    String name = file.getFileName().toString();
    if (entry == null || !entry.isObject() || !entry.path("bytes").canConvertToLong() || !entry.path("crc32").isTextual()) {
      throw new FileFormatException(stateFile, name, "files." + name + " is " + CheckpointState.show(entry)
          + "; expected {\"bytes\": <size>, \"crc32\": \"<8 hex digits>\"}");
    }
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "missing; the checkpoint is incomplete (restore the"
          + " directory, or resume from the previous checkpoint)");
    }
    long size = Files.size(file), recorded = entry.get("bytes").longValue();
    if (size != recorded) {
      throw new FileFormatException(file, null, "the file has " + size + " bytes, but " + Checkpoint.STATE
          + " records " + recorded + "; it was truncated or changed after the checkpoint was written");
    }
    String crc = crc32(file);
    if (!crc.equalsIgnoreCase(entry.get("crc32").textValue())) {
      throw new FileFormatException(file, null, "the file's CRC-32 is " + crc + ", but " + Checkpoint.STATE
          + " records " + entry.get("crc32").textValue() + "; it was changed or damaged after the checkpoint was written");
    }
  }

  private static String crc32(Path file) throws IOException {
    CRC32 crc = new CRC32();
    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (ch.read(buf.clear()) >= 0) crc.update(buf.flip());
    }
    return String.format(Locale.ROOT, "%08x", crc.getValue());
  }
}
