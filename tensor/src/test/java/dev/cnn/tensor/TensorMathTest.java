package dev.cnn.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Hand-computed cases and error messages for {@link TensorMath}. */
class TensorMathTest {
  private static Tensor f(float[] data, int... shape) {
    return Tensor.of(data, shape);
  }

  private static double[] values(Tensor t) {
    return t.toDoubleArray();
  }

  @Test
  void kernelFollowsTheSelectedMode() {
    Class<?> want = Kernels.mode() == KernelMode.VECTOR ? VectorElementwise.class : ScalarElementwise.class;
    assertSame(want, TensorMath.kernel().getClass());
  }

  // ---------------------------------------------------------------- broadcasting

  @Test
  void broadcastShapesFollowNumPy() {
    assertArrayEquals(new int[] {8, 7, 6, 5}, TensorMath.broadcastShape(new int[] {8, 1, 6, 1}, new int[] {7, 1, 5}));
    assertArrayEquals(new int[] {2, 3}, TensorMath.broadcastShape(new int[] {3}, new int[] {2, 1}));
    assertArrayEquals(new int[] {4}, TensorMath.broadcastShape(new int[] {}, new int[] {4}));
    assertArrayEquals(new int[] {0, 3}, TensorMath.broadcastShape(new int[] {0, 1}, new int[] {3}));
  }

  @Test
  void rowVectorIsAddedToEveryRow() {
    Tensor a = f(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor b = f(new float[] {10, 20, 30}, 3);
    Tensor c = TensorMath.add(a, b);
    assertArrayEquals(new int[] {2, 3}, c.shape());
    assertArrayEquals(new double[] {11, 22, 33, 14, 25, 36}, values(c));
  }

  @Test
  void columnTimesRowIsAnOuterProduct() {
    Tensor c = TensorMath.mul(f(new float[] {1, 2}, 2, 1), f(new float[] {1, 2, 3}, 1, 3));
    assertArrayEquals(new int[] {2, 3}, c.shape());
    assertArrayEquals(new double[] {1, 2, 3, 2, 4, 6}, values(c));
  }

  @Test
  void channelBiasBroadcastsOverBatchAndPixels() {
    Tensor x = Tensor.zeros(2, 2, 2, 2); // N=2, C=2, H=W=2
    for (int i = 0; i < x.size(); i++) x.setFlat(i, i);
    Tensor bias = f(new float[] {100, 200}, 1, 2, 1, 1);
    Tensor y = TensorMath.add(x, bias);
    for (int n = 0; n < 2; n++) {
      for (int c = 0; c < 2; c++) {
        for (int p = 0; p < 4; p++) {
          int i = (n * 2 + c) * 4 + p;
          assertEquals(i + (c == 0 ? 100 : 200), y.getFlat(i), "element " + i);
        }
      }
    }
  }

  @Test
  void scalarTensorAndLeftBroadcast() {
    Tensor s = Tensor.scalar(DType.FLOAT32, 5);
    assertArrayEquals(new double[] {4, 3}, values(TensorMath.sub(s, f(new float[] {1, 2}, 2))));
    Tensor c = TensorMath.sub(f(new float[] {1, 2, 3}, 3), f(new float[] {10, 20}, 2, 1));
    assertArrayEquals(new int[] {2, 3}, c.shape());
    assertArrayEquals(new double[] {-9, -8, -7, -19, -18, -17}, values(c));
  }

  @Test
  void divMaximumMinimumAndScalarOperands() {
    Tensor a = f(new float[] {1, -2, 3, Float.NaN}, 4);
    Tensor b = f(new float[] {2, 2, -1, 0}, 4);
    assertArrayEquals(new double[] {0.5, -1, -3, Double.NaN}, values(TensorMath.div(a, b)));
    assertArrayEquals(new double[] {2, 2, 3, Double.NaN}, values(TensorMath.maximum(a, b)));
    assertArrayEquals(new double[] {1, -2, -1, Double.NaN}, values(TensorMath.minimum(a, b)));
    assertArrayEquals(new double[] {2, -4, 6, Double.NaN}, values(TensorMath.binary(BinaryOp.MUL, a, 2.0)));
    assertArrayEquals(new double[] {0, 3, -2, Double.NaN}, values(TensorMath.binary(BinaryOp.SUB, 1.0, a)));
  }

  @Test
  void float64UsesTheSameRules() {
    Tensor a = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor b = Tensor.of(new double[] {0.1, 0.2}, 2, 1);
    Tensor c = TensorMath.add(a, b);
    assertEquals(DType.FLOAT64, c.dtype());
    assertArrayEquals(new double[] {1.1, 2.1, 3.1, 4.2, 5.2, 6.2}, values(c));
  }

  @Test
  void inPlaceIntoTheFullOperand() {
    Tensor x = f(new float[] {1, 2, 3, 4}, 2, 2);
    Tensor r = TensorMath.binary(BinaryOp.ADD, x, f(new float[] {10, 20}, 2), x);
    assertSame(x, r);
    assertArrayEquals(new double[] {11, 22, 13, 24}, values(x));
  }

  @Test
  void incompatibleShapesNameOpAndShapes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TensorMath.add(Tensor.zeros(2, 3), Tensor.zeros(4)));
    assertTrue(e.getMessage().startsWith("add: "), e.getMessage());
    assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"), e.getMessage());
    assertTrue(e.getMessage().contains("broadcast"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> TensorMath.maximum(Tensor.zeros(2, 3, 4), Tensor.zeros(3, 1, 5)));
    assertTrue(e.getMessage().startsWith("maximum: ") && e.getMessage().contains("[3, 1, 5]"), e.getMessage());
  }

