package dev.cnn.tensor;

import java.util.Arrays;

/**
 * A tensor seen as {@code [outer, len, inner]} around one axis: how reductions and softmax address
 * "along an axis" (element (o, k, j) is at {@code (o * len + k) * inner + j}).
 */
final class Axis {
  final String op;
  final int[] shape;
  final int axis, outer, len, inner;

  /**
   * @param axis negative counts from the end
   * @throws IllegalArgumentException naming op when the axis is out of range
   */
  Axis(String op, Tensor x, int axis) {
    this.op = op;
    this.shape = x.shape();
    int a = axis < 0 ? axis + shape.length : axis;
    if (a < 0 || a >= shape.length) {
      throw Shapes.error(op, "axis " + axis + " for a tensor of shape " + Shapes.format(shape),
          "-" + shape.length + " <= axis < " + shape.length);
    }
    this.axis = a;
    this.outer = Shapes.size(Arrays.copyOfRange(shape, 0, a));
    this.len = shape[a];
    this.inner = Shapes.size(Arrays.copyOfRange(shape, a + 1, shape.length));
  }

  /** This axis, checked to have at least one element. */
  Axis nonEmpty() {
    if (len == 0) {
      throw Shapes.error(op, "axis " + axis + " of shape " + Shapes.format(shape) + " is empty",
          "at least one element along the axis");
    }
    return this;
  }

  /** The shape without this axis, or with it set to 1 when {@code keepDims}. */
  int[] resultShape(boolean keepDims) {
    if (keepDims) {
      int[] s = shape.clone();
      s[axis] = 1;
      return s;
    }
    int[] s = new int[shape.length - 1];
    System.arraycopy(shape, 0, s, 0, axis);
    System.arraycopy(shape, axis + 1, s, axis, shape.length - axis - 1);
    return s;
  }
}
