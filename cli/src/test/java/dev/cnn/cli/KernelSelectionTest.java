package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cnn.tensor.Kernels;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Proves that the build's switch for the test JVM reaches the kernels: CI runs the suite with
 * {@code -Dtest.jvm.extra=-Dcnn.kernels=scalar} (the parent pom appends it to Surefire's argLine)
 * and sets the environment variable {@code CNN_EXPECT_KERNELS=scalar}; if the property got lost on
 * the way, the kernels would be the vector ones and this test fails.
 */
class KernelSelectionTest {
  @Test
  void kernelsInForceAreTheOnesCiAskedFor() {
    String expected = System.getenv("CNN_EXPECT_KERNELS");
    Assumptions.assumeTrue(expected != null && !expected.isBlank(),
        "CNN_EXPECT_KERNELS is not set (only CI's scalar pass sets it)");
    assertEquals(expected.trim().toLowerCase(Locale.ROOT),
        Kernels.mode().name().toLowerCase(Locale.ROOT), Kernels.describe());
  }
}
