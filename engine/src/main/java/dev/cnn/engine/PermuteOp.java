package dev.cnn.engine;

import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;
import java.util.Arrays;

/**
 * {@code y = x with its axes reordered}: axis i of y is axis {@code order[i]} of x, so
 * {@code y.shape[i] = x.shape[order[i]]} and {@code y[j_0, ..., j_{r-1}] = x[k]} with
 * {@code k[order[i]] = j_i}. For example {@code order = [0, 2, 3, 1]} turns {@code [N, C, H, W]}
 * into {@code [N, H, W, C]}. The result is a copy in y's row-major layout.
 *
 * <p>Backward: y only moves the elements of x, so the gradient moves them back:
 * {@code dL/dx = permute(g, inverse)} with {@code inverse[order[i]] = i}.
 */
final class PermuteOp implements Op {
  private final int[] order;

  private PermuteOp(int[] order) {
    this.order = order;
  }

  static Variable apply(Variable x, int... order) {
    int[] o = normalize(x.shape(), order);
    return Graph.record(new PermuteOp(o), permute(x.value(), o), x);
  }

  /**
   * The order with negative axes counted from the end, checked to name every axis of the shape
   * exactly once.
   */
  private static int[] normalize(int[] shape, int[] order) {
    int rank = shape.length;
    String expected = "a permutation of the " + rank + " axes, each in [" + -rank + ", "
        + (rank - 1) + "] and named once";
    if (order == null || order.length != rank) {
      throw Shapes.error("permute", "order " + Arrays.toString(order) + " for shape "
          + Shapes.format(shape), expected);
    }
    int[] out = new int[rank];
    boolean[] seen = new boolean[rank];
    for (int i = 0; i < rank; i++) {
      int a = order[i] < 0 ? order[i] + rank : order[i];
      if (a < 0 || a >= rank || seen[a]) {
        throw Shapes.error("permute", "order " + Arrays.toString(order) + " for shape "
            + Shapes.format(shape) + (a >= 0 && a < rank ? " names axis " + a + " twice"
                : " has axis " + order[i] + " out of range"), expected);
      }
      seen[a] = true;
      out[i] = a;
    }
    return out;
  }

  /** A copy of x whose axis i is axis {@code order[i]} of x (order is a valid permutation). */
  static Tensor permute(Tensor x, int[] order) {
    int rank = order.length;
    int[] xStrides = Shapes.strides(x.shape());
    int[] shape = new int[rank];
    int[] stride = new int[rank]; // how far x's offset moves per step along axis i of the result
    for (int i = 0; i < rank; i++) {
      shape[i] = x.dim(order[i]);
      stride[i] = xStrides[order[i]];
    }
    Tensor y = Tensor.zeros(x.dtype(), shape);
    int[] index = new int[rank]; // the odometer: y's multi-index, the last axis turning fastest
    int src = 0; // x's flat offset of y[index]
    for (int dst = 0; dst < y.size(); dst++) {
      y.setFlat(dst, x.getFlat(src));
      for (int d = rank - 1; d >= 0; d--) { // advance the odometer by one element
        index[d]++;
        src += stride[d];
        if (index[d] < shape[d]) break;
        src -= index[d] * stride[d];
        index[d] = 0;
      }
    }
    return y;
  }

  @Override
  public String name() {
    return "permute";
  }

  @Override
  public String attributes() {
    return "order=" + Arrays.toString(order);
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    // y[j] = x[k] with k[order[i]] = j_i, so x's gradient at k is g at j: permute g by the inverse
    int[] inverse = new int[order.length];
    for (int i = 0; i < order.length; i++) inverse[order[i]] = i;
    return new Tensor[] {permute(g, inverse)};
  }
}
