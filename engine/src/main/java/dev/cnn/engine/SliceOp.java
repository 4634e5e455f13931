package dev.cnn.engine;

import dev.cnn.tensor.DType;
import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;

/**
 * {@code y = x[..., start:end, ...]}: the indices {@code start <= k < end} along one axis (step
 * 1), every index along the others. Shape: x's with that axis of length {@code end - start}.
 * Negative start or end count from the end of the axis, as in Python; unlike Python, bounds
 * outside the axis are rejected rather than clamped.
 *
 * <p>Backward: y copies part of x, so {@code dL/dx} is g in that part and 0 elsewhere (g
 * scattered into zeros shaped like x).
 *
 * <p>Both directions view a tensor as {@code [outer, len, inner]} around the axis: along it,
 * elements lie {@code inner} apart, so a run of indices {@code [start, end)} is one contiguous
 * block of {@code (end - start) * inner} elements per outer index. {@link #take} and {@link #put}
 * copy those blocks (ConcatOp uses them too).
 */
final class SliceOp implements Op {
  private final int[] xShape;
  private final int axis;
  private final int start;
  private final int end;

  private SliceOp(int[] xShape, int axis, int start, int end) {
    this.xShape = xShape;
    this.axis = axis;
    this.start = start;
    this.end = end;
  }

  static Variable apply(Variable x, int axis, int start, int end) {
    int[] shape = x.shape();
    int rank = shape.length;
    int a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) {
      throw Shapes.error("slice", "axis " + axis + " for shape " + Shapes.format(shape),
          "an axis in [" + -rank + ", " + (rank - 1) + "]");
    }
    int len = shape[a];
    int s = start < 0 ? start + len : start;
    int e = end < 0 ? end + len : end;
    if (s < 0 || e > len || s > e) {
      throw Shapes.error("slice", "start " + start + " and end " + end + " on axis " + axis
          + " of length " + len + " (shape " + Shapes.format(shape) + ")",
          "start and end in [" + -len + ", " + len + "], with start <= end once negative values"
              + " have " + len + " added");
    }
    return Graph.record(new SliceOp(shape, a, s, e), take(x.value(), a, s, e), x);
  }

  /** A new tensor holding the indices {@code [start, end)} of x along axis (arguments valid). */
  static Tensor take(Tensor x, int axis, int start, int end) {
    int[] shape = x.shape();
    shape[axis] = end - start;
    Tensor y = Tensor.zeros(x.dtype(), shape);
    int outer = outer(shape, axis), inner = inner(shape, axis), len = x.dim(axis);
    int block = (end - start) * inner;
    for (int o = 0; o < outer; o++) copy(x, (o * len + start) * inner, y, o * block, block);
    return y;
  }

  /**
   * Copies {@code piece} into {@code into} at indices {@code [offset, offset + piece.dim(axis))}
   * along axis; the other axes must match (the caller checks). {@code into} is modified.
   */
  static void put(Tensor piece, Tensor into, int axis, int offset) {
    int[] shape = into.shape();
    int outer = outer(shape, axis), inner = inner(shape, axis), len = shape[axis];
    int block = piece.dim(axis) * inner;
    for (int o = 0; o < outer; o++) copy(piece, o * block, into, (o * len + offset) * inner, block);
  }

  private static int outer(int[] shape, int axis) {
    int n = 1;
    for (int i = 0; i < axis; i++) n *= shape[i];
    return n;
  }

  private static int inner(int[] shape, int axis) {
    int n = 1;
    for (int i = axis + 1; i < shape.length; i++) n *= shape[i];
    return n;
  }

  /** {@code count} elements from src at srcPos to dst at dstPos (same dtype). */
  private static void copy(Tensor src, int srcPos, Tensor dst, int dstPos, int count) {
    if (src.dtype() == DType.FLOAT32) {
      System.arraycopy(src.floatData(), srcPos, dst.floatData(), dstPos, count);
    } else {
      System.arraycopy(src.doubleData(), srcPos, dst.doubleData(), dstPos, count);
    }
  }

  @Override
  public String name() {
    return "slice";
  }

  @Override
  public String attributes() {
    return "axis=" + axis + ", start=" + start + ", end=" + end;
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    // y[.., k, ..] = x[.., start + k, ..]: each x element inside the slice feeds one y element
    // with weight 1; the others feed none
    Tensor dx = Tensor.zeros(g.dtype(), xShape);
    put(g, dx, axis, start);
    return new Tensor[] {dx};
  }
}
