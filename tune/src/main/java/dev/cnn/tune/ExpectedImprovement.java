package dev.cnn.tune;

/**
 * Expected improvement, the acquisition function of Bayesian optimisation (Mockus 1978; Jones,
 * Schonlau and Welch, "Efficient Global Optimization of Expensive Black-Box Functions", 1998),
 * for minimisation.
 *
 * <p>At a point where the model's prediction is normal with mean mu and standard deviation s, and
 * the best value seen so far is f*, the improvement is I = max(0, f* - xi - Y) for Y ~ N(mu, s^2),
 * and its expectation is
 * <pre>
 *   EI = (f* - mu - xi) Phi(z) + s phi(z),   z = (f* - mu - xi) / s,
 * </pre>
 * with phi and Phi the standard normal density and distribution function; for s = 0 it is
 * max(0, f* - mu - xi). The first term rewards a low mean (exploitation), the second a large
 * uncertainty (exploration); xi &gt;= 0 asks for an improvement of at least xi, tilting the balance
 * toward exploration (Lizotte 2008).
 *
 * <p>Phi is computed from the complementary error function, Phi(z) = erfc(-z / sqrt 2) / 2, and
 * erfc by W. J. Cody's rational Chebyshev approximations ("Rational Chebyshev approximations for
 * the error function", Math. Comp. 23, 1969; the coefficients of his CALERF, ACM Algorithm 715,
 * 1993), whose relative error is below 1e-15 in double precision. erfc, not 1 - erf, keeps full
 * relative accuracy in the lower tail (Phi(-8) = 6.2e-16), where EI of a point predicted far
 * worse than the best is decided.
 */
public final class ExpectedImprovement {
  private ExpectedImprovement() {}

  /** 1 / sqrt(2 pi), the standard normal density at 0. */
  private static final double INV_SQRT_2PI = 0.3989422804014327;

  /** 1 / sqrt(pi). */
  private static final double INV_SQRT_PI = 0.5641895835477563;

  /** Below this |x|, Cody's first range: erf(x) = x P(x^2) / Q(x^2), erfc = 1 - erf. */
  private static final double ERF_RANGE_END = 0.46875;

  /** Up to this |x|, the second range: erfc(x) = exp(-x^2) P(x) / Q(x); beyond, an expansion in 1 / x^2. */
  private static final double ERFC_MIDDLE_RANGE_END = 4.0;

  /** erfc(x) underflows to 0 in double precision beyond this x (exp(-x^2) / (x sqrt pi) below 4.9e-324). */
  private static final double ERFC_UNDERFLOW = 26.543;

  // Cody (1969, 1993), range |x| <= 0.46875: erf(x) = x (A0 + A1 t + ... ) / (B0 + ... ), t = x^2,
  // in the Horner order of CALERF (A[4] is the leading numerator coefficient).
  private static final double[] A = {
      3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
      3.20937758913846947e03, 1.85777706184603153e-1};
  private static final double[] B = {
      2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
      2.84423683343917062e03};

  // Range 0.46875 < |x| <= 4: erfc(x) = exp(-x^2) C(x) / D(x).
  private static final double[] C = {
      5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
      2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
      2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8};
  private static final double[] D = {
      1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
      1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
      3.43936767414372164e03, 1.23033935480374942e03};

  // Range |x| > 4: erfc(x) = exp(-x^2) / x (1 / sqrt(pi) + t P(t) / Q(t)), t = 1 / x^2.
  private static final double[] P = {
      3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
      1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2};
  private static final double[] Q = {
      2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
      6.05183413124413191e-2, 2.33520497626869185e-3};

  /**
   * The expected improvement below {@code best} (minimisation), formula in the class comment.
   *
   * @param mean the predicted mean mu
   * @param sd the predicted standard deviation s, &gt;= 0
   * @param best the best (smallest) value so far, f*
   * @param xi the minimum improvement sought, &gt;= 0 (e.g. 0.01 on standardised values)
   * @return EI &gt;= 0
   */
  public static double ei(double mean, double sd, double best, double xi) {
    if (!(sd >= 0)) {
      throw new IllegalArgumentException("expected improvement: sd = " + sd + "; expected a standard deviation >= 0");
    }
    if (!(xi >= 0)) throw new IllegalArgumentException("expected improvement: xi = " + xi + "; expected >= 0");
    double gain = best - mean - xi;
    if (sd == 0) return Math.max(0, gain);
    double z = gain / sd;
    return Math.max(0, gain * normalCdf(z) + sd * normalPdf(z)); // max: rounding when both terms nearly cancel
  }

  /** phi(z) = exp(-z^2 / 2) / sqrt(2 pi), the standard normal density. */
  public static double normalPdf(double z) {
    return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
  }

  /** Phi(z) = P(Z &lt;= z) for Z ~ N(0, 1), as erfc(-z / sqrt 2) / 2. */
  public static double normalCdf(double z) {
    return 0.5 * erfc(-z / Math.sqrt(2));
  }

  /**
   * The complementary error function erfc(x) = (2 / sqrt pi) int_x^inf exp(-t^2) dt, by Cody's
   * approximations (class comment): erfc(-x) = 2 - erfc(x) for negative x.
   */
  public static double erfc(double x) {
    if (Double.isNaN(x)) return Double.NaN;
    double y = Math.abs(x);
    double result;
    if (y <= ERF_RANGE_END) {
      double t = y * y;
      double num = A[4] * t, den = t;
      for (int i = 0; i < 3; i++) {
        num = (num + A[i]) * t;
        den = (den + B[i]) * t;
      }
      double erf = x * (num + A[3]) / (den + B[3]);
      return 1 - erf; // erf is odd, so this line serves both signs
    } else if (y <= ERFC_MIDDLE_RANGE_END) {
      double num = C[8] * y, den = y;
      for (int i = 0; i < 7; i++) {
        num = (num + C[i]) * y;
        den = (den + D[i]) * y;
      }
      result = expMinusSquare(y) * (num + C[7]) / (den + D[7]);
    } else if (y >= ERFC_UNDERFLOW) {
      result = 0;
    } else {
      double t = 1 / (y * y);
      double num = P[5] * t, den = t;
      for (int i = 0; i < 4; i++) {
        num = (num + P[i]) * t;
        den = (den + Q[i]) * t;
      }
      double r = t * (num + P[4]) / (den + Q[4]);
      result = expMinusSquare(y) * (INV_SQRT_PI - r) / y;
    }
    return x < 0 ? 2 - result : result;
  }

  /**
   * exp(-y^2) without the rounding error of squaring y: y = h + e with h = floor(16 y) / 16 exact
   * in few bits, so h^2 is exact and exp(-y^2) = exp(-h^2) exp(-(y - h)(y + h)) (Cody's trick).
   */
  private static double expMinusSquare(double y) {
    double h = Math.floor(y * 16) / 16;
    return Math.exp(-h * h) * Math.exp(-(y - h) * (y + h));
  }
}
