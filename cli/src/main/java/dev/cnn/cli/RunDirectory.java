package dev.cnn.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnn.tensor.Log;
import dev.cnn.tensor.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code --out} directory of a {@code cnn train} run, and the rules that keep one run from
 * clobbering another:
 * <ul>
 *   <li>a directory <em>holds a run</em> when it has any of the files a run writes ({@link #OUTPUTS});
 *       a new run refuses such a directory unless {@code --overwrite} is given, and then removes
 *       only those files, never anything else the user keeps there;
 *   <li>the default directory {@code runs/<dataset>-<model>-<time>} is made with an atomic
 *       {@code mkdir}, and a run started in the same second gets {@code -2}, {@code -3}, ...;
 *   <li>{@code run.json} is written before the first step, holding the run's effective options,
 *       so that {@code --resume DIR} restores them (and a run killed before its first checkpoint
 *       can be resumed from the start). It is created with {@code CREATE_NEW}, so two runs given
 *       the same {@code --out} at the same moment cannot both claim it.
 * </ul>
 * Every check that can run before training does: {@link #checkNewRun} runs before the data are
 * loaded, {@link #claim} just before the first step.
 */
final class RunDirectory {
  private RunDirectory() {}

  /** The options file: {@code {"format": "cnn-run", "version": 1, "config": {...}}}. */
  static final String OPTIONS = "run.json";
  static final String FORMAT = "cnn-run";
  static final int VERSION = 1;

  /** What a run writes into its directory; {@code --overwrite} removes these and nothing else. */
  static final List<String> OUTPUTS = List.of(OPTIONS, TrainingRun.CHECKPOINT, ModelDir.WEIGHTS, "model.json",
      "history.csv", "history.json", "metrics.json", ModelDir.CLASSES, "evaluation.json", DiagnosticsFile.NAME,
      "diagnosis.json", "report", TrainingRun.LABEL_NOISE, DiagnoseCommand.LABEL_ERRORS_CSV, LabelErrorSearch.DIR);

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Whether dir has any of the files a run writes. */
  static boolean holdsRun(Path dir) {
    if (!Files.isDirectory(dir)) return false;
    for (String f : OUTPUTS) if (Files.exists(dir.resolve(f))) return true;
    return false;
  }

  /**
   * Checks, before anything is loaded, that a new run may write into {@code out}: it is not a
   * file, holds no run (unless {@code overwrite}), and a directory can be made where it is to go.
   */
  static void checkNewRun(Path out, boolean overwrite) {
    String shown = out.toString();
    if (shown.isEmpty()) {
      throw new IllegalArgumentException("--out '': expected a directory path (e.g. --out runs/my-run), or leave"
          + " --out out for a new directory under runs/");
    }
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new IllegalArgumentException("--out " + shown + " is an existing file, not a directory; --out takes a"
          + " directory (it is created when missing), e.g. --out " + shown + "-run");
    }
    if (holdsRun(out) && !overwrite) {
      throw new IllegalArgumentException("--out " + shown + " holds a run already (" + describe(out) + "); continue it"
          + " with --resume " + shown + ", replace it with --overwrite, or choose another --out");
    }
    checkCreatable(out, "--out " + shown);
  }

  /**
   * Makes sure a directory can be created at {@code dir}: the nearest existing ancestor must be a
   * directory in which a directory can really be made (tried with a probe that is removed at once;
   * a permission check alone says yes for root on {@code /proc}).
   */
  static void checkCreatable(Path dir, String what) {
    Path abs = dir.toAbsolutePath().normalize();
    Path existing = abs;
    while (existing != null && !Files.exists(existing)) existing = existing.getParent();
    if (existing == null) return; // nothing exists, not even the root: let the creation say why
    if (!Files.isDirectory(existing)) {
      throw new IllegalArgumentException(what + ": " + existing + " is a file, so no directory can be made under it;"
          + " choose a directory path");
    }
    try {
      Path probe = Files.createTempDirectory(existing, ".cnn-write-check");
      Files.delete(probe);
    } catch (IOException e) {
      String why = e instanceof AccessDeniedException ? "permission denied"
          : e instanceof java.nio.file.NoSuchFileException ? "the file system there takes no new directories"
          : e instanceof FileSystemException && ((FileSystemException) e).getReason() != null
              ? ((FileSystemException) e).getReason() : e.toString();
      throw new IllegalArgumentException(what + ": cannot create a directory in " + existing + " (" + why
          + "); choose a directory on a writable disk");
    }
  }

  /**
   * Creates the run directory and its {@code run.json}. With {@code unique}, {@code out} is the
   * default name and a taken one becomes {@code out-2}, {@code out-3}, ... With
   * {@code overwrite}, the files of a previous run in {@code out} are removed first.
   *
   * @return the directory the run writes into
   */
  static Path claim(Path out, boolean unique, boolean overwrite, Map<String, Object> config) throws IOException {
    Path dir = out;
    try {
      if (unique) {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        for (int i = 2; ; i++) {
          try {
            Files.createDirectory(dir);
            break;
          } catch (FileAlreadyExistsException e) {
            dir = out.resolveSibling(out.getFileName() + "-" + i);
          }
        }
      } else {
        if (overwrite && holdsRun(out)) removeRun(out);
        Files.createDirectories(out);
      }
      AtomicFiles.removeOrphans(dir);
      if (!createOptions(dir, config)) {
        throw new IllegalArgumentException("--out " + dir + " was claimed by another run a moment ago; choose another"
            + " --out");
      }
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException("--out " + out + ": permission denied (" + reason(e) + "); choose a"
          + " directory you can write to");
    } catch (FileSystemException e) {
      throw new IllegalArgumentException("--out " + out + ": cannot create the run directory (" + reason(e) + ");"
          + " choose a directory on a writable disk");
    }
    Log.info("writing the run to " + dir.toAbsolutePath());
    return dir;
  }

  /** Removes what a run wrote into dir (the {@link #OUTPUTS}), leaving every other file. */
  static void removeRun(Path dir) throws IOException {
    for (String f : OUTPUTS) {
      Path p = dir.resolve(f);
      if (Files.isDirectory(p)) {
        AtomicFiles.deleteTree(p);
      } else {
        Files.deleteIfExists(p);
      }
    }
    AtomicFiles.removeOrphans(dir);
  }

  /** Writes (atomically) the run's options file. */
  static void writeOptions(Path dir, Map<String, Object> config) throws IOException {
    AtomicFiles.writeString(dir.resolve(OPTIONS), optionsText(config));
  }

  /**
   * Creates the options file, complete, only if there is none: the text goes to a temporary file
   * that is then hard-linked under the final name (link(2) fails when the name exists, so two runs
   * cannot both claim a directory, and a kill leaves either no run.json or a whole one).
   *
   * @return false when dir has a run.json already
   */
  static boolean createOptions(Path dir, Map<String, Object> config) throws IOException {
    Path target = dir.resolve(OPTIONS);
    Path staged = dir.resolve(String.format("." + OPTIONS + ".%016x.tmp",
        java.util.concurrent.ThreadLocalRandom.current().nextLong())); // the orphan pattern of AtomicFiles
    Files.writeString(staged, optionsText(config));
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(staged,
        java.nio.file.StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    try {
      Files.createLink(target, staged);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (UnsupportedOperationException | FileSystemException e) {
      // A file system without hard links: check, then write atomically (a narrow race, no torn file).
      if (Files.exists(target)) return false;
      AtomicFiles.writeString(target, optionsText(config));
      return true;
    } finally {
      Files.deleteIfExists(staged);
    }
  }

  private static String optionsText(Map<String, Object> config) throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("format", FORMAT);
    doc.put("version", VERSION);
    doc.put("config", config);
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc) + "\n";
  }

  /**
   * The saved options of the run in dir, or null when dir holds an older run with a checkpoint
   * but no {@code run.json}.
   *
   * @throws IllegalArgumentException when dir is not a run directory or its run.json is not one
   */
  static Map<String, Object> readOptions(Path dir) throws IOException {
    String shown = "--resume " + dir;
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(shown + ": no such directory; --resume takes the --out directory of a"
          + " 'cnn train' run");
    }
    Path file = dir.resolve(OPTIONS);
    if (!Files.isRegularFile(file)) {
      if (Files.isDirectory(dir.resolve(TrainingRun.CHECKPOINT))) return null;
      throw new IllegalArgumentException(shown + ": no run to resume here (no " + OPTIONS + " or "
          + TrainingRun.CHECKPOINT + "/); --resume takes the --out directory of a 'cnn train' run");
    }
    Map<String, Object> doc;
    try {
      doc = JSON.readValue(Files.readString(file), new TypeReference<Map<String, Object>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(file + ": not a run options file (" + e.getOriginalMessage() + "); it is"
          + " written by 'cnn train' and should not be edited");
    }
    Object config = doc == null ? null : doc.get("config");
    if (doc == null || !FORMAT.equals(doc.get("format")) || !(config instanceof Map)) {
      throw new IllegalArgumentException(file + ": not a run options file (expected \"format\": \"" + FORMAT
          + "\" and a \"config\" object)");
    }
    if (!(doc.get("version") instanceof Integer) || (Integer) doc.get("version") > VERSION) {
      throw new IllegalArgumentException(file + ": version " + doc.get("version") + " of the run options file; this"
          + " cnn reads version " + VERSION + " (a newer cnn wrote it: resume it with that one)");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) config;
    return m;
  }

  /** A value as its JSON text: the one form in which saved and given values compare equal. */
  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value + " as JSON", e);
    }
  }

  /** A few words on what dir holds, for messages. */
  private static String describe(Path dir) {
    if (Files.exists(dir.resolve("metrics.json"))) return "a finished run: metrics.json";
    if (Files.isDirectory(dir.resolve(TrainingRun.CHECKPOINT))) return "a run with a checkpoint";
    for (String f : OUTPUTS) if (Files.exists(dir.resolve(f))) return f;
    return "run files";
  }

  private static String reason(IOException e) {
    if (e instanceof FileSystemException) {
      FileSystemException f = (FileSystemException) e;
      String r = f.getReason();
      return (f.getFile() != null ? f.getFile() + ": " : "") + (r != null ? r : e.getClass().getSimpleName());
    }
    return e.getMessage() != null ? e.getMessage() : e.toString();
  }
}
