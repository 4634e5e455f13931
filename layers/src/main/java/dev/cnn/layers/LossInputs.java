package dev.cnn.layers;

import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;

/** Checks of the losses' inputs, and the constant factors their reductions multiply by. */
final class LossInputs {
  private LossInputs() {}

  static Reduction requireReduction(String owner, Reduction r) {
    if (r == null) {
      throw new IllegalArgumentException(owner + ": reduction is null, expected NONE, SUM, MEAN or BATCH_MEAN");
    }
    return r;
  }

  /**
   * Checks logits {@code [N, K]} with {@code N >= 1} and {@code K >= 1}.
   *
   * @return {@code {N, K}}
   */
  static int[] logitsShape(String owner, Variable logits) {
    Shapes.requireNonNull(owner, "logits", logits, "a variable of shape [N, K]");
    int[] s = logits.shape();
    if (s.length != 2 || s[0] < 1 || s[1] < 1) {
      throw Shapes.error(owner, "logits have shape " + Shapes.format(s),
          "rank 2 [N, K] with N >= 1 samples and K >= 1 classes (flatten the model's output first)");
    }
    return s;
  }

  /** Checks {@code labels.length == n} and every label in {@code [0, k)}. */
  static void checkLabels(String owner, int[] labels, int n, int k) {
    if (labels == null || labels.length != n) {
      throw new IllegalArgumentException(owner + ": " + (labels == null ? "labels are null"
          : "labels have length " + labels.length) + ", expected one label per sample, N = " + n);
    }
    for (int i = 0; i < n; i++) {
      if (labels[i] < 0 || labels[i] >= k) {
        throw new IllegalArgumentException(owner + ": labels[" + i + "] = " + labels[i]
            + ", expected a class in [0, " + k + ") for logits with K = " + k + " classes");
      }
    }
  }

  /** Checks per-sample weights: length n, each finite and {@code >= 0} (all 0 is allowed). */
  static void checkSampleWeights(String owner, double[] s, int n) {
    if (s == null || s.length != n) {
      throw new IllegalArgumentException(owner + ": " + (s == null ? "sampleWeights are null"
          : "sampleWeights have length " + s.length) + ", expected one weight per sample, N = " + n);
    }
    for (int i = 0; i < n; i++) {
      if (!(s[i] >= 0) || Double.isInfinite(s[i])) {
        throw new IllegalArgumentException(owner + ": sampleWeights[" + i + "] = " + s[i]
            + ", expected a finite value >= 0");
      }
    }
  }

  /** Checks that per-class values (class weights, alpha) have one entry for each of the K classes. */
  static void checkPerClass(String owner, String what, double[] w, int k) {
    if (w != null && w.length != k) {
      throw new IllegalArgumentException(owner + ": " + what + " has " + w.length
          + " values, expected one per class, K = " + k + " (the logits' second axis)");
    }
  }

  /**
   * The factor {@code s_i / D} of each sample's loss for this reduction, where {@code s_i} is the
   * sample weight (1 when {@code sampleWeights} is null) and D the divisor: 1 for NONE and SUM,
   * {@code sum_i s_i w_{y_i}} for MEAN ({@code w} 1 when {@code classWeights} is null), N for
   * BATCH_MEAN.
   *
   * @throws IllegalArgumentException when the MEAN divisor is 0
   */
  static double[] sampleFactors(String owner, Reduction r, int[] labels, double[] classWeights,
      double[] sampleWeights) {
    int n = labels.length;
    double[] f = new double[n];
    for (int i = 0; i < n; i++) f[i] = sampleWeights == null ? 1 : sampleWeights[i];
    double divisor;
    switch (r) {
      case NONE:
      case SUM:
        divisor = 1;
        break;
      case BATCH_MEAN:
        divisor = n;
        break;
      case MEAN:
        divisor = 0;
        for (int i = 0; i < n; i++) divisor += f[i] * (classWeights == null ? 1 : classWeights[labels[i]]);
        if (!(divisor > 0)) {
          throw new IllegalArgumentException(owner + ": the MEAN divisor sum_i s_i w_{y_i} = " + divisor
              + " (every sample of the batch has weight 0), expected > 0; the weighted mean is undefined"
              + " (PyTorch returns NaN): use Reduction.SUM or Reduction.BATCH_MEAN for such batches");
        }
        break;
      default:
        throw new AssertionError(r);
    }
    for (int i = 0; i < n; i++) f[i] /= divisor;
    return f;
  }

  /**
   * Sums the per-sample terms {@code [N]} (already multiplied by their factors) for SUM, MEAN and
   * BATCH_MEAN, whose divisors are in the factors; keeps them for NONE.
   */
  static Variable sumUnlessNone(Variable perSample, Reduction r) {
    return r == Reduction.NONE ? perSample : Ops.sum(perSample);
  }

  /**
   * Reduces element-wise terms, each of weight 1: kept for NONE, added for SUM, averaged over
   * all elements for MEAN and BATCH_MEAN (see {@link Reduction}).
   */
  static Variable reduceElements(Variable terms, Reduction r) {
    switch (r) {
      case NONE:
        return terms;
      case SUM:
        return Ops.sum(terms);
      case MEAN:
      case BATCH_MEAN:
        return Ops.mean(terms);
      default:
        throw new AssertionError(r);
    }
  }

  /** Checks a target against an input of rank {@code >= 1}: same shape; returns it in the input's dtype. */
  static Tensor target(String owner, Variable input, Tensor target) {
    Shapes.requireNonNull(owner, "input", input, "a variable of rank >= 1");
    Shapes.requireNonNull(owner, "target", target, "a tensor of the input's shape");
    int[] s = input.shape();
    if (s.length < 1 || Shapes.size(s) == 0) {
      throw Shapes.error(owner, "input has shape " + Shapes.format(s),
          "rank >= 1 with at least one element (a batch [N, ...])");
    }
    if (!java.util.Arrays.equals(s, target.shape())) {
      throw Shapes.error(owner, "target has shape " + Shapes.format(target.shape()) + " but the input has "
          + Shapes.format(s), "the same shape");
    }
    return target.dtype() == input.dtype() ? target : target.to(input.dtype());
  }

  /** The multi-index of a flat (row-major) index, as {@code "[1, 2]"}, for messages. */
  static String index(int[] shape, int flat) {
    int[] index = new int[shape.length];
    for (int d = shape.length - 1; d >= 0; d--) {
      index[d] = flat % shape[d];
      flat /= shape[d];
    }
    return java.util.Arrays.toString(index);
  }

  /** A constant tensor of this dtype holding {@code data} (rounded to float for FLOAT32). */
  static Variable constant(DType dtype, double[] data, int... shape) {
    Tensor t = Tensor.of(data, shape);
    return Variable.constant(dtype == DType.FLOAT64 ? t : t.to(dtype));
  }
}
