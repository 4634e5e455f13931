package dev.cnn.engine;

import dev.cnn.tensor.Conv2dSpec;
import dev.cnn.tensor.Convolution;
import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;

/**
 * 2-d convolution (cross-correlation, as in every deep-learning library) with an optional bias:
 * x {@code [N, Cin, H, W]}, w {@code [Cout, Cin/G, KH, KW]}, b {@code [Cout]} to
 * y {@code [N, Cout, Hout, Wout]}, {@code Hout = floor((H + 2P - D*(KH-1) - 1)/S) + 1}:
 * <pre>
 *   y[n][co][oh][ow] = b[co] + sum_{c, i, j} w[co][c][i][j] * x[n][g*Cin/G + c][oh*S - P + i*D][ow*S - P + j*D]
 * </pre>
 * with g the group of co and x zero outside the image (the formulas are in {@link Convolution}).
 *
 * <p>Backward: y is linear in each input, so each gradient collects g through the same taps:
 * <ul>
 *   <li>{@code dL/dx}: every x element that a tap read receives {@code w * g} (a transposed
 *       convolution of g with w, {@link Convolution#backwardInput});
 *   <li>{@code dL/dw[co][c][i][j] = sum_{n, oh, ow} g[n][co][oh][ow] * (the x element that tap
 *       read)} ({@link Convolution#backwardWeight});
 *   <li>{@code dL/db[co] = sum_{n, oh, ow} g[n][co][oh][ow]} ({@link Convolution#backwardBias}).
 * </ul>
 */
final class Conv2dOp implements Op {
  private Tensor x;
  private Tensor w;
  private final boolean hasBias;
  private final Conv2dSpec spec;

  private Conv2dOp(Tensor x, Tensor w, boolean hasBias, Conv2dSpec spec) {
    this.x = x;
    this.w = w;
    this.hasBias = hasBias;
    this.spec = spec;
  }

  static Variable apply(Variable x, Variable w, Variable bias, Conv2dSpec spec) {
    Shapes.requireNonNull("conv2d", "x", x, "a variable [N, Cin, H, W]");
    Shapes.requireNonNull("conv2d", "w", w, "a variable [Cout, Cin/groups, KH, KW]");
    Tensor y = Convolution.forward(x.value(), w.value(), bias == null ? null : bias.value(), spec);
    Conv2dOp op = new Conv2dOp(x.value(), w.value(), bias != null, spec);
    return bias == null ? Graph.record(op, y, x, w) : Graph.record(op, y, x, w, bias);
  }

  @Override
  public String name() {
    return "conv2d";
  }

  @Override
  public String attributes() {
    return "stride=" + spec.strideH() + "x" + spec.strideW() + ", pad=" + spec.padH() + "x" + spec.padW()
        + ", dilation=" + spec.dilationH() + "x" + spec.dilationW() + ", groups=" + spec.groups();
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    Tensor dx = needsGrad[0] ? Convolution.backwardInput(g, w, x.shape(), spec) : null;
    Tensor dw = needsGrad[1] ? Convolution.backwardWeight(x, g, w.shape(), spec) : null;
    if (!hasBias) return new Tensor[] {dx, dw};
    return new Tensor[] {dx, dw, needsGrad[2] ? Convolution.backwardBias(g) : null};
  }

  @Override
  public void release() {
    x = null;
    w = null;
  }
}
