package dev.cnn.tensor;

import jdk.incubator.vector.FloatVector;

/** Reports the preferred SIMD width; loaded by name only when the vector module is present. */
final class VectorProbe {
  private VectorProbe() {}

  public static int preferredBits() {
    return FloatVector.SPECIES_PREFERRED.vectorBitSize();
  }
}
