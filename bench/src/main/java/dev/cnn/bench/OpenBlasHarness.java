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
   * Starts timing C = A * B (row-major, m x k times k x n) with OpenBLAS on {@code threads}
   * threads: the program warms up, then takes one measurement of about {@code seconds} each time
   * {@link Session#measure()} asks, so the caller can interleave them with its own. The
   * subprocess gets OPENBLAS_NUM_THREADS=threads and runs without OPENBLAS_CORETYPE and
   * OPENBLAS_L2_SIZE, so that OpenBLAS picks its own kernel for this processor.
   *
   * @throws IllegalStateException if the program cannot be started or does not get ready
   */
  public Session start(int m, int n, int k, int threads, double seconds) {
    List<String> command = List.of(binary.toString(), Integer.toString(m), Integer.toString(n),
        Integer.toString(k), Integer.toString(threads), Double.toString(seconds), "-");
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    env.put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
    env.remove("OPENBLAS_CORETYPE");
    env.remove("OPENBLAS_L2_SIZE");
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    try {
      Session session = new Session(pb.start());
      session.expect("ready");
      Session.letIdleThreadsSleep(); // its warm-up has just ended
      return session;
    } catch (IOException e) {
      throw new IllegalStateException("could not run " + binary + ": " + e.getMessage(), e);
    }
  }

  /** A running {@code sgemm_bench} that measures on request. */
  public final class Session implements AutoCloseable {
    /** Longer than OpenBLAS's busy-wait after a call (see {@link #letIdleThreadsSleep}). */
    static final long IDLE_THREADS_MILLIS = 300;

    private final Process process;
    private final BufferedReader out;
    private final OutputStream in;

    private Session(Process process) {
      this.process = process;
      this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      this.in = process.getOutputStream();
    }

    /** One measurement, in GFLOP/s. */
    public double measure() {
      try {
        in.write('\n');
        in.flush();
        String line = expect("gflops ");
        double gflops = Double.parseDouble(line.substring("gflops ".length()).trim());
        letIdleThreadsSleep();
        return gflops;
      } catch (IOException e) {
        throw new IllegalStateException(binary + " stopped answering: " + e.getMessage(), e);
      } catch (NumberFormatException e) {
        throw new IllegalStateException(binary + " printed a malformed measurement: " + e.getMessage(), e);
      }
    }

    /**
     * Waits until OpenBLAS's worker threads have gone to sleep. After a call they busy-wait for
     * 2^28 cycles (its THREAD_TIMEOUT, about 0.1 s) for the next one, and on a 2-core machine that
     * took a core from the engine's measurement that follows: the engine's 2-thread 1024^3 figure
     * rose from 213-221 to 236-249 GFLOP/s with OPENBLAS_THREAD_TIMEOUT=4. Pausing here, rather
     * than changing OpenBLAS's setting, leaves OpenBLAS's own figure as it is.
     */
    private static void letIdleThreadsSleep() {
      try {
        Thread.sleep(IDLE_THREADS_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** Reads lines until one starts with {@code prefix} (others go to the debug log). */
    private String expect(String prefix) throws IOException {
      for (String line; (line = out.readLine()) != null; ) {
        String t = line.trim();
        if (t.startsWith(prefix)) return t;
        if (!t.isEmpty()) Log.debug("sgemm_bench: " + t);
      }
      int rc = waitFor(process);
      throw new IllegalStateException(binary + " ended (exit code " + rc + ") before printing '"
          + prefix.trim() + "'");
    }

    @Override
    public void close() {
      try {
        in.close();
      } catch (IOException ignored) {
        // the process is ending anyway
      }
      int rc = waitFor(process);
      if (rc != 0) Log.warn(binary + " exited with " + rc);
    }
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
