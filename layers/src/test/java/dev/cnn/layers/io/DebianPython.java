package dev.cnn.layers.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Python ({@code /usr/bin/python3}; the python on PATH may lack Debian's packages) for the
 * tests that check a file against a real reference tool: PyTorch ({@code python3-torch}) and the
 * ONNX checker ({@code python3-onnx}). .ci/run installs both; without them those tests are skipped
 * and say which package to install.
 */
final class DebianPython {
  static final Path PYTHON = Path.of("/usr/bin/python3");

  private DebianPython() {}

  /** A finished run: its exit code and its stdout and stderr together. */
  record Result(int exitCode, String output) {}

  static Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(PYTHON.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  /** Skips the test, naming the Debian package, unless Python can import {@code module}. */
  static void assumeModule(String module, String debianPackage) throws IOException, InterruptedException {
    boolean ok = Files.isExecutable(PYTHON) && run("-c", "import " + module).exitCode() == 0;
    Assumptions.assumeTrue(ok, "skipped: needs " + PYTHON + " with the module '" + module + "' (apt-get install "
        + debianPackage + ")");
  }
}
