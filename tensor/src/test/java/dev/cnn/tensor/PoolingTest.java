package dev.cnn.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Hand-computed pooling cases, gradient routing, NaN handling and errors. */
class PoolingTest {

  @Test
  void maxPoolHandComputed() {
    // 4x4 image, 2x2 windows, stride 2
    Tensor x = Tensor.of(new float[] {
        1, 3, 2, 0,
        4, 2, 1, 5,
        0, 0, 7, 7,
        9, 1, 6, 8}, 1, 1, 4, 4);
    Pooling.MaxPoolResult r = Pooling.maxForward(x, Pool2dSpec.of(2));
    assertArrayEquals(new float[] {4, 5, 9, 8}, r.output().floatData());
    assertArrayEquals(new int[] {4, 7, 12, 15}, r.indices());
    // the gradient goes to the argmax only
    Tensor dx = Pooling.maxBackward(Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2), r.indices(), x.shape(), Pool2dSpec.of(2));
    assertArrayEquals(new float[] {0, 0, 0, 0, 1, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 4}, dx.floatData());
    // the tie 7, 7 in the last window of a 3x3 stride-1 pooling goes to the first in row-major order
    Pooling.MaxPoolResult r2 = Pooling.maxForward(x, Pool2dSpec.of(2, 1, 0));
    assertEquals(10, r2.indices()[5]); // window (1, 2): {1, 5, 7, 7}, max 7 at (2, 2)
  }

  @Test
  void overlappingWindowsAccumulateGradients() {
    // 3x3 windows, stride 1, pad 1 on a 3x3 image whose centre is the largest: all 9 windows pick it
    Tensor x = Tensor.of(new float[] {0, 0, 0, 0, 1, 0, 0, 0, 0}, 1, 1, 3, 3);
    Pool2dSpec s = Pool2dSpec.of(3, 1, 1);
    Pooling.MaxPoolResult r = Pooling.maxForward(x, s);
    Tensor dx = Pooling.maxBackward(Tensor.ones(DType.FLOAT32, 1, 1, 3, 3), r.indices(), x.shape(), s);
    assertArrayEquals(new float[] {0, 0, 0, 0, 9, 0, 0, 0, 0}, dx.floatData());
  }

  @Test
  void maxPoolPropagatesNaN() {
    Tensor x = Tensor.of(new float[] {1, Float.NaN, 3, Float.NaN}, 1, 1, 2, 2);
    Pooling.MaxPoolResult r = Pooling.maxForward(x, Pool2dSpec.of(2));
    assertTrue(Float.isNaN(r.output().floatData()[0]));
    assertEquals(1, r.indices()[0]);
  }

  @Test
  void averagePoolCountsPaddingInTheDivisor() {
    // 2x2 image of ones, 3x3 windows, stride 1, pad 1: every window holds 4 real pixels of 9
    Tensor x = Tensor.ones(DType.FLOAT32, 1, 1, 2, 2);
    Tensor y = Pooling.avgForward(x, Pool2dSpec.of(3, 1, 1));
    assertArrayEquals(new float[] {4 / 9f, 4 / 9f, 4 / 9f, 4 / 9f}, y.floatData(), 1e-7f);
    Tensor dx = Pooling.avgBackward(Tensor.ones(DType.FLOAT32, 1, 1, 2, 2), x.shape(), Pool2dSpec.of(3, 1, 1));
    assertArrayEquals(new float[] {4 / 9f, 4 / 9f, 4 / 9f, 4 / 9f}, dx.floatData(), 1e-7f);
  }

  @Test
  void globalAveragePoolHandComputed() {
    Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 10, 20, 30, 40}, 1, 2, 2, 2);
    assertArrayEquals(new double[] {2.5, 25}, Pooling.globalAvgForward(x).doubleData());
    Tensor dx = Pooling.globalAvgBackward(Tensor.of(new double[] {4, 8}, 1, 2, 1, 1), x.shape());
    assertArrayEquals(new double[] {1, 1, 1, 1, 2, 2, 2, 2}, dx.doubleData());
  }

  @Test
  void badSpecsAndShapesAreNamed() {
    assertMessage(() -> Pool2dSpec.of(0), "kernelH is 0");
    assertMessage(() -> new Pool2dSpec(2, 2, 1, 0, 0, 0), "strideW is 0");
    assertMessage(() -> Pool2dSpec.of(3, 1, 2), "padH is 2", "kernelH/2 = 1");
    assertMessage(() -> new Pool2dSpec(2, 3, 1, 1, 0, -1), "padW is -1");
    assertMessage(() -> Pooling.maxForward(Tensor.zeros(1, 1, 2, 5), Pool2dSpec.of(3)),
        "[1, 1, 2, 5]", "0 x 1", "smaller window");
    assertMessage(() -> Pooling.avgForward(Tensor.zeros(3, 4, 4), Pool2dSpec.of(2)), "[3, 4, 4]", "rank 4");
    assertMessage(() -> Pooling.avgBackward(Tensor.zeros(1, 1, 3, 2), new int[] {1, 1, 4, 4}, Pool2dSpec.of(2)),
        "dy has shape [1, 1, 3, 2]", "[1, 1, 2, 2]", "[1, 1, 4, 4]");
    Pooling.MaxPoolResult r = Pooling.maxForward(Tensor.zeros(1, 1, 4, 4), Pool2dSpec.of(2));
    assertMessage(() -> Pooling.maxBackward(r.output(), new int[3], new int[] {1, 1, 4, 4}, Pool2dSpec.of(2)),
        "indices has 3 elements", "[1, 1, 2, 2]");
    assertMessage(() -> Pooling.maxBackward(r.output(), new int[] {0, 16, 0, 0}, new int[] {1, 1, 4, 4}, Pool2dSpec.of(2)),
        "indices[1] is 16", "H*W = 16");
    assertMessage(() -> Pooling.globalAvgBackward(Tensor.zeros(2, 3), new int[] {2, 3, 4, 4}),
        "dy has shape [2, 3]", "[2, 3, 1, 1]");
  }

  private static void assertMessage(Executable call, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), () -> "message '" + e.getMessage() + "' lacks '" + p + "'");
    }
  }
}
