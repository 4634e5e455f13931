package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.layers.Dense;
import dev.cnn.layers.Flatten;
import dev.cnn.layers.Sequential;
import dev.cnn.layers.io.ModelFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cnn summary}: built-in architectures sized by flags, trained runs as saved, and bad flags. */
class SummaryCommandTest {
  @TempDir static Path tmp;
  static Path run;

  @BeforeAll
  static void saveAModel() throws IOException {
    run = Files.createDirectories(tmp.resolve("run"));
    Sequential m = Sequential.builder(1, 8, 8).add(new Flatten()).add(Dense.of(64, 3)).build(7);
    ModelFiles.save(m, run.resolve(ModelDir.WEIGHTS));
    ModelDir.saveClassNames(run, List.of("a", "b", "c"));
  }

  /** A usage error (exit 2) whose message holds every fragment, without a stack trace. */
  private static CnnTest.Run refused(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "summary";
    System.arraycopy(args, 0, all, 1, args.length);
    CnnTest.Run r = CnnTest.run(all);
    assertEquals(2, r.exitCode(), r.out() + r.err());
    assertEquals("", r.out());
    assertTrue(r.err().startsWith("cnn summary: "), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
    return r;
  }

  private static void assertHas(CnnTest.Run r, String fragment) {
    assertTrue(r.err().contains(fragment), "'" + fragment + "' missing from:\n" + r.err());
  }

  @Test
  void aBuiltInArchitectureIsSizedByTheFlags() {
    CnnTest.Run r = CnnTest.run("summary", "--model", "fashionnet", "--input-shape", "3,32,32", "--classes", "7");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("input [N, 3, 32, 32]") && r.out().contains("[N, 7]"), r.out());
  }

  @Test
  void aTrainedRunIsShownAsSaved() {
    CnnTest.Run r = CnnTest.run("summary", "--model", run.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("input [N, 1, 8, 8]") && r.out().contains("[N, 3]"), r.out());
  }

  @Test
  void sizingFlagsWithATrainedRunAreRefused() {
    CnnTest.Run r = refused("--model", run.toString(), "--classes", "5");
    assertHas(r, "--classes cannot be used with a trained run (--model " + run + ")");
    assertHas(r, "the run's model has its own input shape and classes");
    r = refused("--model", run.toString(), "--input-shape", "1,28,28", "--classes", "10");
    assertHas(r, "--input-shape and --classes cannot be used with a trained run");
    // even the defaults, given explicitly, would be ignored
    r = refused("--model", run.toString(), "--input-shape", "1,28,28");
    assertHas(r, "--input-shape cannot be used");
  }

  @Test
  void classesOutOfRangeNameTheFlagAndTheRange() {
    for (String n : new String[] {"2000000000", "0", "-4", "100001"}) {
      CnnTest.Run r = refused("--model", "fashionnet", "--classes=" + n);
      assertHas(r, "--classes " + n + " is out of range; expected 1 to 100000");
      assertFalse(r.err().contains("batch"), r.err());
    }
  }

  @Test
  void inputShapeIsThreePositiveValuesThatAnArrayHolds() {
    assertHas(refused("--model", "lenet5", "--input-shape", "1,28"), "--input-shape 1,28 has 2 values; expected 3, C,H,W");
    assertHas(refused("--model", "lenet5", "--input-shape", "1,28,28,1"), "has 4 values");
    assertHas(refused("--model", "lenet5", "--input-shape", "0,28,28"), "--input-shape 0,28,28 has a value below 1");
    assertHas(refused("--model", "lenet5", "--input-shape", "1,-28,28"), "has a value below 1");
    assertHas(refused("--model", "vgg-small", "--input-shape", "3000,3000,3000"),
        "--input-shape 3000,3000,3000 is 27000000000 values per image; expected at most 2147483647");
  }

  @Test
  void anImageTooSmallForTheArchitectureNamesTheFlag() {
    CnnTest.Run r = refused("--model", "fashionnet", "--input-shape", "1,2,2");
    assertHas(r, "--input-shape 1,2,2 with --classes 10: fashionnet: input shape [1, 2, 2] is too small");
  }

  @Test
  void anUnknownModelNamesTheFlagAndTheChoices() {
    CnnTest.Run r = refused("--model", "resnet");
    assertHas(r, "--model resnet: not a directory and not a built-in architecture; expected one of fashionnet,"
        + " lenet5, vgg-small");
  }
}
