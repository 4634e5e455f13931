package dev.cnn.engine;

import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;
import java.util.Arrays;

/** Undoing a broadcast in backward. */
final class Broadcast {
  private Broadcast() {}

  /**
   * The gradient of an input of shape {@code shape} that was broadcast to g's shape: g summed over
   * the broadcast axes ({@link TensorMath#sumTo}); g itself when nothing was broadcast (backward
   * never modifies the gradients it receives, so sharing is safe).
   */
  static Tensor reduce(Tensor g, int[] shape) {
    return Arrays.equals(g.shape(), shape) ? g : TensorMath.sumTo(g, shape);
  }
}
