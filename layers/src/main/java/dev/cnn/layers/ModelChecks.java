package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Shapes;
import java.util.Arrays;

/** The argument checks every {@link Model}'s forward makes, in one place. */
final class ModelChecks {
  private ModelChecks() {}

  /**
   * x must be {@code [N, sample...]} with samples the model takes: of its input shape, or of
   * another shape of the same rank for which shape inference gives the model's output shape (see
   * {@link Model#outputShapeFor}); and the mode given.
   *
   * @param who the model kind, named in the errors ("Sequential", "GraphModel")
   */
  static void forwardArguments(String who, Model model, Variable x, Mode mode) {
    int[] inputShape = model.inputShape();
    int[] s = x.shape();
    String expected = "[N, " + Shapes.format(inputShape).substring(1) + " (the model was built for samples of shape "
        + Shapes.format(inputShape) + ")";
    if (s.length != inputShape.length + 1) throw Shapes.error(who + ".forward", "the batch has shape " + Shapes.format(s), expected);
    int[] sample = Arrays.copyOfRange(s, 1, s.length);
    if (!Arrays.equals(sample, inputShape)) {
      int[] out;
      try {
        out = model.outputShapeFor(sample);
      } catch (IllegalArgumentException e) {
        throw Shapes.error(who + ".forward", "the batch has shape " + Shapes.format(s), expected + "; samples of shape "
            + Shapes.format(sample) + " do not fit: " + e.getMessage());
      }
      if (!Arrays.equals(out, model.outputShape())) {
        throw Shapes.error(who + ".forward", "the batch has shape " + Shapes.format(s), expected + "; samples of shape "
            + Shapes.format(sample) + " would give outputs of shape " + Shapes.format(out) + ", not "
            + Shapes.format(model.outputShape()) + " (a global or adaptive pooling before the dense layers makes a"
            + " model take several image sizes)");
      }
    }
    if (mode == null) throw new IllegalArgumentException(who + ".forward: mode is null; expected Mode.TRAIN or Mode.EVAL");
  }
}
