package dev.cnn.diagnose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.data.ArrayDataset;
import dev.cnn.data.Dataset;
import dev.cnn.data.SyntheticShapes;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The chi-square and Kolmogorov-Smirnov tests, and the functions behind their p-values. */
class ShiftTest {
  @Test
  void chiSquareTailsMatchTables() {
    // Reference values: scipy.stats.chi2.sf.
    assertEquals(0.05004352124870519, Shift.gammaQ(0.5, 3.84 / 2), 1e-12);
    assertEquals(0.050009618622405425, Shift.gammaQ(2.5, 11.07 / 2), 1e-12);
    assertEquals(0.05001161502657909, Shift.gammaQ(1, 5.991 / 2), 1e-12);
    assertEquals(0.05000058909139812, Shift.gammaQ(5, 18.307 / 2), 1e-12);
    assertEquals(0.064570368921133, Shift.gammaQ(40, 100.0 / 2), 1e-12);
    assertEquals(0.9188914116546758, Shift.gammaQ(1.5, 0.5 / 2), 1e-12);
  }

  @Test
  void theIncompleteGammaFunctionOnBothBranches() {
    // Reference values: scipy.special.gammaincc (series where x < a + 1, continued fraction elsewhere).
    assertEquals(0.6547208460185768, Shift.gammaQ(0.5, 0.1), 1e-13);
    assertEquals(0.8491450360846096, Shift.gammaQ(2.5, 1.0), 1e-13);
    assertEquals(0.9988975118698845, Shift.gammaQ(10, 3), 1e-13);
    assertEquals(7.121750862815593e-06, Shift.gammaQ(10, 30), 1e-17);
    assertEquals(0.7531979655998298, Shift.gammaQ(50, 45), 1e-12);
    assertEquals(2.1950515348031966e-06, Shift.gammaQ(0.7, 12), 1e-17);
    assertEquals(0.002750408367306518, Shift.gammaQ(100, 130), 1e-14);
    // For whole a, Q(n, x) = e^-x sum_{k < n} x^k / k!
    for (int a = 1; a <= 12; a++) {
      for (double x : new double[] {0.01, 0.5, 2, 7.5, 13, 40}) {
        double sum = 0, term = 1;
        for (int k = 0; k < a; k++) {
          sum += term;
          term *= x / (k + 1);
        }
        double expected = Math.exp(-x) * sum;
        assertEquals(expected, Shift.gammaQ(a, x), 1e-12 * Math.max(expected, 1e-4), "Q(" + a + ", " + x + ")");
      }
    }
    assertEquals(1, Shift.gammaQ(3, 0), 0);
    assertEquals(0, Shift.gammaQ(3, Double.POSITIVE_INFINITY), 0);
    assertEquals(Math.log(Math.sqrt(Math.PI)), Shift.lnGamma(0.5), 1e-14);
    assertEquals(Math.log(362880), Shift.lnGamma(10), 1e-13);
    assertEquals(Math.log(Math.sqrt(Math.PI) * 3 / 4), Shift.lnGamma(2.5), 1e-14);
    assertThrows(IllegalArgumentException.class, () -> Shift.gammaQ(0, 1));
    assertThrows(IllegalArgumentException.class, () -> Shift.gammaQ(1, -1));
  }

  @Test
  void chiSquareOfHomogeneityOnATableWorkedByHand() {
    // Rows 60 and 60, columns 30, 40, 50: expected counts 15, 20, 25 in each row.
    // X^2 = 2 (5^2 / 15) + 2 (5^2 / 25) = 16 / 3; dof 2; p = exp(-X^2 / 2).
    Shift.ChiSquare c = Shift.chiSquare(new int[] {10, 20, 30}, new int[] {20, 20, 20});
    assertEquals(16.0 / 3, c.statistic(), 1e-12);
    assertEquals(2, c.degreesOfFreedom());
    assertEquals(Math.exp(-8.0 / 3), c.pValue(), 1e-12);
    assertArrayEquals(new double[] {1.0 / 6, 1.0 / 3, 0.5}, c.trainFractions(), 1e-12);
    assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, c.testFractions(), 1e-12);

    Shift.ChiSquare absent = Shift.chiSquare(new int[] {10, 0, 20, 30}, new int[] {20, 0, 20, 20});
    assertEquals(2, absent.degreesOfFreedom(), "a class in neither set does not count");
    assertEquals(c.pValue(), absent.pValue(), 1e-12);

