package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a real {@code cnn train} process, then {@code --resume} with no other
 * option: the resumed run ends with the uninterrupted run's weights, bit for bit, whether the kill
 * came before the first checkpoint or after one.
 */
class KillResumeTest {
  private static final String[] RUN = {"--limit", "800,160", "--epochs", "4", "--seed", "4", "--threads", "2",
      "--augment", "hflip"};

  @Test
  void aKilledRunResumesToTheWeightsOfTheUninterruptedOne(@TempDir Path dir) throws Exception {
    Path straight = dir.resolve("straight");
    assertEquals(0, CnnTest.run(args("--out", straight.toString())).exitCode());
    byte[] expected = Files.readAllBytes(straight.resolve("model.safetensors"));

    // Killed as soon as the run claimed its directory (before the first checkpoint, or just after).
    Path early = dir.resolve("early");
    killWhen(early, d -> Files.exists(d.resolve(RunDirectory.OPTIONS)));
    resumeAndCompare(early, expected);

    // Killed after the first epoch's checkpoint and history were written.
    Path late = dir.resolve("late");
    killWhen(late, d -> lines(d.resolve("history.csv")) >= 2);
    resumeAndCompare(late, expected);
  }

  private static void resumeAndCompare(Path run, byte[] expected) throws IOException {
    CnnTest.Run resumed = CnnTest.run("train", "--resume", run.toString());
    assertEquals(0, resumed.exitCode(), resumed.out() + resumed.err());
    assertArrayEquals(expected, Files.readAllBytes(run.resolve("model.safetensors")), "weights differ after " + run);
    assertEquals(5, lines(run.resolve("history.csv")), "header and four epochs");
  }

  /** Starts {@code cnn train --out run} in a new JVM and SIGKILLs it once {@code ready} holds. */
  private static void killWhen(Path run, Predicate<Path> ready) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Cnn.class.getName()));
    command.addAll(List.of(args("--out", run.toString())));
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!ready.test(run) && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
    p.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the killed process did not end");
    assertTrue(Files.exists(run.resolve(RunDirectory.OPTIONS)), "the run never started: " + run);
  }

  private static String[] args(String... more) {
    List<String> a = new ArrayList<>(List.of("train"));
    a.addAll(List.of(RUN));
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }

  private static int lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    } catch (IOException e) {
      return 0; // being replaced this instant
    }
  }
}
