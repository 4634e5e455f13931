package dev.cnn.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The kernel choice. CI runs the tensor tests twice: once as is (the vector path must be taken,
 * since Surefire adds the vector module) and once with -Dcnn.kernels=scalar (the scalar path must
 * be taken everywhere).
 */
class KernelsTest {
  private static boolean scalarForced() {
    String p = System.getProperty(Kernels.PROPERTY, System.getenv(Kernels.ENV));
    return p != null && p.trim().equalsIgnoreCase("scalar");
  }

  @Test
  void theForcedOrAvailablePathIsTaken() {
    if (scalarForced()) {
      assertEquals(KernelMode.SCALAR, Kernels.mode());
      assertEquals(0, Kernels.vectorBits());
      assertInstanceOf(ScalarGemm.class, Gemm.kernel());
      assertTrue(Kernels.describe().contains("forced"), Kernels.describe());
    } else {
      // Surefire starts the JVM with --add-modules jdk.incubator.vector (see the parent pom).
      assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
      assertEquals(KernelMode.VECTOR, Kernels.mode(), Kernels.describe());
      assertTrue(Kernels.vectorBits() >= 128);
      assertInstanceOf(VectorGemm.class, Gemm.kernel());
    }
  }

  @Test
  void vectorImplementationsAreBuiltForAnyWidthOnAnyMachine() {
    VectorGemm g128 = Kernels.newVector(VectorGemm.class, "dev.cnn.tensor.VectorGemm", 128);
    VectorGemm g256 = Kernels.newVector(VectorGemm.class, "dev.cnn.tensor.VectorGemm", 256);
    assertEquals(8, g128.nr());
    assertEquals(16, g256.nr());
  }
}
