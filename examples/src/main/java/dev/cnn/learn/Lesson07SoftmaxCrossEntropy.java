package dev.cnn.learn;

import dev.cnn.engine.Variable;
import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.tensor.Tensor;
import java.util.Locale;

/**
 * Lesson 7 (learn/07-softmax-cross-entropy.md): the gradient of softmax cross-entropy with respect
 * to the logits is {@code p - y}; what class weights and label smoothing do to it. By hand and by
 * the engine's {@link CrossEntropyLoss}, on a batch of two samples and three classes.
 */
public final class Lesson07SoftmaxCrossEntropy {
  private Lesson07SoftmaxCrossEntropy() {}

  public static void main(String[] args) {
    double[][] z = {{2, 1, -1}, {0.5, 1.5, 0.2}}; // logits [N, K] = [2, 3]
    int[] labels = {0, 1};
    int n = 2, k = 3;
    double[][] p = new double[n][k];
    for (int i = 0; i < n; i++) {
      double max = Math.max(z[i][0], Math.max(z[i][1], z[i][2])), sum = 0; // subtract the max: no overflow
      for (int c = 0; c < k; c++) sum += Math.exp(z[i][c] - max);
      for (int c = 0; c < k; c++) p[i][c] = Math.exp(z[i][c] - max) / sum;
    }
    System.out.println("logits z = " + row(z[0]) + ", " + row(z[1]) + "   labels 0, 1");
    System.out.println("p = softmax(z) = " + row(p[0]) + ", " + row(p[1]));
    double loss = -(Math.log(p[0][0]) + Math.log(p[1][1])) / n;
    System.out.printf(Locale.ROOT, "loss = mean of -log p[i][y_i] = %.6f%n", loss);

    // Plain: dL/dz[i][c] = (p[i][c] - [c == y_i]) / N
    double[][] plain = new double[n][k];
    for (int i = 0; i < n; i++) for (int c = 0; c < k; c++) plain[i][c] = (p[i][c] - (c == labels[i] ? 1 : 0)) / n;
    compare("dL/dz = (p - y) / N", plain, CrossEntropyLoss.of(), z, labels);

    // Class weights w: sample i counts w[y_i] times; the mean divides by sum_i w[y_i] (PyTorch's rule).
    double[] w = {1, 3, 1};
    double[][] weighted = new double[n][k];
    double norm = w[labels[0]] + w[labels[1]];
    for (int i = 0; i < n; i++)
      for (int c = 0; c < k; c++) weighted[i][c] = w[labels[i]] * (p[i][c] - (c == labels[i] ? 1 : 0)) / norm;
    compare("class weights 1, 3, 1: w[y] (p - y) / sum w[y]", weighted,
        CrossEntropyLoss.builder().classWeights(w).build(), z, labels);

    // Label smoothing eps: the target is (1 - eps) y + eps / K, and the gradient p - target.
    double eps = 0.1;
    double[][] smooth = new double[n][k];
    for (int i = 0; i < n; i++)
      for (int c = 0; c < k; c++) smooth[i][c] = (p[i][c] - ((c == labels[i] ? 1 - eps : 0) + eps / k)) / n;
    compare("label smoothing 0.1: (p - ((1 - eps) y + eps / K)) / N", smooth,
        CrossEntropyLoss.builder().labelSmoothing(eps).build(), z, labels);
    System.out.printf(Locale.ROOT, "with smoothing the gradient vanishes at p[y] = 1 - eps + eps/K = %.6f, not at 1%n",
        1 - eps + eps / k);
  }

  /** The gradient by hand, and the engine's (float32) from the same loss. */
  private static void compare(String title, double[][] hand, CrossEntropyLoss loss, double[][] z, int[] labels) {
    float[] flat = new float[6];
    for (int i = 0; i < 6; i++) flat[i] = (float) z[i / 3][i % 3];
    Variable logits = Variable.leaf(Tensor.of(flat, 2, 3), true);
    loss.compute(logits, labels).backward();
    float[] g = logits.grad().floatData();
    System.out.println(title + ":");
    for (int i = 0; i < 2; i++) {
      System.out.println("  by hand " + row(hand[i]) + "   engine " + row(new double[] {g[3 * i], g[3 * i + 1], g[3 * i + 2]}));
    }
  }

  private static String row(double[] v) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) s.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", v[i]));
    return s.append(']').toString();
  }
}
