package dev.cnn.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

  @Test
  void settingsAreParsedPropertyFirst() {
    assertEquals("auto", Kernels.requested(null, null));
    assertEquals("auto", Kernels.requested("  ", null));
    assertEquals("scalar", Kernels.requested(" Scalar ", null));
    assertEquals("vector", Kernels.requested(null, "VECTOR"));
    assertEquals("scalar", Kernels.requested("scalar", "vector"));
    assertEquals(KernelMode.SCALAR, Kernels.decide("scalar", null));
  }

  @Test
  void aBogusSettingNamesTheValueTheSourceAndTheAcceptedValues() {
    var p = assertThrows(IllegalArgumentException.class, () -> Kernels.requested("fast", null));
    assertEquals("kernel choice 'fast' (set by -Dcnn.kernels=fast) is not one of auto, scalar, vector;"
        + " set -Dcnn.kernels to auto (SIMD when available, the default), scalar or vector, or unset it", p.getMessage());
    var e = assertThrows(IllegalArgumentException.class, () -> Kernels.requested(null, "fast"));
    assertTrue(e.getMessage().contains("set by CNN_KERNELS=fast"), e.getMessage());
    // The decision keeps the error and throws it as an IllegalArgumentException, never from a
    // class initialiser (which would make the class unusable: NoClassDefFoundError afterwards).
    var d = assertThrows(IllegalArgumentException.class, () -> Kernels.decide(null, "fast"));
    assertTrue(d.getMessage().contains("'fast'"), d.getMessage());
  }

  /**
   * End to end, in a JVM started with {@code -Dcnn.kernels=fast}: every call gets the same clean
   * IllegalArgumentException (the second one too: no NoClassDefFoundError after a failed class
   * initialiser).
   */
  @Test
  void aBogusSettingFailsEveryCallCleanlyInAFreshJvm() throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(List.of(java, "--add-modules", "jdk.incubator.vector", "-Dcnn.kernels=fast",
        "-cp", System.getProperty("java.class.path"), BadKernelSetting.class.getName()))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("call 1: IllegalArgumentException: kernel choice 'fast' (set by -Dcnn.kernels=fast)"), out);
    assertTrue(out.contains("call 2: IllegalArgumentException: kernel choice 'fast'"), out);
  }

  /** The program that test runs: two calls of a kernel-backed op, each reporting what it threw. */
  static final class BadKernelSetting {
    public static void main(String[] args) {
      Tensor x = Tensor.zeros(DType.FLOAT32, 3);
      for (int call = 1; call <= 2; call++) {
        try {
          TensorMath.add(x, x);
          System.out.println("call " + call + ": no error");
        } catch (Throwable t) {
          System.out.println("call " + call + ": " + t.getClass().getSimpleName() + ": " + t.getMessage());
        }
      }
    }
  }
}
