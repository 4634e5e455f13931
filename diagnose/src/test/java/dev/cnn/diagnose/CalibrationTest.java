package dev.cnn.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The expected calibration error: near 0 when confidences match accuracy, large when they do not. */
class CalibrationTest {
  @Test
  void confidencesThatMatchHowOftenTheModelIsRightGiveAnEceNearZero() {
    SplittableRandom rng = new SplittableRandom(3);
    int n = 200_000;
    double[] conf = new double[n];
    boolean[] right = new boolean[n];
    for (int i = 0; i < n; i++) {
      conf[i] = rng.nextDouble();
      right[i] = rng.nextDouble() < conf[i];
    }
    assertEquals(0, Calibration.of(conf, right, 10).ece(), 0.01);
  }

  @Test
  void aModelSayingNinetyPercentAndRightHalfTheTimeIsFortyPointsOff() {
    double[] conf = {0.9, 0.9, 0.9, 0.9};
    boolean[] right = {true, false, true, false};
    Calibration.Reliability r = Calibration.of(conf, right, 10);
    assertEquals(0.4, r.ece(), 1e-12);
    assertEquals(4, r.binCounts()[9]);
    assertEquals(0.5, r.binAccuracy()[9], 1e-12);
    assertEquals(Double.NaN, r.binAccuracy()[0]);
    assertEquals(1, Calibration.of(new double[] {1.0}, new boolean[] {true}, 5).binCounts()[4], "p = 1 is in the last bin");
  }

  @Test
  void badInputIsNamed() {
    assertThrows(IllegalArgumentException.class, () -> Calibration.of(new double[] {0.5}, new boolean[0], 10));
    assertThrows(IllegalArgumentException.class, () -> Calibration.of(new double[] {1.5}, new boolean[] {true}, 10));
    assertThrows(IllegalArgumentException.class, () -> Calibration.of(new double[] {0.5}, new boolean[] {true}, 0));
  }
}
