package dev.cnn.diagnose;

import dev.cnn.engine.Mode;
import dev.cnn.engine.NoGrad;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.layers.Model;
import dev.cnn.tensor.Batch;
import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.Workspace;
import java.util.Arrays;

/**
 * What a model says about each image of a labelled set, in the order the batches give them: the
 * true label, the predicted class, its probability (the confidence) and the image's
 * cross-entropy loss {@code -log p[label]}. The per-image view the diagnosis needs beyond a
 * confusion matrix: calibration ({@link Calibration}), the highest-loss images, the confused pairs.
 *
 * @param labels true class of image i
 * @param predicted arg-max class of image i
 * @param confidence softmax probability of the predicted class, in (0, 1]
 * @param loss {@code -log softmax(logits)[label]} of image i (natural log)
 * @param classes k, the model's output count
 */
public record Predictions(int[] labels, int[] predicted, double[] confidence, double[] loss, int classes) {

  /**
   * Runs {@code model} in {@link Mode#EVAL}, without recording gradients, over every batch.
   *
   * @throws IllegalArgumentException when a label is outside the model's classes or there are no images
   */
  public static Predictions of(Model model, Iterable<Batch> batches) {
    Probabilities p = probabilities(model, batches);
    return from(p.labels(), p.probabilities());
  }

  /**
   * The model's class probabilities for every image of a labelled set, in batch order.
   *
   * @param labels the true class of image i
   * @param probabilities {@code probabilities[i][c] = softmax(logits_i)[c]}, n x k
   */
  public record Probabilities(int[] labels, double[][] probabilities) {}

  /** {@code softmax(model(x))} for every image, in {@link Mode#EVAL} and without recording gradients. */
  public static Probabilities probabilities(Model model, Iterable<Batch> batches) {
    int k = model.outputShape()[0];
    int n = 0;
    int[] labels = new int[256];
    double[][] probs = new double[256][];
    try (NoGrad scope = NoGrad.enter()) {
      for (Batch b : batches) {
        if (n + b.size() > labels.length) {
          int grown = Math.max(2 * labels.length, n + b.size());
          labels = Arrays.copyOf(labels, grown);
          probs = Arrays.copyOf(probs, grown);
        }
        try (Workspace step = Workspace.open()) {
          Tensor p = Ops.softmax(model.forward(Variable.constant(b.inputs()), Mode.EVAL), 1).value();
          for (int i = 0; i < b.size(); i++, n++) {
            labels[n] = b.labels()[i];
            probs[n] = new double[k];
            for (int c = 0; c < k; c++) probs[n][c] = p.get(i, c);
          }
        }
      }
    }
    return new Probabilities(Arrays.copyOf(labels, n), Arrays.copyOf(probs, n));
  }

  /**
   * The predictions that class probabilities make: the arg-max class (ties: the lowest), its
   * probability, and the loss {@code -log p[label]}.
   *
   * @param probabilities n x k, each row a probability distribution
   * @throws IllegalArgumentException when a label is outside [0, k) or there are no images
   */
  public static Predictions from(int[] labels, double[][] probabilities) {
    int n = labels.length;
    if (n == 0) throw new IllegalArgumentException("predictions: no images (the batches were empty)");
    if (probabilities.length != n) {
      throw new IllegalArgumentException("predictions: " + probabilities.length + " probability rows for " + n
          + " labels; expected one row per image");
    }
    int k = probabilities[0].length;
    int[] predicted = new int[n];
    double[] confidence = new double[n], loss = new double[n];
    for (int i = 0; i < n; i++) {
      double[] p = probabilities[i];
      int t = labels[i];
      if (t < 0 || t >= k) {
        throw new IllegalArgumentException("predictions: label " + t + " is outside the model's " + k + " classes [0, "
            + k + ")");
      }
      int best = 0;
      for (int c = 1; c < k; c++) if (p[c] > p[best]) best = c;
      predicted[i] = best;
      confidence[i] = p[best];
      loss[i] = -Math.log(Math.max(p[t], Double.MIN_NORMAL));
    }
    return new Predictions(labels.clone(), predicted, confidence, loss, k);
  }

  /** Images predicted. */
  public int size() {
    return labels.length;
  }

  /** Whether image i was classified correctly. */
  public boolean[] correct() {
    boolean[] c = new boolean[labels.length];
    for (int i = 0; i < c.length; i++) c[i] = labels[i] == predicted[i];
    return c;
  }

  /** {@code confusion[t][p]}: images of true class t predicted as p. */
  public int[][] confusion() {
    int[][] m = new int[classes][classes];
    for (int i = 0; i < labels.length; i++) m[labels[i]][predicted[i]]++;
    return m;
  }

  /** Indices of the {@code count} images with the highest loss, highest first (ties by index). */
  public int[] highestLoss(int count) {
    return java.util.stream.IntStream.range(0, labels.length).boxed()
        .sorted((a, b) -> loss[a] != loss[b] ? Double.compare(loss[b], loss[a]) : Integer.compare(a, b))
        .limit(count).mapToInt(Integer::intValue).toArray();
  }
}
