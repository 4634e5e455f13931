package dev.cnn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DropoutTest {
  private static final Variable ONES = Variable.constant(Tensor.ones(DType.FLOAT32, 4, 1000));

  private static Sequential model(double p, long seed) {
    return Sequential.builder(1000).add(new Dropout(p)).build(seed);
  }

  @Test
  void trainDropsAboutPAndScalesTheRest() {
    float[] y = model(0.3, 11).forward(ONES, Mode.TRAIN).value().floatData();
    int zeros = 0;
    for (float v : y) {
      if (v == 0) zeros++;
      else assertEquals(1 / 0.7f, v, 1e-6f);
    }
    // 4,000 Bernoulli(0.3) draws: standard deviation of the fraction 0.0072
    assertEquals(0.3, zeros / 4000.0, 0.03);
  }

  @Test
  void evalIsTheIdentity() {
    Variable x = Variable.constant(Tensor.uniform(new Rng(1), DType.FLOAT32, -1, 1, 4, 1000));
    assertSame(x, model(0.5, 11).forward(x, Mode.EVAL));
  }

  /** The mask is the stream of the layer's generator, the child new Rng(seed).split(): kept iff draw >= p. */
  @Test
  void theMaskComesFromTheGeneratorSequentialHandsTheLayer() {
    float[] y = model(0.4, 99).forward(ONES, Mode.TRAIN).value().floatData();
    Rng child = new Rng(99).split();
    for (int i = 0; i < y.length; i++) assertEquals(child.nextDouble() >= 0.4, y[i] != 0, "element " + i);
  }

  @Test
  void theSameSeedGivesTheSameMasksBatchAfterBatch() {
    Sequential a = model(0.5, 3), b = model(0.5, 3);
    float[] a1 = a.forward(ONES, Mode.TRAIN).value().floatData();
    float[] a2 = a.forward(ONES, Mode.TRAIN).value().floatData();
    assertArrayEquals(a1, b.forward(ONES, Mode.TRAIN).value().floatData());
    assertArrayEquals(a2, b.forward(ONES, Mode.TRAIN).value().floatData());
    assertFalse(Arrays.equals(a1, a2), "the second batch gets a new mask");
    assertFalse(Arrays.equals(a1, model(0.5, 4).forward(ONES, Mode.TRAIN).value().floatData()), "another seed");
  }

  @Test
  void theGradientIsTheMaskScaled() {
    Variable x = Variable.leaf(Tensor.ones(DType.FLOAT32, 2, 1000), true);
    Variable y = model(0.25, 8).forward(x, Mode.TRAIN);
    Ops.sum(y).backward();
    float[] out = y.value().floatData(), g = x.grad().floatData();
    for (int i = 0; i < g.length; i++) assertEquals(out[i] == 0 ? 0f : 1 / 0.75f, g[i], 1e-6f);
  }

  @Test
  void anUnbuiltLayerCannotDropInTraining() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> new Dropout(0.5).forward(ONES, Mode.TRAIN));
    assertEquals("Dropout: no random generator yet; add the layer to a Sequential and build it (the model's seed"
        + " gives each dropout layer its own generator)", e.getMessage());
  }
}
