package dev.cnn.tune;

import dev.cnn.tensor.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Synthetic objectives with known minima, to measure samplers without training anything: each is
 * a function of real parameters x1 .. xd, to be minimised, with the space it is defined on.
 * Definitions and minima follow Surjanovic and Bingham's Virtual Library of Simulation Experiments
 * (www.sfu.ca/~ssurjano) and the papers cited.
 */
public final class TestFunctions {
  private TestFunctions() {}

  /**
   * One test function.
   *
   * <p>{@link #value} evaluates it at a point of {@link #space()} (values as strings, as a sampler
   * suggests them), plus Gaussian noise of standard deviation {@link #noiseSd()} drawn from the
   * generator (none for a noise-free function).
   */
  public static final class TestFunction {
    private final String name;
    private final SearchSpace space;
    private final double minimum;
    private final double noiseSd;
    private final ToDoubleFunction<double[]> f;

    private TestFunction(String name, SearchSpace space, double minimum, double noiseSd,
        ToDoubleFunction<double[]> f) {
      this.name = name;
      this.space = space;
      this.minimum = minimum;
      this.noiseSd = noiseSd;
      this.f = f;
    }

    /** The name the benchmark takes ({@code branin}, {@code hartmann6}, {@code noisy4}). */
    public String name() {
      return name;
    }

    /** The domain: real parameters x1 .. xd, linear ranges. */
    public SearchSpace space() {
      return space;
    }

    /** The global minimum of the noise-free function. */
    public double minimum() {
      return minimum;
    }

    /** The standard deviation of the noise {@link #value} adds (0 for none). */
    public double noiseSd() {
      return noiseSd;
    }

    /** The noise-free value at a point of the space. */
    public double noiseFree(Map<String, String> params) {
      return f.applyAsDouble(coordinates(params));
    }

    /** The value at a point of the space, plus N(0, noiseSd^2) noise from {@code rng} if noiseSd &gt; 0. */
    public double value(Map<String, String> params, Rng rng) {
      double v = noiseFree(params);
      return noiseSd > 0 ? v + noiseSd * rng.nextGaussian() : v;
    }

    /** The noise-free value at coordinates (x1 .. xd). */
    public double at(double... x) {
      if (x.length != space.parameters().size()) {
        throw new IllegalArgumentException(name + ": " + x.length + " coordinates; expected "
            + space.parameters().size());
      }
      return f.applyAsDouble(x);
    }

