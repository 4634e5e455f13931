package dev.cnn.engine;

import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;
import java.util.Arrays;
import java.util.Locale;

/**
 * Checks analytical gradients (backward) against central finite differences, in float64.
 *
 * <p>For a function {@code y = f(x_1, ..., x_m)} with Jacobians {@code J_i = dy/dx_i}, the
 * numerical derivative along a direction u is
 * {@code (f(x + eps u) - f(x - eps u)) / (2 eps) = J u + O(eps^2)}. Two modes:
 * <ul>
 *   <li>{@link Mode#FULL_JACOBIAN}: every entry of every {@code J_i}: one backward per output
 *       element (seed = a one-hot), two forwards per input element (u = a one-hot). Exact
 *       localisation, cost grows with size x size.
 *   <li>{@link Mode#RANDOM_PROBE} (PyTorch's "fast mode"): for random u (shaped like x_i) and v
 *       (shaped like y), compare {@code v^T J_i u} computed two ways: analytically as
 *       {@code <backward(seed = v)_i, u>}, numerically as
 *       {@code v . (f(x_i + eps u) - f(x_i - eps u)) / (2 eps)}. One backward and two forwards per
 *       probe and input, whatever the size; a wrong gradient passes only for unlucky u, v.
 * </ul>
 * A value passes when {@code |analytical - numerical| <= atol + rtol * max(|analytical|, |numerical|)}.
 * The defaults (eps 1e-6, rtol 1e-6, atol 1e-9) assume float64 and inputs of order 1: the
 * truncation error is about eps^2 = 1e-12 and the rounding error about 1e-16 / eps = 1e-10.
 *
 * <pre>
 * GradCheck.Report r = GradCheck.of(in -> Ops.tanh(Ops.matmul(in[0], in[1])), x, w)
 *     .mode(GradCheck.Mode.RANDOM_PROBE).probes(3).seed(42).check();
 * r.assertPassed();
 * </pre>
 *
 * <p>The function must be deterministic (give a dropout op a generator made inside the function
 * from a fixed seed), and should stay away from kinks (ReLU at 0, ties in max) by at least eps.
 */
public final class GradCheck {
  /** How the Jacobian is compared. */
  public enum Mode {
    /** Every entry of every Jacobian. */
    FULL_JACOBIAN,
    /** Random projections v^T J u. */
    RANDOM_PROBE
  }

  /** The function under test: inputs (fresh variables each call) to one output. */
  @FunctionalInterface
  public interface Function {
    Variable apply(Variable[] inputs);
  }

  /**
   * The outcome, and its worst value: the input, the element of that input (full mode) or the
   * probe number (probe mode, {@code index = [probe]}), the output element (full mode; -1 in probe
   * mode), both values and the tolerance at that value.
   */
  public record Report(Mode mode, boolean passed, int checked, int input, int[] index, int output,
      double analytical, double numerical, double tolerance) {
    /** {@code |analytical - numerical|} at the worst value. */
    public double error() {
      return Math.abs(analytical - numerical);
    }

    /** Throws an {@link AssertionError} with {@link #toString()} unless the check passed. */
    public void assertPassed() {
      if (!passed) throw new AssertionError(toString());
    }

    @Override
    public String toString() {
      String where = mode == Mode.FULL_JACOBIAN
          ? "d output[" + output + "] / d input " + input + Arrays.toString(index)
          : "v^T J u for input " + input + ", probe " + index[0];
      return String.format(Locale.ROOT, "gradient check (%s, %d values) %s; worst: %s: analytical %.12g,"
          + " numerical %.12g, |difference| %.3g, tolerance %.3g", mode, checked,
          passed ? "passed" : "FAILED", where, analytical, numerical, error(), tolerance);
    }
  }

  private final Function f;
  private final Tensor[] inputs;
  private Mode mode = Mode.RANDOM_PROBE;
  private double eps = 1e-6;
  private double rtol = 1e-6;
  private double atol = 1e-9;
  private int probes = 4;
  private long seed = 1;

  private GradCheck(Function f, Tensor[] inputs) {
    this.f = f;
    this.inputs = inputs;
  }

