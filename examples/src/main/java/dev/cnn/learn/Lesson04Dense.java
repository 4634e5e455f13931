package dev.cnn.learn;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.layers.Dense;
import dev.cnn.layers.Sequential;
import dev.cnn.tensor.Tensor;
import java.util.Locale;

/**
 * Lesson 4 (learn/04-dense.md): a dense layer's forward and backward written out with loops,
 * against the engine's {@link Dense}. Batch of N = 2 samples, 3 inputs, 2 outputs.
 */
public final class Lesson04Dense {
  private Lesson04Dense() {}

  public static void main(String[] args) {
    float[][] x = {{1, 2, -1}, {0.5f, -1, 3}};          // [N, in] = [2, 3]
    float[][] w = {{0.2f, -0.4f, 0.1f}, {0.5f, 0.3f, -0.2f}}; // [out, in] = [2, 3], PyTorch's layout
    float[] b = {0.1f, -0.3f};                          // [out]
    float[][] g = {{1, -2}, {0.5f, 1}};                  // [N, out]: dL/dy, as if from the layer above
    int n = 2, in = 3, out = 2;

    // Forward: y[i][o] = sum_k x[i][k] w[o][k] + b[o]
    float[][] y = new float[n][out];
    for (int i = 0; i < n; i++)
      for (int o = 0; o < out; o++) {
        float s = b[o];
        for (int k = 0; k < in; k++) s += x[i][k] * w[o][k];
        y[i][o] = s;
      }
    // Backward, for L = sum_{i,o} g[i][o] y[i][o]:
    //   dL/dw[o][k] = sum_i g[i][o] x[i][k]      (dW = g^T x, [out, in])
    //   dL/db[o]    = sum_i g[i][o]              (summed over the batch)
    //   dL/dx[i][k] = sum_o g[i][o] w[o][k]      (dx = g W, [N, in])
    float[][] dw = new float[out][in], dx = new float[n][in];
    float[] db = new float[out];
    for (int i = 0; i < n; i++)
      for (int o = 0; o < out; o++) {
        db[o] += g[i][o];
        for (int k = 0; k < in; k++) {
          dw[o][k] += g[i][o] * x[i][k];
          dx[i][k] += g[i][o] * w[o][k];
        }
      }

    // The engine: a Dense layer with the same weights, and backward seeded with g.
    Sequential model = Sequential.builder(in).add("fc", Dense.of(in, out)).build(1);
    System.arraycopy(flat(w), 0, model.parameters().get("fc.weight").value().floatData(), 0, out * in);
    System.arraycopy(b, 0, model.parameters().get("fc.bias").value().floatData(), 0, out);
    Variable xv = Variable.leaf(Tensor.of(flat(x), n, in), true);
    Variable yv = model.forward(xv, Mode.TRAIN);
    Ops.sum(Ops.mul(yv, Variable.constant(Tensor.of(flat(g), n, out)))).backward();

    show("y = x W^T + b", y, yv.value(), n, out);
    show("dL/dW = g^T x", dw, model.parameters().get("fc.weight").grad(), out, in);
    show("dL/db = sum over the batch of g", new float[][] {db}, model.parameters().get("fc.bias").grad(), 1, out);
    show("dL/dx = g W", dx, xv.grad(), n, in);
  }

  private static float[] flat(float[][] m) {
    float[] f = new float[m.length * m[0].length];
    for (int i = 0; i < m.length; i++) System.arraycopy(m[i], 0, f, i * m[0].length, m[0].length);
    return f;
  }

  /** The matrix by hand, and the engine's, row by row. */
  private static void show(String title, float[][] hand, Tensor engine, int rows, int cols) {
    System.out.println(title + ":   by hand  |  engine");
    float[] e = engine.floatData();
    for (int r = 0; r < rows; r++) {
      StringBuilder line = new StringBuilder("  ");
      for (int c = 0; c < cols; c++) line.append(String.format(Locale.ROOT, "%8.4f", hand[r][c]));
      line.append("  |");
      for (int c = 0; c < cols; c++) line.append(String.format(Locale.ROOT, "%8.4f", e[r * cols + c]));
      System.out.println(line);
    }
  }
}
