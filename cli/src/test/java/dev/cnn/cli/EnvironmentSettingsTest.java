package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settings read from the environment (CNN_KERNELS, CNN_LOG, CNN_THREADS, or their -D properties)
 * are checked before a command does anything: a bad kernel choice is one clean error before a run
 * claims its directory, a bad log level or thread count one warning each. Each case runs the
 * command line in a JVM of its own, since these settings are read once per JVM.
 */
class EnvironmentSettingsTest {
  record Result(int exitCode, String output) {}

  private static Result cnn(List<String> properties, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector"));
    command.addAll(properties);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Cnn.class.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "cnn did not end");
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  @Test
  void aBogusKernelChoiceStopsTheCommandBeforeItStarts(@TempDir Path dir) throws Exception {
    Path run = dir.resolve("run");
    Result r = cnn(List.of("-Dcnn.kernels=fast"), "train", "--limit", "160,80", "--epochs", "1", "--out", run.toString());
    assertEquals(1, r.exitCode(), r.output());
    assertTrue(r.output().contains("cnn: error: kernel choice 'fast' (set by -Dcnn.kernels=fast) is not one of auto,"
        + " scalar, vector"), r.output());
    assertFalse(r.output().contains("ExceptionInInitializerError") || r.output().contains("\tat "), r.output());
    assertFalse(Files.exists(run), "the refused run claimed its directory");
  }

  @Test
  void anUnknownLogLevelAndAnUnboundedThreadCountAreWarnedAboutByName() throws Exception {
    Result r = cnn(List.of("-Dcnn.log=loud", "-Dcnn.threads=10000"), "summary", "--model", "lenet5");
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().contains("loud"), "the log level is not named:\n" + r.output());
    assertTrue(r.output().contains("10000"), "the thread count is not named:\n" + r.output());
    assertTrue(r.output().contains("Total params"), r.output());
  }
}
