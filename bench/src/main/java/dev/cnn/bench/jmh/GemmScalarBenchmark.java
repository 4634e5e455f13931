package dev.cnn.bench.jmh;

import dev.cnn.tensor.KernelMode;
import org.openjdk.jmh.annotations.Fork;

/**
 * The cases of {@link GemmBenchmark}, on the scalar reference kernels: each fork runs with
 * {@code -Dcnn.kernels=scalar}, and the set-up fails if the scalar path is not the one in force.
 * Square 1024 takes about a second per call here; skip it with {@code -p shape=...}.
 */
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseG1GC",
    "-Dcnn.kernels=scalar"})
public class GemmScalarBenchmark extends GemmBenchmark {
  @Override
  protected KernelMode expectedMode() {
    return KernelMode.SCALAR;
  }
}