  /**
   * A check of {@code f} at these points (not modified; each is copied before being perturbed).
   *
   * @throws IllegalArgumentException if an input is not float64
   */
  public static GradCheck of(Function f, Tensor... inputs) {
    Shapes.requireNonNull("GradCheck", "f", f, "a function of the inputs");
    for (int i = 0; i < inputs.length; i++) {
      if (inputs[i].dtype() != DType.FLOAT64) {
        throw new IllegalArgumentException("GradCheck: input " + i + " is " + inputs[i].dtype()
            + "; expected FLOAT64 (finite differences in float32 lose most digits to rounding),"
            + " convert with tensor.to(DType.FLOAT64)");
      }
    }
    return new GradCheck(f, inputs.clone());
  }

  /** Inputs up to this many elements get the full Jacobian in {@link #bySize()}; larger ones random probes. */
  public static final int FULL_JACOBIAN_MAX = 96;

  /**
   * The mode by the inputs' sizes: {@link Mode#FULL_JACOBIAN} when every input has at most
   * {@value #FULL_JACOBIAN_MAX} elements (exact localisation at a small cost), else
   * {@link Mode#RANDOM_PROBE} with 8 probes.
   */
  public GradCheck bySize() {
    int biggest = 0;
    for (Tensor t : inputs) biggest = Math.max(biggest, t.size());
    return biggest <= FULL_JACOBIAN_MAX ? mode(Mode.FULL_JACOBIAN) : mode(Mode.RANDOM_PROBE).probes(8);
  }

  public GradCheck mode(Mode m) {
    this.mode = Shapes.requireNonNull("GradCheck", "mode", m, "FULL_JACOBIAN or RANDOM_PROBE");
    return this;
  }

  /** The finite-difference step (default 1e-6). */
  public GradCheck eps(double value) {
    this.eps = positive("eps", value);
    return this;
  }

  /** Relative and absolute tolerances (defaults 1e-6 and 1e-9). */
  public GradCheck tolerance(double relative, double absolute) {
    this.rtol = nonNegative("rtol", relative);
    this.atol = nonNegative("atol", absolute);
    return this;
  }

  /** Random probes per input in {@link Mode#RANDOM_PROBE} (default 4). */
  public GradCheck probes(int count) {
    if (count < 1) throw new IllegalArgumentException("GradCheck: probes = " + count + "; expected >= 1");
    this.probes = count;
    return this;
  }

  /** Seed of the random probe directions (default 1). */
  public GradCheck seed(long value) {
    this.seed = value;
    return this;
  }

  /** Runs the check. */
  public Report check() {
    return mode == Mode.FULL_JACOBIAN ? fullJacobian() : randomProbe();
  }

  // ------------------------------------------------------------------ modes

  private Report fullJacobian() {
    Worst worst = new Worst();
    int outSize = evaluate(inputs).size();
    // Analytical: row j of every J_i from one backward with seed e_j.
    double[][][] analytic = new double[inputs.length][outSize][];
    for (int j = 0; j < outSize; j++) {
      Tensor v = oneHot(evaluate(inputs), j);
      Tensor[] grads = analyticalGradients(v);
      for (int i = 0; i < inputs.length; i++) analytic[i][j] = grads[i].toDoubleArray();
    }
    // Numerical: column e of J_i from two forwards with x_i +- eps e.
    for (int i = 0; i < inputs.length; i++) {
      for (int e = 0; e < inputs[i].size(); e++) {
        Tensor u = oneHot(inputs[i], e);
        double[] column = directional(i, u);
        for (int j = 0; j < outSize; j++) {
          worst.offer(analytic[i][j][e], column[j], i, unflatten(inputs[i].shape(), e), j);
        }
      }
    }
    return worst.report(Mode.FULL_JACOBIAN);
  }

  private Report randomProbe() {
    Worst worst = new Worst();
    Rng rng = new Rng(seed);
    Tensor out = evaluate(inputs);
    for (int p = 0; p < probes; p++) {
      Tensor v = Tensor.uniform(rng, DType.FLOAT64, -1, 1, out.shape());
      Tensor[] grads = analyticalGradients(v);
      for (int i = 0; i < inputs.length; i++) {
        Tensor u = Tensor.uniform(rng, DType.FLOAT64, -1, 1, inputs[i].shape());
        double analytical = dot(grads[i].doubleData(), u.doubleData());
        double numerical = dot(v.doubleData(), directional(i, u));
        worst.offer(analytical, numerical, i, new int[] {p}, -1);
      }
    }
    return worst.report(Mode.RANDOM_PROBE);
  }

