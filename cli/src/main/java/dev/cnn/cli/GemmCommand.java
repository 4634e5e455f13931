package dev.cnn.cli;

import dev.cnn.bench.GemmBench;
import dev.cnn.tensor.Log;
import dev.cnn.tensor.Parallel;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code cnn bench gemm}: the engine's GEMM against OpenBLAS SGEMM ({@link GemmBench}). */
@Command(
    name = "gemm",
    mixinStandardHelpOptions = true,
    description = {
        "Time C = A * B (float32, row-major) with this engine and with OpenBLAS on the same shape"
            + " and thread count, and report both medians in GFLOP/s and their ratio"
            + " (engine / OpenBLAS).",
        "The OpenBLAS side runs bench/openblas/build/sgemm_bench, built by"
            + " bench/openblas/build.sh (gcc, libopenblas-dev).",
        "No dataset is read: A and B hold seeded uniform values in [-1, 1)."})
final class GemmCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--size", paramLabel = "N", defaultValue = "1024",
      description = "Square size m = n = k (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--m", paramLabel = "M", description = "Rows of C (default: --size).")
  Integer m;

  @Option(names = "--n", paramLabel = "N", description = "Columns of C (default: --size).")
  Integer n;

  @Option(names = "--k", paramLabel = "K", description = "Inner dimension (default: --size).")
  Integer k;

  @Option(names = "--threads", paramLabel = "T",
      description = "Threads for both sides (default: the engine's pool size, from"
          + " -Dcnn.threads, CNN_THREADS or the number of processors).")
  Integer threads;

  @Option(names = "--seconds", paramLabel = "S",
      defaultValue = "" + GemmBench.Config.DEFAULT_SECONDS,
      description = "Minimum length of one timed measurement (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--measurements", paramLabel = "R",
      defaultValue = "" + GemmBench.Config.DEFAULT_MEASUREMENTS,
      description = "Timed measurements per side; the median is reported"
          + " (default: ${DEFAULT-VALUE}).")
  int measurements;

  @Option(names = "--warmup", paramLabel = "S",
      defaultValue = "" + GemmBench.Config.DEFAULT_WARMUP_SECONDS,
      description = "Seconds the engine runs before measuring, for the JIT"
          + " (default: ${DEFAULT-VALUE}).")
  double warmup;

  @Option(names = "--json",
      description = "Print one JSON object on standard output instead of the table.")
  boolean json;

  @Option(names = "--no-openblas", description = "Measure the engine only.")
  boolean noOpenblas;

  @Override
  public Integer call() {
    positive("--size", size);
    if (m != null) positive("--m", m);
    if (n != null) positive("--n", n);
    if (k != null) positive("--k", k);
    if (threads != null) positive("--threads", threads);
    if (threads != null && threads > Parallel.maxThreads()) {
      throw bad("--threads must be at most " + Parallel.maxThreads() + " (4 x the processors), got " + threads);
    }
    positive("--measurements", measurements);
    if (!(seconds > 0) || Double.isInfinite(seconds)) {
      throw bad("--seconds must be a number > 0, got " + seconds);
    }
    if (!(warmup >= 0) || Double.isInfinite(warmup)) {
      throw bad("--warmup must be a number >= 0, got " + warmup);
    }
    GemmBench.Config config;
    try {
      config = new GemmBench.Config(m != null ? m : size, n != null ? n : size,
          k != null ? k : size, threads != null ? threads : Parallel.threads(), seconds,
          measurements, warmup, !noOpenblas);
    } catch (IllegalArgumentException e) {
      throw bad(e.getMessage());
    }
    Log.info(String.format(java.util.Locale.ROOT,
        "gemm %dx%dx%d, %d thread(s): %.1f s of warm-up, then %d measurements of %.2f s%s",
        config.m(), config.n(), config.k(), config.threads(), config.warmupSeconds(),
        config.measurements(), config.seconds(),
        config.openblas() ? " each for the engine and OpenBLAS, in turn" : ""));
    GemmBench.Result result = GemmBench.run(config);
    PrintWriter out = spec.commandLine().getOut();
    out.println(json ? result.toJson() : result.toTable());
    out.flush();
    return 0;
  }

  private void positive(String flag, int value) {
    if (value < 1) throw bad(flag + " must be >= 1, got " + value);
  }

  private ParameterException bad(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
