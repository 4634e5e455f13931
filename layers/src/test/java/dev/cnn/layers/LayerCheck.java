package dev.cnn.layers;

import dev.cnn.engine.GradCheck;
import dev.cnn.engine.Mode;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The float64 gradient check of a layer as users build it: the layer is built inside a one-layer
 * {@link Sequential} (so it gets its parameters, buffers and generator the usual way), its
 * float32 parameters are converted to float64 (or replaced by given float64 values), and
 * {@link GradCheck} compares backward with central differences for the input and every
 * parameter, at GradCheck's default tolerance (1e-6 relative).
 *
 * <p>Each evaluation builds a fresh layer from the same factory and seed and runs it through
 * {@link Layer#forwardWith} with the float64 values: a fresh dropout layer draws the same mask
 * every time, and batch norm gets fresh copies of its buffers, which TRAIN mode modifies. So the
 * function GradCheck differentiates is deterministic, as it must be.
 */
final class LayerCheck {
  /** Largest tensor (elements) for which the full Jacobian is compared; above, random probes. */
  static final int FULL_JACOBIAN_MAX = 96;
  private static final long BUILD_SEED = 20261205L;

  private final Supplier<Layer> factory;
  private final int[] sampleShape;
  private final Map<String, Tensor> parameterValues = new LinkedHashMap<>();
  private final Map<String, Tensor> bufferValues = new LinkedHashMap<>();
  private Tensor input;
  private Mode mode = Mode.EVAL;

  private LayerCheck(Supplier<Layer> factory, int[] sampleShape) {
    this.factory = factory;
    this.sampleShape = sampleShape.clone();
  }

  /** A check of the layers this factory makes, for samples of this shape. */
  static LayerCheck of(Supplier<Layer> factory, int... sampleShape) {
    return new LayerCheck(factory, sampleShape);
  }

  /** The float64 batch {@code [N, sampleShape...]} at which the gradients are checked. */
  LayerCheck input(Tensor x) {
    this.input = x;
    return this;
  }

  LayerCheck mode(Mode m) {
    this.mode = m;
    return this;
  }

  /** A float64 value for a parameter instead of the converted initial one. */
  LayerCheck parameter(String name, Tensor value) {
    parameterValues.put(name, value);
    return this;
  }

  /** A float64 value for a buffer instead of the converted initial one. */
  LayerCheck buffer(String name, Tensor value) {
    bufferValues.put(name, value);
    return this;
  }

  /** Runs the check (full Jacobian for small tensors, 8 random probes otherwise); fails with the report. */
  GradCheck.Report check(long probeSeed) {
    Layer reference = build();
    List<String> names = new ArrayList<>(reference.parameters().keySet());
    List<Tensor> points = new ArrayList<>();
    points.add(input);
    for (String name : names) {
      Tensor given = parameterValues.get(name);
      points.add(given != null ? given : reference.parameters().get(name).value().to(DType.FLOAT64));
    }
    for (String name : parameterValues.keySet()) {
      if (!names.contains(name)) throw new IllegalArgumentException("no parameter '" + name + "' in " + reference);
    }
    Map<String, Tensor> buffers = new LinkedHashMap<>();
    reference.buffers().forEach((name, t) -> buffers.put(name, bufferValues.getOrDefault(name, t.to(DType.FLOAT64))));
    GradCheck.Function f = in -> {
      Map<String, Variable> params = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) params.put(names.get(i), in[i + 1]);
      Map<String, Tensor> freshBuffers = new LinkedHashMap<>();
      buffers.forEach((name, t) -> freshBuffers.put(name, t.copy()));
      return build().forwardWith(params, freshBuffers, in[0], mode);
    };
    Tensor[] at = points.toArray(new Tensor[0]);
    requireEveryInputUsed(f, at, reference);
    int biggest = 0;
    for (Tensor t : at) biggest = Math.max(biggest, t.size());
    GradCheck check = GradCheck.of(f, at).seed(probeSeed);
    if (biggest <= FULL_JACOBIAN_MAX) check.mode(GradCheck.Mode.FULL_JACOBIAN);
    else check.mode(GradCheck.Mode.RANDOM_PROBE).probes(8);
    GradCheck.Report report = check.check();
    if (!report.passed()) throw new AssertionError(reference + " on " + Shapes.format(input.shape()) + " in " + mode
        + ": " + report);
    if (report.checked() == 0) throw new AssertionError("nothing was checked");
    return report;
  }

  /**
   * One backward pass must reach the input and every parameter: otherwise a layer that ignored a
   * substitute (both gradients zero) would pass the check unnoticed.
   */
  private void requireEveryInputUsed(GradCheck.Function f, Tensor[] at, Layer reference) {
    Variable[] leaves = new Variable[at.length];
    for (int i = 0; i < at.length; i++) leaves[i] = Variable.leaf(at[i].copy(), true);
    Variable y = f.apply(leaves);
    y.backward(Tensor.full(DType.FLOAT64, 1.0, y.shape()), false);
    for (int i = 0; i < at.length; i++) {
      if (leaves[i].grad() == null) {
        throw new AssertionError(reference + ": backward does not reach " + (i == 0 ? "the input"
            : "parameter '" + new ArrayList<>(reference.parameters().keySet()).get(i - 1) + "'"));
      }
    }
  }

  private Layer build() {
    Layer layer = factory.get();
    Sequential.builder(sampleShape).add(layer).build(BUILD_SEED);
    return layer;
  }

  // ------------------------------------------------------------------ float64 inputs

  /** Uniform float64 in [lo, hi). */
  static Tensor uniform(Rng rng, double lo, double hi, int... shape) {
    return Tensor.uniform(rng, DType.FLOAT64, lo, hi, shape);
  }

  /** Uniform in [-1, -0.1] and [0.1, 1]: at least 0.1 away from the kink at 0 of relu and its kin. */
  static Tensor awayFromZero(Rng rng, int... shape) {
    Tensor t = uniform(rng, -1, 1, shape);
    double[] d = t.doubleData();
    for (int i = 0; i < d.length; i++) d[i] = Math.copySign(0.1 + 0.9 * Math.abs(d[i]), d[i]);
    return t;
  }

  /** Distinct values in random order, at least 0.05 apart: no ties for max pooling. */
  static Tensor distinct(Rng rng, int... shape) {
    int n = Shapes.size(shape);
    double[] d = new double[n];
    for (int i = 0; i < n; i++) d[i] = -1 + 2.0 * i / Math.max(1, n - 1);
    for (int i = n - 1; i > 0; i--) { // Fisher-Yates
      int j = rng.nextInt(i + 1);
      double t = d[i];
      d[i] = d[j];
      d[j] = t;
    }
    for (int i = 0; i < n; i++) d[i] *= Math.max(1, 0.05 * (n - 1) / 2);
    return Tensor.of(d, shape);
  }

  /** {@code [n, sample...]}. */
  static int[] batch(int n, int... sample) {
    int[] s = new int[sample.length + 1];
    s[0] = n;
    System.arraycopy(sample, 0, s, 1, sample.length);
    return s;
  }

  /** A random per-sample shape of this rank with axes in [1, maxDim]. */
  static int[] shape(Rng rng, int rank, int maxDim) {
    int[] s = new int[rank];
    for (int i = 0; i < rank; i++) s[i] = 1 + rng.nextInt(maxDim);
    return s;
  }
}
