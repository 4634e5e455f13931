package dev.cnn.tune;

import dev.cnn.tensor.Rng;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.decomposition.TriangularSolver_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;

/**
 * Gaussian-process regression with a zero prior mean and a Matern 5/2 kernel with one length
 * scale per input dimension (automatic relevance determination, ARD), as in Rasmussen and
 * Williams, "Gaussian Processes for Machine Learning" (2006), ch. 2 and 5, and Snoek, Larochelle
 * and Adams, "Practical Bayesian Optimization of Machine Learning Algorithms" (2012).
 *
 * <p><b>Kernel.</b> For inputs x, x' of dimension d,
 * <pre>
 *   r = sqrt( sum_d (x_d - x'_d)^2 / l_d^2 ),
 *   k(x, x') = s2 (1 + sqrt(5) r + 5 r^2 / 3) exp(-sqrt(5) r),
 * </pre>
 * with length scales l_d (how far along axis d the function changes) and signal variance s2 (its
 * prior variance). Observations carry independent noise of variance sn2: y = f(x) + eps.
 *
 * <p><b>Conditioning.</b> With the n training inputs X (n x d) and outputs y (n), the covariance
 * K = k(X, X) + sn2 I (n x n) is factored K = L L^T (Cholesky, EJML), and alpha = K^-1 y = L^-T
 * (L^-1 y) by two triangular solves. At a new x* with k* = k(X, x*) (n),
 * <pre>
 *   mean     mu(x*)  = k*^T alpha,
 *   variance s^2(x*) = k(x*, x*) - v^T v,   v = L^-1 k*,
 * </pre>
 * the variance of f(x*) (not of a noisy observation), floored at 0 against rounding. The log
 * marginal likelihood of the data is
 * <pre>
 *   log p(y | X) = -1/2 y^T alpha - sum_i log L_ii - n/2 log(2 pi).
 * </pre>
 * If K does not factor (it is positive definite in exact arithmetic, but near-duplicate inputs
 * and long length scales make it singular in floating point), a jitter is added to its diagonal,
 * {@value #FIRST_JITTER} and then ten times more per try, up to {@value #CHOLESKY_RETRIES} tries.
 *
 * <p><b>Fitting ({@link #fit}).</b> The hyperparameters theta = (log l_1 .. log l_d, log s2,
 * log sn2) maximise the log marginal likelihood (type-II maximum likelihood) by the Nelder-Mead
 * simplex method (class {@code NelderMead}) in log space, within these bounds, meant for inputs
 * in the unit cube and outputs standardised to mean 0 and variance 1:
 * <ul>
 *   <li>l_d in [{@value #MIN_LENGTH_SCALE}, {@value #MAX_LENGTH_SCALE}]: from a bump a hundredth
 *       of the cube wide to a function that barely changes across it;
 *   <li>s2 in [{@value #MIN_SIGNAL_VARIANCE}, {@value #MAX_SIGNAL_VARIANCE}] around the data's
 *       variance of 1;
 *   <li>sn2 in [{@value #MIN_NOISE_VARIANCE}, {@value #MAX_NOISE_VARIANCE}]: the lower bound is
 *       the jitter floor that keeps K factorable; at the upper bound the data are all noise.
 * </ul>
 * The search starts {@value #FIT_RESTARTS} times and keeps the best optimum: once from
 * l_d = {@value #DEFAULT_LENGTH_SCALE}, s2 = 1, sn2 = {@value #DEFAULT_NOISE_VARIANCE}, and from
 * random points drawn log-uniformly with l_d in [{@value #START_MIN_LENGTH_SCALE},
 * {@value #START_MAX_LENGTH_SCALE}], s2 in [0.5, 2] and sn2 in [1e-4, 1e-1] (narrower than the
 * bounds, so that the starts are plausible and the simplex may still reach the bounds). Each
 * simplex starts with steps of {@value #SIMPLEX_STEP} in every log-parameter (a factor e) and
 * stops when it has collapsed to {@value #FIT_TOLERANCE} or after
 * {@value #EVALUATIONS_PER_HYPERPARAMETER} (d + 2) evaluations. Since the simplex never leaves
 * its best point, the fitted likelihood is at least that at the first start.
 */
public final class GaussianProcess {
  /** Shortest length scale: a hundredth of the unit cube. Shorter would fit isolated spikes at each point. */
  static final double MIN_LENGTH_SCALE = 0.01;
  /** Longest length scale: ten cubes, a function nearly constant (or linear) along that axis. */
  static final double MAX_LENGTH_SCALE = 10;
  /** Smallest signal variance, a twentieth of the standardised outputs' variance. */
  static final double MIN_SIGNAL_VARIANCE = 0.05;
  /** Largest signal variance, 20 times the standardised outputs' variance. */
  static final double MAX_SIGNAL_VARIANCE = 20;
  /** Smallest noise variance: the jitter floor on standardised outputs that keeps K well conditioned. */
  static final double MIN_NOISE_VARIANCE = 1e-6;
  /** Largest noise variance: the whole variance of the standardised outputs. */
  static final double MAX_NOISE_VARIANCE = 1;

