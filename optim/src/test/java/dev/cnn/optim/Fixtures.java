package dev.cnn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cnn.layers.Dense;
import dev.cnn.layers.ReLU;
import dev.cnn.layers.Model;
import dev.cnn.layers.Sequential;
import dev.cnn.tensor.Batch;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Small models and synthetic data for the training-loop tests. */
final class Fixtures {
  private Fixtures() {}

  /** Labelled 2-d points. */
  record Points(float[] xy, int[] labels) {
    int size() {
      return labels.length;
    }

    int count(int label) {
      return (int) Arrays.stream(labels).filter(l -> l == label).count();
    }
  }

  /**
   * Two Gaussian blobs with unit variance: class 0 around (0, 0), class 1 around
   * (shift, shift), shuffled. Overlapping when shift is small (1.5: about 14% of each class
   * falls on the other's side of the midpoint).
   */
  static Points blobs(long seed, int class0, int class1, double shift) {
    Rng rng = new Rng(seed);
    int n = class0 + class1;
    int[] labels = new int[n];
    for (int i = class0; i < n; i++) labels[i] = 1;
    for (int i = n - 1; i > 0; i--) { // Fisher-Yates
      int j = rng.nextInt(i + 1);
      int t = labels[i];
      labels[i] = labels[j];
      labels[j] = t;
    }
    float[] xy = new float[2 * n];
    for (int i = 0; i < n; i++) {
      double c = labels[i] == 1 ? shift : 0;
      xy[2 * i] = (float) (c + rng.nextGaussian());
      xy[2 * i + 1] = (float) (c + rng.nextGaussian());
    }
    return new Points(xy, labels);
  }

  /** The points in batches of batchSize (the last may be smaller), in order. */
  static List<Batch> batches(Points p, int batchSize) {
    List<Batch> out = new ArrayList<>();
    for (int start = 0; start < p.size(); start += batchSize) {
      int end = Math.min(p.size(), start + batchSize);
      out.add(new Batch(Tensor.of(Arrays.copyOfRange(p.xy(), 2 * start, 2 * end), end - start, 2),
          Arrays.copyOfRange(p.labels(), start, end)));
    }
    return out;
  }

  /** 2 -> hidden -> 2 with a ReLU. */
  static Sequential mlp(int hidden, long seed) {
    return Sequential.builder(2).add(Dense.of(2, hidden)).add(new ReLU()).add(Dense.of(hidden, 2)).build(seed);
  }

  /** The model's weights equal the snapshot's, bit for bit. */
  static void assertSameWeights(Map<String, Tensor> expected, Model model) {
    Map<String, Tensor> actual = model.stateDict();
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((k, v) -> assertArrayEquals(v.floatData(), actual.get(k).floatData(), 0f, k));
  }

  /** Whether the two models' weights are bit-identical. */
  static boolean sameWeights(Model a, Model b) {
    Map<String, Tensor> x = a.stateDict(), y = b.stateDict();
    if (!x.keySet().equals(y.keySet())) return false;
    for (String k : x.keySet()) {
      if (!Arrays.equals(x.get(k).floatData(), y.get(k).floatData())) return false;
    }
    return true;
  }
}
