package dev.cnn.layers;

import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Tensor;

/**
 * Mean squared error of a prediction against a target of the same shape: the element-wise
 * {@code (prediction - target)^2}, reduced ({@link Reduction}): NONE keeps them in the input's
 * shape, SUM adds them, MEAN and BATCH_MEAN average over all elements (PyTorch's
 * {@code F.mse_loss}). The gradient of the mean is {@code 2 (prediction - target) / size}.
 */
public final class MseLoss implements Loss, TargetLoss {
  private static final String NAME = "MseLoss";
  private final Reduction reduction;

  private MseLoss(Reduction reduction) {
    this.reduction = reduction;
  }

  /** The mean over all elements (PyTorch's default). */
  public static MseLoss of() {
    return new MseLoss(Reduction.MEAN);
  }

  /** @throws IllegalArgumentException when the reduction is null */
  public static MseLoss of(Reduction reduction) {
    return new MseLoss(LossInputs.requireReduction(NAME, reduction));
  }

  /**
   * {@inheritDoc}
   *
   * @param target the input's shape, every element finite
   */
  @Override
  public Variable compute(Variable input, Tensor target) {
    Tensor y = LossInputs.target(NAME, input, target);
    for (int e = 0; e < y.size(); e++) {
      if (!Double.isFinite(y.getFlat(e))) {
        throw new IllegalArgumentException(NAME + ": target element " + LossInputs.index(y.shape(), e)
            + " = " + y.getFlat(e) + ", expected a finite value");
      }
    }
    Variable diff = Ops.sub(input, Variable.constant(y));
    return LossInputs.reduceElements(Ops.mul(diff, diff), reduction);
  }

  @Override
  public Reduction reduction() {
    return reduction;
  }

  @Override
  public String toString() {
    return NAME + "(reduction=" + reduction + ")";
  }
}
