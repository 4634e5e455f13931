package dev.cnn.engine;

import dev.cnn.tensor.DType;
import dev.cnn.tensor.Gemm;
import dev.cnn.tensor.Gemm.Transpose;
import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;
import java.util.Arrays;

/**
 * Matrix product over the last two axes, broadcasting the leading (batch) axes:
 * {@code a [..., m, k] @ b [..., k, n] -> y [..., m, n]}, {@code y = a b} per batch element.
 *
 * <p>Backward, per batch element: {@code dL/da = g b^T} and {@code dL/db = a^T g}, computed as
 * GEMMs with a transposed operand (never materialising a transpose). Where an input was broadcast
 * over a batch axis, its gradients from every batch element are added into the same slot, in
 * batch order.
 */
final class MatmulOp implements Op {
  private Tensor a;
  private Tensor b;
  private final Plan plan;

  private MatmulOp(Tensor a, Tensor b, Plan plan) {
    this.a = a;
    this.b = b;
    this.plan = plan;
  }

  static Variable apply(Variable a, Variable b) {
    Plan plan = Plan.of(a.value(), b.value());
    Tensor y = Tensor.zeros(a.dtype(), plan.yShape);
    for (int i = 0; i < plan.batches; i++) {
      gemm(Transpose.NO, Transpose.NO, plan.m, plan.n, plan.k, a.value(), plan.aOffset(i), plan.k,
          b.value(), plan.bOffset(i), plan.n, 0, y, i * plan.m * plan.n, plan.n);
    }
    return Graph.record(new MatmulOp(a.value(), b.value(), plan), y, a, b);
  }

  @Override
  public String name() {
    return "matmul";
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    Plan p = plan;
    Tensor da = needsGrad[0] ? Tensor.zeros(a.dtype(), a.shape()) : null;
    Tensor db = needsGrad[1] ? Tensor.zeros(b.dtype(), b.shape()) : null;
    boolean[] aStarted = new boolean[p.aBatches], bStarted = new boolean[p.bBatches];
    for (int i = 0; i < p.batches; i++) {
      int gOff = i * p.m * p.n;
      if (da != null) { // da[m x k] (+)= g[m x n] * b^T
        int slot = p.source(i, p.aBatch);
        gemm(Transpose.NO, Transpose.YES, p.m, p.k, p.n, g, gOff, p.n, b, p.bOffset(i), p.n,
            aStarted[slot] ? 1 : 0, da, p.aOffset(i), p.k);
        aStarted[slot] = true;
      }
      if (db != null) { // db[k x n] (+)= a^T * g[m x n]
        int slot = p.source(i, p.bBatch);
        gemm(Transpose.YES, Transpose.NO, p.k, p.n, p.m, a, p.aOffset(i), p.k, g, gOff, p.n,
            bStarted[slot] ? 1 : 0, db, p.bOffset(i), p.n);
        bStarted[slot] = true;
      }
    }
    return new Tensor[] {da, db};
  }

  @Override
  public void release() {
    a = null;
    b = null;
  }

  /** One GEMM on the arrays of three tensors of the same dtype. */
  private static void gemm(Transpose ta, Transpose tb, int m, int n, int k, Tensor a, int aOff, int lda,
      Tensor b, int bOff, int ldb, double beta, Tensor c, int cOff, int ldc) {
    if (a.dtype() == DType.FLOAT32) {
      Gemm.gemm(ta, tb, m, n, k, 1f, a.floatData(), aOff, lda, b.floatData(), bOff, ldb,
          (float) beta, c.floatData(), cOff, ldc);
    } else {
      Gemm.gemm(ta, tb, m, n, k, 1.0, a.doubleData(), aOff, lda, b.doubleData(), bOff, ldb,
          beta, c.doubleData(), cOff, ldc);
    }
  }

  /** The shapes of one matmul and the map from a batch element to its matrices in a and b. */
  static final class Plan {
    final int m, k, n, batches, aBatches, bBatches;
    final int[] yShape, batchShape, aBatch, bBatch;

    private Plan(int m, int k, int n, int[] batchShape, int[] aBatch, int[] bBatch) {
      this.m = m;
      this.k = k;
      this.n = n;
      this.batchShape = batchShape;
      this.aBatch = aBatch;
      this.bBatch = bBatch;
      this.batches = Shapes.size(batchShape);
      this.aBatches = Shapes.size(aBatch);
      this.bBatches = Shapes.size(bBatch);
      this.yShape = Arrays.copyOf(batchShape, batchShape.length + 2);
      yShape[batchShape.length] = m;
      yShape[batchShape.length + 1] = n;
    }

    static Plan of(Tensor a, Tensor b) {
      int[] as = a.shape(), bs = b.shape();
      if (as.length < 2 || bs.length < 2) {
        throw Shapes.error("matmul", "got shapes " + Shapes.format(as) + " and " + Shapes.format(bs),
            "rank >= 2 for both: [..., m, k] and [..., k, n] (reshape a vector to [1, k] or [k, 1])");
      }
      if (a.dtype() != b.dtype()) {
        throw Shapes.error("matmul", "a is " + a.dtype() + " and b is " + b.dtype(),
            "the same dtype; convert one with Tensor.to(DType)");
      }
      int m = as[as.length - 2], k = as[as.length - 1], n = bs[bs.length - 1];
      if (bs[bs.length - 2] != k) {
        throw Shapes.error("matmul", "a is " + Shapes.format(as) + " and b is " + Shapes.format(bs),
            "a's last axis (" + k + ") to equal b's second-to-last (" + bs[bs.length - 2] + ")");
      }
      int[] aBatch = Arrays.copyOf(as, as.length - 2), bBatch = Arrays.copyOf(bs, bs.length - 2);
      int[] batch;
      try {
        batch = TensorMath.broadcastShape(aBatch, bBatch);
      } catch (IllegalArgumentException e) {
        throw Shapes.error("matmul", "the batch axes of a " + Shapes.format(as) + " and b "
            + Shapes.format(bs) + " do not broadcast", "batch axes that are equal or 1");
      }
      return new Plan(m, k, n, batch, aBatch, bBatch);
    }

    /** Offset of batch element i's matrix in a. */
    int aOffset(int i) {
      return source(i, aBatch) * m * k;
    }

    /** Offset of batch element i's matrix in b. */
    int bOffset(int i) {
      return source(i, bBatch) * k * n;
    }

    /** The index into an operand's batch axes (right-aligned, size-1 axes repeated) of batch element i. */
    int source(int i, int[] operand) {
      int index = 0, stride = 1;
      for (int d = batchShape.length - 1, e = operand.length - 1; d >= 0; d--, e--) {
        int coord = i % batchShape[d];
        i /= batchShape[d];
        if (e >= 0) {
          if (operand[e] != 1) index += coord * stride;
          stride *= operand[e];
        }
      }
      return index;
    }
  }
}
