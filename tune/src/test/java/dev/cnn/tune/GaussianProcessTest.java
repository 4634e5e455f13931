package dev.cnn.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.tensor.Rng;
import org.junit.jupiter.api.Test;

class GaussianProcessTest {
  /** The Matern 5/2 kernel written out: s2 (1 + sqrt(5) r + 5 r^2 / 3) exp(-sqrt(5) r). */
  private static double matern(double r, double s2) {
    return s2 * (1 + Math.sqrt(5) * r + 5 * r * r / 3) * Math.exp(-Math.sqrt(5) * r);
  }

  @Test
  void maternKernelMatchesItsFormula() {
    assertEquals(1.0, GaussianProcess.matern52(0, 1.0), 0);
    assertEquals(0.5239941088318203, GaussianProcess.matern52(1, 1.0), 1e-15);
    assertEquals(1.6572982848362505, GaussianProcess.matern52(0.5, 2.0), 1e-15);
    for (double r = 0; r < 6; r += 0.37) assertEquals(matern(r, 0.7), GaussianProcess.matern52(r, 0.7), 1e-15);

    // ARD: r = sqrt((0.3 / 0.5)^2 + (1 / 2)^2) = sqrt(0.61)
    GaussianProcess gp = GaussianProcess.withHyperparameters(new double[][] {{0, 0}}, new double[] {0},
        new double[] {0.5, 2}, 1.3, 0.1);
    assertEquals(matern(Math.sqrt(0.61), 1.3), gp.kernel(new double[] {0, 0}, new double[] {0.3, 1}), 1e-15);
    assertEquals(1.3, gp.kernel(new double[] {0.2, 0.9}, new double[] {0.2, 0.9}), 0);
  }

