package dev.cnn.diagnose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.Dense;
import dev.cnn.layers.ReLU;
import dev.cnn.layers.Sequential;
import dev.cnn.optim.Evaluation;
import dev.cnn.optim.Evaluator;
import dev.cnn.tensor.Batch;
import dev.cnn.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Per-image predictions agree with the evaluator's confusion matrix and mean loss, image by image. */
class PredictionsTest {
  @Test
  void perImageLossesAverageToTheEvaluatorsLossAndTheConfusionMatchesIt() {
    Sequential model = Sequential.builder(5).add(Dense.of(5, 8)).add(new ReLU()).add(Dense.of(8, 4)).build(3);
    SplittableRandom rng = new SplittableRandom(7);
    List<Batch> batches = new ArrayList<>();
    for (int b = 0; b < 5; b++) {
      int n = b == 4 ? 3 : 16; // a short last batch
      float[] x = new float[n * 5];
      int[] y = new int[n];
      for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble(-2, 2);
      for (int i = 0; i < n; i++) y[i] = rng.nextInt(4);
      batches.add(new Batch(Tensor.wrap(x, n, 5), y));
    }
    Predictions p = Predictions.of(model, batches);
    Evaluation e = Evaluator.evaluate(model, CrossEntropyLoss.of(), batches, null);
    assertEquals(67, p.size());
    for (int t = 0; t < 4; t++) assertArrayEquals(e.confusion()[t], p.confusion()[t]);
    double mean = 0;
    for (double l : p.loss()) mean += l / p.size();
    assertEquals(e.loss(), mean, 1e-5);
    for (int i = 0; i < p.size(); i++) {
      assertTrue(p.confidence()[i] >= 0.25 - 1e-9 && p.confidence()[i] <= 1, "the arg-max of 4 is at least 1/4");
      if (p.labels()[i] == p.predicted()[i]) assertEquals(-Math.log(p.confidence()[i]), p.loss()[i], 1e-9);
    }
    int[] worst = p.highestLoss(5);
    for (int i = 1; i < worst.length; i++) assertTrue(p.loss()[worst[i - 1]] >= p.loss()[worst[i]]);
  }
}
