package dev.cnn.tensor;

import dev.cnn.tensor.Gemm.Transpose;
import java.util.Arrays;

/**
 * Convolution lowered to GEMM through im2col, so that the time goes into {@link Gemm}'s packed,
 * vectorised kernel. Per image and group g (K = Cin/G * KH * KW, HW = Hout * Wout):
 *
 * <pre>
 *   col  = im2col(x[n, group g])                 K x HW: row (c, i, j), column (oh, ow) holds
 *                                                x[c][oh*S - P + i*D][ow*S - P + j*D] (0 in the padding)
 *   forward   y_g  [Cout/G x HW] = W_g [Cout/G x K] * col                 (A * B)
 *   input     col  [K x HW]      = W_g^T * dy_g,  then dx += col2im(col)  (A^T * B)
 *   weight    dW_g [Cout/G x K] += dy_g [Cout/G x HW] * col^T             (A * B^T)
 * </pre>
 * col2im is the adjoint of im2col: each column entry is added back to the input pixel it was
 * copied from. A 1x1 kernel with stride 1 and no padding needs no im2col: the image itself is the
 * K x HW matrix.
 *
 * <p><b>Threads.</b> When the batch has at least as many images as there are threads, images run
 * in parallel and each GEMM runs on its thread alone (nested regions are sequential); otherwise
 * the images run one after another and GEMM parallelises over its blocks. GEMM is bit-identical
 * for any thread count, so both choices give the same bits.
 *
 * <p><b>Weight gradient without races.</b> The sum over images is split into at most
 * {@link #MAX_CHUNKS} chunks of consecutive images whose boundaries depend only on N. Each chunk
 * sums its images into its own partial buffer; the partials are then added in chunk order. The
 * result is bit-identical across runs and thread counts.
 *
 * <p><b>Measured</b> (2 threads, JDK 17, 256-bit vectors, best of ~0.7 s; N=32, 3x3, pad 1):
 * Cin=1 28x28 -> 32 channels: forward 0.61 ms here vs 9.8 ms for the direct loops of
 * {@link ScalarConv}, input gradient 0.51 vs 11.5 ms, weight gradient 0.62 vs 3.9 ms;
 * 32 -> 64 channels at 14x14: forward 5.3 ms (43 GFLOP/s), input gradient 4.0 ms (59 GFLOP/s),
 * weight gradient 7.8 ms (30 GFLOP/s) vs 0.26-0.96 s direct. So the GEMM path is kept for every
 * shape, Cin=1 included; a tuned direct kernel for Cin=1 would have little left to win.
 *
 * <p><b>Workspaces.</b> The im2col matrix (K x HW floats per thread) and the partial buffers are
 * kept in thread-locals and grow to the largest size seen, so a training step does not allocate
 * them again.
 */
final class GemmConv implements ConvKernel {
  /** Upper bound on the chunks of the batch in the weight gradient. */
  static final int MAX_CHUNKS = 32;
  /** Upper bound on the floats of all partial buffers together (16 MB); fewer chunks beyond it. */
  static final int PARTIALS_BUDGET = 1 << 22;

  private static final ThreadLocal<float[]> COL = ThreadLocal.withInitial(() -> new float[0]);
  private static final ThreadLocal<float[]> PARTIALS = ThreadLocal.withInitial(() -> new float[0]);

  @Override
  public void forward(Conv2dGeometry g, float[] x, float[] w, float[] bias, float[] y) {
    final int groups = g.groups(), cIn = g.cIn(), cOut = g.cOut();
    final int cInG = g.cInPerGroup(), cOutG = g.cOutPerGroup();
    final int k = cInG * g.kH() * g.kW(), hw = g.hOut() * g.wOut(), plane = g.h() * g.w();
    final boolean pointwise = g.isPointwise();
    colSize(g);
    forEachImage(g.n(), n -> {
      float[] col = pointwise ? null : workspace(COL, k * hw);
      for (int grp = 0; grp < groups; grp++) {
        int xOff = (n * cIn + grp * cInG) * plane;
        int yOff = (n * cOut + grp * cOutG) * hw;
        int wOff = grp * cOutG * k;
        if (pointwise) {
          Gemm.gemm(Transpose.NO, Transpose.NO, cOutG, hw, k,
              1f, w, wOff, k, x, xOff, hw, 0f, y, yOff, hw);
        } else {
          im2col(g, x, xOff, col);
          Gemm.gemm(Transpose.NO, Transpose.NO, cOutG, hw, k,
              1f, w, wOff, k, col, 0, hw, 0f, y, yOff, hw);
        }
      }
      if (bias != null) {
        for (int co = 0; co < cOut; co++) {
          int off = (n * cOut + co) * hw;
          float b = bias[co];
          for (int p = 0; p < hw; p++) y[off + p] += b;
        }
      }
    });
  }

