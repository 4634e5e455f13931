package dev.cnn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.engine.Mode;
import dev.cnn.engine.NoGrad;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;
import org.junit.jupiter.api.Test;

/** {@link Sequential#predict}: the class probabilities of the EVAL-mode forward pass, batch by batch. */
class SequentialPredictTest {
  private static final Sequential MODEL = Architectures.fashionnet(new int[] {1, 12, 12}, 5, 3);

  private static float[][] samples(int n, long seed) {
    Rng rng = new Rng(seed);
    float[][] x = new float[n][144];
    for (float[] row : x) for (int i = 0; i < row.length; i++) row[i] = (float) rng.nextDouble();
    return x;
  }

  @Test
  void probabilitiesAreTheSoftmaxOfTheEvalForwardPassAcrossBatches() {
    int n = Model.PREDICT_BATCH + 44; // two batches, the second partial
    float[][] x = samples(n, 1);
    float[][] p = MODEL.predict(x);
    assertEquals(n, p.length);
    float[] flat = new float[n * 144];
    for (int i = 0; i < n; i++) System.arraycopy(x[i], 0, flat, i * 144, 144);
    Tensor expected;
    try (NoGrad g = NoGrad.enter()) {
      expected = TensorMath.softmax(MODEL.forward(Variable.constant(Tensor.wrap(flat, n, 1, 12, 12)), Mode.EVAL).value(), 1);
    }
    for (int i = 0; i < n; i++) {
      double sum = 0;
      for (int k = 0; k < 5; k++) {
        assertEquals(expected.get(i, k), p[i][k], 1e-6, "sample " + i + ", class " + k);
        sum += p[i][k];
      }
      assertEquals(1, sum, 1e-5, "sample " + i);
    }
    // EVAL mode: dropout is off, so the same sample gives the same probabilities, alone or in a batch.
    assertArrayEquals(p[280], MODEL.predict(x[280]));
    assertArrayEquals(p, MODEL.predict(x));
  }

  @Test
  void badSamplesAndNonClassifiersAreRefused() {
    float[][] x = samples(3, 2);
    x[1] = new float[100];
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MODEL.predict(x));
    assertTrue(e.getMessage().contains("sample 1 has 100 values") && e.getMessage().contains("144 (the input shape"),
        e.getMessage());
    x[1] = null;
    e = assertThrows(IllegalArgumentException.class, () -> MODEL.predict(x));
    assertTrue(e.getMessage().contains("sample 1 has no values"), e.getMessage());
    Sequential features = Sequential.builder(1, 4, 4).add(Conv2d.builder(1, 2).kernel(3).padding(1).build()).build(1);
    e = assertThrows(IllegalArgumentException.class, () -> features.predict(new float[16]));
    assertTrue(e.getMessage().contains("[2, 4, 4]") && e.getMessage().contains("end the model with a Dense layer"),
        e.getMessage());
  }
}
