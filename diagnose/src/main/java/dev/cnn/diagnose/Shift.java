package dev.cnn.diagnose;

import dev.cnn.data.Dataset;
import java.util.Arrays;
import java.util.Objects;

/**
 * Differences between a training set and a test set that make test results say less about the
 * training (dataset shift): other class proportions (Pearson's chi-square test of homogeneity) and
 * other brightness or contrast of the images (two-sample Kolmogorov-Smirnov tests on the per-image
 * mean and standard deviation of the pixel values).
 *
 * <p>A p-value is the probability of a difference at least this large if both sets were drawn from one
 * distribution. With tens of thousands of images even a difference too small to matter gets a tiny
 * p-value, so read it with the statistic (the KS distance D is the largest gap between the two
 * cumulative distributions, in [0, 1]) and the two sets' summaries.
 */
public final class Shift {
  /** Relative accuracy at which the series and continued fractions below stop. */
  private static final double EPS = 1e-15;
  /** A number near the smallest double, to keep Lentz's continued fraction away from division by 0. */
  private static final double TINY = 1e-300;
  /** Iterations after which a series or continued fraction is taken as not converging. */
  private static final int MAX_ITERATIONS = 10_000;

  private Shift() {}

  /**
   * Pearson's chi-square test of homogeneity of the class proportions.
   *
   * @param statistic {@code X^2}
   * @param degreesOfFreedom {@code k - 1} for the k classes present in either set
   * @param pValue {@code P(chi^2_dof >= X^2)}
   * @param trainCounts images per class in the training set
   * @param testCounts images per class in the test set
   */
  public record ChiSquare(double statistic, int degreesOfFreedom, double pValue, int[] trainCounts,
      int[] testCounts) {
    public ChiSquare {
      trainCounts = trainCounts.clone();
      testCounts = testCounts.clone();
    }

    @Override
    public int[] trainCounts() {
      return trainCounts.clone();
    }

    @Override
    public int[] testCounts() {
      return testCounts.clone();
    }

    /** Each class's share of the training set. */
    public double[] trainFractions() {
      return fractions(trainCounts);
    }

    /** Each class's share of the test set. */
    public double[] testFractions() {
      return fractions(testCounts);
    }

    private static double[] fractions(int[] counts) {
      long total = 0;
      for (int c : counts) total += c;
      double[] f = new double[counts.length];
      for (int k = 0; k < f.length; k++) f[k] = total == 0 ? 0 : (double) counts[k] / total;
      return f;
    }
  }

  /**
   * A two-sample Kolmogorov-Smirnov test.
   *
   * @param statistic {@code D = sup_v |F_1(v) - F_2(v)|} of the two empirical distribution functions
   * @param pValue the asymptotic p-value {@link #kolmogorovQ}{@code ((sqrt(n_e) + 0.12 + 0.11 / sqrt(n_e)) D)}
   * @param n1 the size of sample 1 (the training set)
   * @param n2 the size of sample 2 (the test set)
   * @param mean1 the mean of sample 1
   * @param mean2 the mean of sample 2
   */
  public record KolmogorovSmirnov(double statistic, double pValue, int n1, int n2, double mean1, double mean2) {}

  /**
   * The three tests of {@link #of}.
   *
   * @param classes the class proportions
   * @param brightness the per-image mean pixel value
   * @param contrast the per-image pixel standard deviation
   */
  public record Result(ChiSquare classes, KolmogorovSmirnov brightness, KolmogorovSmirnov contrast,
      WithinClass brightnessWithinClass, WithinClass contrastWithinClass) {}

  /** A class needs this many images in each set for its own Kolmogorov-Smirnov test. */
  public static final int MIN_PER_CLASS = 20;

  /**
   * Kolmogorov-Smirnov tests class by class: the images of class c in the training set against
   * those of class c in the test set. A different class mix changes the overall brightness
   * without any image looking different (a dataset with fewer dark classes is brighter); within a
   * class, only the images themselves can differ.
   *
   * @param worstClass the class with the smallest p-value, or -1 when no class has
   *     {@value #MIN_PER_CLASS} images in both sets
   * @param test that class's test, or null
   * @param pValue its p-value times the number of classes tested (Bonferroni), at most 1; 1 when none
   * @param classesTested the classes with enough images in both sets
   */
  public record WithinClass(int worstClass, KolmogorovSmirnov test, double pValue, int classesTested) {}

