package dev.cnn.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The initialisers draw from the distributions they document, on tensors large enough that the
 * sample statistics are within a few percent (200,000 values: the standard deviation of a sample
 * standard deviation is about 1/sqrt(2n) = 0.16% of it).
 */
class InitTest {

  private static double mean(float[] d) {
    double s = 0;
    for (float v : d) s += v;
    return s / d.length;
  }

  private static double std(float[] d) {
    double m = mean(d), s = 0;
    for (float v : d) s += (v - m) * (v - m);
    return Math.sqrt(s / d.length);
  }

  @Test
  void heNormalHasStdSqrtTwoOverFanIn() {
    int fanIn = 400;
    float[] d = Init.heNormal().create(new Rng(1), fanIn, 500, 500, fanIn).floatData();
    double expected = Math.sqrt(2.0 / fanIn);
    assertEquals(expected, std(d), 0.02 * expected);
    assertEquals(0, mean(d), 3 * expected / Math.sqrt(d.length));
  }

  @Test
  void torchDefaultIsUniformWithinOneOverSqrtFanIn() {
    int fanIn = 250;
    float[] d = Init.torchDefault().create(new Rng(2), fanIn, 800, 800, fanIn).floatData();
    double bound = 1 / Math.sqrt(fanIn);
    double max = 0;
    for (float v : d) max = Math.max(max, Math.abs(v));
    assertTrue(max <= bound, "a value " + max + " exceeds the bound " + bound);
    assertTrue(max > 0.999 * bound, "the largest |value| " + max + " is far from the bound " + bound);
    assertEquals(bound / Math.sqrt(3), std(d), 0.02 * bound / Math.sqrt(3)); // std of U(-b, b)
  }

  @Test
  void glorotUsesFanInAndFanOut() {
    float[] d = Init.glorotNormal().create(new Rng(3), 300, 500, 500, 400).floatData();
    double expected = Math.sqrt(2.0 / (300 + 500));
    assertEquals(expected, std(d), 0.02 * expected);
  }

  /** A layer passes its own fanIn: Cin * K * K for a convolution weight [Cout, Cin, K, K]. */
  @Test
  void convolutionWeightsUseTheirFanIn() {
    Sequential m = Sequential.builder(16, 8, 8)
        .add(Conv2d.builder(16, 64).kernel(5).weightInit(Init.heNormal()).biasInit(Init.zeros()).build())
        .add(Conv2d.builder(64, 128).kernel(3).build())
        .build(4);
    float[] w = m.parameters().get("0.weight").value().floatData(); // 64*16*25 = 25,600 values
    double expected = Math.sqrt(2.0 / (16 * 25));
    assertEquals(expected, std(w), 0.03 * expected);
    for (float b : m.parameters().get("0.bias").value().floatData()) assertEquals(0f, b);
    Tensor w1 = m.parameters().get("1.weight").value(); // torch default, fanIn 64*9
    double bound = 1 / Math.sqrt(64 * 9);
    double max = 0;
    for (float v : w1.floatData()) max = Math.max(max, Math.abs(v));
    assertTrue(max <= bound && max > 0.99 * bound, "largest |w| " + max + ", bound " + bound);
  }
}
