package dev.cnn.learn;

import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Conv2dSpec;
import dev.cnn.tensor.Tensor;
import java.util.Locale;

/**
 * Lesson 5 (learn/05-convolution.md): a 2x2 kernel over a 4x4 image, forward and backward with
 * every number shown, then the same forward as im2col and one matrix product, against the
 * engine's {@code conv2d}.
 */
public final class Lesson05Convolution {
  private Lesson05Convolution() {}

  public static void main(String[] args) {
    float[][] x = {{1, 2, 0, 1}, {0, 1, 3, 1}, {2, 0, 1, 2}, {1, 1, 0, 1}}; // [H, W] = [4, 4]
    float[][] w = {{1, 0}, {-1, 2}};                                       // [K, K] = [2, 2]
    float[][] g = {{1, 0, -1}, {2, 1, 0}, {0, 1, 1}};                       // dL/dy, [3, 3]
    int h = 4, k = 2, o = h - k + 1;                                        // stride 1, no padding

    // Forward: y[i][j] = sum_{a,b} x[i+a][j+b] w[a][b]   (a cross-correlation, as in every framework)
    float[][] y = new float[o][o];
    for (int i = 0; i < o; i++)
      for (int j = 0; j < o; j++)
        for (int a = 0; a < k; a++)
          for (int b = 0; b < k; b++) y[i][j] += x[i + a][j + b] * w[a][b];
    print("x", x);
    print("w", w);
    print("y = x (*) w", y);
    System.out.printf(Locale.ROOT, "y[0][0] = %s*%s + %s*%s + %s*%s + %s*%s = %s%n", n(x[0][0]), n(w[0][0]),
        n(x[0][1]), n(w[0][1]), n(x[1][0]), n(w[1][0]), n(x[1][1]), n(w[1][1]), n(y[0][0]));

    // Backward: each product x[i+a][j+b] w[a][b] sends g[i][j] w[a][b] to x and g[i][j] x[i+a][j+b] to w.
    float[][] dx = new float[h][h], dw = new float[k][k];
    for (int i = 0; i < o; i++)
      for (int j = 0; j < o; j++)
        for (int a = 0; a < k; a++)
          for (int b = 0; b < k; b++) {
            dx[i + a][j + b] += g[i][j] * w[a][b];
            dw[a][b] += g[i][j] * x[i + a][j + b];
          }
    print("g = dL/dy", g);
    print("dL/dw = x (*) g", dw);
    print("dL/dx = g spread back through w", dx);

    // im2col: one column per output position, holding the 2x2 patch it sees; then y = w_row . cols.
    float[][] cols = new float[k * k][o * o];
    for (int i = 0; i < o; i++)
      for (int j = 0; j < o; j++)
        for (int a = 0; a < k; a++)
          for (int b = 0; b < k; b++) cols[a * k + b][i * o + j] = x[i + a][j + b];
    print("im2col(x): a row per kernel tap, a column per output position", cols);
    float[][] product = new float[1][o * o];
    for (int p = 0; p < o * o; p++)
      for (int t = 0; t < k * k; t++) product[0][p] += w[t / k][t % k] * cols[t][p];
    print("[w00 w01 w10 w11] x im2col(x) = y, flattened", product);

    // The engine (im2col and its GEMM kernel inside): the same numbers.
    Variable xv = Variable.leaf(Tensor.of(flat(x), 1, 1, h, h), true);
    Variable wv = Variable.leaf(Tensor.of(flat(w), 1, 1, k, k), true);
    Variable yv = Ops.conv2d(xv, wv, null, Conv2dSpec.of(1, 0, 1, 1));
    Ops.sum(Ops.mul(yv, Variable.constant(Tensor.of(flat(g), 1, 1, o, o)))).backward();
    System.out.println("engine: y " + same(y, yv.value()) + ", dL/dw " + same(dw, wv.grad()) + ", dL/dx "
        + same(dx, xv.grad()));
  }

  private static String same(float[][] hand, Tensor engine) {
    float[] e = engine.floatData(), f = flat(hand);
    for (int i = 0; i < f.length; i++) if (f[i] != e[i]) return "DIFFERS at " + i;
    return "equal";
  }

  private static float[] flat(float[][] m) {
    float[] f = new float[m.length * m[0].length];
    for (int i = 0; i < m.length; i++) System.arraycopy(m[i], 0, f, i * m[0].length, m[0].length);
    return f;
  }

  private static String n(float v) {
    return v == (int) v ? Integer.toString((int) v) : Float.toString(v);
  }

  private static void print(String title, float[][] m) {
    System.out.println(title + ":");
    for (float[] row : m) {
      StringBuilder s = new StringBuilder();
      for (float v : row) s.append(String.format(Locale.ROOT, "%4s", n(v)));
      System.out.println(s);
    }
  }
}
