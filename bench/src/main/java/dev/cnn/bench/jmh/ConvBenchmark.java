package dev.cnn.bench.jmh;

import dev.cnn.tensor.Conv2dGeometry;
import dev.cnn.tensor.Conv2dSpec;
import dev.cnn.tensor.Convolution;
import dev.cnn.tensor.KernelMode;
import dev.cnn.tensor.Kernels;
import dev.cnn.tensor.Parallel;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * Times the convolution kernels at the two FashionNet layer shapes, batch 64, 3x3 kernels,
 * padding 1: {@code conv1} is 64x1x28x28 -> 32 channels, {@code conv2} is 64x32x14x14 -> 64
 * channels; forward, input gradient and weight gradient, as one training step runs them.
 *
 * <p>Scores are milliseconds per call (average time). The multiply-adds per call are
 * N*Cout*Hout*Wout*Cin*KH*KW: 14.5 M for conv1 and 115.6 M for conv2 (each pass), so
 * GFLOP/s = 2 * MACs / (score in ms * 1e6).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar Conv}
 * (add {@code -p threads=2} for two threads). The scalar reference is far slower (direct seven
 * loops); time it with {@code -jvmArgsAppend -Dcnn.kernels=scalar -p layer=conv1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseG1GC"})
public class ConvBenchmark {
  /** conv1 (1 -> 32 channels, 28x28) or conv2 (32 -> 64 channels, 14x14), batch 64. */
  @Param({"conv1", "conv2"})
  public String layer;

  /** Size of the engine's thread pool. */
  @Param({"1"})
  public int threads;

  private Conv2dGeometry geometry;
  private float[] x;
  private float[] w;
  private float[] bias;
  private float[] y;
  private float[] dx;
  private float[] dw;

  @Setup(Level.Trial)
  public void setUp() {
    if (Kernels.mode() == KernelMode.SCALAR && !"scalar".equals(System.getProperty(Kernels.PROPERTY))) {
      throw new IllegalStateException("expected vector kernels but " + Kernels.describe());
    }
    Parallel.setThreads(threads);
    int cIn = layer.equals("conv1") ? 1 : 32;
    int cOut = layer.equals("conv1") ? 32 : 64;
    int size = layer.equals("conv1") ? 28 : 14;
    geometry = Conv2dGeometry.of(new int[] {64, cIn, size, size}, new int[] {cOut, cIn, 3, 3},
        Conv2dSpec.of(1, 1));
    SplittableRandom rng = new SplittableRandom(7);
    x = random(rng, 64 * cIn * size * size);
    w = random(rng, cOut * cIn * 9);
    bias = random(rng, cOut);
    y = new float[64 * cOut * geometry.hOut() * geometry.wOut()];
    dx = new float[x.length];
    dw = new float[w.length];
  }

  private static float[] random(SplittableRandom rng, int size) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) v[i] = (float) (rng.nextDouble() * 2 - 1);
    return v;
  }

  @Benchmark
  public float[] forward() {
    Convolution.forward(geometry, x, w, bias, y);
    return y;
  }

  /** dX = conv^T(dY, W); y stands in for dY. */
  @Benchmark
  public float[] backwardInput() {
    Convolution.backwardInput(geometry, y, w, dx, false);
    return dx;
  }

  /** dW = sum over the batch of dY (x) X; y stands in for dY. */
  @Benchmark
  public float[] backwardWeight() {
    Convolution.backwardWeight(geometry, x, y, dw, false);
    return dw;
  }
}