  @Test
  void twoPointPosteriorIsTheClosedForm() {
    double l = 0.5, s2 = 2, sn2 = 0.1;
    double[][] x = {{0}, {1}};
    double[] y = {1, -1};
    GaussianProcess gp = GaussianProcess.withHyperparameters(x, y, new double[] {l}, s2, sn2);

    // K = [[a, b], [b, a]], K^-1 = [[a, -b], [-b, a]] / (a^2 - b^2)
    double a = s2 + sn2, b = matern(1 / l, s2), det = a * a - b * b;
    double[][] kInv = {{a / det, -b / det}, {-b / det, a / det}};
    double xStar = 0.3;
    double[] kStar = {matern(xStar / l, s2), matern((1 - xStar) / l, s2)};
    double mean = 0, quad = 0;
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        mean += kStar[i] * kInv[i][j] * y[j];
        quad += kStar[i] * kInv[i][j] * kStar[j];
      }
    }
    double[] p = gp.predict(new double[] {xStar});
    assertEquals(mean, p[0], 1e-12);
    assertEquals(s2 - quad, p[1], 1e-12);

    double yKy = 0;
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) yKy += y[i] * kInv[i][j] * y[j];
    }
    double lml = -0.5 * yKy - 0.5 * Math.log(det) - Math.log(2 * Math.PI); // n/2 log 2 pi with n = 2
    assertEquals(lml, gp.logMarginalLikelihood(), 1e-12);
  }

  @Test
  void threePointPosteriorIsTheClosedForm() {
    double l = 0.3, s2 = 1.5, sn2 = 0.01;
    double[] xs = {0, 0.4, 1};
    double[][] x = {{xs[0]}, {xs[1]}, {xs[2]}};
    double[] y = {0.5, -1, 2};
    GaussianProcess gp = GaussianProcess.withHyperparameters(x, y, new double[] {l}, s2, sn2);

    // K = [[a, b, c], [b, d, e], [c, e, f]] (symmetric); its inverse by cofactors over the determinant
    double a = s2 + sn2, d = a, f = a;
    double b = matern(Math.abs(xs[0] - xs[1]) / l, s2);
    double c = matern(Math.abs(xs[0] - xs[2]) / l, s2);
    double e = matern(Math.abs(xs[1] - xs[2]) / l, s2);
    double det = a * (d * f - e * e) - b * (b * f - c * e) + c * (b * e - c * d);
    double[][] kInv = {
        {(d * f - e * e) / det, (c * e - b * f) / det, (b * e - c * d) / det},
        {(c * e - b * f) / det, (a * f - c * c) / det, (b * c - a * e) / det},
        {(b * e - c * d) / det, (b * c - a * e) / det, (a * d - b * b) / det}};

    for (double xStar : new double[] {0.2, 0.4, 0.75, 1.3}) {
      double[] kStar = new double[3];
      for (int i = 0; i < 3; i++) kStar[i] = matern(Math.abs(xs[i] - xStar) / l, s2);
      double mean = 0, quad = 0;
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          mean += kStar[i] * kInv[i][j] * y[j];
          quad += kStar[i] * kInv[i][j] * kStar[j];
        }
      }
      double[] p = gp.predict(new double[] {xStar});
      assertEquals(mean, p[0], 1e-10, "mean at " + xStar);
      assertEquals(s2 - quad, p[1], 1e-10, "variance at " + xStar);
    }
  }

  @Test
  void withoutNoiseThePosteriorInterpolatesTheData() {
    double[][] x = {{0.05}, {0.3}, {0.5}, {0.71}, {0.95}};
    double[] y = {0.3, -1.2, 0.8, 1.5, -0.4};
    GaussianProcess gp = GaussianProcess.withHyperparameters(x, y, new double[] {0.2}, 1, 1e-10);
    for (int i = 0; i < x.length; i++) {
      double[] p = gp.predict(x[i]);
      assertEquals(y[i], p[0], 1e-6);
      assertEquals(0, p[1], 1e-6);
    }
    double[] between = gp.predict(new double[] {0.4});
    assertTrue(between[1] > 1e-3, "variance between the data: " + between[1]);
    double[] far = gp.predict(new double[] {50});
    assertEquals(0, far[0], 1e-12); // the prior mean, far from the data
    assertEquals(1, far[1], 1e-12); // the prior variance s2
  }

  @Test
  void duplicatePointsWithoutNoiseFactorWithJitter() {
    double[][] x = {{0.5}, {0.5}, {0.2}};
    double[] y = {1, 1, -1};
    GaussianProcess gp = GaussianProcess.withHyperparameters(x, y, new double[] {0.3}, 1, 0);
    double[] p = gp.predict(new double[] {0.5});
    assertEquals(1, p[0], 1e-4);
    assertTrue(p[1] >= 0);
  }

  @Test
  void fittingRaisesTheMarginalLikelihoodAboveItsStart() {
    Rng data = new Rng(5);
    int n = 15;
    double[][] x = new double[n][];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = new double[] {data.nextDouble(), data.nextDouble()};
      y[i] = Math.sin(6 * x[i][0]) + x[i][1] * x[i][1];
    }
    BayesSampler.standardise(y);
    GaussianProcess fitted = GaussianProcess.fit(x, y, new Rng(1));
    double[] start = GaussianProcess.defaultStart(2);
    GaussianProcess atStart = GaussianProcess.withHyperparameters(x, y,
        new double[] {Math.exp(start[0]), Math.exp(start[1])}, Math.exp(start[2]), Math.exp(start[3]));
    assertTrue(fitted.logMarginalLikelihood() >= atStart.logMarginalLikelihood(),
        fitted.logMarginalLikelihood() + " < " + atStart.logMarginalLikelihood());
    assertTrue(fitted.logMarginalLikelihood() > atStart.logMarginalLikelihood() + 1,
        "a smooth function is fitted much better than by the default start");
    for (double l : fitted.lengthScales()) {
      assertTrue(l >= GaussianProcess.MIN_LENGTH_SCALE && l <= GaussianProcess.MAX_LENGTH_SCALE, "l = " + l);
    }
    assertTrue(fitted.noiseVariance() >= GaussianProcess.MIN_NOISE_VARIANCE);
    assertTrue(fitted.signalVariance() <= GaussianProcess.MAX_SIGNAL_VARIANCE);
  }

  @Test
  void fittedProcessPredictsASmoothFunctionAndFindsTheIrrelevantAxis() {
    // y depends on x1 only: the fitted length scale of x2 must be much longer than that of x1
    Rng data = new Rng(6);
    int n = 20;
    double[][] x = new double[n][];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = new double[] {data.nextDouble(), data.nextDouble()};
      y[i] = Math.sin(2 * Math.PI * x[i][0]);
    }
    GaussianProcess gp = GaussianProcess.fit(x, y, new Rng(2));
    double[] l = gp.lengthScales();
    assertTrue(l[1] > 5 * l[0], "length scales " + l[0] + ", " + l[1]);
    for (double t : new double[] {0.15, 0.4, 0.65, 0.9}) {
      double[] p = gp.predict(new double[] {t, 0.5});
      assertEquals(Math.sin(2 * Math.PI * t), p[0], 0.05, "mean at x1 = " + t);
    }
  }

  @Test
  void fitIsReproducibleForASeed() {
    double[][] x = {{0.1, 0.2}, {0.4, 0.9}, {0.8, 0.3}, {0.5, 0.5}, {0.95, 0.05}};
    double[] y = {0.2, -1.1, 0.7, 1.3, -1.0};
    GaussianProcess a = GaussianProcess.fit(x, y, new Rng(3)), b = GaussianProcess.fit(x, y, new Rng(3));
    assertEquals(a.logMarginalLikelihood(), b.logMarginalLikelihood(), 0);
    assertEquals(a.predict(new double[] {0.3, 0.3})[0], b.predict(new double[] {0.3, 0.3})[0], 0);
  }

  @Test
  void badDataIsRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> GaussianProcess.fit(new double[][] {{0}, {1}}, new double[] {1}, new Rng(0)));
    assertThrows(IllegalArgumentException.class,
        () -> GaussianProcess.fit(new double[][] {{0}, {1, 2}}, new double[] {1, 2}, new Rng(0)));
    assertThrows(IllegalArgumentException.class,
        () -> GaussianProcess.fit(new double[][] {{Double.NaN}}, new double[] {1}, new Rng(0)));
    assertThrows(IllegalArgumentException.class,
        () -> GaussianProcess.withHyperparameters(new double[][] {{0}}, new double[] {1}, new double[] {0}, 1, 0));
    GaussianProcess gp = GaussianProcess.withHyperparameters(new double[][] {{0}}, new double[] {1},
        new double[] {1}, 1, 0.1);
    assertThrows(IllegalArgumentException.class, () -> gp.predict(new double[] {0, 0}));
  }
}
