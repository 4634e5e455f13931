package dev.cnn.layers;

import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;
import java.util.Arrays;

/**
 * Binary cross-entropy from logits x against targets y in {@code [0, 1]} of the same shape (one
 * independent yes/no, or a probability, per element: binary or multi-label classification):
 * PyTorch's {@code F.binary_cross_entropy_with_logits(x, y, pos_weight=pw, reduction=...)}.
 * <pre>
 *   l = -[pw * y * log sigmoid(x) + (1 - y) * log(1 - sigmoid(x))]
 *     = pw * y * softplus(-x) + (1 - y) * softplus(x)
 * </pre>
 * using {@code log sigmoid(x) = -softplus(-x)} and {@code log(1 - sigmoid(x)) = -softplus(x)},
 * which stay finite for any x (no {@code log 0}). pw (default 1) weighs the positive term: a
 * scalar, or one value per class broadcast over the last axis (PyTorch's {@code pos_weight}
 * {@code [K]} for inputs {@code [N, K]}); {@code pw = negatives / positives} of a class balances
 * it. The derivative is {@code dl/dx = (1 - y) sigmoid(x) - pw y (1 - sigmoid(x))}.
 *
 * <p>Reductions ({@link Reduction}): NONE keeps the element-wise losses in the input's shape,
 * SUM adds them, MEAN and BATCH_MEAN average over all elements (pw does not enter the divisor).
 */
public final class BinaryCrossEntropyLoss implements Loss, TargetLoss {
  private static final String NAME = "BinaryCrossEntropyLoss";
  private final double posWeight; // used when posWeights is null
  private final double[] posWeights; // per class; null: the scalar posWeight
  private final Reduction reduction;

  private BinaryCrossEntropyLoss(Builder b) {
    this.posWeight = b.posWeight;
    this.posWeights = b.posWeights;
    this.reduction = b.reduction;
  }

  /** Plain binary cross-entropy, mean over all elements. */
  public static BinaryCrossEntropyLoss of() {
    return builder().build();
  }

  /** posWeight and reduction, both optional. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@inheritDoc}
   *
   * @param input logits, any shape of rank {@code >= 1} (its last axis the classes K when pw is
   *     per class)
   * @param target the input's shape, each element in {@code [0, 1]}
   */
  @Override
  public Variable compute(Variable input, Tensor target) {
    Tensor y = LossInputs.target(NAME, input, target);
    int[] shape = input.shape();
    int k = shape[shape.length - 1];
    if (posWeights != null && posWeights.length != k) {
      throw Shapes.error(NAME, "posWeight has " + posWeights.length + " values but the input has shape "
          + Shapes.format(shape), "one per class on the last axis, K = " + k + " (or a scalar posWeight)");
    }
    int size = y.size();
    double[] positive = new double[size]; // pw * y
    double[] negative = new double[size]; // 1 - y
    for (int e = 0; e < size; e++) {
      double v = y.getFlat(e);
      if (!(v >= 0 && v <= 1)) {
        throw new IllegalArgumentException(NAME + ": target element " + LossInputs.index(shape, e)
            + " = " + v + ", expected a value in [0, 1]");
      }
      positive[e] = (posWeights == null ? posWeight : posWeights[e % k]) * v;
      negative[e] = 1 - v;
    }
    var dtype = input.dtype();
    Variable terms = Ops.add(
        Ops.mul(LossInputs.constant(dtype, positive, shape), Ops.softplus(Ops.neg(input))),
        Ops.mul(LossInputs.constant(dtype, negative, shape), Ops.softplus(input)));
    return LossInputs.reduceElements(terms, reduction);
  }

  @Override
  public Reduction reduction() {
    return reduction;
  }

  /** The per-class pos weights (a copy), or null when one scalar {@link #posWeight()} applies. */
  public double[] posWeights() {
    return posWeights == null ? null : posWeights.clone();
  }

  /** The scalar pos weight (meaningful when {@link #posWeights()} is null). */
  public double posWeight() {
    return posWeight;
  }

  @Override
  public String toString() {
    return NAME + "(posWeight=" + (posWeights == null ? String.valueOf(posWeight) : Arrays.toString(posWeights))
        + ", reduction=" + reduction + ")";
  }

  /** Options of a {@link BinaryCrossEntropyLoss}, validated by {@link #build()}. */
  public static final class Builder {
    private double posWeight = 1;
    private double[] posWeights;
    private Reduction reduction = Reduction.MEAN;

    private Builder() {}

    /** One weight of the positive term for every element (default 1), finite and {@code >= 0}. */
    public Builder posWeight(double weight) {
      this.posWeight = weight;
      this.posWeights = null;
      return this;
    }

    /**
     * One weight of the positive term per class, broadcast over the last axis, copied; each
     * finite and {@code >= 0}. The length must equal the input's last axis when computing.
     */
    public Builder posWeight(double[] weights) {
      if (weights == null || weights.length == 0) {
        throw new IllegalArgumentException(NAME + ": posWeight array is " + (weights == null ? "null" : "empty")
            + ", expected one finite value >= 0 per class");
      }
      for (int c = 0; c < weights.length; c++) checkWeight("posWeight[" + c + "]", weights[c]);
      this.posWeights = weights.clone();
      this.posWeight = 1;
      return this;
    }

    /** The reduction (default {@link Reduction#MEAN}). */
    public Builder reduction(Reduction r) {
      this.reduction = r;
      return this;
    }

    /** @throws IllegalArgumentException when the scalar posWeight is negative, NaN or infinite, or the reduction is null */
    public BinaryCrossEntropyLoss build() {
      checkWeight("posWeight", posWeight);
      LossInputs.requireReduction(NAME, reduction);
      return new BinaryCrossEntropyLoss(this);
    }

    private static void checkWeight(String what, double w) {
      if (!(w >= 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException(NAME + ": " + what + " = " + w + ", expected a finite value >= 0");
      }
    }
  }
}