  @Test
  void otherMisuseIsReported() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TensorMath.mul(Tensor.zeros(2), Tensor.zeros(DType.FLOAT64, 2)));
    assertTrue(e.getMessage().contains("FLOAT32") && e.getMessage().contains("FLOAT64"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> TensorMath.binary(BinaryOp.ADD, Tensor.zeros(2, 2), Tensor.zeros(2), Tensor.zeros(2)));
    assertTrue(e.getMessage().contains("[2, 2]") && e.getMessage().contains("out"), e.getMessage());
    Tensor bias = Tensor.zeros(2);
    e = assertThrows(IllegalArgumentException.class,
        () -> TensorMath.binary(BinaryOp.ADD, bias, Tensor.zeros(2, 2), bias.reshape(2)));
    assertTrue(e.getMessage().contains("out"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> TensorMath.sum(Tensor.zeros(2, 3), 2, false));
    assertTrue(e.getMessage().startsWith("sum: ") && e.getMessage().contains("[2, 3]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> TensorMath.max(Tensor.zeros(2, 0), 1, false));
    assertTrue(e.getMessage().startsWith("max: ") && e.getMessage().contains("empty"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> TensorMath.dot(Tensor.zeros(2), Tensor.zeros(3)));
    assertTrue(e.getMessage().startsWith("dot: "), e.getMessage());
  }

  // ---------------------------------------------------------------- unary

  @Test
  void unaryOps() {
    Tensor x = f(new float[] {-2, -0f, 0.5f, 4}, 4);
    assertArrayEquals(new double[] {0, 0, 0.5, 4}, values(TensorMath.relu(x)));
    assertEquals(0, Double.compare(0.0, TensorMath.relu(x).getFlat(1)), "relu(-0) is +0");
    assertArrayEquals(new double[] {2, 0, 0.5, 4}, values(TensorMath.abs(x)));
    assertArrayEquals(new double[] {4, 0, 0.25, 16}, values(TensorMath.square(x)));
    assertArrayEquals(new double[] {2, 0, -0.5, -4}, values(TensorMath.neg(x)));
    assertArrayEquals(new double[] {-3, 1, 2, 9}, values(TensorMath.scaleShift(x, 2, 1)));
    assertEquals(2.0, TensorMath.sqrt(x).getFlat(3));
    assertEquals((float) Math.exp(0.5), TensorMath.exp(x).getFlat(2));
    assertEquals((float) Math.log(4), TensorMath.log(x).getFlat(3));
    assertEquals((float) Math.tanh(-2), TensorMath.tanh(x).getFlat(0));
    Tensor big = f(new float[] {-1000, 0, 1000}, 3);
    assertArrayEquals(new double[] {0, 0.5, 1}, values(TensorMath.sigmoid(big)));
  }

  // ---------------------------------------------------------------- reductions

  @Test
  void axisReductions() {
    Tensor x = f(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    assertArrayEquals(new double[] {5, 7, 9}, values(TensorMath.sum(x, 0, false)));
    assertArrayEquals(new double[] {6, 15}, values(TensorMath.sum(x, -1, false)));
    Tensor kept = TensorMath.sum(x, 1, true);
    assertArrayEquals(new int[] {2, 1}, kept.shape());
    assertArrayEquals(new int[] {3}, TensorMath.sum(x, 0, false).shape());
    assertArrayEquals(new double[] {2, 5}, values(TensorMath.mean(x, 1, false)));
    assertArrayEquals(new double[] {2.5, 3.5, 4.5}, values(TensorMath.mean(x, 0, true)));
    assertArrayEquals(new double[] {4, 5, 6}, values(TensorMath.max(x, 0, false)));
    assertEquals(21, TensorMath.sum(x));
    assertEquals(3.5, TensorMath.mean(x));
    assertEquals(6, TensorMath.max(x));
    assertEquals(5, TensorMath.argmax(x));
    assertEquals(1 + 4 + 9 + 16 + 25 + 36, TensorMath.dot(x, x));
  }

  @Test
  void argmaxTakesTheFirstTieAndTheFirstNaN() {
    Tensor x = f(new float[] {1, 3, 3, 7, -1, 7}, 2, 3);
    assertArrayEquals(new int[] {1, 0}, TensorMath.argmax(x, 1));
    assertArrayEquals(new int[] {1, 0, 1}, TensorMath.argmax(x, 0));
    Tensor withNaN = f(new float[] {1, Float.NaN, 9, Float.NaN}, 4);
    assertEquals(1, TensorMath.argmax(withNaN));
    assertTrue(Double.isNaN(TensorMath.max(withNaN)));
    assertEquals(0, TensorMath.argmax(f(new float[] {-0f, 0f}, 2)));
  }

  @Test
  void emptyReductions() {
    assertEquals(0, TensorMath.sum(Tensor.zeros(0)));
    assertArrayEquals(new double[] {0, 0}, values(TensorMath.sum(Tensor.zeros(2, 0), 1, false)));
    assertTrue(Double.isNaN(TensorMath.mean(Tensor.zeros(0))));
  }

  @Test
  void sumToUndoesBroadcasting() {
    Tensor g = f(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    assertArrayEquals(new double[] {5, 7, 9}, values(TensorMath.sumTo(g, 3)));
    assertArrayEquals(new double[] {6, 15}, values(TensorMath.sumTo(g, 2, 1)));
    assertArrayEquals(new double[] {21}, values(TensorMath.sumTo(g)));
    assertArrayEquals(new int[] {1, 3}, TensorMath.sumTo(g, 1, 3).shape());
    assertArrayEquals(values(g), values(TensorMath.sumTo(g, 2, 3)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TensorMath.sumTo(g, 2));
    assertTrue(e.getMessage().startsWith("sumTo: ") && e.getMessage().contains("[2, 3]"), e.getMessage());
  }

  // ---------------------------------------------------------------- softmax

  @Test
  void softmaxOfASmallRow() {
    Tensor p = TensorMath.softmax(f(new float[] {1, 2, 3}, 1, 3), 1);
    double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    double[] want = {Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z};
    for (int i = 0; i < 3; i++) assertEquals(want[i], p.getFlat(i), 1e-7);
  }

  @Test
  void logSoftmaxIsStableForHugeLogits() {
    Tensor x = f(new float[] {1000, 0, -1000}, 3);
    Tensor ls = TensorMath.logSoftmax(x, 0);
    assertArrayEquals(new double[] {0, -1000, -2000}, values(ls), 1e-3);
    Tensor p = TensorMath.softmax(x, 0);
    assertArrayEquals(new double[] {1, 0, 0}, values(p));
    // The naive log(softmax(x)) is -Infinity where log-softmax stays finite.
    assertEquals(Double.NEGATIVE_INFINITY, TensorMath.log(p).getFlat(2));
    Tensor same = f(new float[] {1000, 1000}, 2);
    assertArrayEquals(new double[] {0.5, 0.5}, values(TensorMath.softmax(same, 0)));
    assertArrayEquals(new double[] {-Math.log(2), -Math.log(2)}, values(TensorMath.logSoftmax(same, 0)), 1e-6);
  }

  @Test
  void softmaxOverChannelsOfAnImage() {
    Tensor x = Tensor.zeros(1, 3, 1, 2); // three channels, two pixels
    float[] d = x.floatData();
    d[0] = 1; d[1] = 0; // channel 0
    d[2] = 2; d[3] = 0; // channel 1
    d[4] = 3; d[5] = 0; // channel 2
    Tensor p = TensorMath.softmax(x, 1);
    double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    assertEquals(Math.exp(2) / z, p.getFlat(2), 1e-7);
    assertEquals(1.0 / 3, p.getFlat(5), 1e-7);
  }
}