    private double[] coordinates(Map<String, String> params) {
      space.encode(params); // checks names, numbers and ranges
      List<Parameter> ps = space.parameters();
      double[] x = new double[ps.size()];
      for (int i = 0; i < x.length; i++) x[i] = Double.parseDouble(params.get(ps.get(i).name()).trim());
      return x;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** The Branin function's global minimum, at (-pi, 12.275), (pi, 2.275) and (9.42478, 2.475). */
  public static final double BRANIN_MINIMUM = 0.39788735772973816;

  /** The Hartmann-6 function's global minimum, at (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573). */
  public static final double HARTMANN6_MINIMUM = -3.322368011415515;

  /** The scaled Rosenbrock function's minimum, -3.827e5 / 3.755e5, at x = (0.4, 0.4, 0.4, 0.4). */
  public static final double ROSENBROCK4_MINIMUM = -3.827e5 / 3.755e5;

  /** The noise of {@link #NOISY4}: a tenth of the scaled Rosenbrock's standard deviation over the cube (about 1). */
  public static final double NOISY4_NOISE_SD = 0.1;

  /**
   * Branin (Branin-Hoo), 2-D, x1 in [-5, 10], x2 in [0, 15]:
   * {@code a (x2 - b x1^2 + c x1 - r)^2 + s (1 - t) cos(x1) + s} with a = 1, b = 5.1 / (4 pi^2),
   * c = 5 / pi, r = 6, s = 10, t = 1 / (8 pi). Three global minima of 0.397887.
   */
  public static final TestFunction BRANIN = new TestFunction("branin",
      SearchSpace.parse(List.of("x1=-5..10", "x2=0..15")), BRANIN_MINIMUM, 0, x -> branin(x[0], x[1]));

  /**
   * Hartmann-6, 6-D on [0, 1]^6: {@code -sum_i alpha_i exp(-sum_j A_ij (x_j - P_ij)^2)} (4 terms);
   * six local minima, the global one -3.32237.
   */
  public static final TestFunction HARTMANN6 = new TestFunction("hartmann6", unitCube(6), HARTMANN6_MINIMUM, 0,
      TestFunctions::hartmann6);

  /**
   * A noisy 4-D function on [0, 1]^4: the rescaled Rosenbrock function of Picheny, Wagner and
   * Ginsbourger ("A benchmark of kriging-based infill criteria for noisy optimization", Struct.
   * Multidisc. Optim. 48, 2013),
   * {@code (sum_{i=1}^{3} [100 (z_{i+1} - z_i^2)^2 + (1 - z_i)^2] - 3.827e5) / 3.755e5},
   * z_i = 15 x_i - 5 (so the classic domain [-5, 10]^4, scaled to mean about 0 and standard deviation
   * about 1 over the cube), plus Gaussian noise of sd {@value #NOISY4_NOISE_SD}. Its noise-free
   * minimum is -3.827e5 / 3.755e5 = -1.019174 at x = (0.4, 0.4, 0.4, 0.4) (z = 1).
   */
  public static final TestFunction NOISY4 = new TestFunction("noisy4", unitCube(4), ROSENBROCK4_MINIMUM,
      NOISY4_NOISE_SD, TestFunctions::rosenbrock4Scaled);

  /** The test functions by name: {@code branin}, {@code hartmann6}, {@code noisy4}. */
  public static TestFunction byName(String name) {
    for (TestFunction f : List.of(BRANIN, HARTMANN6, NOISY4)) {
      if (f.name().equals(name)) return f;
    }
    throw new IllegalArgumentException("test functions: no function '" + name
        + "'; expected branin, hartmann6 or noisy4");
  }

  /** The Branin function (formula at {@link #BRANIN}). */
  public static double branin(double x1, double x2) {
    double a = 1, b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, r = 6, s = 10, t = 1 / (8 * Math.PI);
    double q = x2 - b * x1 * x1 + c * x1 - r;
    return a * q * q + s * (1 - t) * Math.cos(x1) + s;
  }

  private static final double[] HARTMANN_ALPHA = {1.0, 1.2, 3.0, 3.2};
  private static final double[][] HARTMANN_A = {
      {10, 3, 17, 3.5, 1.7, 8},
      {0.05, 10, 17, 0.1, 8, 14},
      {3, 3.5, 1.7, 10, 17, 8},
      {17, 8, 0.05, 10, 0.1, 14}};
  private static final double[][] HARTMANN_P = {
      {1312, 1696, 5569, 124, 8283, 5886},
      {2329, 4135, 8307, 3736, 1004, 9991},
      {2348, 1451, 3522, 2883, 3047, 6650},
      {4047, 8828, 8732, 5743, 1091, 381}}; // times 1e-4

  /** The Hartmann-6 function (formula at {@link #HARTMANN6}), x of length 6. */
  public static double hartmann6(double[] x) {
    double sum = 0;
    for (int i = 0; i < 4; i++) {
      double inner = 0;
      for (int j = 0; j < 6; j++) {
        double diff = x[j] - 1e-4 * HARTMANN_P[i][j];
        inner += HARTMANN_A[i][j] * diff * diff;
      }
      sum += HARTMANN_ALPHA[i] * Math.exp(-inner);
    }
    return -sum;
  }

  /** The rescaled 4-D Rosenbrock function (formula at {@link #NOISY4}), x of length 4 in [0, 1]. */
  public static double rosenbrock4Scaled(double[] x) {
    double sum = 0;
    for (int i = 0; i < 3; i++) {
      double zi = 15 * x[i] - 5, zNext = 15 * x[i + 1] - 5;
      sum += 100 * (zNext - zi * zi) * (zNext - zi * zi) + (1 - zi) * (1 - zi);
    }
    return (sum - 3.827e5) / 3.755e5;
  }

  private static SearchSpace unitCube(int d) {
    List<String> specs = new ArrayList<>();
    for (int i = 1; i <= d; i++) specs.add("x" + i + "=0..1");
    return SearchSpace.parse(specs);
  }
}
