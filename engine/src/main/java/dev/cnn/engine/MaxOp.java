package dev.cnn.engine;

import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;
import java.util.Arrays;

/**
 * {@code y = max of x over the given axes} (all axes when none are given), keeping them as size 1
 * or dropping them. The axes are reduced together: each output is the largest of the elements
 * that share its coordinates on the other axes (a group).
 *
 * <p>Backward: y equals one element of its group, so {@code dL/dx = g} at that element and 0 at
 * the others. On a tie the gradient goes to the <b>first</b> maximum, the one with the smallest
 * row-major index in x (for one axis: the smallest index along it, as PyTorch's
 * {@code max(dim)}). A NaN counts as larger than every number, so a group holding a NaN has the
 * first NaN as its maximum (as {@code TensorMath.argmax}).
 */
final class MaxOp implements Op {
  private final int[] xShape;
  private final int[] axes;
  private final boolean keepDims;
  /** For each output element (row-major), the flat index in x of the maximum it took. */
  private int[] source;

  private MaxOp(int[] xShape, int[] axes, boolean keepDims, int[] source) {
    this.xShape = xShape;
    this.axes = axes;
    this.keepDims = keepDims;
    this.source = source;
  }

  static Variable apply(Variable x, boolean keepDims, int... axes) {
    int[] shape = x.shape();
    int[] ax = Axes.normalize("max", shape, axes);
    for (int a : ax) {
      if (shape[a] == 0) {
        throw Shapes.error("max", "axis " + a + " of shape " + Shapes.format(shape) + " is empty",
            "at least one element along every reduced axis (an empty group has no maximum)");
      }
    }
    Tensor in = x.value();
    int[] group = groups(shape, ax);
    int[] source = new int[Shapes.size(Axes.reduced(shape, ax, true))];
    Arrays.fill(source, -1);
    for (int i = 0; i < group.length; i++) { // row-major order: strict '>' keeps the first maximum
      int o = group[i];
      if (source[o] < 0 || greater(in.getFlat(i), in.getFlat(source[o]))) source[o] = i;
    }
    Tensor y = Tensor.zeros(x.dtype(), Axes.reduced(shape, ax, keepDims));
    for (int o = 0; o < source.length; o++) y.setFlat(o, in.getFlat(source[o]));
    return Graph.record(new MaxOp(shape, ax, keepDims, source), y, x);
  }

  /** Whether v beats the current maximum m: larger, or the first NaN. */
  private static boolean greater(double v, double m) {
    return v > m || (Double.isNaN(v) && !Double.isNaN(m));
  }

  /**
   * For each element of a tensor of this shape (row-major), the row-major index of its group: its
   * position in the shape with the reduced axes set to 1. Walks the elements with an odometer
   * (the last axis turns fastest) and drops the coordinates on the reduced axes.
   */
  private static int[] groups(int[] shape, int[] axes) {
    int[] keptStrides = Shapes.strides(Axes.reduced(shape, axes, true));
    for (int a : axes) keptStrides[a] = 0; // moving along a reduced axis stays in the same group
    int[] group = new int[Shapes.size(shape)];
    int[] index = new int[shape.length];
    int g = 0;
    for (int i = 0; i < group.length; i++) {
      group[i] = g;
      for (int d = shape.length - 1; d >= 0; d--) { // advance the odometer by one element
        index[d]++;
        g += keptStrides[d];
        if (index[d] < shape[d]) break;
        g -= index[d] * keptStrides[d];
        index[d] = 0;
      }
    }
    return group;
  }

  @Override
  public String name() {
    return "max";
  }

  @Override
  public String attributes() {
    return "axes=" + Arrays.toString(axes) + ", keepDims=" + keepDims;
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    // y[o] = x[source[o]], so dy[o]/dx[i] is 1 for i = source[o] and 0 elsewhere
    Tensor dx = Tensor.zeros(g.dtype(), xShape);
    for (int o = 0; o < source.length; o++) dx.setFlat(source[o], g.getFlat(o));
    return new Tensor[] {dx};
  }

  @Override
  public void release() {
    source = null;
  }
}
