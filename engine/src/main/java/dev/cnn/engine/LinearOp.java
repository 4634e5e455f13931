package dev.cnn.engine;

import dev.cnn.tensor.DType;
import dev.cnn.tensor.Gemm;
import dev.cnn.tensor.Gemm.Transpose;
import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;

/**
 * The dense (fully connected) layer's op, with PyTorch's weight layout:
 * {@code y = x W^T + b}, x {@code [N, in]}, W {@code [out, in]}, optional b {@code [out]}, y
 * {@code [N, out]}; {@code y[n][o] = b[o] + sum_i x[n][i] * W[o][i]}.
 *
 * <p>Backward, three GEMMs with transposed operands (no transpose is materialised):
 * <pre>
 *   dL/dx = g W        [N, out] x [out, in]
 *   dL/dW = g^T x      [out, N] x [N, in]
 *   dL/db = sum_n g    [out]
 * </pre>
 */
final class LinearOp implements Op {
  private Tensor x;
  private Tensor w;

  private LinearOp(Tensor x, Tensor w) {
    this.x = x;
    this.w = w;
  }

  static Variable apply(Variable x, Variable w, Variable b) {
    int[] xs = x.shape(), ws = w.shape();
    if (xs.length != 2 || ws.length != 2 || xs[1] != ws[1]) {
      throw Shapes.error("linear", "x is " + Shapes.format(xs) + " and the weight is " + Shapes.format(ws),
          "x [N, in] and weight [out, in] with the same in (flatten the input first)");
    }
    if (x.dtype() != w.dtype() || (b != null && b.dtype() != x.dtype())) {
      throw Shapes.error("linear", "x is " + x.dtype() + ", the weight " + w.dtype()
          + (b != null ? ", the bias " + b.dtype() : ""), "one dtype for all");
    }
    int n = xs[0], in = xs[1], out = ws[0];
    if (b != null && (b.value().rank() != 1 || b.shape()[0] != out)) {
      throw Shapes.error("linear", "the bias is " + Shapes.format(b.shape()), "[" + out + "] (one per output)");
    }
    Tensor y = Tensor.zeros(x.dtype(), n, out);
    if (b != null) { // start every row from the bias, then add x W^T
      for (int r = 0; r < n; r++) {
        for (int o = 0; o < out; o++) y.setFlat(r * out + o, b.value().getFlat(o));
      }
    }
    gemm(Transpose.NO, Transpose.YES, n, out, in, x.value(), w.value(), b != null ? 1 : 0, y);
    Variable[] inputs = b != null ? new Variable[] {x, w, b} : new Variable[] {x, w};
    return Graph.record(new LinearOp(x.value(), w.value()), y, inputs);
  }

  @Override
  public String name() {
    return "linear";
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    int n = x.dim(0), in = x.dim(1), out = w.dim(0);
    Tensor[] grads = new Tensor[needsGrad.length];
    if (needsGrad[0]) {
      grads[0] = Tensor.zeros(x.dtype(), n, in);
      gemm(Transpose.NO, Transpose.NO, n, in, out, g, w, 0, grads[0]);
    }
    if (needsGrad[1]) {
      grads[1] = Tensor.zeros(w.dtype(), out, in);
      gemm(Transpose.YES, Transpose.NO, out, in, n, g, x, 0, grads[1]);
    }
    if (needsGrad.length > 2 && needsGrad[2]) {
      grads[2] = SumOp.reduce(g, new int[] {0}).reshape(out);
    }
    return grads;
  }

  @Override
  public void release() {
    x = null;
    w = null;
  }

  /** c = op(a) op(b) + beta c for dense row-major matrices (leading dimensions from the shapes). */
  private static void gemm(Transpose ta, Transpose tb, int m, int n, int k, Tensor a, Tensor b, double beta, Tensor c) {
    int lda = ta == Transpose.YES ? m : k, ldb = tb == Transpose.YES ? k : n;
    if (a.dtype() == DType.FLOAT32) {
      Gemm.gemm(ta, tb, m, n, k, 1f, a.floatData(), 0, lda, b.floatData(), 0, ldb, (float) beta, c.floatData(), 0, n);
    } else {
      Gemm.gemm(ta, tb, m, n, k, 1.0, a.doubleData(), 0, lda, b.doubleData(), 0, ldb, beta, c.doubleData(), 0, n);
    }
  }
}
