package dev.cnn.bench;

import dev.cnn.tensor.Gemm;
import dev.cnn.tensor.Gemm.Transpose;
import dev.cnn.tensor.Kernels;
import dev.cnn.tensor.Log;
import dev.cnn.tensor.Parallel;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.StringJoiner;

/**
 * Side-by-side GEMM throughput: this engine's {@link Gemm#gemm} against OpenBLAS SGEMM on the same
 * shape, the same number of threads, on the same machine, in one run, reported as a ratio
 * (absolute numbers drift from machine to machine and run to run; the ratio drifts much less).
 *
 * <p>Both sides compute C = A * B on row-major float32 matrices (A: m x k, B: k x n) filled with
 * uniform values in [-1, 1). Each side warms up, then takes {@code measurements} timed
 * measurements of at least {@code seconds} each; the reported GFLOP/s (2*m*n*k per call) is the
 * median of the measurements. The engine runs first, in this JVM, with
 * {@link Parallel#setThreads}; OpenBLAS runs afterwards in a subprocess
 * ({@link OpenBlasHarness}), so the two never compete for cores.
 */
public final class GemmBench {
  private GemmBench() {}

  /**
   * What to measure.
   *
   * @param m rows of C
   * @param n columns of C
   * @param k the inner dimension
   * @param threads engine threads, and OPENBLAS_NUM_THREADS for OpenBLAS
   * @param seconds minimum length of one timed measurement
   * @param measurements how many timed measurements (the median is reported)
   * @param warmupSeconds how long, at least, the engine runs before measuring (so that C2 has
   *     compiled the kernels); longer while the rate still climbs, see {@link #warmUp}
   * @param openblas whether to run the OpenBLAS side too
   */
  public record Config(int m, int n, int k, int threads, double seconds, int measurements,
      double warmupSeconds, boolean openblas) {
    /** Defaults: 0.3 s per measurement, 5 measurements, 1.5 s warm-up. */
    public static final double DEFAULT_SECONDS = 0.3;
    public static final int DEFAULT_MEASUREMENTS = 5;
    public static final double DEFAULT_WARMUP_SECONDS = 1.5;

    /** @throws IllegalArgumentException naming the first value out of range */
    public Config {
      positive("m", m);
      positive("n", n);
      positive("k", k);
      positive("threads", threads);
      positive("measurements", measurements);
      if (!(seconds > 0) || Double.isInfinite(seconds)) {
        throw new IllegalArgumentException("seconds is " + seconds + ", expected a number > 0");
      }
      if (!(warmupSeconds >= 0) || Double.isInfinite(warmupSeconds)) {
        throw new IllegalArgumentException(
            "warm-up seconds is " + warmupSeconds + ", expected a number >= 0");
      }
      long elements = Math.max((long) m * k, Math.max((long) k * n, (long) m * n));
      if (elements > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("a " + m + " x " + n + " x " + k
            + " GEMM needs a matrix of " + elements + " floats, more than one Java array holds");
      }
    }

    /** A square problem with the default timings. */
    public static Config square(int size, int threads) {
      return new Config(size, size, size, threads, DEFAULT_SECONDS, DEFAULT_MEASUREMENTS,
          DEFAULT_WARMUP_SECONDS, true);
    }

    private static void positive(String name, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " is " + value + ", expected >= 1");
      }
    }

    /** Floating-point operations in one GEMM call. */
    public double flopsPerCall() {
      return 2.0 * m * n * k;
    }
  }

  /**
   * The outcome.
   *
   * @param openblasSamples null when OpenBLAS was skipped or failed ({@code openblasNote} says why)
   */
  public record Result(Config config, String jdk, String jdkVendor, String kernels,
      double[] samples, double[] openblasSamples, String openblasNote) {
    /** Median engine GFLOP/s. */
    public double gflops() {
      return median(samples);
    }

    /** Median OpenBLAS GFLOP/s, or null when it was not measured. */
    public Double openblasGflops() {
      return openblasSamples == null ? null : median(openblasSamples);
    }

    /** engine / OpenBLAS, or null when OpenBLAS was not measured. */
    public Double ratio() {
      Double o = openblasGflops();
      return o == null || o <= 0 ? null : gflops() / o;
    }

    /** One JSON object, on one line. */
    public String toJson() {
      Config c = config;
      StringJoiner j = new StringJoiner(", ", "{", "}");
      j.add("\"benchmark\": \"gemm\"");
      j.add("\"m\": " + c.m()).add("\"n\": " + c.n()).add("\"k\": " + c.k());
      j.add("\"threads\": " + c.threads());
      j.add("\"jdk\": " + Json.string(jdk));
      j.add("\"jdk_vendor\": " + Json.string(jdkVendor));
      j.add("\"kernels\": " + Json.string(kernels));
      j.add("\"kernel_mode\": " + Json.string(Kernels.mode().name().toLowerCase(Locale.ROOT)));
      j.add("\"seconds_per_measurement\": " + Json.number(c.seconds()));
      j.add("\"warmup_seconds\": " + Json.number(c.warmupSeconds()));
      j.add("\"gflops\": " + Json.number(gflops()));
      j.add("\"samples\": " + Json.numbers(samples));
      j.add("\"openblas_gflops\": " + Json.number(openblasGflops()));
      j.add("\"openblas_samples\": " + Json.numbers(openblasSamples));
      j.add("\"ratio\": " + Json.number(ratio()));
      j.add("\"openblas_note\": " + Json.string(openblasNote));
      return j.toString();
    }

    /** A small table for people. */
    public String toTable() {
      Config c = config;
      String size = c.m() == c.n() && c.n() == c.k() ? Integer.toString(c.m())
          : c.m() + "x" + c.n() + "x" + c.k();
      String[] head = {"size (m=n=k)", "threads", "jdk", "engine GFLOP/s", "OpenBLAS GFLOP/s",
          "ratio"};
      if (!(c.m() == c.n() && c.n() == c.k())) head[0] = "size (mxnxk)";
      Double o = openblasGflops();
      Double r = ratio();
      String[] row = {size, Integer.toString(c.threads()), jdk, fixed(gflops(), 2),
          o == null ? "-" : fixed(o, 2), r == null ? "-" : fixed(r, 3)};
      StringBuilder sb = new StringBuilder();
      StringBuilder line1 = new StringBuilder();
      StringBuilder line2 = new StringBuilder();
      for (int i = 0; i < head.length; i++) {
        int w = Math.max(head[i].length(), row[i].length()) + 2;
        line1.append(pad(head[i], w));
        line2.append(pad(row[i], w));
      }
      sb.append(line1.toString().stripTrailing()).append('\n');
      sb.append(line2.toString().stripTrailing()).append('\n');
      sb.append("kernels: ").append(kernels).append('\n');
      sb.append("engine samples (GFLOP/s): ").append(list(samples)).append('\n');
      if (openblasSamples != null) {
        sb.append("OpenBLAS samples (GFLOP/s): ").append(list(openblasSamples)).append('\n');
      }
      if (openblasNote != null) sb.append("OpenBLAS: ").append(openblasNote).append('\n');
      sb.append("each: median of ").append(c.measurements()).append(" measurements of >= ")
          .append(c.seconds()).append(" s, engine and OpenBLAS in turn; GFLOP/s = 2*m*n*k per call / time");
      return sb.toString();
    }

    private static String pad(String s, int w) {
      return s + " ".repeat(Math.max(0, w - s.length()));
    }

    private static String list(double[] xs) {
      StringJoiner j = new StringJoiner(" ");
      for (double x : xs) j.add(fixed(x, 2));
      return j.toString();
    }

    private static String fixed(double x, int digits) {
      return String.format(Locale.ROOT, "%." + digits + "f", x);
    }
  }

  /**
   * Warms the engine up, then takes {@code config.measurements()} measurements of each side in
   * turn (engine, OpenBLAS, engine, ...), unless {@code config.openblas()} is false. Alternating
   * matters on a shared machine, whose speed drifts over seconds: both sides then see the same
   * conditions, and the ratio of the medians compares like with like.
   */
  public static Result run(Config config) {
    int m = config.m(), n = config.n(), k = config.k();
    SplittableRandom rng = new SplittableRandom(12345);
    float[] a = uniform(rng, m * k);
    float[] b = uniform(rng, k * n);
    float[] c = new float[m * n];
    int previousThreads = Parallel.threads();
    Parallel.setThreads(config.threads());
    try {
      Log.debug("gemm bench: " + m + "x" + n + "x" + k + ", " + config.threads()
          + " thread(s), " + Kernels.describe());
      long window = (long) (config.seconds() * 1e9);
      warmUp(config, a, b, c, window);
      OpenBlasHarness.Session blas = null;
      String note = null;
      if (!config.openblas()) {
        note = "skipped (--no-openblas)";
      } else {
        try {
          blas = OpenBlasHarness.locate().start(m, n, k, config.threads(), config.seconds());
        } catch (RuntimeException e) {
          note = "not measured: " + e.getMessage();
          Log.warn("OpenBLAS " + note);
        }
      }
      double[] samples = new double[config.measurements()];
      double[] openblas = blas == null ? null : new double[config.measurements()];
      try {
        for (int r = 0; r < samples.length; r++) {
          samples[r] = measureOnce(config, a, b, c, window);
          if (blas != null) openblas[r] = blas.measure();
        }
      } catch (RuntimeException e) {
        openblas = null;
        note = "not measured: " + e.getMessage();
        Log.warn("OpenBLAS " + note);
      } finally {
        if (blas != null) blas.close();
      }
      if (!Float.isFinite(c[0])) {
        Log.warn("gemm bench: C[0] is " + c[0] + ", the inputs were finite; check the kernel");
      }
      return new Result(config, System.getProperty("java.version"),
          System.getProperty("java.vendor"), Kernels.describe(), samples, openblas, note);
    } finally {
      Parallel.setThreads(previousThreads);
    }
  }

  /** The engine's GFLOP/s over one window of at least {@code windowNanos}. */
  private static double measureOnce(Config config, float[] a, float[] b, float[] c, long windowNanos) {
    long calls = 0;
    long start = System.nanoTime();
    long elapsed;
    do {
      Gemm.gemm(Transpose.NO, Transpose.NO, config.m(), config.n(), config.k(), a, b, c);
      calls++;
      elapsed = System.nanoTime() - start;
    } while (elapsed < windowNanos);
    return config.flopsPerCall() * calls / elapsed;
  }

  /**
   * Runs GEMM for at least {@code config.warmupSeconds()}, in windows of one measurement's length,
   * and goes on while the JIT is still compiling (the JVM's total compilation time grew during
   * the last window) or the rate still climbs by more than 5% from one window to the next; at
   * most {@code max(3 * warmup, warmup + 5 s)}. C2 compiles the Vector API kernels late, and
   * later still on a busy machine: measuring before it has finished measures the interpreter.
   */
  private static void warmUp(Config config, float[] a, float[] b, float[] c, long windowNanos) {
    if (config.warmupSeconds() == 0) return;
    int m = config.m(), n = config.n(), k = config.k();
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
    long start = System.nanoTime();
    long minEnd = start + (long) (config.warmupSeconds() * 1e9);
    long maxEnd = start + (long) (Math.max(3 * config.warmupSeconds(),
        config.warmupSeconds() + 5) * 1e9);
    double previous = 0;
    long compileMillis = jitTimed ? jit.getTotalCompilationTime() : 0;
    int windows = 0;
    while (true) {
      long calls = 0;
      long t0 = System.nanoTime();
      long elapsed;
      do {
        Gemm.gemm(Transpose.NO, Transpose.NO, m, n, k, a, b, c);
        calls++;
        elapsed = System.nanoTime() - t0;
      } while (elapsed < windowNanos);
      windows++;
      double rate = (double) calls / elapsed;
      long compiled = jitTimed ? jit.getTotalCompilationTime() : compileMillis;
      boolean compiling = compiled - compileMillis > 0;
      boolean climbing = rate > previous * 1.05;
      compileMillis = compiled;
      previous = rate;
      long now = t0 + elapsed;
      Log.debug(String.format(Locale.ROOT,
          "gemm bench: warm-up window %d: %.2f GFLOP/s%s%s", windows,
          config.flopsPerCall() * rate, compiling ? ", JIT compiling" : "",
          climbing ? ", climbing" : ""));
      if (now >= maxEnd || (now >= minEnd && !compiling && !climbing)) break;
    }
    Log.debug(String.format(Locale.ROOT, "gemm bench: warmed up for %.2f s",
        (System.nanoTime() - start) * 1e-9));
  }

  private static float[] uniform(SplittableRandom rng, int size) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
    return x;
  }

  /** The median (the mean of the two middle values for an even count). */
  public static double median(double[] values) {
    if (values.length == 0) throw new IllegalArgumentException("median of no values");
    double[] s = values.clone();
    Arrays.sort(s);
    int h = s.length / 2;
    return s.length % 2 == 1 ? s[h] : (s[h - 1] + s[h]) / 2;
  }
}