  @Override
  public void backwardInput(Conv2dGeometry g, float[] dy, float[] w, float[] dx, boolean accumulate) {
    final int groups = g.groups(), cIn = g.cIn(), cOut = g.cOut();
    final int cInG = g.cInPerGroup(), cOutG = g.cOutPerGroup();
    final int k = cInG * g.kH() * g.kW(), hw = g.hOut() * g.wOut(), plane = g.h() * g.w();
    final boolean pointwise = g.isPointwise();
    colSize(g);
    forEachImage(g.n(), n -> {
      float[] col = pointwise ? null : workspace(COL, k * hw);
      for (int grp = 0; grp < groups; grp++) {
        int dxOff = (n * cIn + grp * cInG) * plane;
        int dyOff = (n * cOut + grp * cOutG) * hw;
        int wOff = grp * cOutG * k;
        if (pointwise) {
          // dx_g (+)= W_g^T * dy_g directly: the image is its own column matrix.
          Gemm.gemm(Transpose.YES, Transpose.NO, k, hw, cOutG,
              1f, w, wOff, k, dy, dyOff, hw, accumulate ? 1f : 0f, dx, dxOff, hw);
        } else {
          Gemm.gemm(Transpose.YES, Transpose.NO, k, hw, cOutG,
              1f, w, wOff, k, dy, dyOff, hw, 0f, col, 0, hw);
          if (!accumulate) Arrays.fill(dx, dxOff, dxOff + cInG * plane, 0f);
          col2im(g, col, dx, dxOff);
        }
      }
    });
  }

  @Override
  public void backwardWeight(Conv2dGeometry g, float[] x, float[] dy, float[] dw, boolean accumulate) {
    final int groups = g.groups(), cIn = g.cIn(), cOut = g.cOut(), batch = g.n();
    final int cInG = g.cInPerGroup(), cOutG = g.cOutPerGroup();
    final int k = cInG * g.kH() * g.kW(), hw = g.hOut() * g.wOut(), plane = g.h() * g.w();
    final boolean pointwise = g.isPointwise();
    final int size = cOut * k; // elements of dw
    // Chunk boundaries depend on N and the weight size only, never on the thread count.
    final int maxChunks = Math.max(1, Math.min(MAX_CHUNKS, PARTIALS_BUDGET / size));
    final int chunk = (batch + maxChunks - 1) / maxChunks;
    final int chunks = (batch + chunk - 1) / chunk;
    // One chunk that overwrites dw needs no partial buffer: its sum is the result, bit for bit.
    final boolean direct = chunks == 1 && !accumulate;
    final float[] partials = direct ? dw : workspace(PARTIALS, chunks * size);
    colSize(g);
    forEachImage(chunks, ch -> {
      float[] col = pointwise ? null : workspace(COL, k * hw);
      int pOff = ch * size;
      for (int n = ch * chunk, end = Math.min(batch, n + chunk); n < end; n++) {
        float beta = n == ch * chunk ? 0f : 1f; // the chunk's first image overwrites stale data
        for (int grp = 0; grp < groups; grp++) {
          int xOff = (n * cIn + grp * cInG) * plane;
          int dyOff = (n * cOut + grp * cOutG) * hw;
          float[] b = x;
          int bOff = xOff;
          if (!pointwise) {
            im2col(g, x, xOff, col);
            b = col;
            bOff = 0;
          }
          // partial_g [Cout/G x K] (+)= dy_g [Cout/G x HW] * col^T [HW x K]
          Gemm.gemm(Transpose.NO, Transpose.YES, cOutG, k, hw,
              1f, dy, dyOff, hw, b, bOff, hw, beta, partials, pOff + grp * cOutG * k, k);
        }
      }
    });
    if (direct) return;
    // Sum the partials in chunk order: dw (+)= ((p0 + p1) + p2) + ...
    for (int e = 0; e < size; e++) {
      float sum = partials[e];
      for (int ch = 1; ch < chunks; ch++) sum += partials[ch * size + e];
      dw[e] = accumulate ? dw[e] + sum : sum;
    }
  }

  /**
   * Runs {@code body} for each of {@code count} independent items (images or chunks): in parallel
   * when there are at least as many as threads, else sequentially so that GEMM can use the threads.
   */
  private static void forEachImage(int count, java.util.function.IntConsumer body) {
    if (count >= Parallel.threads() && !Parallel.inParallelRegion()) {
      Parallel.forEach(count, body);
    } else {
      for (int i = 0; i < count; i++) body.accept(i);
    }
  }

