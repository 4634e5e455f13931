package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Shapes;
import java.util.Map;

/**
 * Softmax along one axis: {@code y_k = e^(x_k) / sum_j e^(x_j)}, the sum running over that axis,
 * so every slice along it is a probability distribution. Any per-sample shape; the output has
 * the input's shape. No parameters.
 *
 * <p>The axis counts the axes of the batch, as PyTorch's {@code dim} does: axis 1 is the first
 * per-sample axis (the features of {@code [N, F]}, the channels of {@code [N, C, H, W]}), and a
 * negative axis counts from the end ({@code -1}: the last). Axis 0, the batch, is rejected: a
 * softmax across samples would make each sample's output depend on the others.
 *
 * <p>Default axis 1: what PyTorch's {@code nn.Softmax()} without {@code dim} picks for 2-d and
 * 4-d batches (it warns and picks 0 for 3-d ones; this layer always picks 1). To train a
 * classifier, leave the softmax out and use a cross-entropy loss on the logits, which is stabler.
 */
public final class Softmax extends Layer {
  private final int axis;

  /** Softmax over axis 1 (features or channels). */
  public Softmax() {
    this(1);
  }

  /**
   * Softmax over this axis of the batch (1 = the first per-sample axis; negative counts from the
   * end). The axis is checked against the input's rank when the model is built.
   *
   * @throws IllegalArgumentException if axis is 0, the batch axis
   */
  public Softmax(int axis) {
    if (axis == 0) {
      throw new IllegalArgumentException("Softmax: axis = 0 is the batch axis; expected a per-sample axis"
          + " (1 for features or channels, -1 for the last)");
    }
    this.axis = axis;
  }

  static Softmax fromConfig(Map<String, Object> map) {
    return new Softmax(new Config(LayerType.SOFTMAX, map).integer("axis"));
  }

  /** The axis of the batch the softmax runs over. */
  public int axis() {
    return axis;
  }

  @Override
  public LayerType type() {
    return LayerType.SOFTMAX;
  }

  @Override
  public int[] outputShape(int[] inputShape) {
    int rank = inputShape.length; // per sample; the batch has rank + 1 axes
    if (rank == 0 || axis > rank || axis < -rank) {
      throw Shapes.error("Softmax(axis " + axis + ")", "input shape " + Shapes.format(inputShape)
          + " (batches of rank " + (rank + 1) + ")", rank == 0 ? "at least one axis per sample"
          : "an axis in [1, " + rank + "] or [" + -rank + ", -1] (axis 0 is the batch)");
    }
    return inputShape.clone();
  }

  @Override
  public Variable forward(Variable x, Mode mode) {
    return Ops.softmax(x, axis);
  }

  @Override
  public Map<String, Object> config() {
    return Config.of("axis", axis);
  }
}