  /** The first start's length scale: a third of the cube, a function with a few bumps per axis. */
  static final double DEFAULT_LENGTH_SCALE = 0.3;
  /** The first start's signal variance: the standardised outputs' variance. */
  static final double DEFAULT_SIGNAL_VARIANCE = 1;
  /** The first start's noise variance: one percent of it. */
  static final double DEFAULT_NOISE_VARIANCE = 1e-2;
  /** Random starts draw length scales log-uniformly in [0.05, 2]. */
  static final double START_MIN_LENGTH_SCALE = 0.05, START_MAX_LENGTH_SCALE = 2;

  /**
   * How many times the likelihood is maximised from a different start. The likelihood of ARD
   * length scales has several local optima (one axis long, another short, or the other way), and
   * a simplex finds the one nearest its start. Five starts keep a fit on the tens of points of a
   * hyperparameter search near a tenth of a second (a Bayesian optimisation suggestion on
   * Hartmann-6 with 30 trials took 0.16 s on 2 cores, the fit most of it): nothing beside a trial
   * that trains a network.
   */
  static final int FIT_RESTARTS = 5;
  /**
   * The cap on Nelder-Mead evaluations per start, per hyperparameter (p = d + 2 of them): 150 p.
   * A cap against a simplex that creeps along a flat ridge; it usually collapses sooner.
   */
  static final int EVALUATIONS_PER_HYPERPARAMETER = 150;
  /** The first simplex's step along each log-parameter: a factor e, between the bounds' spans and fine detail. */
  static final double SIMPLEX_STEP = 1.0;
  /** Nelder-Mead stops when values and points of the simplex agree to this (log units, nats). */
  static final double FIT_TOLERANCE = 1e-5;
  /** The first jitter added to K's diagonal when it does not factor. */
  static final double FIRST_JITTER = 1e-6;
  /** How many times K is factored with growing jitter (1e-6, 1e-5, ..., 1e-2) before giving up. */
  static final int CHOLESKY_RETRIES = 5;

  private static final double SQRT5 = Math.sqrt(5);
  private static final double LOG_2PI = Math.log(2 * Math.PI);

  private final double[][] x;
  private final double[] lengthScales;
  private final double signalVariance;
  private final double noiseVariance;
  private final DMatrixRMaj lower;
  private final double[] alpha;
  private final double logMarginalLikelihood;

  private GaussianProcess(double[][] x, double[] lengthScales, double signalVariance, double noiseVariance,
      Factor factor) {
    this.x = x;
    this.lengthScales = lengthScales;
    this.signalVariance = signalVariance;
    this.noiseVariance = noiseVariance;
    this.lower = factor.lower;
    this.alpha = factor.alpha;
    this.logMarginalLikelihood = factor.logMarginalLikelihood;
  }

  /** K's Cholesky factor, alpha = K^-1 y and log p(y | X). */
  private record Factor(DMatrixRMaj lower, double[] alpha, double logMarginalLikelihood) {}

  /**
   * The process conditioned on (x, y) with the given hyperparameters, not fitted (for tests and for
   * callers who know them).
   *
   * @param x n inputs of dimension d (copied)
   * @param y n outputs
   * @param lengthScales l_1 .. l_d, each &gt; 0
   * @param signalVariance s2 &gt; 0
   * @param noiseVariance sn2 &gt;= 0 (0 interpolates; jitter is added if K does not factor)
   * @throws IllegalStateException if K does not factor even with the largest jitter
   */
  static GaussianProcess withHyperparameters(double[][] x, double[] y, double[] lengthScales, double signalVariance,
      double noiseVariance) {
    double[][] xs = checkData(x, y);
    if (lengthScales.length != xs[0].length) {
      throw new IllegalArgumentException("Gaussian process: " + lengthScales.length + " length scales for inputs of "
          + "dimension " + xs[0].length + "; give one per dimension");
    }
    for (double l : lengthScales) {
      if (!(l > 0) || Double.isInfinite(l)) {
        throw new IllegalArgumentException("Gaussian process: length scale " + l + " in "
            + Arrays.toString(lengthScales) + "; expected finite and > 0");
      }
    }
    if (!(signalVariance > 0)) {
      throw new IllegalArgumentException("Gaussian process: signal variance " + signalVariance + "; expected > 0");
    }
    if (!(noiseVariance >= 0)) {
      throw new IllegalArgumentException("Gaussian process: noise variance " + noiseVariance + "; expected >= 0");
    }
    Factor f = factor(xs, y, lengthScales, signalVariance, noiseVariance);
    if (f == null) {
      throw new IllegalStateException("Gaussian process: the covariance matrix does not factor even with jitter "
          + FIRST_JITTER * Math.pow(10, CHOLESKY_RETRIES - 1) + " on its diagonal; the length scales "
          + Arrays.toString(lengthScales) + " are too long for these inputs, or the noise variance too small");
    }
    return new GaussianProcess(xs, lengthScales.clone(), signalVariance, noiseVariance, f);
  }

