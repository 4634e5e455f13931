package dev.cnn.tensor;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Arguments that once slipped through to wrong results or deep exceptions. */
class BadInputTest {
  private static void assertMessage(Exception e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention '" + part + "'");
    }
  }

  @Test
  void convolutionOutputSizeThatOverflowsIsAnError() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Conv2dSpec.outputSize(3, 1, 1, Integer.MAX_VALUE, 1));
    assertMessage(e, "padding " + Integer.MAX_VALUE, "smaller padding");
  }

  @Test
  void globalAveragePoolOfAnEmptyPlaneIsAnError() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Pooling.globalAvgForward(Tensor.zeros(1, 2, 0, 3)));
    assertMessage(e, "[1, 2, 0, 3]", "H >= 1");
  }

  @Test
  void nullsAreNamed() {
    assertMessage(assertThrows(IllegalArgumentException.class, () -> Tensor.zeros((DType) null, 2)), "dtype is null");
    assertMessage(assertThrows(IllegalArgumentException.class,
        () -> Convolution.backwardWeight(Tensor.zeros(1, 1, 3, 3), Tensor.zeros(1, 1, 3, 3), null, Conv2dSpec.DEFAULT)),
        "weight shape is null");
    assertMessage(assertThrows(IllegalArgumentException.class,
        () -> Pooling.avgBackward(Tensor.zeros(1, 1, 1, 1), null, Pool2dSpec.of(2))), "inputShape is null");
    assertMessage(assertThrows(IllegalArgumentException.class,
        () -> Pooling.globalAvgBackward(Tensor.zeros(1, 1, 1, 1), null)), "inputShape is null");
    assertMessage(assertThrows(IllegalArgumentException.class,
        () -> TensorMath.binary(null, Tensor.zeros(2), Tensor.zeros(2))), "op is null");
    assertMessage(assertThrows(IllegalArgumentException.class,
        () -> TensorMath.unary(null, Tensor.zeros(2))), "op is null");
  }

  /** Rounding a double draw to float could give hi itself, which [lo, hi) excludes. */
  @Test
  void float32UniformStaysBelowHi() {
    Tensor t = Tensor.uniform(new Rng(1), DType.FLOAT32, 1e8, 1e8 + 8, 1000);
    for (float v : t.floatData()) assertTrue(v >= 1e8 && v < 1e8 + 8, "value " + v);
    assertThrows(IllegalArgumentException.class,
        () -> Tensor.uniform(new Rng(1), DType.FLOAT32, 1.0 + 1e-12, 1.0 + 2e-12, 3)); // no float there
  }
}
