package dev.cnn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The running statistics: updated in TRAIN as PyTorch does, used (and left alone) in EVAL. */
class BatchNormTest {

  @Test
  void startsAsPyTorchDoes() {
    Sequential m = Sequential.builder(3, 2, 2).add(BatchNorm2d.of(3)).build(1);
    assertArrayEquals(new float[] {1, 1, 1}, m.parameters().get("0.weight").value().floatData());
    assertArrayEquals(new float[] {0, 0, 0}, m.parameters().get("0.bias").value().floatData());
    assertArrayEquals(new float[] {0, 0, 0}, m.buffers().get("0.running_mean").floatData());
    assertArrayEquals(new float[] {1, 1, 1}, m.buffers().get("0.running_var").floatData());
  }

  /** Channel c of a [2, 2, 3, 1] batch holds 6 values; the running stats move 10% of the way to their statistics. */
  @Test
  void trainUpdatesTheRunningStatistics() {
    Sequential m = Sequential.builder(2, 3, 1).add(BatchNorm2d.of(2)).build(1);
    float[] x = {1, 2, 3, /* channel 1 */ 10, 10, 16, /* sample 2, channel 0 */ 4, 5, 6, /* channel 1 */ 4, 4, 4};
    Variable y = m.forward(Variable.constant(Tensor.of(x, 2, 2, 3, 1)), Mode.TRAIN);
    // channel 0: 1..6, mean 3.5, unbiased variance 17.5/5 = 3.5; channel 1: 10, 10, 16, 4, 4, 4, mean 8,
    // unbiased variance (4 + 4 + 64 + 16 + 16 + 16)/5 = 24
    float[] mean = m.buffers().get("0.running_mean").floatData(), var = m.buffers().get("0.running_var").floatData();
    assertEquals(0.1 * 3.5, mean[0], 1e-6);
    assertEquals(0.1 * 8, mean[1], 1e-6);
    assertEquals(0.9 + 0.1 * 3.5, var[0], 1e-6);
    assertEquals(0.9 + 0.1 * 24, var[1], 1e-5);
    // the output is normalised with the batch's biased variance: channel 0 has variance 17.5/6
    assertEquals((1 - 3.5) / Math.sqrt(17.5 / 6 + 1e-5), y.value().get(0, 0, 0, 0), 1e-5);
    // a second pass moves them again: running = 0.9 * running + 0.1 * statistic
    m.forward(Variable.constant(Tensor.of(x, 2, 2, 3, 1)), Mode.TRAIN);
    assertEquals(0.9 * 0.35 + 0.35, m.buffers().get("0.running_mean").getFlat(0), 1e-6);
  }

  @Test
  void evalUsesTheRunningStatisticsAndLeavesThemAlone() {
    Sequential m = Sequential.builder(2).add(BatchNorm1d.builder(2).eps(1e-3).build()).build(1);
    Tensor mean = m.buffers().get("0.running_mean"), var = m.buffers().get("0.running_var");
    mean.setFlat(0, 1);
    mean.setFlat(1, -2);
    var.setFlat(0, 4);
    var.setFlat(1, 0.25);
    m.parameters().get("0.weight").value().setFlat(1, 3);
    m.parameters().get("0.bias").value().setFlat(0, 0.5);
    Variable y = m.forward(Variable.constant(Tensor.of(new float[] {3, 0, -1, -2}, 2, 2)), Mode.EVAL);
    assertEquals((3 - 1) / Math.sqrt(4.001) + 0.5, y.value().get(0, 0), 1e-5);
    assertEquals(3 * (0 + 2) / Math.sqrt(0.251), y.value().get(0, 1), 1e-5);
    assertEquals((-1 - 1) / Math.sqrt(4.001) + 0.5, y.value().get(1, 0), 1e-5);
    assertEquals(0, y.value().get(1, 1), 1e-6);
    assertArrayEquals(new float[] {1, -2}, mean.floatData());
    assertArrayEquals(new float[] {4, 0.25f}, var.floatData());
  }

  /** The buffers are the model's live tensors: the state dict holds the updated statistics. */
  @Test
  void theStateDictSeesTheUpdate() {
    Sequential m = Sequential.builder(3).add(BatchNorm1d.builder(3).momentum(0.5).build()).build(1);
    Tensor before = m.stateDict().get("0.running_mean");
    m.forward(Variable.constant(Tensor.uniform(new Rng(1), DType.FLOAT32, 1, 2, 8, 3)), Mode.TRAIN);
    assertSame(before, m.stateDict().get("0.running_mean"));
    for (int c = 0; c < 3; c++) assertEquals(true, before.getFlat(c) > 0.5 && before.getFlat(c) < 1, "channel " + c);
  }
}
