package dev.cnn.engine;

import dev.cnn.tensor.Pool2dSpec;
import dev.cnn.tensor.Pooling;
import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;

/**
 * 2-d max pooling: x {@code [N, C, H, W]} to y {@code [N, C, Hout, Wout]},
 * {@code Hout = floor((H + 2P - KH)/S) + 1}, each output the largest element of its KH x KW
 * window (padding counts as -infinity, so it is never the maximum):
 * <pre>
 *   y[n][c][oh][ow] = max_{i &lt; KH, j &lt; KW} x[n][c][oh*S - P + i][ow*S - P + j]
 * </pre>
 *
 * <p>Backward: y is a copy of one x element (the window's argmax, saved by forward), so
 * {@code dL/dx[argmax] += g[n][c][oh][ow]} and every other element of the window gets nothing.
 * An element that is the maximum of several overlapping windows collects all their gradients.
 * At a tie the first element in row-major order is the argmax (the gradient is undefined there).
 */
final class MaxPool2dOp implements Op {
  private int[] indices;
  /** The output, only to tell whether the indices are still valid (a Workspace recycles them with it). */
  private Tensor y;
  private final int[] xShape;
  private final Pool2dSpec spec;

  private MaxPool2dOp(Pooling.MaxPoolResult r, int[] xShape, Pool2dSpec spec) {
    this.indices = r.indices();
    this.y = r.output();
    this.xShape = xShape;
    this.spec = spec;
  }

  static Variable apply(Variable x, Pool2dSpec spec) {
    Shapes.requireNonNull("maxPool2d", "x", x, "a variable [N, C, H, W]");
    if (!Graph.recording(x)) { // nothing goes backward: the maxima alone, without the indices
      return new Variable(Pooling.max(x.value(), spec), false, null, null);
    }
    Pooling.MaxPoolResult r = Pooling.maxForward(x.value(), spec);
    return Graph.record(new MaxPool2dOp(r, x.shape(), spec), r.output(), x);
  }

  @Override
  public String name() {
    return "maxPool2d";
  }

  @Override
  public String attributes() {
    return spec.label();
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    if (!y.isLive()) {
      throw new IllegalStateException("maxPool2d backward: the argmax indices saved by the forward pass were"
          + " recycled when its Workspace scope closed; run backward inside the scope of the forward pass");
    }
    return new Tensor[] {Pooling.maxBackward(g, indices, xShape, spec)};
  }

  @Override
  public void release() {
    indices = null;
    y = null;
  }
}
