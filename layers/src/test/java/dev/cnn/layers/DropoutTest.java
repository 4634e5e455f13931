package dev.cnn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /**
   * A model's random states, saved after some batches and restored into another model (of
   * another seed), continue the stream: the next masks are those the first model draws next.
   */
  @Test
  void restoredRandomStatesContinueTheMaskStream() {
    Sequential a = Sequential.builder(1000).add(new Dropout(0.5)).add(new ReLU()).add("drop2", new Dropout(0.2))
        .build(5);
    a.forward(ONES, Mode.TRAIN);
    Map<String, long[]> saved = a.randomStates();
    assertEquals(List.of("0", "drop2"), List.copyOf(saved.keySet()), "only the dropout layers, by name");
    float[] next = a.forward(ONES, Mode.TRAIN).value().floatData();

    Sequential b = Sequential.builder(1000).add(new Dropout(0.5)).add(new ReLU()).add("drop2", new Dropout(0.2))
        .build(77);
    assertFalse(Arrays.equals(next, copyForward(b)), "another seed draws other masks");
    b.restoreRandomStates(saved, "test");
    assertArrayEquals(next, b.forward(ONES, Mode.TRAIN).value().floatData());
    saved.get("0")[0]++; // the map holds copies: changing it changes no layer
    assertArrayEquals(a.randomStates().get("drop2"), b.randomStates().get("drop2"));
    assertArrayEquals(a.randomStates().get("0"), b.randomStates().get("0"));
  }

  /** The next TRAIN output, without moving the generators on. */
  private static float[] copyForward(Sequential m) {
    Map<String, long[]> keep = m.randomStates();
    float[] y = m.forward(ONES, Mode.TRAIN).value().floatData();
    m.restoreRandomStates(keep, "test");
    return y;
  }

  @Test
  void restoringRandomStatesChecksTheLayerNamesAndValues() {
    Sequential m = Sequential.builder(1000).add(new ReLU()).add(new Dropout(0.5)).build(1);
    long[] before = m.randomStates().get("1");
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> m.restoreRandomStates(Map.of(), "run/state.json"));
    assertTrue(missing.getMessage().contains("run/state.json: no random state for layer '1' (dropout)"),
        missing.getMessage());
    Map<String, long[]> extra = new LinkedHashMap<>(m.randomStates());
    extra.put("0", new long[] {1, 3});
    IllegalArgumentException notRandom = assertThrows(IllegalArgumentException.class,
        () -> m.restoreRandomStates(extra, "run/state.json"));
    assertTrue(notRandom.getMessage().contains("layer '0', which draws no random numbers"), notRandom.getMessage());
    IllegalArgumentException even = assertThrows(IllegalArgumentException.class,
        () -> m.restoreRandomStates(Map.of("1", new long[] {1, 2}), "run/state.json"));
    assertTrue(even.getMessage().contains("random state of layer '1' is [1, 2]; expected two integers {seed, gamma}"
        + " with an odd gamma"), even.getMessage());
    assertArrayEquals(before, m.randomStates().get("1"), "a rejected restore changes nothing");
  }

  @Test
  void anUnbuiltLayerHasNoRandomStateToSaveOrRestore() {
    Dropout d = new Dropout(0.5);
    assertNull(d.randomState());
    assertThrows(IllegalStateException.class, () -> d.restoreRandomState(new long[] {1, 3}));
  }
}
