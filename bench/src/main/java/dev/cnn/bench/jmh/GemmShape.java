package dev.cnn.bench.jmh;

import dev.cnn.tensor.Gemm.Transpose;
import java.util.Locale;

/**
 * The GEMM shapes the benchmarks time: square sizes, and the products the reference FashionNet
 * (conv 1->32 3x3 pad 1, pool, conv 32->64 3x3 pad 1, pool, dense 3136->128, dense 128->10)
 * runs at batch 64. Convolutions are lowered to GEMM per image with im2col, so their shapes are
 * per image; dense layers multiply the whole batch.
 *
 * <pre>
 *   name          m     n     k     op(A) op(B)  what
 *   conv1_fwd     32    784   9     A     B      W1 (32 x 1*3*3) * cols (9 x 28*28)
 *   conv2_fwd     64    196   288   A     B      W2 (64 x 32*3*3) * cols (288 x 14*14)
 *   conv2_wgrad   64    288   196   A     B^T    dY (64 x 196) * cols^T (196 x 288)
 *   dense1_fwd    64    128   3136  A     B      X (64 x 3136) * W (3136 x 128)
 *   dense1_wgrad  3136  128   64    A^T   B      X^T (3136 x 64) * dY (64 x 128)
 *   dense2_fwd    64    10    128   A     B      H (64 x 128) * W (128 x 10)
 * </pre>
 *
 * A square size is written as its number, e.g. {@code "256"} for 256 x 256 x 256, no transposes.
 */
enum GemmShape {
  CONV1_FWD(32, 784, 9, Transpose.NO, Transpose.NO),
  CONV2_FWD(64, 196, 288, Transpose.NO, Transpose.NO),
  CONV2_WGRAD(64, 288, 196, Transpose.NO, Transpose.YES),
  DENSE1_FWD(64, 128, 3136, Transpose.NO, Transpose.NO),
  DENSE1_WGRAD(3136, 128, 64, Transpose.YES, Transpose.NO),
  DENSE2_FWD(64, 10, 128, Transpose.NO, Transpose.NO);

  final int m;
  final int n;
  final int k;
  final Transpose transA;
  final Transpose transB;

  GemmShape(int m, int n, int k, Transpose transA, Transpose transB) {
    this.m = m;
    this.n = n;
    this.k = k;
    this.transA = transA;
    this.transB = transB;
  }

  /**
   * Parses a benchmark parameter: a square size ({@code "512"}) or a FashionNet shape name
   * ({@code "conv2_wgrad"}). Returns {m, n, k, transA (0/1), transB (0/1)}.
   */
  static int[] parse(String param) {
    String p = param.trim();
    if (!p.isEmpty() && p.chars().allMatch(Character::isDigit)) {
      int s = Integer.parseInt(p);
      return new int[] {s, s, s, 0, 0};
    }
    try {
      GemmShape g = valueOf(p.toUpperCase(Locale.ROOT));
      return new int[] {g.m, g.n, g.k, g.transA == Transpose.YES ? 1 : 0,
          g.transB == Transpose.YES ? 1 : 0};
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("shape is '" + param
          + "', expected a square size such as 256 or one of conv1_fwd, conv2_fwd, conv2_wgrad,"
          + " dense1_fwd, dense1_wgrad, dense2_fwd", e);
    }
  }
}
