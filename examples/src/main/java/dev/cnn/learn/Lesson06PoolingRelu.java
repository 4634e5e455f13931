package dev.cnn.learn;

import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Pool2dSpec;
import dev.cnn.tensor.Tensor;
import java.util.Locale;

/**
 * Lesson 6 (learn/06-pooling-relu.md): where the gradient goes through ReLU, max pooling and
 * average pooling, and where it stops; by hand, then the engine on {@code maxPool(relu(x))}.
 */
public final class Lesson06PoolingRelu {
  private Lesson06PoolingRelu() {}

  public static void main(String[] args) {
    float[][] x = {{0.5f, -1, 2, 0.3f}, {1.5f, 0.2f, -0.4f, 1}, {-0.6f, -0.2f, 0.7f, -1.3f}, {-0.1f, -0.9f, 0.4f, 0.8f}};
    float[][] g = {{1, 2}, {3, 4}}; // dL/d(pooled), [2, 2]
    print("x", x);

    // ReLU: r = max(x, 0); its derivative is 1 where x > 0 and 0 elsewhere (a gate).
    float[][] r = new float[4][4];
    for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) r[i][j] = Math.max(x[i][j], 0);
    print("r = relu(x)", r);

    // Max pooling 2x2, stride 2: each window's largest value; backward sends g to that one pixel.
    float[][] m = new float[2][2], dr = new float[4][4];
    for (int i = 0; i < 2; i++)
      for (int j = 0; j < 2; j++) {
        int bi = 2 * i, bj = 2 * j; // the first maximum in row-major order wins a tie
        for (int a = 0; a < 2; a++)
          for (int b = 0; b < 2; b++) if (r[2 * i + a][2 * j + b] > r[bi][bj]) { bi = 2 * i + a; bj = 2 * j + b; }
        m[i][j] = r[bi][bj];
        dr[bi][bj] += g[i][j];
      }
    print("maxPool(r)", m);
    print("g = dL/d maxPool", g);
    print("dL/dr: each g at its window's maximum, 0 elsewhere", dr);

    // Back through ReLU: the gradient passes where x > 0 and stops where x <= 0.
    float[][] dx = new float[4][4];
    for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) dx[i][j] = x[i][j] > 0 ? dr[i][j] : 0;
    print("dL/dx = dL/dr where x > 0", dx);
    int passing = 0;
    for (float[] row : dx) for (float v : row) if (v != 0) passing++;
    System.out.println(passing + " of 16 pixels receive a gradient");

    // Average pooling: every pixel of a window gets a quarter of its g.
    float[][] da = new float[4][4];
    for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) da[i][j] = g[i / 2][j / 2] / 4;
    print("avgPool backward: g / 4 to every pixel of its window", da);

    // The engine, on maxPool(relu(x)) and avgPool(x).
    Variable xv = Variable.leaf(Tensor.of(flat(x), 1, 1, 4, 4), true);
    Variable y = Ops.maxPool2d(Ops.relu(xv), Pool2dSpec.of(2, 2, 0));
    Ops.sum(Ops.mul(y, Variable.constant(Tensor.of(flat(g), 1, 1, 2, 2)))).backward();
    Variable xa = Variable.leaf(Tensor.of(flat(x), 1, 1, 4, 4), true);
    Ops.sum(Ops.mul(Ops.avgPool2d(xa, Pool2dSpec.of(2, 2, 0)), Variable.constant(Tensor.of(flat(g), 1, 1, 2, 2))))
        .backward();
    System.out.println("engine: maxPool(relu(x)) " + same(m, y.value()) + ", its dL/dx " + same(dx, xv.grad())
        + ", avgPool's dL/dx " + same(da, xa.grad()));
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

  private static void print(String title, float[][] m) {
    System.out.println(title + ":");
    for (float[] row : m) {
      StringBuilder s = new StringBuilder();
      for (float v : row) s.append(String.format(Locale.ROOT, "%6.2f", v));
      System.out.println(s);
    }
  }
}
