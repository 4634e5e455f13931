package dev.cnn.engine;

import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;
import java.util.Arrays;

/**
 * {@code y = x_0, x_1, ..., x_{n-1} joined along one axis}: the inputs have the same rank, dtype
 * and shape except along that axis, where y's length is the sum of theirs. Input i occupies the
 * indices {@code [offset_i, offset_i + len_i)} of y along the axis, with
 * {@code offset_i = len_0 + ... + len_{i-1}}.
 *
 * <p>Backward: each element of y is a copy of one input element, so
 * {@code dL/dx_i = g[..., offset_i : offset_i + len_i, ...]}, the slice of g where x_i went.
 */
final class ConcatOp implements Op {
  private final int axis;
  /** The length of each input along the axis. */
  private final int[] lengths;

  private ConcatOp(int axis, int[] lengths) {
    this.axis = axis;
    this.lengths = lengths;
  }

  static Variable apply(int axis, Variable... xs) {
    if (xs == null || xs.length == 0) {
      throw Shapes.error("concat", "no inputs", "at least one variable to concatenate");
    }
    for (int i = 0; i < xs.length; i++) {
      Shapes.requireNonNull("concat", "input " + i, xs[i], "a variable");
    }
    int[] first = xs[0].shape();
    int rank = first.length;
    int a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) {
      throw Shapes.error("concat", "axis " + axis + " for inputs of shape " + Shapes.format(first),
          "an axis in [" + -rank + ", " + (rank - 1) + "]");
    }
    int[] lengths = new int[xs.length];
    int total = 0;
    for (int i = 0; i < xs.length; i++) {
      requireFits(xs[0], xs[i], i, a);
      lengths[i] = xs[i].shape()[a];
      total += lengths[i];
    }
    int[] shape = first.clone();
    shape[a] = total;
    Tensor y = Tensor.zeros(xs[0].dtype(), shape);
    int offset = 0;
    for (int i = 0; i < xs.length; i++) {
      SliceOp.put(xs[i].value(), y, a, offset);
      offset += lengths[i];
    }
    return Graph.record(new ConcatOp(a, lengths), y, xs);
  }

  /** Input i must have input 0's dtype, rank and shape except along axis. */
  private static void requireFits(Variable x0, Variable xi, int i, int axis) {
    int[] s0 = x0.shape(), si = xi.shape();
    boolean fits = xi.dtype() == x0.dtype() && si.length == s0.length;
    for (int d = 0; fits && d < s0.length; d++) fits = d == axis || si[d] == s0[d];
    if (!fits) {
      throw Shapes.error("concat", "input " + i + " is " + xi.dtype() + " " + Shapes.format(si)
          + " and input 0 is " + x0.dtype() + " " + Shapes.format(s0),
          "the same dtype and the same shape except along axis " + axis);
    }
  }

  @Override
  public String name() {
    return "concat";
  }

  @Override
  public String attributes() {
    return "axis=" + axis + ", lengths=" + Arrays.toString(lengths);
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    Tensor[] dx = new Tensor[lengths.length];
    int offset = 0;
    for (int i = 0; i < lengths.length; i++) {
      if (needsGrad[i]) dx[i] = SliceOp.take(g, axis, offset, offset + lengths[i]);
      offset += lengths[i];
    }
    return dx;
  }
}