  /** {@link WithinClass} of per-image values {@code a} (labels {@code labelsA}) against {@code b}. */
  public static WithinClass withinClass(double[] a, int[] labelsA, double[] b, int[] labelsB, int classes) {
    int worst = -1, tested = 0;
    KolmogorovSmirnov best = null;
    for (int c = 0; c < classes; c++) {
      double[] x = ofClass(a, labelsA, c), y = ofClass(b, labelsB, c);
      if (x.length < MIN_PER_CLASS || y.length < MIN_PER_CLASS) continue;
      tested++;
      KolmogorovSmirnov t = kolmogorovSmirnov(x, y);
      if (best == null || t.pValue() < best.pValue()) {
        best = t;
        worst = c;
      }
    }
    return new WithinClass(worst, best, best == null ? 1 : Math.min(1, best.pValue() * tested), tested);
  }

  private static double[] ofClass(double[] values, int[] labels, int c) {
    return java.util.stream.IntStream.range(0, values.length).filter(i -> labels[i] == c).mapToDouble(i -> values[i])
        .toArray();
  }

  /**
   * Tests the class proportions, brightness and contrast of a training set against a test set.
   *
   * @throws IllegalArgumentException if a set is empty or they have different class counts
   */
  public static Result of(Dataset train, Dataset test) {
    ChiSquare classes = classProportions(train, test);
    Outliers.PixelStats a = Outliers.pixelStats(train), b = Outliers.pixelStats(test);
    int[] la = train.labels(), lb = test.labels();
    return new Result(classes, kolmogorovSmirnov(a.mean(), b.mean()), kolmogorovSmirnov(a.std(), b.std()),
        withinClass(a.mean(), la, b.mean(), lb, train.classes()), withinClass(a.std(), la, b.std(), lb, train.classes()));
  }

  /**
   * {@link #chiSquare} on the class counts of two datasets.
   *
   * @throws IllegalArgumentException if a set is empty or they have different class counts
   */
  public static ChiSquare classProportions(Dataset train, Dataset test) {
    Objects.requireNonNull(train, "shift: train");
    Objects.requireNonNull(test, "shift: test");
    if (train.classes() != test.classes()) {
      throw new IllegalArgumentException("shift: the training set has " + train.classes() + " classes and the test set "
          + test.classes() + "; expected the same classes");
    }
    return chiSquare(counts(train), counts(test));
  }

  private static int[] counts(Dataset d) {
    int[] c = new int[d.classes()];
    for (int y : d.labels()) c[y]++;
    return c;
  }

  /**
   * Pearson's chi-square test of homogeneity on the 2 x k table of counts {@code O_ij} (row 0 the
   * training set, row 1 the test set). With row totals {@code R_i}, column totals {@code C_j} and
   * {@code N = sum R_i}, the counts expected if both sets had the same proportions are
   * {@code E_ij = R_i C_j / N}, and
   * <pre>X^2 = sum_ij (O_ij - E_ij)^2 / E_ij,   dof = (2 - 1)(k - 1),   p = Q(dof / 2, X^2 / 2)</pre>
   * where Q is the regularized upper incomplete gamma function ({@link #gammaQ}): the chi-square
   * distribution's upper tail, {@code P(chi^2_nu >= x) = Q(nu / 2, x / 2)}. Classes absent from both
   * sets are left out (k counts the others); with fewer than two classes left, {@code X^2 = 0}, dof = 0
   * and p = 1. The approximation is usual when every {@code E_ij >= 5}.
   *
   * @throws IllegalArgumentException if the lengths differ, a count is negative, or a row is all 0
   */
  public static ChiSquare chiSquare(int[] trainCounts, int[] testCounts) {
    if (trainCounts.length != testCounts.length) {
      throw new IllegalArgumentException("shift: " + trainCounts.length + " training class counts and "
          + testCounts.length + " test class counts; expected one of each per class");
    }
    long r0 = 0, r1 = 0;
    for (int j = 0; j < trainCounts.length; j++) {
      if (trainCounts[j] < 0 || testCounts[j] < 0) {
        throw new IllegalArgumentException("shift: class " + j + " has counts " + trainCounts[j] + " and "
            + testCounts[j] + "; expected counts >= 0");
      }
      r0 += trainCounts[j];
      r1 += testCounts[j];
    }
    if (r0 == 0 || r1 == 0) {
      throw new IllegalArgumentException("shift: " + r0 + " training and " + r1 + " test images counted; expected"
          + " at least one in each");
    }
    double total = r0 + r1, x2 = 0;
    int present = 0;
    for (int j = 0; j < trainCounts.length; j++) {
      double column = (double) trainCounts[j] + testCounts[j];
      if (column == 0) continue;
      present++;
      double e0 = r0 * column / total, e1 = r1 * column / total;
      x2 += (trainCounts[j] - e0) * (trainCounts[j] - e0) / e0 + (testCounts[j] - e1) * (testCounts[j] - e1) / e1;
    }
    int dof = Math.max(0, present - 1);
    double p = dof == 0 ? 1 : gammaQ(dof / 2.0, x2 / 2);
    return new ChiSquare(dof == 0 ? 0 : x2, dof, p, trainCounts, testCounts);
  }

