package dev.cnn.tune;

import static dev.cnn.tune.ExpectedImprovement.ei;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ExpectedImprovementTest {
  // phi and Phi at the points used below (30-digit mpmath values, rounded)
  private static final double PHI_0 = 0.3989422804014327;
  private static final double PHI_1 = 0.24197072451914335;
  private static final double PHI_MINUS_2 = 0.05399096651318805;
  private static final double PHI_QUARTER = 0.3866681168028492;
  private static final double CDF_1 = 0.8413447460685429;
  private static final double CDF_MINUS_2 = 0.022750131948179207;
  private static final double CDF_QUARTER = 0.5987063256829237;

  @ParameterizedTest
  @CsvSource({
      "0,    0.5,                         1e-15",
      "1,    0.84134474606854294859,      1e-15",
      "-2,   0.0227501319481792072,       1e-15",
      "3,    0.99865010196836990547,      1e-15",
      "-0.3, 0.38208857781104736693,      1e-15",
      "2.5,  0.99379033467422386483,      1e-15",
      "-5,   2.8665157187919391167e-7,    1e-14",
      "-8,   6.2209605742717841235e-16,   1e-14",
      // z / sqrt(2) is rounded, which costs about 2 (z^2 / 2) 1.1e-16 relative: 1e-13 at z = -30
      "-30,  4.9067139271481870595e-198,  5e-13",
  })
  void normalCdfHasNearlyFullRelativeAccuracy(double z, double expected, double relativeError) {
    double got = ExpectedImprovement.normalCdf(z);
    assertEquals(expected, got, relativeError * expected, "Phi(" + z + ")");
  }

  @ParameterizedTest
  @CsvSource({
      "0.1, 0.8875370839817151016",
      "0.5, 0.47950012218695346232",
      "-1,  1.8427007929497148693",
      "2,   0.0046777349810472658379",
      "4,   1.5417257900280018852e-8",
      "5,   1.5374597944280348502e-12",
      "10,  2.088487583762544757e-45",
      "-3,  1.9999779095030014146",
  })
  void erfcHasFullRelativeAccuracy(double x, double expected) {
    assertEquals(expected, ExpectedImprovement.erfc(x), 1e-14 * expected, "erfc(" + x + ")");
  }

  @Test
  void erfcAtItsLimits() {
    assertEquals(1, ExpectedImprovement.erfc(0), 0);
    assertEquals(0, ExpectedImprovement.erfc(27), 0);
    assertEquals(2, ExpectedImprovement.erfc(-27), 0);
    assertTrue(Double.isNaN(ExpectedImprovement.erfc(Double.NaN)));
  }

  @Test
  void eiMatchesTheFormula() {
    // mean at the best, sd 1: z = 0, EI = 0 * Phi(0) + 1 * phi(0)
    assertEquals(PHI_0, ei(0, 1, 0, 0), 1e-15);
    // mean one below the best: z = 1, EI = 1 * Phi(1) + phi(1)
    assertEquals(CDF_1 + PHI_1, ei(-1, 1, 0, 0), 1e-15);
    // mean two above the best: z = -2, EI = -2 Phi(-2) + phi(-2)
    assertEquals(-2 * CDF_MINUS_2 + PHI_MINUS_2, ei(2, 1, 0, 0), 1e-15);
    // with xi: gain = 1 - 0 - 0.5 = 0.5, sd 2, z = 0.25
    assertEquals(0.5 * CDF_QUARTER + 2 * PHI_QUARTER, ei(0, 2, 1, 0.5), 1e-15);
    // a scaled problem scales EI: mean 3, best 5, sd 2 is twice mean -1, best 0, sd 1
    assertEquals(2 * (CDF_1 + PHI_1), ei(3, 2, 5, 0), 1e-14);
  }

  @Test
  void withoutUncertaintyEiIsThePlainImprovement() {
    assertEquals(1.5, ei(-1.5, 0, 0, 0), 0);
    assertEquals(1.4, ei(-1.5, 0, 0, 0.1), 1e-15);
    assertEquals(0, ei(2, 0, 0, 0), 0);
  }

  @Test
  void eiIsNeverNegative() {
    for (double mean = -5; mean <= 40; mean += 0.7) {
      for (double sd : new double[] {0, 1e-9, 1e-3, 0.1, 1, 10}) {
        double v = ei(mean, sd, 0, 0.01);
        assertTrue(v >= 0, "EI(" + mean + ", " + sd + ") = " + v);
      }
    }
  }

  @Test
  void eiGrowsWithUncertaintyAtTheBest() {
    double previous = 0;
    for (double sd = 0.01; sd <= 10; sd *= 1.5) {
      double v = ei(0.3, sd, 0.3, 0);
      assertTrue(v > previous, "EI at sd " + sd + " = " + v + " after " + previous);
      previous = v;
    }
  }

  @Test
  void eiFallsAsTheMeanRises() {
    double previous = Double.POSITIVE_INFINITY;
    for (double mean = -3; mean <= 3; mean += 0.25) {
      double v = ei(mean, 0.5, 0, 0);
      assertTrue(v < previous);
      previous = v;
    }
  }

  @Test
  void badArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> ei(0, -1, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> ei(0, Double.NaN, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> ei(0, 1, 0, -0.1));
  }
}