  /**
   * The process conditioned on (x, y) with hyperparameters fitted by maximum marginal likelihood
   * (class comment: bounds, starts, optimiser).
   *
   * @param x n &gt;= 1 inputs of dimension d &gt;= 1, in the unit cube for the bounds to make sense
   * @param y n outputs, standardised (mean 0, variance 1) for the bounds to make sense
   * @param rng draws the random starts
   */
  public static GaussianProcess fit(double[][] x, double[] y, Rng rng) {
    double[][] xs = checkData(x, y);
    int d = xs[0].length, p = d + 2;
    double[] low = new double[p], high = new double[p];
    for (int j = 0; j < d; j++) {
      low[j] = Math.log(MIN_LENGTH_SCALE);
      high[j] = Math.log(MAX_LENGTH_SCALE);
    }
    low[d] = Math.log(MIN_SIGNAL_VARIANCE);
    high[d] = Math.log(MAX_SIGNAL_VARIANCE);
    low[d + 1] = Math.log(MIN_NOISE_VARIANCE);
    high[d + 1] = Math.log(MAX_NOISE_VARIANCE);

    NelderMead.Result best = null;
    for (int restart = 0; restart < FIT_RESTARTS; restart++) {
      double[] start = restart == 0 ? defaultStart(d) : randomStart(d, rng);
      NelderMead.Result r = NelderMead.minimize(theta -> {
        Factor f = factor(xs, y, lengthScales(theta, d), Math.exp(theta[d]), Math.exp(theta[d + 1]));
        return f == null ? Double.POSITIVE_INFINITY : -f.logMarginalLikelihood;
      }, start, SIMPLEX_STEP, low, high, EVALUATIONS_PER_HYPERPARAMETER * p, FIT_TOLERANCE);
      if (best == null || r.value() < best.value()) best = r;
    }
    double[] theta = best.x();
    if (Double.isInfinite(best.value())) {
      throw new IllegalStateException("Gaussian process: the covariance matrix did not factor at any "
          + "hyperparameters tried; the inputs or outputs are degenerate (check them for NaN or huge values)");
    }
    return withHyperparameters(xs, y, lengthScales(theta, d), Math.exp(theta[d]), Math.exp(theta[d + 1]));
  }

  /** theta of the first start (class comment). */
  static double[] defaultStart(int d) {
    double[] theta = new double[d + 2];
    Arrays.fill(theta, 0, d, Math.log(DEFAULT_LENGTH_SCALE));
    theta[d] = Math.log(DEFAULT_SIGNAL_VARIANCE);
    theta[d + 1] = Math.log(DEFAULT_NOISE_VARIANCE);
    return theta;
  }

  private static double[] randomStart(int d, Rng rng) {
    double[] theta = new double[d + 2];
    for (int j = 0; j < d; j++) {
      theta[j] = rng.uniform(Math.log(START_MIN_LENGTH_SCALE), Math.log(START_MAX_LENGTH_SCALE));
    }
    theta[d] = rng.uniform(Math.log(0.5), Math.log(2));
    theta[d + 1] = rng.uniform(Math.log(1e-4), Math.log(1e-1));
    return theta;
  }

  private static double[] lengthScales(double[] theta, int d) {
    double[] l = new double[d];
    for (int j = 0; j < d; j++) l[j] = Math.exp(theta[j]);
    return l;
  }