  /** Elements of one im2col matrix, Cin/G*KH*KW x Hout*Wout, checked to fit in a Java array. */
  private static int colSize(Conv2dGeometry g) {
    return Shapes.size(g.cInPerGroup() * g.kH() * g.kW(), g.hOut() * g.wOut());
  }

  /** This thread's workspace, grown to at least {@code size} floats (contents are stale). */
  private static float[] workspace(ThreadLocal<float[]> slot, int size) {
    float[] a = slot.get();
    if (a.length < size) {
      a = new float[size];
      slot.set(a);
    }
    return a;
  }

  /**
   * Copies one group of one image, {@code x[xOff ..]} ({@code Cin/G x H x W}), into the column
   * matrix {@code col} ({@code Cin/G*KH*KW x Hout*Wout}, rows (c, i, j), columns (oh, ow)).
   * For each row, the columns whose input falls in the padding are zeroed and the rest copied; a
   * row segment with stride 1 is one {@code System.arraycopy}.
   */
  static void im2col(Conv2dGeometry g, float[] x, int xOff, float[] col) {
    final Conv2dSpec s = g.spec();
    final int h = g.h(), wd = g.w(), kH = g.kH(), kW = g.kW(), hOut = g.hOut(), wOut = g.wOut();
    final int sh = s.strideH(), sw = s.strideW();
    int row = 0;
    for (int c = 0; c < g.cInPerGroup(); c++) {
      int xPlane = xOff + c * h * wd;
      for (int i = 0; i < kH; i++) {
        for (int j = 0; j < kW; j++, row++) {
          int shiftW = j * s.dilationW() - s.padW(); // iw = ow*sw + shiftW
          int lo = owFirst(shiftW, sw, wOut), hi = owEnd(shiftW, sw, wd, wOut);
          int dst = row * hOut * wOut;
          for (int oh = 0; oh < hOut; oh++, dst += wOut) {
            int ih = oh * sh - s.padH() + i * s.dilationH();
            if (ih < 0 || ih >= h || lo >= hi) {
              Arrays.fill(col, dst, dst + wOut, 0f);
              continue;
            }
            Arrays.fill(col, dst, dst + lo, 0f);
            Arrays.fill(col, dst + hi, dst + wOut, 0f);
            int src = xPlane + ih * wd + shiftW;
            if (sw == 1) {
              System.arraycopy(x, src + lo, col, dst + lo, hi - lo);
            } else {
              for (int ow = lo; ow < hi; ow++) col[dst + ow] = x[src + ow * sw];
            }
          }
        }
      }
    }
  }

  /** The adjoint of {@link #im2col}: adds each entry of {@code col} to the pixel it came from. */
  static void col2im(Conv2dGeometry g, float[] col, float[] dx, int dxOff) {
    final Conv2dSpec s = g.spec();
    final int h = g.h(), wd = g.w(), kH = g.kH(), kW = g.kW(), hOut = g.hOut(), wOut = g.wOut();
    final int sh = s.strideH(), sw = s.strideW();
    int row = 0;
    for (int c = 0; c < g.cInPerGroup(); c++) {
      int xPlane = dxOff + c * h * wd;
      for (int i = 0; i < kH; i++) {
        for (int j = 0; j < kW; j++, row++) {
          int shiftW = j * s.dilationW() - s.padW();
          int lo = owFirst(shiftW, sw, wOut), hi = owEnd(shiftW, sw, wd, wOut);
          int src = row * hOut * wOut;
          for (int oh = 0; oh < hOut; oh++, src += wOut) {
            int ih = oh * sh - s.padH() + i * s.dilationH();
            if (ih < 0 || ih >= h) continue;
            int dst = xPlane + ih * wd + shiftW;
            for (int ow = lo; ow < hi; ow++) dx[dst + ow * sw] += col[src + ow];
          }
        }
      }
    }
  }

  /** First ow with {@code ow*sw + shift >= 0}, at most wOut. */
  private static int owFirst(int shift, int sw, int wOut) {
    return shift >= 0 ? 0 : Math.min(wOut, (-shift + sw - 1) / sw);
  }

  /** One past the last ow with {@code ow*sw + shift < w}, at least 0 and at most wOut. */
  private static int owEnd(int shift, int sw, int w, int wOut) {
    int last = w - 1 - shift; // need ow*sw <= last
    return last < 0 ? 0 : Math.min(wOut, last / sw + 1);
  }
}
