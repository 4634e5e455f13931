package dev.cnn.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link BinaryOp} and {@link UnaryOp} are defined once, in float64: their float32 methods (kept as
 * their own switch for speed) must equal the float64 definition rounded to float, bit for bit.
 */
class OpsTest {
  private static final float[] SPECIAL = {
      0f, -0f, 1f, -1f, 0.1f, -2.5f, 3f, 7.5f, 1e-30f, -1e30f, 88.7f, -103.9f,
      Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE,
      Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};

  /** The special values, then random bit patterns (every exponent, subnormals and NaNs included). */
  private static float value(SplittableRandom rng, int i) {
    return i < SPECIAL.length ? SPECIAL[i] : Float.intBitsToFloat(rng.nextInt());
  }

  @Test
  void binaryFloat32IsTheFloat64DefinitionRounded() {
    SplittableRandom rng = new SplittableRandom(42);
    for (BinaryOp op : BinaryOp.values()) {
      for (int i = 0; i < 3000; i++) {
        for (int j = 0; j < 30; j++) {
          float a = value(rng, i % 1000), b = value(rng, j < SPECIAL.length ? j : SPECIAL.length + j);
          float want = (float) op.apply((double) a, (double) b);
          assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(op.apply(a, b)),
              () -> op + "(" + a + ", " + b + ")");
        }
      }
    }
  }

  @Test
  void unaryFloat32IsTheFloat64DefinitionRounded() {
    SplittableRandom rng = new SplittableRandom(7);
    for (UnaryOp op : UnaryOp.values()) {
      for (int i = 0; i < 20000; i++) {
        float x = value(rng, i);
        float want = (float) op.apply((double) x);
        assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(op.apply(x)), () -> op + "(" + x + ")");
      }
    }
  }
}
