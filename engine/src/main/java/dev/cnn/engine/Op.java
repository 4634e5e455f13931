package dev.cnn.engine;

import dev.cnn.tensor.Tensor;

/**
 * A differentiable primitive: the record an op leaves on the graph so that backward can run.
 *
 * <p>Each implementation is one small class whose static {@code apply} computes the forward
 * result and records the op (through {@link Graph#record}), with {@link #backward} right below
 * it. The {@code permits} list is the complete set of primitives; tests walk it to prove every
 * op has a gradient property. {@link CustomOp}, the one open entry, is where users write their own. Composite ops ({@link Ops#flatten}, {@link Ops#mul(Variable,
 * double)}, ...) are built from these and need no backward of their own.
 *
 * <p>The backward contract (as PyTorch's {@code autograd.Function}):
 * <ul>
 *   <li>{@code backward(g, needsGrad)} receives {@code g = dL/dy}, shaped like the output, and
 *       returns one gradient per input, in argument order, each shaped like its input; an entry
 *       is null where {@code needsGrad[i]} is false (or the input is not differentiable).
 *   <li>It must not modify g, nor anything it saved: the engine may hand the same tensor to
 *       several consumers.
 *   <li>What backward needs, apply saves in the op's fields; {@link #release()} drops it after
 *       the backward pass unless the graph is retained.
 * </ul>
 */
public sealed interface Op
    permits AddOp, SubOp, MulOp, DivOp,
        NegOp, ExpOp, LogOp, SqrtOp, PowOp, AbsOp, ClampOp,
        ReluOp, LeakyReluOp, EluOp, GeluOp, SiluOp, SigmoidOp, TanhOp,
        MatmulOp, LinearOp, SoftplusOp,
        Conv2dOp, MaxPool2dOp, AvgPool2dOp, GlobalAvgPool2dOp, AdaptiveAvgPool2dOp,
        DropoutOp, BatchNormOp,
        SumOp, MeanOp,
        ReshapeOp,
        MaxOp, PermuteOp, ConcatOp, SliceOp, SoftmaxOp, LogSoftmaxOp,
        CustomOp {
  /** The op's name as shown in graph exports and error messages, e.g. {@code "conv2d"}. */
  String name();

  /** Hyperparameters worth showing in a graph export, e.g. {@code "stride=2, pad=1"}; may be empty. */
  default String attributes() {
    return "";
  }

  /**
   * The gradient of the loss with respect to each input, given {@code g}, its gradient with
   * respect to this op's output.
   *
   * @param g {@code dL/dy}, shaped like the output; not modified
   * @param needsGrad one flag per input: whether its gradient is wanted
   * @return one tensor per input (null where not wanted), each shaped like its input
   */
  Tensor[] backward(Tensor g, boolean[] needsGrad);

  /** Drops the tensors saved for backward (called once backward has used them). */
  default void release() {}
}