    Shift.ChiSquare same = Shift.chiSquare(new int[] {100, 200, 300}, new int[] {10, 20, 30});
    assertEquals(0, same.statistic(), 1e-12);
    assertEquals(1, same.pValue(), 1e-12);
    assertEquals(1, Shift.chiSquare(new int[] {5, 0}, new int[] {7, 0}).pValue(), 0, "one class: nothing to test");
  }

  @Test
  void classProportionsOfDatasets() {
    SyntheticShapes balanced = SyntheticShapes.builder().seed(1).trainSize(4000).testSize(800).build();
    Shift.ChiSquare same = Shift.classProportions(balanced.train(), balanced.test());
    assertEquals(7, same.degreesOfFreedom());
    assertTrue(same.pValue() > 0.99, "equal proportions: p = " + same.pValue());
    SyntheticShapes skewed = SyntheticShapes.builder().seed(1).trainSize(4000).testSize(800).imbalanceRatio(5).build();
    Shift.ChiSquare shifted = Shift.classProportions(skewed.train(), skewed.test());
    assertTrue(shifted.pValue() < 1e-6, "a 5:1 imbalanced training set against a balanced test: p = "
        + shifted.pValue());
  }

  @Test
  void kolmogorovTailMatchesTables() {
    // The Kolmogorov distribution's critical values (Q = 0.2, 0.1, 0.05, 0.01) and a few tail values
    // from the series summed to 200 terms.
    assertEquals(0.2000420782104162, Shift.kolmogorovQ(1.0727), 1e-12);
    assertEquals(0.1000234278356778, Shift.kolmogorovQ(1.2238), 1e-12);
    assertEquals(0.0499996304316674, Shift.kolmogorovQ(1.3581), 1e-12);
    assertEquals(0.010001537333060776, Shift.kolmogorovQ(1.6276), 1e-12);
    assertEquals(0.9639452436648751, Shift.kolmogorovQ(0.5), 1e-12);
    assertEquals(0.5441424115741981, Shift.kolmogorovQ(0.8), 1e-12);
    assertEquals(0.26999967167735456, Shift.kolmogorovQ(1.0), 1e-12);
    assertEquals(0.0006709252557796953, Shift.kolmogorovQ(2.0), 1e-15);
    assertEquals(1, Shift.kolmogorovQ(0), 0);
    assertEquals(1, Shift.kolmogorovQ(0.1), 1e-12);
    for (double l = 0.05; l < 3; l += 0.01) { // the two forms meet at 1.18, and Q falls throughout
      assertTrue(Shift.kolmogorovQ(l + 0.01) <= Shift.kolmogorovQ(l), "lambda " + l);
    }
  }

  @Test
  void kolmogorovSmirnovStatisticAndPValueForKnownDAndN() {
    // 0..99 against 19..118: the distribution functions are 0.19 apart from 18 to 99, so D = 0.19;
    // n_e = 50, lambda = (sqrt(50) + 0.12 + 0.11 / sqrt(50)) 0.19 = 1.36926, Q = 0.047047.
    double[] a = new double[100], b = new double[100];
    for (int i = 0; i < 100; i++) {
      a[i] = i;
      b[i] = i + 19;
    }
    Shift.KolmogorovSmirnov ks = Shift.kolmogorovSmirnov(a, b);
    assertEquals(0.19, ks.statistic(), 1e-12);
    assertEquals(0.047047195905671316, ks.pValue(), 1e-9);
    assertEquals(49.5, ks.mean1(), 1e-12);
    assertEquals(68.5, ks.mean2(), 1e-12);
    assertEquals(100, ks.n1());

    // Unequal sizes: 0..499 against 50..449: F_1 - F_2 = 50 / 500 at 49 (and -0.1 at 449), so D = 0.1;
    // n_e = 500 * 400 / 900 = 222.2, lambda = 1.50345, Q = 0.021762.
    double[] c = new double[500], d = new double[400];
    for (int i = 0; i < 500; i++) c[i] = i;
    for (int i = 0; i < 400; i++) d[i] = 50 + i;
    Shift.KolmogorovSmirnov unequal = Shift.kolmogorovSmirnov(c, d);
    assertEquals(0.1, unequal.statistic(), 1e-9);
    assertEquals(0.02176227667617716, unequal.pValue(), 1e-6);
  }

  @Test
  void identicalSamplesAgreeAndShiftedOnesDoNot() {
    SplittableRandom rng = new SplittableRandom(21);
    double[] x = new double[500], y = new double[500], z = new double[500];
    for (int i = 0; i < 500; i++) {
      x[i] = rng.nextGaussian();
      y[i] = rng.nextGaussian() + 0.3;
      z[i] = rng.nextGaussian();
    }
    Shift.KolmogorovSmirnov same = Shift.kolmogorovSmirnov(x, x.clone());
    assertEquals(0, same.statistic(), 0);
    assertEquals(1, same.pValue(), 1e-12);
    Shift.KolmogorovSmirnov shifted = Shift.kolmogorovSmirnov(x, y);
    assertTrue(shifted.pValue() < 0.01, "0.3 sd apart: p = " + shifted.pValue());
    assertTrue(Shift.kolmogorovSmirnov(x, z).pValue() > 0.01, "one distribution");
    double[] ties = {1, 1, 1, 2};
    assertEquals(0.75, Shift.kolmogorovSmirnov(ties, new double[] {2, 2}).statistic(), 1e-12, "ties step together");
  }

  @Test
  void brightnessAndContrastOfDatasets() {
    SyntheticShapes s = SyntheticShapes.builder().seed(2).trainSize(1000).testSize(500).build();
    Shift.Result same = Shift.of(s.train(), s.test());
    assertTrue(same.brightness().pValue() > 0.001, "p = " + same.brightness().pValue());
    assertTrue(same.contrast().pValue() > 0.001, "p = " + same.contrast().pValue());

    Dataset test = s.test();
    int n = test.size(), size = test.sampleSize();
    float[] values = new float[n * size];
    for (int i = 0; i < n; i++) test.read(i, values, i * size);
    for (int k = 0; k < values.length; k++) values[k] = Math.min(1, values[k] * 0.8f + 0.1f); // lower contrast
    Dataset faded = new ArrayDataset(values, test.labels(), test.sampleShape(), test.classNames());
    Shift.Result shifted = Shift.of(s.train(), faded);
    assertTrue(shifted.contrast().pValue() < 1e-6, "p = " + shifted.contrast().pValue());
    assertTrue(shifted.contrast().mean2() < shifted.contrast().mean1());
    assertEquals(same.classes().pValue(), shifted.classes().pValue(), 0);
  }

  @Test
  void badInputIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Shift.chiSquare(new int[] {1, 2}, new int[] {1}));
    assertTrue(e.getMessage().contains("2 training class counts and 1 test class counts"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Shift.chiSquare(new int[] {0, 0}, new int[] {1, 2}));
    assertThrows(IllegalArgumentException.class, () -> Shift.chiSquare(new int[] {-1, 2}, new int[] {1, 2}));
    assertThrows(IllegalArgumentException.class, () -> Shift.kolmogorovSmirnov(new double[0], new double[] {1}));
    assertThrows(IllegalArgumentException.class, () -> Shift.kolmogorovSmirnov(new double[] {Double.NaN},
        new double[] {1}));
    Dataset two = new ArrayDataset(new float[2], new int[] {0, 1}, new int[] {1, 1, 1}, List.of("a", "b"));
    Dataset one = new ArrayDataset(new float[1], new int[] {0}, new int[] {1, 1, 1}, List.of("a"));
    assertThrows(IllegalArgumentException.class, () -> Shift.classProportions(two, one));
  }

  /** Another class mix moves the overall brightness; within each class nothing changed. */
  @Test
  void aDifferentClassMixIsNotTakenForDifferentImages() {
    java.util.Random r = new java.util.Random(3);
    int nA = 2000, nB = 2000;
    double[] a = new double[nA], b = new double[nB];
    int[] la = new int[nA], lb = new int[nB];
    for (int i = 0; i < nA; i++) { // training set: 90% dark class 0
      la[i] = i < 1800 ? 0 : 1;
      a[i] = (la[i] == 0 ? 0.2 : 0.6) + 0.05 * r.nextGaussian();
    }
    for (int i = 0; i < nB; i++) { // test set: half and half, the same two distributions
      lb[i] = i < 1000 ? 0 : 1;
      b[i] = (lb[i] == 0 ? 0.2 : 0.6) + 0.05 * r.nextGaussian();
    }
    assertTrue(Shift.kolmogorovSmirnov(a, b).pValue() < 1e-6, "overall, the test set is brighter");
    Shift.WithinClass w = Shift.withinClass(a, la, b, lb, 2);
    assertEquals(2, w.classesTested());
    assertTrue(w.pValue() > 0.01, "within each class the images are alike: p = " + w.pValue());
    for (int i = 0; i < nB; i++) b[i] += lb[i] == 1 ? 0.1 : 0; // now class 1's test images are brighter
    Shift.WithinClass moved = Shift.withinClass(a, la, b, lb, 2);
    assertEquals(1, moved.worstClass());
    assertTrue(moved.pValue() < 1e-6 && moved.test().statistic() > 0.5, moved.toString());
  }
}
