package dev.cnn.tensor;

/**
 * NumPy broadcasting: the shape rule, and the plan that runs a broadcast operation as outer loops
 * over contiguous inner runs.
 *
 * <p><b>The rule.</b> The two shapes are aligned at their last axis, the shorter one padded with
 * leading 1s; along each axis the sizes must be equal or one of them 1, and the result takes the
 * larger. So {@code [N, C, H, W] + [1, C, 1, 1]} adds a per-channel bias, {@code [M, N] + [N]}
 * adds a row vector to every row, and {@code [M, 1] * [1, N]} is an outer product.
 *
 * <p><b>The plan.</b> Axes of size 1 in the result are dropped, then neighbouring axes that
 * broadcast the same way (both operands full, only a full, only b full) are merged; the innermost
 * merged axis is the run, one kernel call: either two arrays side by side or an array against one
 * broadcast value. The other axes are walked like an odometer with per-operand strides (0 along a
 * broadcast axis). Same shapes are one run; a channel bias is one run per (n, c) with the bias
 * value broadcast over H*W; a row vector is one run per row.
 */
final class Broadcast {
  private Broadcast() {}

  /**
   * The shape of {@code op(a, b)}.
   *
   * @throws IllegalArgumentException naming op, both shapes and the first axis that does not match
   */
  static int[] shape(String op, int[] a, int[] b) {
    int rank = Math.max(a.length, b.length);
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = dimFromEnd(a, rank - 1 - i), db = dimFromEnd(b, rank - 1 - i);
      if (da != db && da != 1 && db != 1) {
        throw Shapes.error(op, "shapes " + Shapes.format(a) + " and " + Shapes.format(b)
                + " do not broadcast: axis " + (i - rank) + " has sizes " + da + " and " + db,
            "equal sizes or 1 along every axis, the shapes aligned at their last axis"
                + " (NumPy broadcasting)");
      }
      out[i] = da == 1 ? db : da;
    }
    return out;
  }

  /** Size of axis {@code fromEnd} counted from the last (0 = last), 1 beyond the rank. */
  static int dimFromEnd(int[] shape, int fromEnd) {
    int i = shape.length - 1 - fromEnd;
    return i >= 0 ? shape[i] : 1;
  }

  /** A broadcast {@code out = f(a, b)} as outer loops over contiguous inner runs (see the class comment). */
  static final class Plan {
    enum Kind {
      /** Both operands are contiguous along the run. */
      BOTH,
      /** a is contiguous along the run, b is one value. */
      B_SCALAR,
      /** b is contiguous along the run, a is one value. */
      A_SCALAR
    }

    /** Called once per run with the offsets of its first element in a, b and out. */
    interface Run {
      void at(int aOff, int bOff, int oOff);
    }

    final Kind kind;
    final int inner;
    private final int[] dims, aStride, bStride;

    Plan(int[] aShape, int[] bShape, int[] outShape) {
      int rank = outShape.length;
      // Merge axes right to left; lists are filled innermost first.
      int slots = Math.max(rank, 1); // a rank-0 result still has one run of one element
      int[] size = new int[slots], aFull = new int[slots], bFull = new int[slots];
      int m = 0;
      for (int i = rank - 1; i >= 0; i--) {
        int d = outShape[i];
        if (d == 1) continue;
        int fa = dimFromEnd(aShape, rank - 1 - i) == d ? 1 : 0;
        int fb = dimFromEnd(bShape, rank - 1 - i) == d ? 1 : 0;
        if (m > 0 && aFull[m - 1] == fa && bFull[m - 1] == fb) {
          size[m - 1] *= d;
        } else {
          size[m] = d;
          aFull[m] = fa;
          bFull[m] = fb;
          m++;
        }
      }
      if (m == 0) { // every axis has size 1: a single element
        size[0] = 1;
        aFull[0] = 1;
        bFull[0] = 1;
        m = 1;
      }
      inner = size[0];
      kind = aFull[0] == 1 && bFull[0] == 1 ? Kind.BOTH : aFull[0] == 1 ? Kind.B_SCALAR : Kind.A_SCALAR;
      dims = new int[m - 1];
      aStride = new int[m - 1];
      bStride = new int[m - 1];
      int aAcc = aFull[0] == 1 ? inner : 1, bAcc = bFull[0] == 1 ? inner : 1;
      for (int q = 1; q < m; q++) { // outer axis q, stored outermost first
        int at = m - 1 - q;
        dims[at] = size[q];
        aStride[at] = aFull[q] == 1 ? aAcc : 0;
        bStride[at] = bFull[q] == 1 ? bAcc : 0;
        if (aFull[q] == 1) aAcc *= size[q];
        if (bFull[q] == 1) bAcc *= size[q];
      }
    }

    void forEachRun(Run run) {
      int runs = 1;
      for (int d : dims) runs *= d;
      int[] index = new int[dims.length];
      int aOff = 0, bOff = 0;
      for (int r = 0; r < runs; r++) {
        run.at(aOff, bOff, r * inner);
        for (int d = dims.length - 1; d >= 0; d--) { // advance the odometer
          index[d]++;
          aOff += aStride[d];
          bOff += bStride[d];
          if (index[d] < dims[d]) break;
          aOff -= aStride[d] * dims[d];
          bOff -= bStride[d] * dims[d];
          index[d] = 0;
        }
      }
    }
  }
}
