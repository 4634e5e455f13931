package dev.cnn.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.tensor.DType;
import dev.cnn.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hand-computed forward and backward results of max, permute, transpose, concat, slice, softmax
 * and log-softmax on tiny tensors, in float32 and float64, and the error messages for bad axes
 * and shapes. Most cases use {@code x = [[1, 2, 3], [4, 5, 6]]}.
 */
class ShapeOpsTest {
  /** Tolerance for values computed with exp/log (float32 keeps about 7 digits). */
  private static final double TOL = 1e-6;

  private static final double[] X23 = {1, 2, 3, 4, 5, 6};

  // ------------------------------------------------------------------ max

  @ParameterizedTest
  @EnumSource(DType.class)
  void maxAlongAnAxisSendsTheGradientToTheFirstMaximum(DType dtype) {
    Variable x = leaf(dtype, new double[] {3, 1, 3, 2, 5, 5}, 2, 3);
    Variable y = Ops.max(x, false, 1);
    assertValues(new double[] {3, 5}, y.value(), 2);
    backward(y, dtype, 10, 20);
    // row 0 ties at columns 0 and 2, row 1 at columns 1 and 2: the first one wins
    assertValues(new double[] {10, 0, 0, 0, 20, 0}, x.grad(), 2, 3);
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void maxOfAllElementsIsAScalar(DType dtype) {
    Variable x = leaf(dtype, new double[] {1, 7, 7, 2}, 2, 2);
    Variable y = Ops.max(x);
    assertValues(new double[] {7}, y.value());
    y.backward();
    assertValues(new double[] {0, 1, 0, 0}, x.grad(), 2, 2);
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void maxOverTwoAxesReducesThemTogether(DType dtype) {
    // x[i][j][k], shape [2, 2, 2]; the groups are k = 0 and k = 1, four elements each
    // k = 0: x[.][.][0] = [[1, 9], [9, 0]]: maximum 9, first at (0, 1, 0) = flat 2
    // k = 1: x[.][.][1] = [[4, 2], [8, 8]]: maximum 8, first at (1, 0, 1) = flat 5
    Variable x = leaf(dtype, new double[] {1, 4, 9, 2, 9, 8, 0, 8}, 2, 2, 2);
    Variable kept = Ops.max(x, true, -2, 0); // axes in any order, negative allowed
    assertValues(new double[] {9, 8}, kept.value(), 1, 1, 2);
    backward(kept, dtype, 10, 20);
    assertValues(new double[] {0, 0, 10, 0, 0, 20, 0, 0}, x.grad(), 2, 2, 2);

    x.zeroGrad();
    Variable dropped = Ops.max(x, false, 0, 1);
    assertValues(new double[] {9, 8}, dropped.value(), 2);
    backward(dropped, dtype, 1, 2);
    assertValues(new double[] {0, 0, 1, 0, 0, 2, 0, 0}, x.grad(), 2, 2, 2);
  }

  @Test
  void maxTreatsNaNAsTheLargestValue() {
    Variable x = leaf(DType.FLOAT64, new double[] {1, Double.NaN, 3, Double.NaN}, 4);
    Variable y = Ops.max(x);
    assertTrue(Double.isNaN(y.value().getFlat(0)));
    y.backward();
    assertValues(new double[] {0, 1, 0, 0}, x.grad(), 4);
  }

  @Test
  void maxRejectsBadAxes() {
    Variable x = leaf(DType.FLOAT64, X23, 2, 3);
    assertMessage(() -> Ops.max(x, false, 2), "max", "axis 2", "[-2, 1]");
    assertMessage(() -> Ops.max(x, false, 1, -1), "max", "twice");
    assertMessage(() -> Ops.max(x, false), "max", "no axes");
    Variable empty = leaf(DType.FLOAT64, new double[0], 2, 0);
    assertMessage(() -> Ops.max(empty, false, 1), "max", "axis 1", "is empty");
  }

  // ------------------------------------------------------------------ permute and transpose

  @ParameterizedTest
  @EnumSource(DType.class)
  void transposeOfAMatrix(DType dtype) {
    Variable x = leaf(dtype, X23, 2, 3);
    Variable y = Ops.transpose(x, 0, -1);
    assertValues(new double[] {1, 4, 2, 5, 3, 6}, y.value(), 3, 2);
    backward(y, dtype, 1, 2, 3, 4, 5, 6); // g = [[1, 2], [3, 4], [5, 6]], transposed back
    assertValues(new double[] {1, 3, 5, 2, 4, 6}, x.grad(), 2, 3);
    assertArrayEquals(new int[] {3, 2}, x.transpose(1, 0).shape());
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void permuteOfARank3Tensor(DType dtype) {
    double[] values = new double[24];
    for (int i = 0; i < 24; i++) values[i] = i; // x[i][j][k] = 12 i + 4 j + k
    Variable x = leaf(dtype, values, 2, 3, 4);
    Variable y = Ops.permute(x, 2, 0, -2); // y[k][i][j] = x[i][j][k]
    assertArrayEquals(new int[] {4, 2, 3}, y.shape());
    for (int k = 0; k < 4; k++) {
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 3; j++) assertEquals(12 * i + 4 * j + k, y.value().get(k, i, j));
      }
    }
    // backward permutes g back: seeding with y's own value gives x's value as the gradient
    y.backward(y.value().copy(), false);
    assertValues(values, x.grad(), 2, 3, 4);
  }

  @Test
  void permuteRejectsOrdersThatAreNotPermutations() {
    Variable x = leaf(DType.FLOAT64, X23, 2, 3);
    assertMessage(() -> Ops.permute(x, 0), "permute", "order [0]", "permutation of the 2 axes");
    assertMessage(() -> Ops.permute(x, 0, -2), "permute", "order [0, -2]", "axis 0 twice");
    assertMessage(() -> Ops.permute(x, 0, 2), "permute", "order [0, 2]", "axis 2 out of range");
    assertMessage(() -> Ops.transpose(x, 0, -3), "transpose", "axes 0 and -3", "[-2, 1]");
  }

  // ------------------------------------------------------------------ concat

  @ParameterizedTest
  @EnumSource(DType.class)
  void concatAlongColumnsAndRows(DType dtype) {
    Variable a = leaf(dtype, X23, 2, 3);
    Variable b = leaf(dtype, new double[] {7, 8}, 2, 1);
    Variable y = Ops.concat(-1, a, b);
    assertValues(new double[] {1, 2, 3, 7, 4, 5, 6, 8}, y.value(), 2, 4);
    backward(y, dtype, 1, 2, 3, 4, 5, 6, 7, 8); // g = [[1, 2, 3, 4], [5, 6, 7, 8]]
    assertValues(new double[] {1, 2, 3, 5, 6, 7}, a.grad(), 2, 3);
    assertValues(new double[] {4, 8}, b.grad(), 2, 1);

    Variable c = Variable.constant(Tensor.of(new double[] {7, 8, 9}, 1, 3).to(dtype));
    Variable rows = Ops.concat(0, c, a);
    assertValues(new double[] {7, 8, 9, 1, 2, 3, 4, 5, 6}, rows.value(), 3, 3);
    a.zeroGrad();
    backward(rows, dtype, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    assertValues(new double[] {4, 5, 6, 7, 8, 9}, a.grad(), 2, 3);
    assertNull(c.grad()); // a constant gets no gradient
  }

  @Test
  void concatRejectsMismatchedInputs() {
    Variable a = leaf(DType.FLOAT64, X23, 2, 3);
    Variable tall = leaf(DType.FLOAT64, new double[9], 3, 3);
    assertMessage(() -> Ops.concat(1, a, tall), "concat", "input 1 is FLOAT64 [3, 3]", "axis 1");
    assertMessage(() -> Ops.concat(2, a, a), "concat", "axis 2", "[-2, 1]");
    Variable single = Variable.constant(Tensor.zeros(DType.FLOAT32, 2, 3));
    assertMessage(() -> Ops.concat(0, a, single), "concat", "FLOAT32", "same dtype");
    Variable vector = leaf(DType.FLOAT64, new double[3], 3);
    assertMessage(() -> Ops.concat(0, a, vector), "concat", "input 1 is FLOAT64 [3]");
    assertMessage(() -> Ops.concat(0), "concat", "no inputs");
  }

  // ------------------------------------------------------------------ slice

  @ParameterizedTest
  @EnumSource(DType.class)
  void sliceColumnsAndRows(DType dtype) {
    Variable x = leaf(dtype, X23, 2, 3);
    Variable y = Ops.slice(x, 1, 1, 3);
    assertValues(new double[] {2, 3, 5, 6}, y.value(), 2, 2);
    backward(y, dtype, 10, 20, 30, 40);
    assertValues(new double[] {0, 10, 20, 0, 30, 40}, x.grad(), 2, 3);

    // negative axis and start count from the end: the same slice
    assertValues(new double[] {2, 3, 5, 6}, Ops.slice(x, -1, -2, 3).value(), 2, 2);
    assertValues(new double[] {4, 5, 6}, Ops.slice(x, 0, 1, 2).value(), 1, 3);
    assertValues(new double[] {1, 2, 4, 5}, Ops.slice(x, 1, 0, -1).value(), 2, 2);
    assertValues(new double[0], Ops.slice(x, 1, 2, 2).value(), 2, 0); // empty, as x[:, 2:2]
  }

  @Test
  void sliceRejectsBoundsOutsideTheAxis() {
    Variable x = leaf(DType.FLOAT64, X23, 2, 3);
    assertMessage(() -> Ops.slice(x, 1, 0, 4), "slice", "start 0 and end 4", "length 3", "[-3, 3]");
    assertMessage(() -> Ops.slice(x, 1, -4, 2), "slice", "start -4 and end 2");
    assertMessage(() -> Ops.slice(x, 1, 2, 1), "slice", "start 2 and end 1", "start <= end");
    assertMessage(() -> Ops.slice(x, -3, 0, 1), "slice", "axis -3", "[-2, 1]");
  }

  // ------------------------------------------------------------------ softmax and log-softmax

  @ParameterizedTest
  @EnumSource(DType.class)
  void softmaxOfOneTwoThree(DType dtype) {
    // y_k = e^k / (e + e^2 + e^3)
    double[] y123 = {0.09003057317038046, 0.24472847105479767, 0.6652409557748219};
    Variable x = leaf(dtype, new double[] {1, 2, 3}, 3);
    Variable y = x.softmax(0);
    assertValues(y123, y.value(), 3);
    // g = [1, 2, 3]: dx = y * (g - sum(g * y)), sum(g * y) = 2.5752103826044415
    backward(y, dtype, 1, 2, 3);
    assertValues(new double[] {-0.14181709360981218, -0.1407703574696302, 0.2825874510794421},
        x.grad(), 3);

    // along axis 0 of a [3, 1] column, the same numbers; adding a constant changes nothing
    Variable column = leaf(dtype, new double[] {101, 102, 103}, 3, 1);
    assertValues(y123, Ops.softmax(column, -2).value(), 3, 1);
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void logSoftmaxOfOneTwoThree(DType dtype) {
    // y_k = k - ln(e + e^2 + e^3), ln(e + e^2 + e^3) = 3.40760596444438
    Variable x = leaf(dtype, new double[] {1, 2, 3}, 1, 3);
    Variable y = x.logSoftmax(-1);
    assertValues(new double[] {-2.40760596444438, -1.4076059644443801, -0.40760596444438013},
        y.value(), 1, 3);
    // g = [1, 2, 3]: dx = g - softmax(x) * sum(g) = g - 6 * softmax(x)
    backward(y, dtype, 1, 2, 3);
    assertValues(new double[] {0.45981656097771717, 0.531629173671214, -0.9914457346489316},
        x.grad(), 1, 3);
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void logSoftmaxStaysFiniteForLargeLogits(DType dtype) {
    Variable x = leaf(dtype, new double[] {1000, 0}, 2);
    Variable y = Ops.logSoftmax(x, 0);
    assertValues(new double[] {0, -1000}, y.value(), 2);
    backward(y, dtype, 0, 1); // dx = g - softmax(x) * 1 = [0 - 1, 1 - 0]
    assertValues(new double[] {-1, 1}, x.grad(), 2);
  }

  @Test
  void softmaxRejectsAnAxisOutOfRange() {
    Variable x = leaf(DType.FLOAT64, X23, 2, 3);
    assertMessage(() -> Ops.softmax(x, 2), "softmax", "axis 2", "[2, 3]");
    assertMessage(() -> Ops.logSoftmax(x, -3), "logSoftmax", "axis -3", "[2, 3]");
  }

  // ------------------------------------------------------------------ graph export attributes

  @Test
  void opsShowTheirHyperparametersInGraphExports() {
    Variable x = leaf(DType.FLOAT64, X23, 2, 3);
    assertEquals("axes=[0, 1], keepDims=true", op(Ops.max(x, true, 1, 0)).attributes());
    assertEquals("order=[1, 0]", op(Ops.transpose(x, 0, 1)).attributes());
    assertEquals("axis=1, lengths=[3, 3]", op(Ops.concat(-1, x, x)).attributes());
    assertEquals("axis=1, start=1, end=3", op(Ops.slice(x, 1, -2, 3)).attributes());
    assertEquals("axis=1", op(Ops.softmax(x, -1)).attributes());
    assertEquals("axis=0", op(Ops.logSoftmax(x, -2)).attributes());
  }

  // ------------------------------------------------------------------ helpers

  private static Op op(Variable result) {
    return result.creator.op;
  }

  /** A parameter of this dtype holding these values. */
  private static Variable leaf(DType dtype, double[] values, int... shape) {
    return Variable.parameter(Tensor.of(values, shape).to(dtype), "x");
  }

  /** Back-propagates the gradient g (row-major values, y's shape and dtype) from y. */
  private static void backward(Variable y, DType dtype, double... g) {
    y.backward(Tensor.of(g, y.shape()).to(dtype), false);
  }

  private static void assertValues(double[] expected, Tensor actual, int... shape) {
    assertArrayEquals(shape, actual.shape(), "shape");
    assertArrayEquals(expected, actual.toDoubleArray(), tolerance(expected));
  }

  /** TOL relative to the largest expected magnitude (at least 1). */
  private static double tolerance(double[] expected) {
    double m = 1;
    for (double v : expected) m = Math.max(m, Math.abs(v));
    return TOL * m;
  }

  /** The call throws an IllegalArgumentException whose message contains every fragment. */
  private static void assertMessage(Executable call, String... fragments) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
    }
  }
}
