package dev.cnn.layers;

/**
 * How a loss turns its per-sample values into the result. The default of every loss is
 * {@link #MEAN}, as in PyTorch.
 *
 * <p>For the classification losses ({@link CrossEntropyLoss}, {@link FocalLoss}) each sample i
 * has a loss {@code l_i} that already includes its class weight {@code w_{y_i}} (the
 * {@code alpha_{y_i}} of focal loss; 1 when there are no class weights), and an optional sample
 * weight {@code s_i} (1 when none are given). The batch has N samples. Then:
 * <ul>
 *   <li>{@link #NONE}: the vector {@code s_i l_i}, shape {@code [N]}.
 *   <li>{@link #SUM}: {@code sum_i s_i l_i}.
 *   <li>{@link #MEAN}: {@code sum_i s_i l_i / sum_i s_i w_{y_i}}, the weighted mean of PyTorch's
 *       {@code reduction='mean'}: class weights enter both the numerator and the divisor, so a
 *       batch of a single class has the same loss whatever that class's weight is; only the
 *       balance between classes within a batch changes. Without weights the divisor is N.
 *   <li>{@link #BATCH_MEAN}: {@code sum_i s_i l_i / N}, Keras' {@code class_weight} and
 *       {@code sample_weight} semantics ({@code "sum_over_batch_size"}): every sample's loss is
 *       scaled by its weight and the sum is divided by the batch size, so a class weight of 2
 *       doubles that class's contribution (and its gradient) in absolute terms.
 * </ul>
 * MEAN and BATCH_MEAN differ by exactly the factor {@code sum_i s_i w_{y_i} / N}, and agree when
 * all weights are 1. When the MEAN divisor {@code sum_i s_i w_{y_i}} is 0 (every sample in the
 * batch has weight 0) the weighted mean is undefined: PyTorch returns NaN, these losses throw an
 * {@link IllegalArgumentException}; use SUM or BATCH_MEAN if a batch may weigh nothing.
 *
 * <p>For the element-wise losses ({@link BinaryCrossEntropyLoss}, {@link MseLoss}) every element
 * is a term with weight 1 (BCE's {@code posWeight} is a factor inside the loss, not a weight of
 * the reduction, as in PyTorch): NONE keeps the element-wise losses in the input's shape, SUM
 * adds them, and MEAN and BATCH_MEAN both divide the sum by the number of elements (PyTorch's
 * {@code 'mean'} and Keras' {@code 'sum_over_batch_size'}, which averages the last axis per
 * sample and then the samples, give the same number).
 */
public enum Reduction {
  /** The per-sample (or per-element) losses, not reduced. */
  NONE,
  /** The sum of the (weighted) losses. */
  SUM,
  /** PyTorch's mean: the weighted sum divided by the sum of the weights. The default. */
  MEAN,
  /** Keras' mean: the weighted sum divided by the batch size N. */
  BATCH_MEAN
}
