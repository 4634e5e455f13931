package dev.cnn.engine;

import dev.cnn.tensor.DType;
import dev.cnn.tensor.Pool2dSpec;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;
import java.util.Arrays;

/**
 * A node of the computation graph: a tensor value, the gradient of a loss with respect to it, and
 * the operation that made it.
 *
 * <p>Three kinds of variable:
 * <ul>
 *   <li><b>constants</b> ({@link #constant}): inputs and targets; no gradient is computed for them;
 *   <li><b>parameters</b> ({@link #parameter}): leaves that require a gradient, usually named
 *       ({@code "conv1.weight"}); {@link #backward()} adds {@code dL/dparam} into {@link #grad()};
 *   <li><b>results</b> of ops ({@link Ops}): they remember their op and its inputs (their
 *       {@code creator}) while any input requires a gradient and no {@link NoGrad} scope is open.
 * </ul>
 *
 * <p>Gradients <b>accumulate</b>: a second backward adds to {@link #grad()}, as in PyTorch, so
 * clear them with {@link #zeroGrad()} between optimisation steps. A variable used twice in a
 * graph receives the sum of both contributions.
 *
 * <p>The fluent methods ({@link #add}, {@link #matmul}, {@link #relu}, ...) are shortcuts for the
 * static methods of {@link Ops}, where each op's formula and shapes are documented.
 */
public final class Variable {
  private final Tensor value;
  private final boolean requiresGrad;
  /** The recorded op that produced this variable; null for leaves and for untracked results. */
  final Node creator;
  private Tensor grad;
  private String name;
  private boolean retainGrad;

  Variable(Tensor value, boolean requiresGrad, Node creator, String name) {
    this.value = Shapes.requireNonNull("Variable", "value", value, "a tensor");
    this.requiresGrad = requiresGrad;
    this.creator = creator;
    this.name = name;
  }

  /** A constant: no gradient flows into it. */
  public static Variable constant(Tensor value) {
    return new Variable(value, false, null, null);
  }

  /** A named leaf whose gradient {@link #backward()} computes (a weight, a bias). */
  public static Variable parameter(Tensor value, String name) {
    return new Variable(value, true, null, name);
  }

  /** A leaf that requires a gradient or not, without a name. */
  public static Variable leaf(Tensor value, boolean requiresGrad) {
    return new Variable(value, requiresGrad, null, null);
  }

  /**
   * The value. Optimisers update it in place; a value saved for a pending backward must not be
   * changed before that backward runs.
   */
  public Tensor value() {
    return value;
  }

  /**
   * {@code dL/dthis} accumulated by backward passes, with the value's shape and dtype, or null
   * before the first backward reaches this variable. Results of ops keep no gradient unless
   * {@link #retainGrad()} was called.
   */
  public Tensor grad() {
    return grad;
  }

  public int[] shape() {
    return value.shape();
  }

  public DType dtype() {
    return value.dtype();
  }

  public String name() {
    return name;
  }

  /** Names this variable (shown in graph exports and gradient-check reports); returns this. */
  public Variable named(String newName) {
    this.name = newName;
    return this;
  }

  /** Whether a backward pass computes {@code dL/dthis}. */
  public boolean requiresGrad() {
    return requiresGrad;
  }

  /** True for constants and parameters; false for recorded op results. */
  public boolean isLeaf() {
    return creator == null;
  }

  /**
   * Keeps this intermediate result's gradient in {@link #grad()} during backward (leaves always
   * keep theirs). Useful to look inside a backward pass; returns this.
   */
  public Variable retainGrad() {
    this.retainGrad = true;
    return this;
  }

  /** Sets every element of the gradient to zero (a no-op when there is none yet). */
  public void zeroGrad() {
    if (grad != null) {
      if (grad.dtype() == DType.FLOAT32) Arrays.fill(grad.floatData(), 0f);
      else Arrays.fill(grad.doubleData(), 0.0);
    }
  }

  /** A constant sharing this value: the graph ends here, nothing flows back through it. */
  public Variable detach() {
    return new Variable(value, false, null, name);
  }

  /**
   * Back-propagates from this scalar (one element): {@code dL/dL = 1}. The graph's saved buffers
   * are released afterwards.
   *
   * @throws IllegalStateException if this variable does not require a gradient, or the graph
   *     was already freed by an earlier backward
   * @throws IllegalArgumentException if this variable has more than one element
   */
  public void backward() {
    if (value.size() != 1) {
      throw Shapes.error("backward", "the variable has shape " + Shapes.format(shape()),
          "a single element (a loss); for a tensor output pass its gradient: backward(seed)");
    }
    backward(Tensor.full(dtype(), 1.0, shape()), false);
  }

  /**
   * Back-propagates {@code seed = dL/dthis} (same shape and dtype as the value) through the graph
   * that made this variable, adding {@code dL/dleaf} into every leaf that requires a gradient.
   *
   * @param retainGraph keep the saved buffers so that a second backward through the same graph
   *     is possible; otherwise they are released as soon as they are used
   */
  public void backward(Tensor seed, boolean retainGraph) {
    Graph.backward(this, seed, retainGraph);
  }

  /** Adds g into this variable's gradient (the first contribution is copied, later ones added in place). */
  void accumulateGrad(Tensor g) {
    if (grad == null) grad = g.copy();
    else TensorMath.binary(dev.cnn.tensor.BinaryOp.ADD, grad, g, grad);
  }

  boolean keepsGrad() {
    return creator == null || retainGrad;
  }

  // ------------------------------------------------------------------ fluent shortcuts (see Ops)

  public Variable add(Variable other) {
    return Ops.add(this, other);
  }

  public Variable sub(Variable other) {
    return Ops.sub(this, other);
  }

  public Variable mul(Variable other) {
    return Ops.mul(this, other);
  }

  public Variable div(Variable other) {
    return Ops.div(this, other);
  }

  public Variable neg() {
    return Ops.neg(this);
  }

  public Variable matmul(Variable other) {
    return Ops.matmul(this, other);
  }

  public Variable relu() {
    return Ops.relu(this);
  }

  public Variable sum() {
    return Ops.sum(this);
  }

  public Variable mean() {
    return Ops.mean(this);
  }

  public Variable reshape(int... newShape) {
    return Ops.reshape(this, newShape);
  }

  public Variable transpose(int axis1, int axis2) {
    return Ops.transpose(this, axis1, axis2);
  }

  public Variable softmax(int axis) {
    return Ops.softmax(this, axis);
  }

  public Variable logSoftmax(int axis) {
    return Ops.logSoftmax(this, axis);
  }

  public Variable maxPool2d(Pool2dSpec spec) {
    return Ops.maxPool2d(this, spec);
  }

  public Variable avgPool2d(Pool2dSpec spec) {
    return Ops.avgPool2d(this, spec);
  }

  public Variable globalAvgPool2d() {
    return Ops.globalAvgPool2d(this);
  }

  public Variable dropout(double p, Mode mode, Rng rng) {
    return Ops.dropout(this, p, mode, rng);
  }

  @Override
  public String toString() {
    String kind = creator != null ? creator.op.name() : requiresGrad ? "parameter" : "constant";
    return "Variable(" + (name != null ? name + ", " : "") + kind + ", " + value.dtype() + " "
        + Shapes.format(shape()) + ")";
  }
}