  /**
   * The two-sample Kolmogorov-Smirnov test. {@code D = max_v |F_1(v) - F_2(v)|} over the values of both
   * samples, with {@code F_s(v)} the fraction of sample s that is {@code <= v} (ties are stepped over
   * together). With the effective size {@code n_e = n_1 n_2 / (n_1 + n_2)}, the p-value is the
   * Kolmogorov distribution's tail at {@code lambda = (sqrt(n_e) + 0.12 + 0.11 / sqrt(n_e)) D}
   * (Stephens 1970's correction for small samples; Numerical Recipes, 3rd ed., 14.3.3): accurate for
   * {@code n_e >= 4} or so.
   *
   * @throws IllegalArgumentException if a sample is empty or holds NaN
   */
  public static KolmogorovSmirnov kolmogorovSmirnov(double[] sample1, double[] sample2) {
    double[] a = sorted(sample1, 1), b = sorted(sample2, 2);
    int n1 = a.length, n2 = b.length;
    double d = 0;
    for (int i = 0, j = 0; i < n1 && j < n2; ) {
      double v = Math.min(a[i], b[j]);
      while (i < n1 && a[i] == v) i++;
      while (j < n2 && b[j] == v) j++;
      d = Math.max(d, Math.abs((double) i / n1 - (double) j / n2));
    }
    double ne = (double) n1 * n2 / (n1 + n2), root = Math.sqrt(ne);
    double p = kolmogorovQ((root + 0.12 + 0.11 / root) * d);
    return new KolmogorovSmirnov(d, p, n1, n2, mean(a), mean(b));
  }

  private static double[] sorted(double[] sample, int which) {
    if (sample.length == 0) {
      throw new IllegalArgumentException("shift: sample " + which + " is empty; expected at least one value");
    }
    double[] s = sample.clone();
    for (double v : s) {
      if (Double.isNaN(v)) throw new IllegalArgumentException("shift: sample " + which + " holds NaN");
    }
    Arrays.sort(s);
    return s;
  }

  private static double mean(double[] a) {
    double s = 0;
    for (double v : a) s += v;
    return s / a.length;
  }

  /**
   * The Kolmogorov distribution's upper tail,
   * <pre>Q_KS(lambda) = 2 sum_{j >= 1} (-1)^(j - 1) exp(-2 j^2 lambda^2)</pre>
   * (1 at lambda = 0, decreasing to 0). That series converges slowly for small lambda, so below
   * lambda = 1.18 the equivalent (Jacobi theta) form
   * <pre>Q_KS(lambda) = 1 - (sqrt(2 pi) / lambda) sum_{j >= 1} exp(-(2j - 1)^2 pi^2 / (8 lambda^2))</pre>
   * is used (Numerical Recipes, 3rd ed., 6.14.12); both need only a few terms.
   */
  public static double kolmogorovQ(double lambda) {
    if (Double.isNaN(lambda)) throw new IllegalArgumentException("shift: Kolmogorov lambda is NaN");
    if (lambda <= 0) return 1;
    if (lambda < 1.18) {
      double sum = 0;
      for (int j = 1; j < MAX_ITERATIONS; j++) {
        double term = Math.exp(-(2.0 * j - 1) * (2.0 * j - 1) * Math.PI * Math.PI / (8 * lambda * lambda));
        sum += term;
        if (term <= EPS * sum) break;
      }
      return Math.min(1, Math.max(0, 1 - Math.sqrt(2 * Math.PI) / lambda * sum));
    }
    double sum = 0, sign = 1;
    for (int j = 1; j < MAX_ITERATIONS; j++) {
      double term = Math.exp(-2.0 * j * j * lambda * lambda);
      sum += sign * term;
      sign = -sign;
      if (term <= EPS * sum) break;
    }
    return Math.min(1, Math.max(0, 2 * sum));
  }

