package dev.cnn.optim;

import dev.cnn.engine.Variable;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Parallel;
import dev.cnn.tensor.Tensor;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns gradients into parameter updates. {@link #step()} applies one update to every parameter
 * that has a gradient, using the rule of the subclass; {@link #zeroGrad()} clears the gradients
 * for the next batch.
 *
 * <p>The update arithmetic runs in double precision whatever the parameters' dtype, and the
 * per-parameter state (momentum buffers, moment estimates) is kept in double: float32 weights
 * are read into doubles, updated, and rounded once when stored back. With float64 parameters the
 * trajectories equal PyTorch's float64 ones to rounding (the golden tests check 20 steps).
 *
 * <p>State ({@link #state()}) is a map of named tensors ({@code "0.weight.exp_avg"}, plus
 * {@code "step"}) so that a checkpoint can save it as safetensors and {@link #loadState} can
 * restore it bit for bit.
 */
public abstract sealed class Optimizer permits Sgd, Adam, RmsProp {
  private final String label;
  private final List<String> names;
  private final List<Variable> params;
  /** Parameters weight decay leaves alone: the one-dimensional ones when biases and norms are exempt. */
  private final java.util.Set<String> noDecay;
  /** Per parameter: its values and its gradient in double, reused from step to step. */
  private final double[][] xScratch, gScratch;
  private final Map<String, double[]> state = new LinkedHashMap<>();
  private double lr;
  private long steps;

  /**
   * @param label the optimiser's name in messages ("SGD", "AdamW", ...)
   * @param parameters by name, in a fixed order (model.parameters())
   */
  protected Optimizer(String label, Map<String, Variable> parameters, double lr) {
    this(label, parameters, lr, true);
  }

  /**
   * @param decayBiasAndNorm false: weight decay skips every one-dimensional parameter (biases,
   *     batch-norm scales and shifts), the usual practice; true: it applies to all, as PyTorch's
   *     optimisers do unless given parameter groups
   */
  protected Optimizer(String label, Map<String, Variable> parameters, double lr, boolean decayBiasAndNorm) {
    this.label = label;
    if (parameters == null || parameters.isEmpty()) {
      throw new IllegalArgumentException(label + ": no parameters to optimise; pass model.parameters()");
    }
    this.names = List.copyOf(parameters.keySet());
    this.params = List.copyOf(parameters.values());
    java.util.Set<String> exempt = new java.util.LinkedHashSet<>();
    if (!decayBiasAndNorm) parameters.forEach((name, p) -> {
      if (p.value().rank() == 1) exempt.add(name);
    });
    this.noDecay = java.util.Collections.unmodifiableSet(exempt);
    this.xScratch = new double[params.size()][];
    this.gScratch = new double[params.size()][];
    setLearningRate(lr);
  }

  /**
   * The weight decay for parameter {@code name}: {@code weightDecay}, or 0 for a one-dimensional
   * parameter when biases and norms are exempt.
   */
  protected final double weightDecayOf(String name, double weightDecay) {
    return noDecay.contains(name) ? 0 : weightDecay;
  }

  /** The parameters weight decay leaves alone (empty unless biases and norms are exempt). */
  public final java.util.Set<String> exemptFromWeightDecay() {
    return noDecay;
  }

  /**
   * Adds {@code "decay_bias_and_norm": false} to a subclass's {@link #hyperparameters()} when
   * biases and norms are exempt (absent otherwise, so that checkpoints from before the option
   * still resume).
   */
  protected final void putDecayGroups(Map<String, Object> h) {
    if (!noDecay.isEmpty()) h.put("decay_bias_and_norm", false);
  }

  /** The learning rate in force (schedules change it between epochs). */
  public final double learningRate() {
    return lr;
  }

  /**
   * Sets the learning rate.
   *
   * @throws IllegalArgumentException if it is negative, NaN or infinite
   */
  public final void setLearningRate(double value) {
    this.lr = Hyper.nonNegative(label, "learning rate", value);
  }

  /** The optimiser's name: {@code "SGD"}, {@code "Adam"}, {@code "AdamW"} or {@code "RMSprop"}. */
  public final String name() {
    return label;
  }

  /**
   * The rule's settings other than the learning rate, by PyTorch's names ({@code "betas"} as
   * {@code "beta1"} and {@code "beta2"}, {@code "weight_decay"}, ...): what a checkpoint records
   * so that a resumed run can be checked to use the same optimiser.
   */
  public abstract Map<String, Object> hyperparameters();

  /** Updates performed so far. */
  public final long steps() {
    return steps;
  }

  /** The parameters by name, as given. */
  public final Map<String, Variable> parameters() {
    Map<String, Variable> m = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) m.put(names.get(i), params.get(i));
    return Collections.unmodifiableMap(m);
  }

  /**
   * One update of every parameter that has a gradient (those without one are left alone). The
   * gradients are not modified (weight decay and momentum work on a copy), as in PyTorch.
   *
   * <p>The rules are element-wise, so each parameter is updated in blocks of {@link #BLOCK}
   * elements, in parallel ({@link Parallel}): a block is widened to double, updated and rounded
   * back in one pass while it is in cache. The result does not depend on the blocks or threads.
   * (One pass per operation on one thread took a tenth of a FashionNet training step.)
   */
  public final void step() {
    steps++;
    for (int i = 0; i < params.size(); i++) {
      Variable p = params.get(i);
      Tensor grad = p.grad();
      if (grad == null) continue;
      Tensor value = p.value();
      int n = value.size();
      Rule rule = rule(names.get(i), n, steps);
      float[] xf = value.dtype() == DType.FLOAT32 ? value.floatData() : null;
      float[] gf = grad.dtype() == DType.FLOAT32 ? grad.floatData() : null;
      double[] x = xf == null ? value.doubleData() : scratch(xScratch, i, n); // float64: updated in place
      double[] gd = gf == null ? grad.doubleData() : null, g = scratch(gScratch, i, n);
      Parallel.forEach((n + BLOCK - 1) / BLOCK, b -> {
        int from = b * BLOCK, to = Math.min(n, from + BLOCK);
        if (xf != null) for (int j = from; j < to; j++) x[j] = xf[j];
        if (gf != null) for (int j = from; j < to; j++) g[j] = gf[j];
        else System.arraycopy(gd, from, g, from, to - from);
        rule.apply(x, g, from, to);
        if (xf != null) for (int j = from; j < to; j++) xf[j] = (float) x[j];
      });
    }
  }

  /** Elements of a parameter updated per parallel task. */
  static final int BLOCK = 1 << 14;

  /** One parameter's update at one step, element by element: see {@link #rule}. */
  @FunctionalInterface
  protected interface Rule {
    /**
     * Updates {@code x[i]} (the parameter's values, in double) from {@code g[i]} (a copy of its
     * gradient, which the rule may modify) for every i in {@code [from, to)}, touching no other
     * element: the step runs blocks of elements in parallel.
     */
    void apply(double[] x, double[] g, int from, int to);
  }

  /**
   * The rule for parameter {@code name} ({@code size} elements) at step {@code t} (1 for the first
   * update): fetches its state buffers (made on first use, on the calling thread), reads what the
   * step needs (the learning rate, whether a buffer is new), and returns the element-wise update.
   */
  protected abstract Rule rule(String name, int size, long t);

  /** Clears every parameter's gradient. */
  public final void zeroGrad() {
    params.forEach(Variable::zeroGrad);
  }

  /**
   * The kinds of per-parameter state buffer this rule keeps ({@code "exp_avg"}, ...), PyTorch's
   * names; {@link #loadState} accepts no others.
   */
  abstract List<String> bufferKinds();

  /** The named state buffer of a parameter, created with zeros on first use. */
  protected final double[] buffer(String name, String kind, int size) {
    return state.computeIfAbsent(name + "." + kind, k -> new double[size]);
  }

  /** Whether this parameter's state buffer exists yet. */
  protected final boolean hasBuffer(String name, String kind) {
    return state.containsKey(name + "." + kind);
  }

  /** The optimiser's state as named float64 tensors, for checkpoints: every buffer, and "step". */
  public final Map<String, Tensor> state() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    out.put("step", Tensor.of(new double[] {steps}, 1));
    out.put("lr", Tensor.of(new double[] {lr}, 1));
    state.forEach((k, v) -> out.put(k, Tensor.of(v.clone(), v.length)));
    return out;
  }

  /**
   * Restores {@link #state()} (from a checkpoint).
   *
   * @throws IllegalArgumentException if a buffer's name or size does not belong to these parameters
   */
  public final void loadState(Map<String, Tensor> saved) {
    Tensor step = saved.get("step"), rate = saved.get("lr");
    if (step == null || rate == null) {
      throw new IllegalArgumentException(label + " state: 'step' or 'lr' is missing");
    }
    Map<String, double[]> restored = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : saved.entrySet()) {
      String key = e.getKey();
      if (key.equals("step") || key.equals("lr")) continue;
      int cut = key.lastIndexOf('.');
      if (cut >= 0 && !bufferKinds().contains(key.substring(cut + 1))) {
        throw new IllegalArgumentException(label + " state: buffer '" + key + "' is not " + label + "'s (its buffers"
            + " are " + bufferKinds() + " per parameter); was this state saved by another optimiser?");
      }
      int index = cut < 0 ? -1 : names.indexOf(key.substring(0, cut));
      if (index < 0 || e.getValue().size() != params.get(index).value().size()) {
        throw new IllegalArgumentException(label + " state: buffer '" + key + "' of "
            + e.getValue().size() + " values does not belong to the parameters " + names);
      }
      restored.put(key, e.getValue().to(DType.FLOAT64).doubleData().clone());
    }
    state.clear();
    state.putAll(restored);
    steps = (long) step.getFlat(0);
    setLearningRate(rate.getFlat(0));
  }

  /**
   * Parameter i's scratch array of {@code size} doubles, made on first use and kept: a step
   * allocates nothing (these copies were 7% of a FashionNet step's allocations).
   */
  private static double[] scratch(double[][] buffers, int i, int size) {
    if (buffers[i] == null || buffers[i].length != size) buffers[i] = new double[size];
    return buffers[i];
  }

  @Override
  public String toString() {
    return label + "(lr=" + lr + ", " + params.size() + " parameters "
        + Arrays.toString(names.toArray()) + ")";
  }

  /** Checks shared by the optimisers' builders. */
  static final class Hyper {
    private Hyper() {}

    static double nonNegative(String owner, String name, double v) {
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException(owner + ": " + name + " = " + v + "; expected a finite value >= 0");
      }
      return v;
    }

    static double positive(String owner, String name, double v) {
      if (!(v > 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException(owner + ": " + name + " = " + v + "; expected a finite value > 0");
      }
      return v;
    }

    /** In [0, 1). */
    static double unitOpen(String owner, String name, double v) {
      if (!(v >= 0 && v < 1)) {
        throw new IllegalArgumentException(owner + ": " + name + " = " + v + "; expected a value in [0, 1)");
      }
      return v;
    }

    /** In [0, 1]. */
    static double unitClosed(String owner, String name, double v) {
      if (!(v >= 0 && v <= 1)) {
        throw new IllegalArgumentException(owner + ": " + name + " = " + v + "; expected a value in [0, 1]");
      }
      return v;
    }

  }
}
