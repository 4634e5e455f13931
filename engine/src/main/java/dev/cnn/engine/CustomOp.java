package dev.cnn.engine;

import dev.cnn.tensor.Tensor;
import java.util.function.Supplier;

/**
 * A differentiable operation of your own, with its forward and backward written by hand (as
 * PyTorch's {@code torch.autograd.Function}), kept apart from the engine's primitives. Use it when
 * a function cannot be written with {@link Ops} (which autograd differentiates for you), or when
 * its backward is cheaper or more stable by hand.
 *
 * <pre>
 * final class Softsign extends CustomOp {            // y = x / (1 + |x|)
 *   private Tensor x;                                 // what backward needs
 *
 *   protected Tensor forward(Tensor... in) {
 *     x = in[0];
 *     return TensorMath.div(x, TensorMath.scaleShift(TensorMath.abs(x), 1, 1));
 *   }
 *
 *   public Tensor[] backward(Tensor g, boolean[] needsGrad) {   // dy/dx = 1 / (1 + |x|)^2
 *     Tensor d = TensorMath.scaleShift(TensorMath.abs(x), 1, 1);
 *     return new Tensor[] {TensorMath.div(g, TensorMath.mul(d, d))};
 *   }
 * }
 *
 * Variable y = new Softsign().apply(x);               // one object per application
 * CustomOp.gradCheck(Softsign::new, xAt).check().assertPassed();   // float64 central differences
 * </pre>
 *
 * <p>The contract is {@link Op}'s: {@code backward(g, needsGrad)} gets {@code g = dL/dy} shaped
 * like the output and returns one gradient per input, in order, each shaped like its input (null
 * where not needed); it must modify neither g nor what forward saved. The engine checks the count
 * and the shapes and names the op when they are wrong. An object keeps what its backward needs,
 * so it is applied once; {@link #release()} may drop the saved tensors after backward.
 *
 * <p>Check the gradients with {@link #gradCheck} before training, and keep the check as a
 * property over random shapes and values: {@code CustomOpProperties} in the engine's tests is a
 * template to copy (generators, float64 inputs, tolerance, shrinking).
 */
public abstract non-sealed class CustomOp implements Op {
  private boolean applied;

  /**
   * The output for these inputs (the values of {@link #apply}'s variables, in order); save in
   * fields whatever {@link #backward} needs. Must not modify the inputs.
   */
  protected abstract Tensor forward(Tensor... inputs);

  /** The gradients of the inputs from {@code g = dL/dy}: see the class comment and {@link Op#backward}. */
  @Override
  public abstract Tensor[] backward(Tensor g, boolean[] needsGrad);

  /** The op's name in graph exports and error messages: the class's simple name unless overridden. */
  @Override
  public String name() {
    String n = getClass().getSimpleName();
    return n.isEmpty() ? "custom" : n;
  }

  /**
   * Computes the op on these inputs and records it on the autograd graph (no graph under
   * {@link NoGrad} or when no input requires a gradient).
   *
   * @throws IllegalStateException if this object was applied before, or forward returned null
   * @throws IllegalArgumentException if an input is null
   */
  public final Variable apply(Variable... inputs) {
    if (applied) {
      throw new IllegalStateException(name() + ": this op object was applied already; create one per application"
          + " (it keeps what its backward needs), e.g. new " + getClass().getSimpleName() + "(...).apply(x)");
    }
    if (inputs == null || inputs.length == 0) {
      throw new IllegalArgumentException(name() + ": no inputs; expected at least one variable");
    }
    Tensor[] values = new Tensor[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      if (inputs[i] == null) throw new IllegalArgumentException(name() + ": input " + i + " is null");
      values[i] = inputs[i].value();
    }
    applied = true;
    Tensor y = forward(values);
    if (y == null) throw new IllegalStateException(name() + ".forward returned null; it must return the output tensor");
    return Graph.record(this, y, inputs);
  }

  /**
   * A gradient check of the op that {@code op} makes (a fresh object per evaluation) at these
   * inputs, which should be float64, in the mode {@link GradCheck#bySize()} picks: every Jacobian
   * entry for small inputs, else random probes. Adjust it (seed, tolerance) and
   * {@link GradCheck#check()} it; {@link GradCheck.Report#assertPassed()} fails with the worst
   * element.
   */
  public static GradCheck gradCheck(Supplier<? extends CustomOp> op, Tensor... at) {
    return GradCheck.of(in -> op.get().apply(in), at).bySize();
  }
}
