package dev.cnn.layers;

import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import java.util.Arrays;

/**
 * Cross-entropy of logits {@code [N, K]} against integer labels, with optional class weights w,
 * label smoothing eps and sample weights s: PyTorch's
 * {@code F.cross_entropy(logits, labels, weight=w, label_smoothing=eps, reduction=...)}, value
 * and gradient, plus Keras-style sample weights.
 *
 * <p>With {@code log p_ik = logSoftmax(logits)_ik} (log-sum-exp, so no overflow or
 * {@code log 0}), the loss of sample i is
 * <pre>
 *   l_i = (1 - eps) * w_{y_i} * (-log p_{i,y_i})  +  (eps / K) * sum_k w_k * (-log p_ik)
 * </pre>
 * (w = 1 without class weights). This is PyTorch's combination of weights and smoothing: the
 * smoothing term weighs each class by its own weight, not by the target's. The reductions
 * ({@link Reduction}) are: NONE {@code s_i l_i} {@code [N]}; SUM {@code sum_i s_i l_i}; MEAN
 * {@code sum_i s_i l_i / sum_i s_i w_{y_i}} (PyTorch's divisor {@code sum_i w_{y_i}} when there
 * are no sample weights, also with smoothing); BATCH_MEAN {@code sum_i s_i l_i / N}.
 *
 * <p>Computed as one composite, {@code -sum(logSoftmax(logits, 1) * C)} (the sum over axis 1
 * only for NONE), with the constant {@code C_ik = s_i / D * ((1 - eps) w_{y_i} [k = y_i] +
 * eps w_k / K)} and D the reduction's divisor; the gradient with respect to the logits is
 * therefore {@code dL/dz_ik = p_ik * sum_j C_ij - C_ik}.
 */
public final class CrossEntropyLoss implements Loss, ClassificationLoss {
  private static final String NAME = "CrossEntropyLoss";
  private final double[] classWeights; // null: all 1
  private final double labelSmoothing;
  private final Reduction reduction;

  private CrossEntropyLoss(Builder b) {
    this.classWeights = b.classWeights;
    this.labelSmoothing = b.labelSmoothing;
    this.reduction = b.reduction;
  }

  /** Plain cross-entropy, mean over the batch (PyTorch's defaults). */
  public static CrossEntropyLoss of() {
    return builder().build();
  }

  /** Class weights, label smoothing and reduction, all optional. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Variable compute(Variable logits, int[] labels) {
    return compute(logits, labels, null, false);
  }

  @Override
  public Variable compute(Variable logits, int[] labels, double[] sampleWeights) {
    return compute(logits, labels, sampleWeights, true);
  }

  private Variable compute(Variable logits, int[] labels, double[] sampleWeights, boolean weighted) {
    int[] s = LossInputs.logitsShape(NAME, logits);
    int n = s[0], k = s[1];
    LossInputs.checkLabels(NAME, labels, n, k);
    if (weighted) LossInputs.checkSampleWeights(NAME, sampleWeights, n);
    LossInputs.checkPerClass(NAME, "classWeights", classWeights, k);
    double[] factor = LossInputs.sampleFactors(NAME, reduction, labels, classWeights, sampleWeights);
    double[] c = new double[n * k];
    for (int i = 0; i < n; i++) {
      int y = labels[i];
      for (int j = 0; j < k; j++) {
        double wj = classWeights == null ? 1 : classWeights[j];
        c[i * k + j] = factor[i] * labelSmoothing * wj / k;
      }
      double wy = classWeights == null ? 1 : classWeights[y];
      c[i * k + y] += factor[i] * (1 - labelSmoothing) * wy;
    }
    Variable weightedLogP = Ops.mul(Ops.logSoftmax(logits, 1), LossInputs.constant(logits.dtype(), c, n, k));
    return Ops.neg(reduction == Reduction.NONE ? Ops.sum(weightedLogP, false, 1) : Ops.sum(weightedLogP));
  }

  @Override
  public Reduction reduction() {
    return reduction;
  }

  /** The class weights (a copy), or null when every class weighs 1. */
  public double[] classWeights() {
    return classWeights == null ? null : classWeights.clone();
  }

  public double labelSmoothing() {
    return labelSmoothing;
  }

  @Override
  public String toString() {
    return NAME + "(classWeights=" + Arrays.toString(classWeights) + ", labelSmoothing=" + labelSmoothing
        + ", reduction=" + reduction + ")";
  }

  /** Options of a {@link CrossEntropyLoss}, validated by {@link #build()}. */
  public static final class Builder {
    private double[] classWeights;
    private double labelSmoothing;
    private Reduction reduction = Reduction.MEAN;

    private Builder() {}

    /**
     * One weight per class (PyTorch's {@code weight}), copied; null for none. Each finite and
     * {@code >= 0}, at least one positive; the length must equal the logits' K when computing.
     */
    public Builder classWeights(double... weights) {
      this.classWeights = weights == null ? null : ClassWeights.check(NAME, "classWeight", weights.clone());
      return this;
    }

    /** The class weights of a {@link ClassWeights} (e.g. {@link ClassWeights#balanced}); null for none. */
    public Builder classWeights(ClassWeights weights) {
      this.classWeights = weights == null ? null : weights.toArray();
      return this;
    }

    /**
     * Label smoothing eps in {@code [0, 1)} (default 0): the target puts {@code 1 - eps + eps/K}
     * on the label and {@code eps/K} on every other class.
     */
    public Builder labelSmoothing(double eps) {
      this.labelSmoothing = eps;
      return this;
    }

    /** The reduction (default {@link Reduction#MEAN}). */
    public Builder reduction(Reduction r) {
      this.reduction = r;
      return this;
    }

    /** @throws IllegalArgumentException when the smoothing is outside [0, 1) or the reduction is null */
    public CrossEntropyLoss build() {
      if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
        throw new IllegalArgumentException(NAME + ": labelSmoothing = " + labelSmoothing
            + ", expected a value in [0, 1)");
      }
      LossInputs.requireReduction(NAME, reduction);
      return new CrossEntropyLoss(this);
    }
  }
}
