package dev.cnn.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.tensor.Conv2dSpec;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Pool2dSpec;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Known answers for convolution, pooling, dropout and batch normalisation, worked out by hand in
 * the comments, in float32 and float64; and the messages of bad arguments.
 */
class ConvOpsTest {

  private static Variable param(DType dtype, double[] values, int... shape) {
    return Variable.parameter(Tensor.of(values, shape).to(dtype), null);
  }

  private static Variable constant(DType dtype, double[] values, int... shape) {
    return Variable.constant(Tensor.of(values, shape).to(dtype));
  }

  /** Asserts equal values, exactly in float64 and to float rounding in float32. */
  private static void assertValues(double[] expected, Tensor actual) {
    double tol = actual.dtype() == DType.FLOAT32 ? 1e-5 : 1e-12;
    double[] a = actual.toDoubleArray();
    assertEquals(expected.length, a.length, "element count");
    for (int i = 0; i < a.length; i++) {
      assertEquals(expected[i], a[i], tol * Math.max(1, Math.abs(expected[i])), "element " + i);
    }
  }

  private static final double[] ONE_TO_NINE = {1, 2, 3, 4, 5, 6, 7, 8, 9};

  // ------------------------------------------------------------------ conv2d

  @ParameterizedTest
  @EnumSource(DType.class)
  void conv2dOfA3x3InputWithA2x2Kernel(DType dtype) {
    // x = [[1 2 3], [4 5 6], [7 8 9]], w = [[1 2], [3 4]], bias 0.5: each output is the window
    // dotted with w, e.g. y[0][0] = 1*1 + 2*2 + 4*3 + 5*4 + 0.5 = 37.5
    Variable x = param(dtype, ONE_TO_NINE, 1, 1, 3, 3);
    Variable w = param(dtype, new double[] {1, 2, 3, 4}, 1, 1, 2, 2);
    Variable b = param(dtype, new double[] {0.5}, 1);
    Variable y = Ops.conv2d(x, w, b, Conv2dSpec.DEFAULT);
    assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
    assertValues(new double[] {37.5, 47.5, 67.5, 77.5}, y.value());

    Ops.sum(y).backward();
    // dL/dx: the sum of the weights that touch each pixel (the centre is in all four windows)
    assertValues(new double[] {1, 3, 2, 4, 10, 6, 3, 7, 4}, x.grad());
    // dL/dw[i][j]: the sum of the 2x2 block of x starting at (i, j)
    assertValues(new double[] {12, 16, 24, 28}, w.grad());
    // dL/db: one per output
    assertValues(new double[] {4}, b.grad());
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void conv2dWithStrideAndPadding(DType dtype) {
    // pad 1, stride 2, a 2x2 kernel of ones: the windows start at rows/columns -1 and 1, so
    // y = [[x00, x01 + x02], [x10 + x20, x11 + x12 + x21 + x22]] = [[1, 5], [11, 28]]
    Variable x = param(dtype, ONE_TO_NINE, 1, 1, 3, 3);
    Variable w = constant(dtype, new double[] {1, 1, 1, 1}, 1, 1, 2, 2);
    Variable y = Ops.conv2d(x, w, null, Conv2dSpec.of(2, 1));
    assertValues(new double[] {1, 5, 11, 28}, y.value());
    // g = [[1, 2], [3, 4]]: every pixel is in exactly one window and gets that window's g
    y.backward(Tensor.of(new double[] {1, 2, 3, 4}, 1, 1, 2, 2).to(dtype), false);
    assertValues(new double[] {1, 2, 2, 3, 4, 4, 3, 4, 4}, x.grad());
    assertNull(w.grad());
  }

  @Test
  void conv2dGroupsKeepChannelsApart() {
    // two groups, a 1x1 kernel per output channel: y[0] = 2 * x[0], y[1] = -x[1]
    Variable x = param(DType.FLOAT64, new double[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 2, 2, 2);
    Variable w = param(DType.FLOAT64, new double[] {2, -1}, 2, 1, 1, 1);
    Variable y = Ops.conv2d(x, w, null, Conv2dSpec.of(1, 0, 1, 2));
    assertValues(new double[] {2, 4, 6, 8, -5, -6, -7, -8}, y.value());
    assertEquals("stride=1x1, pad=0x0, dilation=1x1, groups=2", y.creator.op.attributes());
  }

  // ------------------------------------------------------------------ pooling

  private static final double[] FOUR_BY_FOUR = {
    1, 5, 2, 0,
    3, 4, 8, 6,
    7, 9, 1, 2,
    0, 3, 4, 5};

  @ParameterizedTest
  @EnumSource(DType.class)
  void maxPoolOfA4x4(DType dtype) {
    Variable x = param(dtype, FOUR_BY_FOUR, 1, 1, 4, 4);
    Variable y = Ops.maxPool2d(x, Pool2dSpec.of(2));
    assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
    assertValues(new double[] {5, 8, 9, 5}, y.value());
    // each window's g goes to its maximum: 5 at (0,1), 8 at (1,2), 9 at (2,1), 5 at (3,3)
    y.backward(Tensor.of(new double[] {1, 2, 3, 4}, 1, 1, 2, 2).to(dtype), false);
    assertValues(new double[] {
      0, 1, 0, 0,
      0, 0, 2, 0,
      0, 3, 0, 0,
      0, 0, 0, 4}, x.grad());
  }

  @Test
  void overlappingMaxPoolWindowsAddTheirGradients() {
    // kernel 3, stride 1 on the 4x4: all four windows contain the 9 at (2,1)
    Variable x = param(DType.FLOAT64, FOUR_BY_FOUR, 1, 1, 4, 4);
    Variable y = Ops.maxPool2d(x, Pool2dSpec.of(3, 1, 0));
    assertValues(new double[] {9, 9, 9, 9}, y.value());
    Ops.sum(y).backward();
    assertEquals(4.0, x.grad().get(0, 0, 2, 1));
    assertEquals(4.0, TensorMath.sum(x.grad()));
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void avgPoolOfA4x4(DType dtype) {
    Variable x = param(dtype, FOUR_BY_FOUR, 1, 1, 4, 4);
    Variable y = Ops.avgPool2d(x, Pool2dSpec.of(2));
    // (1+5+3+4)/4, (2+0+8+6)/4, (7+9+0+3)/4, (1+2+4+5)/4
    assertValues(new double[] {3.25, 4, 4.75, 3}, y.value());
    y.backward(Tensor.of(new double[] {4, 8, 12, 16}, 1, 1, 2, 2).to(dtype), false);
    assertValues(new double[] {
      1, 1, 2, 2,
      1, 1, 2, 2,
      3, 3, 4, 4,
      3, 3, 4, 4}, x.grad());
  }

  @Test
  void avgPoolCountsPaddingInTheDivisor() {
    // kernel 2, stride 2, pad 1 on the 3x3 1..9: the corner window holds only x00 = 1, so 1/4
    Variable y = Ops.avgPool2d(constant(DType.FLOAT64, ONE_TO_NINE, 1, 1, 3, 3), Pool2dSpec.of(2, 2, 1));
    assertValues(new double[] {0.25, (2 + 3) / 4.0, (4 + 7) / 4.0, (5 + 6 + 8 + 9) / 4.0}, y.value());
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void globalAvgPoolKeepsTwoUnitAxes(DType dtype) {
    Variable x = param(dtype, new double[] {1, 2, 3, 4, 10, 20, 30, 40}, 1, 2, 2, 2);
    Variable y = Ops.globalAvgPool2d(x);
    assertArrayEquals(new int[] {1, 2, 1, 1}, y.shape());
    assertValues(new double[] {2.5, 25}, y.value());
    y.backward(Tensor.of(new double[] {4, -8}, 1, 2, 1, 1).to(dtype), false);
    assertValues(new double[] {1, 1, 1, 1, -2, -2, -2, -2}, x.grad());
  }

  // ------------------------------------------------------------------ dropout

  @ParameterizedTest
  @EnumSource(DType.class)
  void dropoutKeepsAboutHalfAndScalesByTwo(DType dtype) {
    int size = 10_000;
    Variable x = Variable.leaf(Tensor.ones(dtype, 100, 100), true);
    Variable y = Ops.dropout(x, 0.5, Mode.TRAIN, new Rng(7));
    int kept = 0;
    for (double v : y.value().toDoubleArray()) {
      assertTrue(v == 0 || v == 2, "every element is 0 or 1/(1 - p) = 2, got " + v);
      if (v == 2) kept++;
    }
    // binomial(10000, 0.5): standard deviation 50; 5 of them is a one-in-a-million miss for a
    // correct mask, and the result is fixed by the seed anyway
    assertTrue(Math.abs(kept - size / 2) < 250, "kept " + kept + " of " + size);
    // the mask follows the generator: element i is kept when the i-th nextDouble() is >= p
    Rng replay = new Rng(7);
    double[] values = y.value().toDoubleArray();
    for (int i = 0; i < size; i++) assertEquals(replay.nextDouble() >= 0.5 ? 2.0 : 0.0, values[i]);
    // backward multiplies by the same scaled mask
    Ops.sum(y).backward();
    assertArrayEquals(values, x.grad().toDoubleArray());
  }

  @Test
  void dropoutWithTheSameSeedIsBitIdentical() {
    Tensor x = Tensor.uniform(new Rng(1), DType.FLOAT32, -1, 1, 3, 50);
    Tensor a = Ops.dropout(Variable.constant(x), 0.3, Mode.TRAIN, new Rng(99)).value();
    Tensor b = Ops.dropout(Variable.constant(x), 0.3, Mode.TRAIN, new Rng(99)).value();
    Tensor c = Ops.dropout(Variable.constant(x), 0.3, Mode.TRAIN, new Rng(100)).value();
    assertArrayEquals(a.floatData(), b.floatData());
    assertFalse(Arrays.equals(a.floatData(), c.floatData()));
  }

  @Test
  void dropoutInEvalModeOrWithPZeroIsTheIdentity() {
    Variable x = Variable.leaf(Tensor.ones(DType.FLOAT64, 4, 4), true);
    Rng rng = new Rng(3);
    assertSame(x, Ops.dropout(x, 0.5, Mode.EVAL, rng));
    assertSame(x, Ops.dropout(x, 0.5, Mode.EVAL, null));
    assertSame(x, Ops.dropout(x, 0.0, Mode.TRAIN, rng));
    assertEquals(new Rng(3).nextDouble(), rng.nextDouble(), "nothing was drawn");
  }

  // ------------------------------------------------------------------ batch norm

  @ParameterizedTest
  @EnumSource(DType.class)
  void batchNormTrainingNormalisesAndUpdatesTheRunningStatistics(DType dtype) {
    // x [4, 2]: channel 0 holds 1, 2, 3, 4 and channel 1 holds 2, 4, 6, 8.
    // channel 0: mean 2.5, biased variance (2.25 + 0.25 + 0.25 + 2.25)/4 = 1.25, unbiased 5/3;
    // channel 1: mean 5, biased variance 5, unbiased 20/3.
    Variable x = param(dtype, new double[] {1, 2, 2, 4, 3, 6, 4, 8}, 4, 2);
    Variable gamma = param(dtype, new double[] {1, 1}, 2);
    Variable beta = param(dtype, new double[] {0, 0}, 2);
    Tensor runningMean = Tensor.zeros(dtype, 2), runningVar = Tensor.ones(dtype, 2);
    double eps = 1e-5;
    Variable y = Ops.batchNorm(x, gamma, beta, runningMean, runningVar, 0.1, eps, Mode.TRAIN);

    // y[0][0] = (1 - 2.5) / sqrt(1.25 + eps)
    assertEquals(-1.5 / Math.sqrt(1.25 + eps), y.value().get(0, 0), dtype == DType.FLOAT32 ? 1e-6 : 1e-15);
    for (int c = 0; c < 2; c++) {
      double sum = 0, squares = 0;
      for (int i = 0; i < 4; i++) sum += y.value().get(i, c);
      for (int i = 0; i < 4; i++) squares += Math.pow(y.value().get(i, c) - sum / 4, 2);
      assertEquals(0, sum / 4, 1e-6, "channel " + c + " mean");
      // var / (var + eps): 1 - 8e-6 for channel 0, 1 - 2e-6 for channel 1
      assertEquals(1, squares / 4, 1e-5, "channel " + c + " variance");
    }
    // running = 0.9 * running + 0.1 * batch: mean 0.1 * [2.5, 5]; var 0.9 + 0.1 * [5/3, 20/3]
    assertValues(new double[] {0.25, 0.5}, runningMean);
    assertValues(new double[] {0.9 + 0.5 / 3, 0.9 + 2.0 / 3}, runningVar);

    // L = sum(y): dL/dbeta = 4 per channel; sum g * xhat = sum xhat = 0, so dL/dgamma = 0; and
    // dL/dx = gamma*rstd/m * (m*1 - 4 - xhat*0) = 0: a constant shift of every y changes nothing
    Ops.sum(y).backward();
    assertValues(new double[] {4, 4}, beta.grad());
    for (double v : gamma.grad().toDoubleArray()) assertEquals(0, v, 1e-5);
    for (double v : x.grad().toDoubleArray()) assertEquals(0, v, 1e-5);
  }

  @Test
  void batchNormTrainingOverImagesUsesNHW() {
    // x [2, 2, 1, 2]: channel 0 holds 0, 2 (image 0) and 4, 6 (image 1): mean 3, biased var 5;
    // channel 1 holds 1, 1, 1, 1: mean 1, var 0, so its output is beta exactly
    Variable x = constant(DType.FLOAT64, new double[] {0, 2, 1, 1, 4, 6, 1, 1}, 2, 2, 1, 2);
    Variable gamma = constant(DType.FLOAT64, new double[] {2, 3}, 2);
    Variable beta = constant(DType.FLOAT64, new double[] {0.5, -1}, 2);
    Tensor runningMean = Tensor.zeros(DType.FLOAT64, 2), runningVar = Tensor.ones(DType.FLOAT64, 2);
    Variable y = Ops.batchNorm(x, gamma, beta, runningMean, runningVar, 0.5, 1e-5, Mode.TRAIN);
    double r = 1 / Math.sqrt(5 + 1e-5);
    assertValues(new double[] {0.5 - 6 * r, 0.5 - 2 * r, -1, -1, 0.5 + 2 * r, 0.5 + 6 * r, -1, -1}, y.value());
    // momentum 0.5: mean 0.5 * [3, 1]; var 0.5 + 0.5 * [5 * 4/3, 0]
    assertValues(new double[] {1.5, 0.5}, runningMean);
    assertValues(new double[] {0.5 + 10.0 / 3, 0.5}, runningVar);
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void batchNormEvalUsesTheRunningStatisticsAndLeavesThemAlone(DType dtype) {
    // runningMean [1, -1], runningVar [4, 0.25] (eps 1e-5): rstd = 1/sqrt(var + eps), about [0.5, 2]
    double eps = 1e-5, r0 = 1 / Math.sqrt(4 + eps), r1 = 1 / Math.sqrt(0.25 + eps);
    Variable x = param(dtype, new double[] {3, 0, -1, 1}, 2, 2);
    Variable gamma = param(dtype, new double[] {2, 3}, 2);
    Variable beta = param(dtype, new double[] {0.5, -1}, 2);
    Tensor runningMean = Tensor.of(new double[] {1, -1}, 2).to(dtype);
    Tensor runningVar = Tensor.of(new double[] {4, 0.25}, 2).to(dtype);
    Variable y = Ops.batchNorm(x, gamma, beta, runningMean, runningVar, 0.1, eps, Mode.EVAL);
    // y = gamma * (x - mean) * rstd + beta
    assertValues(new double[] {2 * 2 * r0 + 0.5, 3 * 1 * r1 - 1, 2 * -2 * r0 + 0.5, 3 * 2 * r1 - 1}, y.value());
    assertValues(new double[] {1, -1}, runningMean);
    assertValues(new double[] {4, 0.25}, runningVar);

    // L = sum(y): dL/dx = gamma * rstd, dL/dgamma = sum xhat, dL/dbeta = N = 2
    Ops.sum(y).backward();
    assertValues(new double[] {2 * r0, 3 * r1, 2 * r0, 3 * r1}, x.grad());
    assertValues(new double[] {(2 - 2) * r0, (1 + 2) * r1}, gamma.grad());
    assertValues(new double[] {2, 2}, beta.grad());
  }

  // ------------------------------------------------------------------ float32 against float64

  /**
   * The float32 path (im2col + GEMM convolution, float storage) gives the gradients of the
   * float64 reference path to float precision (1e-4 of the largest), through a chain of every op
   * here but max pooling (whose argmax could differ between the dtypes at a near-tie).
   */
  @Test
  void float32GradientsAgreeWithFloat64ThroughAChain() {
    Rng rng = new Rng(2024);
    Tensor x = Tensor.uniform(rng, DType.FLOAT64, -1, 1, 2, 4, 9, 8);
    Tensor w = Tensor.uniform(rng, DType.FLOAT64, -1, 1, 6, 2, 3, 3);
    Tensor b = Tensor.uniform(rng, DType.FLOAT64, -1, 1, 6);
    Tensor gamma = Tensor.uniform(rng, DType.FLOAT64, 0.5, 2, 6);
    Tensor beta = Tensor.uniform(rng, DType.FLOAT64, -1, 1, 6);
    Tensor probe = Tensor.uniform(rng, DType.FLOAT64, -1, 1, 2, 6, 1, 1);
    Tensor[][] grads = new Tensor[2][];
    for (DType dtype : DType.values()) {
      Variable[] p = {
        Variable.leaf(x.to(dtype), true), Variable.leaf(w.to(dtype), true), Variable.leaf(b.to(dtype), true),
        Variable.leaf(gamma.to(dtype), true), Variable.leaf(beta.to(dtype), true)};
      Variable y = Ops.conv2d(p[0], p[1], p[2], Conv2dSpec.builder().stride(2, 1).pad(1).groups(2).build());
      y = Ops.batchNorm(y, p[3], p[4], Tensor.zeros(dtype, 6), Tensor.ones(dtype, 6), 0.1, 1e-5, Mode.TRAIN);
      y = Ops.dropout(Ops.avgPool2d(y, Pool2dSpec.of(3, 2, 1)), 0.25, Mode.TRAIN, new Rng(5));
      y = Ops.globalAvgPool2d(y);
      Ops.sum(Ops.mul(y, Variable.constant(probe.to(dtype)))).backward();
      grads[dtype.ordinal()] = new Tensor[] {p[0].grad(), p[1].grad(), p[2].grad(), p[3].grad(), p[4].grad()};
    }
    // batch norm in TRAIN mode subtracts each channel's batch mean, so a bias added just before it
    // has no effect at all: its gradient is 0 up to rounding, in both dtypes
    for (Tensor[] g : grads) for (double v : g[2].toDoubleArray()) assertEquals(0, v, 1e-6);
    for (int i : new int[] {0, 1, 3, 4}) {
      double[] single = grads[DType.FLOAT32.ordinal()][i].toDoubleArray();
      double[] reference = grads[DType.FLOAT64.ordinal()][i].toDoubleArray();
      double scale = 0;
      for (double v : reference) scale = Math.max(scale, Math.abs(v));
      for (int e = 0; e < single.length; e++) {
        assertEquals(reference[e], single[e], 1e-4 * scale, "input " + i + ", element " + e);
      }
    }
  }

  // ------------------------------------------------------------------ bad arguments

  private static String message(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void dropoutRejectsPOne() {
    Variable x = Variable.constant(Tensor.ones(DType.FLOAT32, 2, 2));
    String m = message(() -> Ops.dropout(x, 1.0, Mode.TRAIN, new Rng(1)));
    assertTrue(m.startsWith("dropout: p = 1.0; expected 0 <= p < 1"), m);
    assertTrue(message(() -> Ops.dropout(x, -0.1, Mode.EVAL, null)).contains("p = -0.1"));
    assertTrue(message(() -> Ops.dropout(x, Double.NaN, Mode.TRAIN, new Rng(1))).contains("p = NaN"));
    assertTrue(message(() -> Ops.dropout(x, 0.5, Mode.TRAIN, null)).startsWith("dropout: rng is null"));
  }

  private static Variable[] batchNormArgs(int channels) {
    return new Variable[] {
      Variable.constant(Tensor.ones(DType.FLOAT32, 4, 2)),
      Variable.constant(Tensor.ones(DType.FLOAT32, channels)),
      Variable.constant(Tensor.zeros(DType.FLOAT32, 2))};
  }

  @Test
  void batchNormRejectsAWrongGammaShape() {
    Variable[] a = batchNormArgs(3);
    String m = message(() -> Ops.batchNorm(a[0], a[1], a[2], Tensor.zeros(DType.FLOAT32, 2),
        Tensor.ones(DType.FLOAT32, 2), 0.1, 1e-5, Mode.TRAIN));
    assertEquals("batchNorm: gamma is FLOAT32 [3], expected FLOAT32 [2] (one value per channel C of x"
        + " FLOAT32 [4, 2])", m);
  }

  @Test
  void batchNormRejectsMomentumTwo() {
    Variable[] a = batchNormArgs(2);
    String m = message(() -> Ops.batchNorm(a[0], a[1], a[2], Tensor.zeros(DType.FLOAT32, 2),
        Tensor.ones(DType.FLOAT32, 2), 2, 1e-5, Mode.TRAIN));
    assertTrue(m.startsWith("batchNorm: momentum = 2.0; expected a value in [0, 1]"), m);
  }

  @Test
  void batchNormRejectsOtherBadArguments() {
    Variable[] a = batchNormArgs(2);
    Tensor mean = Tensor.zeros(DType.FLOAT32, 2), var = Tensor.ones(DType.FLOAT32, 2);
    assertTrue(message(() -> Ops.batchNorm(a[0], a[1], a[2], mean, var, 0.1, 0, Mode.TRAIN))
        .startsWith("batchNorm: eps = 0.0; expected a finite value > 0"));
    assertTrue(message(() -> Ops.batchNorm(a[0], a[1], a[2], mean, Tensor.ones(DType.FLOAT64, 2), 0.1, 1e-5,
        Mode.EVAL)).startsWith("batchNorm: runningVar is FLOAT64 [2], expected FLOAT32 [2]"));
    assertTrue(message(() -> Ops.batchNorm(a[0], a[1], a[2], null, var, 0.1, 1e-5, Mode.EVAL))
        .startsWith("batchNorm: runningMean is null"));
    Variable rank3 = Variable.constant(Tensor.ones(DType.FLOAT32, 4, 2, 3));
    assertTrue(message(() -> Ops.batchNorm(rank3, a[1], a[2], mean, var, 0.1, 1e-5, Mode.TRAIN))
        .startsWith("batchNorm: x has shape [4, 2, 3], expected rank 2 [N, C] or rank 4 [N, C, H, W]"));
    Variable oneRow = Variable.constant(Tensor.ones(DType.FLOAT32, 1, 2));
    assertTrue(message(() -> Ops.batchNorm(oneRow, a[1], a[2], mean, var, 0.1, 1e-5, Mode.TRAIN))
        .contains("has 1 value per channel in TRAIN mode"));
    Ops.batchNorm(oneRow, a[1], a[2], mean, var, 0.1, 1e-5, Mode.EVAL); // fine in EVAL
  }

  @Test
  void convolutionAndPoolingErrorsNameTheOp() {
    Variable x = Variable.constant(Tensor.ones(DType.FLOAT32, 1, 3, 5, 5));
    Variable w = Variable.constant(Tensor.ones(DType.FLOAT32, 4, 3, 3, 3));
    assertTrue(message(() -> Ops.conv2d(x, w, null, Conv2dSpec.of(1, 0, 1, 2))).startsWith("conv2d"));
    assertTrue(message(() -> Ops.conv2d(x, w, Variable.constant(Tensor.ones(DType.FLOAT32, 3)), Conv2dSpec.DEFAULT))
        .startsWith("conv2d forward: bias has shape [3]"));
    assertTrue(message(() -> Ops.conv2d(null, w, null, Conv2dSpec.DEFAULT)).startsWith("conv2d: x is null"));
    assertTrue(message(() -> Ops.maxPool2d(Variable.constant(Tensor.ones(DType.FLOAT32, 3, 5, 5)), Pool2dSpec.of(2)))
        .startsWith("maxPool2d forward: input has shape [3, 5, 5]"));
    assertTrue(message(() -> Ops.avgPool2d(x, Pool2dSpec.of(7))).startsWith("avgPool2d forward"));
  }
}
