package dev.cnn.tensor;

/** Which implementation of the kernels runs. */
public enum KernelMode {
  /** Plain Java loops: the readable reference, and the fallback without the Vector API. */
  SCALAR,
  /** SIMD through {@code jdk.incubator.vector}. */
  VECTOR
}