  /**
   * The regularized upper incomplete gamma function
   * <pre>Q(a, x) = Gamma(a, x) / Gamma(a) = (1 / Gamma(a)) int_x^inf t^(a - 1) e^(-t) dt,   a > 0, x >= 0</pre>
   * For {@code x < a + 1}, {@code Q = 1 - P} with the series
   * <pre>P(a, x) = e^(-x) x^a / Gamma(a) * sum_{n >= 0} x^n / (a (a + 1) ... (a + n))</pre>
   * and otherwise the continued fraction, evaluated by the modified Lentz method,
   * <pre>
   * Q(a, x) = e^(-x) x^a / Gamma(a) * 1 / (x + 1 - a - 1 (1 - a) / (x + 3 - a - 2 (2 - a) / (x + 5 - a - ...)))
   * </pre>
   * (Numerical Recipes, 3rd ed., 6.2.5 and 6.2.7), each where it converges fast.
   *
   * @throws IllegalArgumentException if {@code a <= 0} or {@code x < 0} (or either is NaN)
   */
  public static double gammaQ(double a, double x) {
    if (!(a > 0) || !(x >= 0)) {
      throw new IllegalArgumentException("shift: incomplete gamma Q(a = " + a + ", x = " + x
          + "); expected a > 0 and x >= 0");
    }
    if (x == 0) return 1;
    if (Double.isInfinite(x)) return 0;
    double front = Math.exp(-x + a * Math.log(x) - lnGamma(a)); // e^-x x^a / Gamma(a)
    if (x < a + 1) {
      double term = 1 / a, sum = term;
      for (int n = 1; n < MAX_ITERATIONS; n++) {
        term *= x / (a + n);
        sum += term;
        if (Math.abs(term) < Math.abs(sum) * EPS) break;
      }
      return Math.min(1, Math.max(0, 1 - front * sum));
    }
    double b = x + 1 - a, c = 1 / TINY, d = 1 / b, h = d;
    for (int i = 1; i < MAX_ITERATIONS; i++) {
      double an = -i * (i - a);
      b += 2;
      d = an * d + b;
      if (Math.abs(d) < TINY) d = TINY;
      c = b + an / c;
      if (Math.abs(c) < TINY) c = TINY;
      d = 1 / d;
      double delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < EPS) break;
    }
    return Math.min(1, Math.max(0, front * h));
  }

  /** Lanczos coefficients (g = 7, 9 terms): ln Gamma to about 15 significant digits for x > 0. */
  private static final double[] LANCZOS = {0.99999999999980993, 676.5203681218851, -1259.1392167224028,
      771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
      1.5056327351493116e-7};

  /**
   * {@code ln Gamma(x)} for x > 0 by the Lanczos approximation
   * <pre>Gamma(z + 1) = sqrt(2 pi) (z + g + 1/2)^(z + 1/2) e^-(z + g + 1/2) (c_0 + sum_{k=1}^{8} c_k / (z + k))</pre>
   * with g = 7 (and {@code Gamma(x) = pi / (sin(pi x) Gamma(1 - x))} below 1/2).
   */
  static double lnGamma(double x) {
    if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
    double z = x - 1, sum = LANCZOS[0];
    for (int k = 1; k < LANCZOS.length; k++) sum += LANCZOS[k] / (z + k);
    double t = z + 7.5;
    return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
  }
}