  // ------------------------------------------------------------------ pieces

  /** f at these points, computed without recording. */
  private Tensor evaluate(Tensor[] at) {
    Variable[] vars = new Variable[at.length];
    for (int i = 0; i < at.length; i++) vars[i] = Variable.constant(at[i]);
    try (NoGrad scope = NoGrad.enter()) {
      Variable y = f.apply(vars);
      if (y.dtype() != DType.FLOAT64) {
        throw new IllegalArgumentException("GradCheck: the function returned " + y.dtype()
            + "; expected FLOAT64 (keep every constant inside it float64 too)");
      }
      return y.value();
    }
  }

  /** The gradient of {@code sum(v * f)} with respect to each input (zeros where f ignores it). */
  private Tensor[] analyticalGradients(Tensor v) {
    Variable[] vars = new Variable[inputs.length];
    for (int i = 0; i < inputs.length; i++) vars[i] = Variable.leaf(inputs[i].copy(), true);
    Variable y = f.apply(vars);
    if (y.requiresGrad()) y.backward(v, false);
    Tensor[] grads = new Tensor[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      grads[i] = vars[i].grad() != null ? vars[i].grad() : Tensor.zeros(DType.FLOAT64, inputs[i].shape());
    }
    return grads;
  }

  /** {@code (f(x_i + eps u) - f(x_i - eps u)) / (2 eps)}, flattened. */
  private double[] directional(int i, Tensor u) {
    double[] plus = evaluate(shifted(i, u, eps)).toDoubleArray();
    double[] minus = evaluate(shifted(i, u, -eps)).toDoubleArray();
    double[] d = new double[plus.length];
    for (int j = 0; j < d.length; j++) d[j] = (plus[j] - minus[j]) / (2 * eps);
    return d;
  }

  private Tensor[] shifted(int i, Tensor u, double step) {
    Tensor[] at = inputs.clone();
    Tensor x = inputs[i].copy();
    double[] xd = x.doubleData(), ud = u.doubleData();
    for (int e = 0; e < xd.length; e++) xd[e] += step * ud[e];
    at[i] = x;
    return at;
  }

  private static Tensor oneHot(Tensor like, int e) {
    Tensor t = Tensor.zeros(DType.FLOAT64, like.shape());
    t.setFlat(e, 1.0);
    return t;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  private static int[] unflatten(int[] shape, int flat) {
    int[] index = new int[shape.length];
    for (int d = shape.length - 1; d >= 0; d--) {
      index[d] = flat % shape[d];
      flat /= shape[d];
    }
    return index;
  }

  private static double positive(String name, double v) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException("GradCheck: " + name + " = " + v + "; expected a finite value > 0");
    }
    return v;
  }

  private static double nonNegative(String name, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException("GradCheck: " + name + " = " + v + "; expected a finite value >= 0");
    }
    return v;
  }

  /** Tracks the value with the largest error relative to its tolerance. */
  private final class Worst {
    int checked;
    boolean passed = true;
    double score = Double.NEGATIVE_INFINITY;
    int input = -1, output = -1;
    int[] index = new int[0];
    double analytical, numerical, tolerance;

    void offer(double a, double n, int in, int[] idx, int out) {
      checked++;
      double tol = atol + rtol * Math.max(Math.abs(a), Math.abs(n));
      double err = Math.abs(a - n);
      boolean ok = err <= tol; // false for NaN
      // the ratio to the tolerance ranks values; NaN (a NaN on either side) ranks worst
      double s = Double.isNaN(err) ? Double.POSITIVE_INFINITY : tol > 0 ? err / tol : err > 0 ? Double.POSITIVE_INFINITY : 0;
      if (!ok) passed = false;
      if (s > score || (input < 0)) {
        score = s;
        input = in;
        index = idx;
        output = out;
        analytical = a;
        numerical = n;
        tolerance = tol;
      }
    }

    Report report(Mode m) {
      return new Report(m, passed, checked, input, index, output, analytical, numerical, tolerance);
    }
  }
}
