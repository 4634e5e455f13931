package dev.cnn.bench.jmh;

import dev.cnn.tensor.Gemm;
import dev.cnn.tensor.Gemm.Transpose;
import dev.cnn.tensor.KernelMode;
import dev.cnn.tensor.Kernels;
import dev.cnn.tensor.Parallel;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Times {@link Gemm#gemm} on the Vector API kernels, for square sizes and the FashionNet shapes
 * listed in {@link GemmShape}. {@link GemmScalarBenchmark} runs the same cases on the scalar
 * reference kernels.
 *
 * <p><b>Reading the numbers.</b> The mode is throughput in operations per nanosecond. Besides the
 * primary score (GEMM calls per ns, tiny numbers), JMH prints the secondary counter
 * {@code flops}: floating-point operations (2*m*n*k per call) per nanosecond, which is exactly
 * <b>GFLOP/s</b>. To convert the primary score yourself: GFLOP/s = score * 2*m*n*k.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar Gemm}
 * (every fork gets {@code --add-modules=jdk.incubator.vector} from {@link Fork#jvmArgsAppend}).
 * Narrow it with e.g. {@code -p shape=256,conv2_fwd -p threads=2}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseG1GC"})
public class GemmBenchmark {
  /** A square size (m = n = k) or a FashionNet shape name from {@link GemmShape}. */
  @Param({"64", "128", "256", "512", "1024",
      "conv1_fwd", "conv2_fwd", "conv2_wgrad", "dense1_fwd", "dense1_wgrad", "dense2_fwd"})
  public String shape;

  /** Size of the engine's thread pool ({@link Parallel#setThreads}). */
  @Param({"1"})
  public int threads;

  private int m;
  private int n;
  private int k;
  private Transpose transA;
  private Transpose transB;
  private float[] a;
  private float[] b;
  private float[] c;
  private long flopsPerCall;

  /** The kernels this class is meant to time; a fork whose flags did not take effect fails. */
  protected KernelMode expectedMode() {
    return KernelMode.VECTOR;
  }

  @Setup(Level.Trial)
  public void setUp() {
    if (Kernels.mode() != expectedMode()) {
      throw new IllegalStateException("expected " + expectedMode() + " kernels but "
          + Kernels.describe());
    }
    Parallel.setThreads(threads);
    int[] s = GemmShape.parse(shape);
    m = s[0];
    n = s[1];
    k = s[2];
    transA = s[3] == 1 ? Transpose.YES : Transpose.NO;
    transB = s[4] == 1 ? Transpose.YES : Transpose.NO;
    SplittableRandom rng = new SplittableRandom(42);
    a = random(rng, m * k);
    b = random(rng, k * n);
    c = new float[m * n];
    flopsPerCall = 2L * m * n * k;
  }

  private static float[] random(SplittableRandom rng, int size) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
    return x;
  }

  /** Floating-point operations done, reported per ns (= GFLOP/s) next to the primary score. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Flops {
    /** 2*m*n*k per GEMM call; JMH divides by time, so flops/ns reads as GFLOP/s. */
    public long flops;

    @Setup(Level.Iteration)
    public void reset() {
      flops = 0;
    }
  }

  @Benchmark
  public float[] gemm(Flops counter) {
    Gemm.gemm(transA, transB, m, n, k, a, b, c);
    counter.flops += flopsPerCall;
    return c;
  }
}
