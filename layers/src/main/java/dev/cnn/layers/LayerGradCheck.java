package dev.cnn.layers;

import dev.cnn.engine.GradCheck;
import dev.cnn.engine.Mode;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.DType;
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
 *
 * <pre>
 * LayerGradCheck.of(() -&gt; new MyLayer(0.5), 3, 4, 4)        // samples [3, 4, 4]
 *     .input(Tensor.uniform(new Rng(1), DType.FLOAT64, -1, 1, 2, 3, 4, 4))
 *     .check(1);                                                // AssertionError if a gradient is wrong
 * </pre>
 * The built-in layers are checked this way by jqwik properties over random shapes
 * ({@code LayerGradientProperties}); a {@link CustomLayer} deserves the same.
 */
public final class LayerGradCheck {
  private static final long BUILD_SEED = 20261205L;

  private final Supplier<Layer> factory;
  private final int[] sampleShape;
  private final Map<String, Tensor> parameterValues = new LinkedHashMap<>();
  private final Map<String, Tensor> bufferValues = new LinkedHashMap<>();
  private Tensor input;
  private Mode mode = Mode.EVAL;

  private LayerGradCheck(Supplier<Layer> factory, int[] sampleShape) {
    this.factory = factory;
    this.sampleShape = sampleShape.clone();
  }

  /**
   * A check of the layers this factory makes (a new, unbuilt layer per call, all alike), for
   * samples of this per-sample shape.
   */
  public static LayerGradCheck of(Supplier<Layer> factory, int... sampleShape) {
    return new LayerGradCheck(factory, sampleShape);
  }

  /** The float64 batch {@code [N, sampleShape...]} at which the gradients are checked. */
  public LayerGradCheck input(Tensor x) {
    this.input = x;
    return this;
  }

  /** TRAIN or EVAL (default EVAL): dropout and batch norm differ. */
  public LayerGradCheck mode(Mode m) {
    this.mode = m;
    return this;
  }

  /** A float64 value for a parameter instead of the converted initial one. */
  public LayerGradCheck parameter(String name, Tensor value) {
    parameterValues.put(name, value);
    return this;
  }

  /** A float64 value for a buffer instead of the converted initial one. */
  public LayerGradCheck buffer(String name, Tensor value) {
    bufferValues.put(name, value);
    return this;
  }

  /**
   * Runs the check in the mode {@link GradCheck#bySize()} picks: the full Jacobian when every
   * tensor is small, else 8 random probes drawn from {@code probeSeed}.
   *
   * @return the report (worst element, tolerance, entries checked) when every gradient agrees
   * @throws AssertionError with the report when one does not, or when backward does not reach the
   *     input or a parameter (a layer that ignored it would otherwise pass unnoticed)
   */
  public GradCheck.Report check(long probeSeed) {
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
    GradCheck.Report report = GradCheck.of(f, at).seed(probeSeed).bySize().check();
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
}
