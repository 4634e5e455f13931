package dev.cnn.layers;

import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import java.util.Arrays;

/**
 * Focal loss (Lin et al. 2017, "Focal Loss for Dense Object Detection", multi-class form) of
 * logits {@code [N, K]} against integer labels: cross-entropy scaled down for samples the model
 * already classifies well. With {@code p_ik = softmax(logits)_ik},
 * <pre>
 *   FL_i = -alpha_{y_i} * (1 - p_{i,y_i})^gamma * log p_{i,y_i}
 * </pre>
 * with {@code gamma >= 0} (default 2, the paper's choice) and optional per-class weights alpha
 * (1 without). {@code gamma = 0} gives cross-entropy with class weights alpha.
 *
 * <p>The reductions are those of {@link CrossEntropyLoss}, with alpha in the role of the class
 * weights ({@link Reduction}): NONE {@code s_i FL_i} {@code [N]}; SUM; MEAN
 * {@code sum_i s_i FL_i / sum_i s_i alpha_{y_i}}; BATCH_MEAN {@code sum_i s_i FL_i / N}. So with
 * {@code gamma = 0} every reduction equals CrossEntropyLoss's with {@code classWeights = alpha}.
 * Common PyTorch implementations of multi-class focal loss take the plain mean over the batch
 * ({@code loss.mean()}, alpha not in the divisor); that is {@link Reduction#BATCH_MEAN} here.
 *
 * <p>Computed from engine ops: {@code log p_{i,y_i}} is picked from {@code logSoftmax(logits, 1)}
 * by a one-hot mask (stable), and {@code 1 - p_{i,y_i}} is computed as
 * {@code sum_{k != y_i} p_ik}, the sum of the other classes' probabilities, rather than by the
 * subtraction {@code 1 - p}: in float32 the subtraction gives exactly 0 once p is within
 * rounding of 1 (logit margins above about 17), and for {@code 0 < gamma < 1} the derivative
 * {@code gamma (1 - p)^(gamma - 1)} is then infinite, so the gradient would be NaN
 * ({@code infinity * 0}). The sum of the other probabilities reaches 0 only when every one of
 * them underflows (margins above about 100 in float32), or when K = 1; only there is the
 * gradient NaN for {@code 0 < gamma < 1}. {@code log p_{i,y_i}} itself carries float32's absolute
 * rounding error (about 6e-8), as cross-entropy does, so the loss of a sample with
 * {@code 1 - p} below that is 0 in float32.
 */
public final class FocalLoss implements Loss, ClassificationLoss {
  private static final String NAME = "FocalLoss";
  private final double gamma;
  private final double[] alpha; // null: all 1
  private final Reduction reduction;

  private FocalLoss(Builder b) {
    this.gamma = b.gamma;
    this.alpha = b.alpha;
    this.reduction = b.reduction;
  }

  /** Focal loss with this gamma, no alpha, reduction MEAN. */
  public static FocalLoss of(double gamma) {
    return builder().gamma(gamma).build();
  }

  /** gamma (default 2), alpha and reduction, all optional. */
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
    LossInputs.checkPerClass(NAME, "alpha", alpha, k);
    double[] factor = LossInputs.sampleFactors(NAME, reduction, labels, alpha, sampleWeights);
    double[] oneHot = new double[n * k];
    double[] others = new double[n * k];
    double[] coefficient = new double[n];
    for (int i = 0; i < n; i++) {
      Arrays.fill(others, i * k, (i + 1) * k, 1.0);
      oneHot[i * k + labels[i]] = 1;
      others[i * k + labels[i]] = 0;
      coefficient[i] = factor[i] * (alpha == null ? 1 : alpha[labels[i]]);
    }
    var dtype = logits.dtype();
    // log p_{i,y_i}, [N]
    Variable logPTarget = Ops.sum(Ops.mul(Ops.logSoftmax(logits, 1), LossInputs.constant(dtype, oneHot, n, k)), false, 1);
    Variable perSample = Ops.neg(logPTarget);
    if (gamma != 0) {
      // 1 - p_{i,y_i} as the sum of the other probabilities, [N]
      Variable rest = Ops.sum(Ops.mul(Ops.softmax(logits, 1), LossInputs.constant(dtype, others, n, k)), false, 1);
      perSample = Ops.mul(Ops.pow(rest, gamma), perSample);
    }
    perSample = Ops.mul(perSample, LossInputs.constant(dtype, coefficient, n));
    return LossInputs.sumUnlessNone(perSample, reduction);
  }

  @Override
  public Reduction reduction() {
    return reduction;
  }

  public double gamma() {
    return gamma;
  }

  /** The per-class alpha (a copy), or null when every class weighs 1. */
  public double[] alpha() {
    return alpha == null ? null : alpha.clone();
  }

  @Override
  public String toString() {
    return NAME + "(gamma=" + gamma + ", alpha=" + Arrays.toString(alpha) + ", reduction=" + reduction + ")";
  }

  /** Options of a {@link FocalLoss}, validated by {@link #build()}. */
  public static final class Builder {
    private double gamma = 2;
    private double[] alpha;
    private Reduction reduction = Reduction.MEAN;

    private Builder() {}

    /** The focusing exponent, finite and {@code >= 0} (default 2; 0 gives cross-entropy). */
    public Builder gamma(double value) {
      this.gamma = value;
      return this;
    }

    /**
     * One weight per class, copied; null for none. Each finite and {@code >= 0}, at least one
     * positive; the length must equal the logits' K when computing.
     */
    public Builder alpha(double... weights) {
      this.alpha = weights == null ? null : ClassWeights.check(NAME, "alpha", weights.clone());
      return this;
    }

    /** alpha from a {@link ClassWeights}; null for none. */
    public Builder alpha(ClassWeights weights) {
      this.alpha = weights == null ? null : weights.toArray();
      return this;
    }

    /** The reduction (default {@link Reduction#MEAN}). */
    public Builder reduction(Reduction r) {
      this.reduction = r;
      return this;
    }

    /** @throws IllegalArgumentException when gamma is negative, NaN or infinite, or the reduction is null */
    public FocalLoss build() {
      if (!(gamma >= 0) || Double.isInfinite(gamma)) {
        throw new IllegalArgumentException(NAME + ": gamma = " + gamma + ", expected a finite value >= 0");
      }
      LossInputs.requireReduction(NAME, reduction);
      return new FocalLoss(this);
    }
  }
}
