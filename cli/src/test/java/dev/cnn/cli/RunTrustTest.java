package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnn.layers.Architectures;
import dev.cnn.layers.io.ModelFiles;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run directory is never clobbered, a resumed run remembers its options, and every bad input
 * is caught before the first step with one message that names the flag: through the command line,
 * as a user would meet them.
 */
class RunTrustTest {
  /** A tiny shapes run: 20 training and 10 test images per class, one epoch. */
  private static final String[] TINY = {"--limit", "160,80", "--epochs", "1", "--threads", "2"};

  private static CnnTest.Run train(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "train";
    System.arraycopy(args, 0, all, 1, args.length);
    return CnnTest.run(all);
  }

  private static String[] with(String[] base, String... more) {
    String[] out = Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, out, base.length, more.length);
    return out;
  }

  /** A failed command: exit 1, one "cnn train: error:" line containing every part, no stack trace. */
  private static void assertRefused(CnnTest.Run r, String... parts) {
    assertEquals(1, r.exitCode(), "expected a refusal, got:\n" + r.out() + r.err());
    assertTrue(r.err().contains(": error: "), r.err());
    for (String p : parts) assertTrue(r.err().contains(p), "expected '" + p + "' in:\n" + r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace expected:\n" + r.err());
  }

  // ---- runs and files ----------------------------------------------------------------------------

  @Test
  void anExistingRunIsNeverOverwrittenUnlessAsked(@TempDir Path dir) throws IOException {
    Path run = dir.resolve("run");
    assertEquals(0, train(with(TINY, "--out", run.toString())).exitCode());
    byte[] weights = Files.readAllBytes(run.resolve("model.safetensors"));
    Files.writeString(run.resolve("notes.txt"), "mine");

    CnnTest.Run again = train(with(TINY, "--out", run.toString(), "--seed", "5"));
    assertRefused(again, "--out " + run, "holds a run already", "--resume", "--overwrite");
    assertArrayEquals(weights, Files.readAllBytes(run.resolve("model.safetensors")), "the refused run wrote");

    CnnTest.Run replaced = train(with(TINY, "--out", run.toString(), "--seed", "5", "--overwrite"));
    assertEquals(0, replaced.exitCode(), replaced.err());
    assertFalse(Arrays.equals(weights, Files.readAllBytes(run.resolve("model.safetensors"))), "not replaced");
    assertEquals("mine", Files.readString(run.resolve("notes.txt")), "--overwrite removed a file it did not write");
  }

  @Test
  void badOutDirectoriesAreNamed(@TempDir Path dir) throws IOException {
    assertRefused(train(with(TINY, "--out", "")), "--out ''");
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    assertRefused(train(with(TINY, "--out", file.toString())), "--out " + file, "is an existing file");
    assertRefused(train(with(TINY, "--out", file.resolve("run").toString())), file + " is a file");
    if (Files.isDirectory(Path.of("/proc/self"))) {
      assertRefused(train(with(TINY, "--out", "/proc/x")), "--out /proc/x", "cannot create a directory in /proc");
    }
    assertRefused(train(with(TINY, "--out", dir.resolve("r").toString(), "--resume", dir.resolve("s").toString())),
        "name different directories");
  }

  @Test
  void runsStartedInTheSameSecondGetDifferentDirectories(@TempDir Path dir) throws IOException {
    Path base = dir.resolve("runs").resolve("shapes-fashionnet-20261203-101010");
    Path first = RunDirectory.claim(base, true, false, Map.of("seed", 1));
    Path second = RunDirectory.claim(base, true, false, Map.of("seed", 2));
    assertEquals(base, first);
    assertEquals(base.resolveSibling(base.getFileName() + "-2"), second);
    assertTrue(Files.readString(second.resolve(RunDirectory.OPTIONS)).contains("\"seed\" : 2"));
    // An explicit --out claimed by another run a moment ago is refused, not shared.
    assertThrows(IllegalArgumentException.class, () -> RunDirectory.claim(first, false, false, Map.of()));
  }

  @Test
  void resumeRestoresTheSavedOptionsAndRefusesAChangedOne(@TempDir Path dir) throws IOException {
    Path straight = dir.resolve("straight"), run = dir.resolve("run");
    String[] options = {"--limit", "160,80", "--threads", "2", "--lr", "0.002", "--augment", "hflip", "--seed", "9"};
    assertEquals(0, train(with(options, "--epochs", "2", "--out", straight.toString())).exitCode());
    assertEquals(0, train(with(options, "--epochs", "1", "--out", run.toString())).exitCode());

    // Only --resume and the longer --epochs: the rest comes from run.json; the result is the uninterrupted run's.
    CnnTest.Run resumed = train("--resume", run.toString(), "--epochs", "2");
    assertEquals(0, resumed.exitCode(), resumed.err());
    assertTrue(resumed.out().contains("resuming " + run + " after epoch 1 of 2"), resumed.out());
    assertArrayEquals(Files.readAllBytes(straight.resolve("model.safetensors")),
        Files.readAllBytes(run.resolve("model.safetensors")), "weights differ from the uninterrupted run's");
    JsonNode config = new ObjectMapper().readTree(run.resolve("metrics.json").toFile()).get("config");
    assertEquals(0.002, config.get("lr").asDouble());
    assertEquals("hflip", config.get("augment").asText());
    assertEquals(2, config.get("epochs").asInt());

    assertRefused(train("--resume", run.toString(), "--epochs", "3", "--lr", "0.01"),
        "the run was started with --lr 0.002, not 0.01", "only --epochs and --threads");
    assertRefused(train("--resume", run.toString()), "the run is finished", "--epochs N with N > 2");
    assertRefused(train("--resume", run.toString(), "--epochs", "1"), "fewer than the 2 epochs");

    CnnTest.Run extended = train("--resume", run.toString(), "--epochs", "3");
    assertEquals(0, extended.exitCode(), extended.err());
    assertEquals(4, Files.readAllLines(run.resolve("history.csv")).size(), "header and three epochs");
    assertRefused(train("--resume", dir.resolve("nothing").toString()), "no such directory");
  }

  @Test
  void aRunKilledBeforeItsFirstCheckpointResumesFromTheStart(@TempDir Path dir) throws IOException {
    Path whole = dir.resolve("whole"), killed = dir.resolve("killed");
    assertEquals(0, train(with(TINY, "--out", whole.toString())).exitCode());
    // What a kill during epoch 1 leaves: run.json, and a temporary file of an interrupted write.
    assertEquals(0, train(with(TINY, "--out", killed.toString())).exitCode());
    for (String f : RunDirectory.OUTPUTS) {
      if (f.equals(RunDirectory.OPTIONS)) continue;
      Path p = killed.resolve(f);
      if (Files.isDirectory(p)) dev.cnn.tensor.io.AtomicFiles.deleteTree(p); else Files.deleteIfExists(p);
    }
    Path orphan = Files.writeString(killed.resolve(".history.csv.0123456789abcdef.tmp"), "half a line");
    assertTrue(dev.cnn.tensor.io.AtomicFiles.isTemporaryName(orphan.getFileName().toString()));

    CnnTest.Run resumed = train("--resume", killed.toString());
    assertEquals(0, resumed.exitCode(), resumed.err());
    assertTrue(resumed.out().contains("starting it from epoch 1"), resumed.out());
    assertFalse(Files.exists(orphan), "the orphaned temporary file is still there");
    assertArrayEquals(Files.readAllBytes(whole.resolve("model.safetensors")),
        Files.readAllBytes(killed.resolve("model.safetensors")));
    // History has the mode of the other outputs.
    assertEquals(Files.getPosixFilePermissions(killed.resolve("metrics.json")),
        Files.getPosixFilePermissions(killed.resolve("history.csv")));
  }

  // ---- inputs caught before the first step ---------------------------------------------------------

  @Test
  void optionsThatWouldBeIgnoredOrCannotWorkAreRefusedByName(@TempDir Path dir) {
    String out = dir.resolve("r").toString();
    assertRefused(train("--momentum", "0.9", "--out", out), "--momentum 0.9", "--optimizer adam");
    assertRefused(train("--monitor", "val_accuracy", "--out", out), "--monitor val_accuracy", "--early-stopping");
    assertRefused(train("--early-stopping", "2", "--monitor", "val_loss", "--val-split", "0", "--out", out),
        "needs validation data");
    assertRefused(train("--dataset", "idx:" + dir, "--image-size", "32", "--out", out), "--image-size 32",
        "not resized");
    assertRefused(train("--image-size", "4", "--out", out), "--image-size 4", "8 to 463");
    assertRefused(train("--dataset", "folder:" + dir, "--image-size", "40000", "--out", out), "--image-size 40000",
        "at most 26754");
    int max = 4 * Runtime.getRuntime().availableProcessors();
    assertRefused(train("--threads", "10000", "--out", out), "--threads 10000", "expected 1 to " + max);
    assertRefused(CnnTest.run("evaluate", "--model", out, "--threads", "10000"), "--threads 10000", "expected 1 to " + max);
    assertRefused(train("--limit", "5", "--out", out), "--limit 5", "8 classes", "--limit 8 or more");
    assertRefused(train("--limit", "0", "--out", out), "--limit 0");
    assertFalse(Files.exists(Path.of(out)), "a refused run left its directory behind");
  }

  @Test
  void emptySplitsAndEmptyClassesAreCaught(@TempDir Path dir) {
    String out = dir.resolve("r").toString();
    assertRefused(train(with(TINY, "--val-split", "0.0001", "--out", out)), "--val-split 0.0001",
        "holds out no validation images");
    assertRefused(train(with(TINY, "--subsample", "circle=0", "--out", out)), "1 of the 8 classes have no training"
        + " images", "'circle' (label 0)", "--subsample circle=0");
    assertFalse(Files.exists(Path.of(out)));
  }

  @Test
  void idxLabelsWithAStrayValueLeaveEmptyClasses(@TempDir Path dir) throws IOException {
    Path idx = Files.createDirectories(dir.resolve("idx"));
    int[] labels = {0, 1, 0, 1, 0, 1, 0, 255};
    writeIdx(idx.resolve("train-images-idx3-ubyte"), 0x803, new int[] {8, 28, 28}, new byte[8 * 28 * 28]);
    writeIdx(idx.resolve("train-labels-idx1-ubyte"), 0x801, new int[] {8}, bytes(labels));
    writeIdx(idx.resolve("t10k-images-idx3-ubyte"), 0x803, new int[] {2, 28, 28}, new byte[2 * 28 * 28]);
    writeIdx(idx.resolve("t10k-labels-idx1-ubyte"), 0x801, new int[] {2}, bytes(new int[] {0, 1}));
    assertRefused(train("--dataset", "idx:" + idx, "--epochs", "1", "--out", dir.resolve("r").toString()),
        "253 of the 256 classes have no training images", "'2' (label 2)", "a stray label such as 255");
  }

  @Test
  void foldersAreCheckedAndUsedAsLaidOut(@TempDir Path dir) throws IOException {
    // Two images per class: a 20% test split is empty.
    Path small = dir.resolve("small");
    for (String c : List.of("a", "b")) for (int i = 0; i < 2; i++) png(small.resolve(c).resolve(i + ".png"), 28, i);
    assertRefused(train("--dataset", "folder:" + small, "--epochs", "1", "--out", dir.resolve("r1").toString()),
        "the test split is empty", "train/CLASS");
    // One class only.
    Path one = dir.resolve("one");
    for (int i = 0; i < 6; i++) png(one.resolve("only").resolve(i + ".png"), 28, i);
    assertRefused(train("--dataset", "folder:" + one, "--epochs", "1", "--out", dir.resolve("r2").toString()),
        "has one class ('only')");

    // train/ and test/ folders are the two splits; evaluate scores every test image.
    Path laid = dir.resolve("laid");
    for (String c : List.of("a", "b", "c")) {
      for (int i = 0; i < 8; i++) png(laid.resolve("train").resolve(c).resolve(i + ".png"), 28, i);
      for (int i = 0; i < 5; i++) png(laid.resolve("test").resolve(c).resolve(i + ".png"), 28, i);
    }
    Path run = dir.resolve("folder-run");
    CnnTest.Run trained = train("--dataset", "folder:" + laid, "--epochs", "1", "--out", run.toString());
    assertEquals(0, trained.exitCode(), trained.err());
    CnnTest.Run eval = CnnTest.run("evaluate", "--model", run.toString(), "--dataset", "folder:" + laid);
    assertEquals(0, eval.exitCode(), eval.err());
    assertTrue(eval.out().contains("folder:" + laid + ": 15 images"), eval.out());
    // A plain folder given to evaluate is scored whole, not split.
    CnnTest.Run whole = CnnTest.run("evaluate", "--model", run.toString(), "--dataset",
        "folder:" + laid.resolve("train"), "--out", dir.resolve("e.json").toString());
    assertEquals(0, whole.exitCode(), whole.err());
    assertTrue(whole.out().contains(": 24 images"), whole.out());

    // Test images of another size than the training images.
    Path mixed = dir.resolve("mixed");
    for (String c : List.of("a", "b")) {
      for (int i = 0; i < 4; i++) png(mixed.resolve("train").resolve(c).resolve(i + ".png"), 28, i);
      for (int i = 0; i < 2; i++) png(mixed.resolve("test").resolve(c).resolve(i + ".png"), 32, i);
    }
    CnnTest.Run r = train("--dataset", "folder:" + mixed, "--epochs", "1", "--out", dir.resolve("r3").toString());
    assertEquals(1, r.exitCode(), r.err());
    assertTrue(r.err().contains("28") && r.err().contains("32") && r.err().contains("--image-size"), r.err());
  }

  @Test
  void anArchitectureFileMustPredictTheDatasetsClasses(@TempDir Path dir) throws IOException {
    for (int classes : new int[] {5, 12}) {
      Path weights = dir.resolve("m" + classes).resolve("model.safetensors");
      Files.createDirectories(weights.getParent());
      ModelFiles.save(Architectures.byName("lenet5", new int[] {1, 28, 28}, classes, 1), weights);
      Path arch = ModelFiles.architectureFile(weights);
      assertRefused(train(with(TINY, "--model", arch.toString(), "--out", dir.resolve("r" + classes).toString())),
          "outputs " + classes + " class scores but shapes has 8 classes", "the last layer must have 8 outputs");
    }
  }

  @Test
  void aBatchThatCannotFitTheHeapIsRefusedWithASizeThatFits() {
    TrainingRun.Config c = PresetTest.config("--batch-size", "100000");
    var model = Architectures.byName("fashionnet", new int[] {1, 28, 28}, 8, 1);
    long perImage = RunChecks.activationsPerSample(model) * RunChecks.FLOATS_PER_ACTIVATION * 4;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RunChecks.checkMemory(c, model, 100_000, 1000 * perImage));
    assertTrue(e.getMessage().startsWith("--batch-size 100000: a training step of fashionnet"), e.getMessage());
    long fits = (long) ((RunChecks.HEAP_SHARE * 1000 * perImage - model.parameterCount() * 16) / perImage);
    assertTrue(fits > 700 && fits < 800, "0.8 x 1000 images, less the weights: " + fits);
    assertTrue(e.getMessage().contains("use --batch-size " + fits + " or less"), e.getMessage());
    // The loader never makes a batch larger than an epoch: 300 images fit where 100,000 would not.
    RunChecks.checkMemory(c, model, 300, 1000 * perImage);
  }

  // ---- output a person reads -----------------------------------------------------------------------

  @Test
  void oversamplingSaysHowLargeAnEpochIs(@TempDir Path dir) {
    java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
    dev.cnn.tensor.Log.setOutput(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
    CnnTest.Run r;
    try {
      // 40 training images per class, circles cut to 10: oversampled to 8 x 40 = 320 images per epoch.
      r = train("--limit", "320,80", "--epochs", "1", "--subsample", "circle=0.25", "--oversample",
          "--out", dir.resolve("r").toString());
    } finally {
      dev.cnn.tensor.Log.setOutput(System.err);
    }
    assertEquals(0, r.exitCode(), r.err());
    String text = log.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(text.contains("oversampling: 320 images per epoch (8 classes x 40, the largest class), from 290"
        + " distinct training images"), text);
    assertTrue(r.out().contains("1 epochs of 320 images"), r.out());
  }

  // ---- helpers -------------------------------------------------------------------------------------

  private static void png(Path file, int size, int variant) throws IOException {
    Files.createDirectories(file.getParent());
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    int name = file.getParent().getFileName().toString().charAt(0) - 'a';
    g.fillRect(2 + variant % 3, 2 + 6 * name, size / 2, 4 + variant % 2);
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }

  private static byte[] bytes(int[] values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < b.length; i++) b[i] = (byte) values[i];
    return b;
  }

  private static void writeIdx(Path file, int magic, int[] dims, byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(magic);
      for (int d : dims) out.writeInt(d);
      out.write(data);
    }
    Files.write(file, bytes.toByteArray());
  }
}
