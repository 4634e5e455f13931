package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Shapes;
import java.util.Arrays;

/** The argument checks every {@link Model}'s forward makes, in one place. */
final class ModelChecks {
  private ModelChecks() {}

  /**
   * x must be {@code [N, inputShape...]} and the mode given.
   *
   * @param who the model kind, named in the errors ("Sequential", "GraphModel")
   */
  static void forwardArguments(String who, int[] inputShape, Variable x, Mode mode) {
    int[] s = x.shape();
    if (s.length != inputShape.length + 1 || !Arrays.equals(Arrays.copyOfRange(s, 1, s.length), inputShape)) {
      throw Shapes.error(who + ".forward", "the batch has shape " + Shapes.format(s),
          "[N, " + Shapes.format(inputShape).substring(1) + " (the model was built for samples of shape "
              + Shapes.format(inputShape) + ")");
    }
    if (mode == null) throw new IllegalArgumentException(who + ".forward: mode is null; expected Mode.TRAIN or Mode.EVAL");
  }
}
