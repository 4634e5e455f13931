package dev.cnn.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The gradient checker finds wrong gradients, says where, and accepts right ones. */
class GradCheckTest {
  /** x * detach(x): forward x^2, but backward sees only one factor, so the gradient is x, not 2x. */
  private static Variable wrongSquare(Variable[] in) {
    return Ops.mul(in[0], in[0].detach());
  }

  @Test
  void fullJacobianModeFindsAWrongGradientAndNamesTheElement() {
    Tensor x = Tensor.of(new double[] {0.5, -2, 1}, 3);
    GradCheck.Report r = GradCheck.of(GradCheckTest::wrongSquare, x).mode(GradCheck.Mode.FULL_JACOBIAN).check();
    assertFalse(r.passed());
    // the worst entry is d y[1] / d x[1]: analytical x = -2, numerical 2x = -4
    assertEquals(1, r.output());
    assertArrayEquals(new int[] {1}, r.index());
    assertEquals(-2, r.analytical(), 1e-9);
    assertEquals(-4, r.numerical(), 1e-6);
    AssertionError e = assertThrows(AssertionError.class, r::assertPassed);
    assertTrue(e.getMessage().contains("FAILED") && e.getMessage().contains("input 0[1]"), e.getMessage());
  }

  @Test
  void randomProbeModeFindsAWrongGradient() {
    Tensor x = Tensor.uniform(new Rng(1), DType.FLOAT64, 0.5, 1, 4, 4);
    GradCheck.Report r = GradCheck.of(GradCheckTest::wrongSquare, x).mode(GradCheck.Mode.RANDOM_PROBE).check();
    assertFalse(r.passed(), r.toString());
  }

  @Test
  void correctGradientsPassInBothModes() {
    Rng rng = new Rng(2);
    Tensor a = Tensor.uniform(rng, DType.FLOAT64, -1, 1, 3, 4);
    Tensor b = Tensor.uniform(rng, DType.FLOAT64, -1, 1, 4, 2);
    GradCheck.Function f = in -> Ops.tanh(Ops.matmul(in[0], in[1]));
    for (GradCheck.Mode mode : GradCheck.Mode.values()) {
      GradCheck.Report r = GradCheck.of(f, a, b).mode(mode).check();
      assertTrue(r.passed(), r.toString());
      assertTrue(r.checked() > 0);
    }
    // full mode compares every entry of both Jacobians: 6 outputs x (12 + 8) inputs
    assertEquals(6 * 20, GradCheck.of(f, a, b).mode(GradCheck.Mode.FULL_JACOBIAN).check().checked());
  }

  @Test
  void float32InputsAreRejectedWithTheFix() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GradCheck.of(in -> in[0], Tensor.zeros(DType.FLOAT32, 2)));
    assertTrue(e.getMessage().contains("FLOAT64") && e.getMessage().contains("to(DType.FLOAT64)"), e.getMessage());
  }

  @Test
  void badSettingsAreRejected() {
    GradCheck c = GradCheck.of(in -> in[0], Tensor.zeros(DType.FLOAT64, 2));
    assertThrows(IllegalArgumentException.class, () -> c.eps(0));
    assertThrows(IllegalArgumentException.class, () -> c.tolerance(-1, 0));
    assertThrows(IllegalArgumentException.class, () -> c.probes(0));
  }
}
