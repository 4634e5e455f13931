package dev.cnn.bench;

import dev.cnn.tensor.Log;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The OpenBLAS SGEMM timing program {@code bench/openblas/sgemm_bench}, run as a subprocess so
 * that the engine and OpenBLAS are measured on the same machine in the same run.
 *
 * <p>The program is built by {@code bench/openblas/build.sh} (which installs
 * {@code libopenblas-dev} when it is missing). This class finds the repository through the system
 * property {@code cnn.root} (set by the {@code ./cnn} launcher), else by walking up from the
 * working directory, and runs the build script when the binary is missing or older than its
 * source. Everything the script and the program print besides the measurements goes to standard
 * error, so that {@code --json} output stays clean.
 */
public final class OpenBlasHarness {
  /** System property naming the repository root. */
  public static final String ROOT_PROPERTY = "cnn.root";

  private static final String SOURCE = "bench/openblas/sgemm_bench.c";
  private static final String SCRIPT = "bench/openblas/build.sh";
  private static final String BINARY = "bench/openblas/build/sgemm_bench";

  private final Path binary;

  private OpenBlasHarness(Path binary) {
    this.binary = binary;
  }

  /**
   * Finds the harness, building it if needed.
   *
   * @throws IllegalStateException with the reason and the fix if it cannot be found or built
   */
  public static OpenBlasHarness locate() {
    Path root = findRoot();
    Path source = root.resolve(SOURCE);
    Path script = root.resolve(SCRIPT);
    Path binary = root.resolve(BINARY);
    if (!isFresh(binary, source, script)) {
      Log.info("building the OpenBLAS harness: " + script);
      int rc = runScript(script);
      if (rc != 0 || !Files.isExecutable(binary)) {
        throw new IllegalStateException("could not build the OpenBLAS harness (" + script
            + " exited with " + rc + "); it needs gcc and libopenblas-dev"
            + " (apt-get install gcc libopenblas-dev)");
      }
    }
    return new OpenBlasHarness(binary);
  }

  /** The executable. */
  public Path binary() {
    return binary;
  }

  /**
   * Times C = A * B (row-major, m x k times k x n) with OpenBLAS on {@code threads} threads.
   * The subprocess gets OPENBLAS_NUM_THREADS=threads and runs without OPENBLAS_CORETYPE and
   * OPENBLAS_L2_SIZE, so that OpenBLAS picks its own kernel for this processor.
   *
   * @return the GFLOP/s of each measurement
   * @throws IllegalStateException if the program fails or prints no measurement
   */
  public double[] measure(int m, int n, int k, int threads, double seconds, int measurements) {
    List<String> command = List.of(binary.toString(), Integer.toString(m), Integer.toString(n),
        Integer.toString(k), Integer.toString(threads), Double.toString(seconds),
        Integer.toString(measurements));
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    env.put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
    env.remove("OPENBLAS_CORETYPE");
    env.remove("OPENBLAS_L2_SIZE");
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    List<Double> values = new ArrayList<>();
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          String t = line.trim();
          if (t.startsWith("gflops ")) {
            values.add(Double.parseDouble(t.substring("gflops ".length()).trim()));
          } else if (!t.isEmpty()) {
            Log.debug("sgemm_bench: " + t);
          }
        }
      }
      int rc = waitFor(p);
      if (rc != 0) {
        throw new IllegalStateException(binary + " exited with " + rc);
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not run " + binary + ": " + e.getMessage(), e);
    } catch (NumberFormatException e) {
      throw new IllegalStateException(binary + " printed a malformed measurement: " + e.getMessage(), e);
    }
    if (values.isEmpty()) {
      throw new IllegalStateException(binary + " printed no measurement");
    }
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static boolean isFresh(Path binary, Path source, Path script) {
    try {
      if (!Files.isExecutable(binary)) return false;
      var built = Files.getLastModifiedTime(binary);
      return Files.getLastModifiedTime(source).compareTo(built) <= 0
          && (!Files.exists(script) || Files.getLastModifiedTime(script).compareTo(built) <= 0);
    } catch (IOException e) {
      return false;
    }
  }

  private static Path findRoot() {
    String property = System.getProperty(ROOT_PROPERTY);
    if (property != null && !property.isBlank()) {
      Path root = Path.of(property).toAbsolutePath().normalize();
      if (Files.exists(root.resolve(SOURCE))) return root;
      throw new IllegalStateException("-D" + ROOT_PROPERTY + "=" + property + " does not contain "
          + SOURCE + "; point it at the repository root");
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve(SOURCE))) return dir;
    }
    throw new IllegalStateException("cannot find " + SOURCE + " above the working directory "
        + Path.of("").toAbsolutePath() + "; run from the repository, use the ./cnn launcher, or set -D"
        + ROOT_PROPERTY + "=<repository root>");
  }

  /** Runs the build script with both of its output streams copied to our standard error. */
  private static int runScript(Path script) {
    ProcessBuilder pb = new ProcessBuilder("bash", script.toString());
    pb.redirectErrorStream(true);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      copy(p.getInputStream(), System.err);
      return waitFor(p);
    } catch (IOException e) {
      Log.warn("could not run " + script + ": " + e.getMessage());
      return -1;
    }
  }

  private static void copy(InputStream in, OutputStream out) {
    try (in) {
      in.transferTo(out);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int waitFor(Process p) {
    try {
      if (!p.waitFor(30, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