  /**
   * Factors K = k(X, X) + sn2 I, retrying with growing jitter (class comment); null if it never
   * factors.
   */
  private static Factor factor(double[][] x, double[] y, double[] lengthScales, double s2, double noise) {
    int n = x.length;
    DMatrixRMaj k = new DMatrixRMaj(n, n);
    for (int i = 0; i < n; i++) {
      k.unsafe_set(i, i, s2 + noise);
      for (int j = 0; j < i; j++) {
        double kij = matern52(scaledDistance(x[i], x[j], lengthScales), s2);
        k.unsafe_set(i, j, kij);
        k.unsafe_set(j, i, kij);
      }
    }
    double jitter = 0;
    for (int attempt = 0; attempt <= CHOLESKY_RETRIES; attempt++) {
      DMatrixRMaj kj = k.copy();
      for (int i = 0; i < n; i++) kj.unsafe_set(i, i, kj.unsafe_get(i, i) + jitter);
      CholeskyDecomposition_F64<DMatrixRMaj> cholesky = DecompositionFactory_DDRM.chol(n, true);
      if (cholesky.decompose(kj)) {
        DMatrixRMaj lower = cholesky.getT(null);
        double[] alpha = y.clone();
        TriangularSolver_DDRM.solveL(lower.data, alpha, n); // L^-1 y
        TriangularSolver_DDRM.solveTranL(lower.data, alpha, n); // L^-T L^-1 y = K^-1 y
        double fit = 0, logDet = 0;
        for (int i = 0; i < n; i++) {
          fit += y[i] * alpha[i];
          logDet += Math.log(lower.unsafe_get(i, i));
        }
        double lml = -0.5 * fit - logDet - 0.5 * n * LOG_2PI;
        if (Double.isFinite(lml)) return new Factor(lower, alpha, lml);
      }
      jitter = jitter == 0 ? FIRST_JITTER : jitter * 10;
    }
    return null;
  }

  /**
   * The Matern 5/2 kernel at scaled distance r: s2 (1 + sqrt(5) r + 5 r^2 / 3) exp(-sqrt(5) r).
   * It is s2 at r = 0 and decays to 0; the process it defines is twice differentiable.
   */
  public static double matern52(double r, double signalVariance) {
    double a = SQRT5 * r;
    return signalVariance * (1 + a + a * a / 3) * Math.exp(-a);
  }

  /** r = sqrt( sum_d (a_d - b_d)^2 / l_d^2 ). */
  static double scaledDistance(double[] a, double[] b, double[] lengthScales) {
    double sum = 0;
    for (int j = 0; j < a.length; j++) {
      double t = (a[j] - b[j]) / lengthScales[j];
      sum += t * t;
    }
    return Math.sqrt(sum);
  }

  /** k(a, b) with this process's length scales and signal variance. */
  public double kernel(double[] a, double[] b) {
    return matern52(scaledDistance(a, b, lengthScales), signalVariance);
  }

  /**
   * The posterior of f at {@code xStar}: {mean, variance} (formulas in the class comment; the
   * variance is that of f, floored at 0).
   *
   * @param xStar a point of dimension d
   */
  public double[] predict(double[] xStar) {
    int n = x.length;
    if (xStar.length != x[0].length) {
      throw new IllegalArgumentException("Gaussian process: predict at a point of dimension " + xStar.length
          + "; the process was fitted on dimension " + x[0].length);
    }
    double[] v = new double[n];
    double mean = 0;
    for (int i = 0; i < n; i++) {
      v[i] = kernel(x[i], xStar);
      mean += v[i] * alpha[i];
    }
    TriangularSolver_DDRM.solveL(lower.data, v, n); // v = L^-1 k*
    double explained = 0;
    for (double vi : v) explained += vi * vi;
    return new double[] {mean, Math.max(0, signalVariance - explained)};
  }

  /** log p(y | X) at this process's hyperparameters (with any jitter that factoring needed). */
  public double logMarginalLikelihood() {
    return logMarginalLikelihood;
  }

  /** The length scales l_1 .. l_d (a copy). */
  public double[] lengthScales() {
    return lengthScales.clone();
  }

  /** The signal variance s2. */
  public double signalVariance() {
    return signalVariance;
  }

  /** The noise variance sn2 (without any jitter factoring needed). */
  public double noiseVariance() {
    return noiseVariance;
  }

  /** The number of training points n. */
  public int size() {
    return x.length;
  }

  private static double[][] checkData(double[][] x, double[] y) {
    if (x == null || x.length == 0) {
      throw new IllegalArgumentException("Gaussian process: no training inputs; give at least one point");
    }
    if (y == null || y.length != x.length) {
      throw new IllegalArgumentException("Gaussian process: " + x.length + " inputs but "
          + (y == null ? "no" : Integer.toString(y.length)) + " outputs; give one output per input");
    }
    int d = x[0].length;
    if (d == 0) throw new IllegalArgumentException("Gaussian process: inputs of dimension 0; expected at least 1");
    double[][] copy = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      if (x[i].length != d) {
        throw new IllegalArgumentException("Gaussian process: input " + i + " has dimension " + x[i].length
            + " but input 0 has " + d + "; give every input the same dimension");
      }
      for (double v : x[i]) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("Gaussian process: input " + i + " = " + Arrays.toString(x[i])
              + " has a non-finite coordinate");
        }
      }
      if (!Double.isFinite(y[i])) {
        throw new IllegalArgumentException("Gaussian process: output " + i + " = " + y[i] + "; expected finite");
      }
      copy[i] = x[i].clone();
    }
    return copy;
  }
}
