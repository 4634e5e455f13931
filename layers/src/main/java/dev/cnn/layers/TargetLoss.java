package dev.cnn.layers;

import dev.cnn.engine.Variable;
import dev.cnn.tensor.Tensor;

/** A loss of a prediction against a target tensor of the same shape, element by element. */
public sealed interface TargetLoss permits BinaryCrossEntropyLoss, MseLoss {
  /**
   * The loss: a scalar {@code []}, or the element-wise losses in the input's shape for
   * {@link Reduction#NONE}, in the input's dtype.
   *
   * @param input the prediction (logits for {@link BinaryCrossEntropyLoss}), rank {@code >= 1},
   *     not modified
   * @param target the input's shape, either dtype (converted to the input's), not modified
   * @throws IllegalArgumentException naming the shapes or the offending element and its
   *     allowed range
   */
  Variable compute(Variable input, Tensor target);

  /** How the element-wise losses are combined. */
  Reduction reduction();
}
