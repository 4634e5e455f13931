package dev.cnn.tensor;

import dev.cnn.tensor.Gemm.Transpose;
import java.util.Arrays;

/**
 * Convolution lowered to GEMM through im2col, so that the time goes into {@link Gemm}'s packed,
 * vectorised kernel. The batch is cut into chunks of B consecutive images; per chunk and group g
 * (K = Cin/G * KH * KW, HW = Hout * Wout, the chunk's columns side by side):
 *
 * <pre>
 *   col  = im2col(x[chunk, group g])             K x B*HW: row (c, i, j), column (image, oh, ow) holds
 *                                                x[c][oh*S - P + i*D][ow*S - P + j*D] (0 in the padding)
 *   forward   out  [Cout/G x B*HW] = W_g [Cout/G x K] * col,  then y = out + bias, image by image
 *   input     col  [K x B*HW]      = W_g^T * dy_g,  then dx += col2im(col), image by image (A^T * B)
 *   weight    dW_g [Cout/G x K]   += dy_g [Cout/G x B*HW] * col^T                        (A * B^T)
 * </pre>
 * From {@link #CHANNELS_LAST_MIN} input channels per group the weight gradient builds col^T
 * itself, channels last, and multiplies without a transpose ({@link #backwardWeightChannelsLast}).
 * where dy_g is the chunk's output gradient laid out like out (copied, image by image). col2im is
 * the adjoint of im2col: each column entry is added back to the input pixel it was copied from.
 *
 * <p><b>Why chunks.</b> One GEMM per image (64 x 196 x 288 for FashionNet's second layer) spent a
 * tenth of a training step packing W again for every image, and cut the last column panel short
 * (196 is not a multiple of 16). A chunk of B images packs W once per B images, gives the GEMM
 * B*HW columns, and the forward pass adds the bias while it copies the chunk's result into y. B is
 * about N / {@link #TARGET_CHUNKS}, fewer when the chunk's im2col matrix would exceed
 * {@link #COL_BUDGET} floats, at least 1.
 *
 * <p><b>Threads.</b> When there are at least as many chunks as threads, chunks run in parallel and
 * each GEMM runs on its thread alone (nested regions are sequential); otherwise the chunks run one
 * after another and GEMM parallelises over its blocks. GEMM is bit-identical for any thread count
 * and computes each element of its result from its own row and column alone, so forward and input
 * gradient do not depend on the chunking at all.
 *
 * <p><b>Weight gradient without races.</b> Chunk boundaries depend only on the geometry, never on
 * the thread count. Each chunk's GEMM sums its images (its k dimension) into the chunk's own
 * partial buffer; the partials are then added in chunk order. The result is bit-identical across
 * runs and thread counts.
 *
 * <p><b>Speed.</b> Lowered to GEMM, a convolution runs one to two orders of magnitude faster than
 * the seven loops of {@link ScalarConv} (the figures are in bench/README.md, "Figures behind the
 * kernel choices"). The first layer (Cin=1) no longer comes here: at k = 9 the lowering cost more
 * than the product, and {@link VectorDirectConv} takes it.
 *
 * <p><b>Same-width convolutions</b> (stride 1, Wout = W: 3x3 with padding 1, ...): tap (c, i, j)
 * reads the whole input plane shifted by one constant, so each row of the column matrix is one
 * long copy (im2col) or one long SIMD add (col2im), with the few wrapped-around edge columns
 * zeroed ({@link #sameWidth}). Row by row, the copies were 7-28 floats long and took 15% of a
 * FashionNet training step.
 *
 * <p><b>Workspaces.</b> The im2col matrix, the chunk's output (or output gradient) and the partial
 * buffers are per-thread {@link Scratch} buffers, kept from call to call (up to
 * {@link Scratch#MAX_KEPT_FLOATS} floats each), so a training step does not allocate them again.
 */
final class GemmConv implements ConvKernel {
  /** Chunks the batch is cut into, when the workspace budget allows (see the class comment). */
  static final int TARGET_CHUNKS = 16;
  /** Upper bound on the floats of one chunk's im2col matrix (4 MB), unless one image needs more. */
  static final int COL_BUDGET = 1 << 20;
  /** Upper bound on the floats of all partial buffers together (16 MB); larger chunks beyond it. */
  static final int PARTIALS_BUDGET = 1 << 22;
  /** Elements of dw per task when the weight gradient's partial sums are added up. */
  static final int SUM_BLOCK = 4096;
  /**
   * Input channels per group from which the weight gradient lays the column matrix out channels
   * last ({@link #backwardWeightChannelsLast}): each copy is then at least this many floats long.
   */
  static final int CHANNELS_LAST_MIN = 8;

  private static final Scratch.Slot COL = new Scratch.Slot("GemmConv im2col");
  private static final Scratch.Slot OUT = new Scratch.Slot("GemmConv chunk output");
  private static final Scratch.Slot PARTIALS = new Scratch.Slot("GemmConv weight partials");
  private static final Scratch.Slot PIXELS = new Scratch.Slot("GemmConv channels-last image");

  /**
   * Images per chunk: about N / TARGET_CHUNKS, at most what {@link #COL_BUDGET} allows (and, for
   * the weight gradient, at least what {@link #PARTIALS_BUDGET} needs), at least 1. Depends on
   * the geometry only.
   */
  static int chunkSize(Conv2dGeometry g) {
    long colPerImage = (long) colRows(g) * g.hOut() * g.wOut();
    int byCount = (g.n() + TARGET_CHUNKS - 1) / TARGET_CHUNKS;
    int byBudget = (int) Math.max(1, COL_BUDGET / Math.max(1, colPerImage));
    int maxChunks = Math.max(1, PARTIALS_BUDGET / Math.max(1, g.cOut() * colRows(g)));
    int byPartials = (g.n() + maxChunks - 1) / maxChunks;
    return Math.max(1, Math.max(Math.min(byCount, byBudget), byPartials));
  }

  @Override
  public void forward(Conv2dGeometry g, float[] x, float[] w, float[] bias, float[] y) {
    final int groups = g.groups(), cIn = g.cIn(), cOut = g.cOut(), batch = g.n();
    final int cInG = g.cInPerGroup(), cOutG = g.cOutPerGroup();
    final int k = colRows(g), hw = g.hOut() * g.wOut(), plane = g.h() * g.w();
    final int chunk = chunkSize(g), chunks = (batch + chunk - 1) / chunk;
    colSize(g);
    forEachChunk(chunks, ch -> {
      int n0 = ch * chunk, images = Math.min(chunk, batch - n0), cols = images * hw;
      float[] col = COL.floats(k * cols), out = OUT.floats(cOutG * cols);
      for (int grp = 0; grp < groups; grp++) {
        for (int i = 0; i < images; i++) im2col(g, x, ((n0 + i) * cIn + grp * cInG) * plane, col, i * hw, cols);
        Gemm.gemm(Transpose.NO, Transpose.NO, cOutG, cols, k,
            1f, w, grp * cOutG * k, k, col, 0, cols, 0f, out, 0, cols);
        // y[n][co] = out[co][image n's columns] + bias[co]
        for (int i = 0; i < images; i++) {
          for (int co = 0; co < cOutG; co++) {
            int src = co * cols + i * hw, dst = ((n0 + i) * cOut + grp * cOutG + co) * hw;
            float b = bias == null ? 0f : bias[grp * cOutG + co];
            for (int p = 0; p < hw; p++) y[dst + p] = out[src + p] + b;
          }
        }
      }
    });
  }

  @Override
  public void backwardInput(Conv2dGeometry g, float[] dy, float[] w, float[] dx, boolean accumulate) {
    final int groups = g.groups(), cIn = g.cIn(), batch = g.n();
    final int cInG = g.cInPerGroup(), cOutG = g.cOutPerGroup();
    final int k = colRows(g), hw = g.hOut() * g.wOut(), plane = g.h() * g.w();
    final int chunk = chunkSize(g), chunks = (batch + chunk - 1) / chunk;
    colSize(g);
    forEachChunk(chunks, ch -> {
      int n0 = ch * chunk, images = Math.min(chunk, batch - n0), cols = images * hw;
      float[] col = COL.floats(k * cols), dyChunk = OUT.floats(cOutG * cols);
      for (int grp = 0; grp < groups; grp++) {
        gatherOutputs(g, dy, n0, images, grp, dyChunk);
        // col [K x B*HW] = W_g^T * dy_g
        Gemm.gemm(Transpose.YES, Transpose.NO, k, cols, cOutG,
            1f, w, grp * cOutG * k, k, dyChunk, 0, cols, 0f, col, 0, cols);
        for (int i = 0; i < images; i++) {
          int dxOff = ((n0 + i) * cIn + grp * cInG) * plane;
          if (!accumulate) Arrays.fill(dx, dxOff, dxOff + cInG * plane, 0f);
          col2im(g, col, i * hw, cols, dx, dxOff);
        }
      }
    });
  }

  @Override
  public void backwardWeight(Conv2dGeometry g, float[] x, float[] dy, float[] dw, boolean accumulate) {
    if (g.cInPerGroup() >= CHANNELS_LAST_MIN) {
      backwardWeightChannelsLast(g, x, dy, dw, accumulate);
    } else {
      backwardWeightChannelsFirst(g, x, dy, dw, accumulate);
    }
  }

  /**
   * The weight gradient through the channels-first column matrix of the class comment (A * B^T),
   * for few input channels per group: {@link #backwardWeightChannelsLast} would copy runs of fewer
   * than {@link #CHANNELS_LAST_MIN} floats.
   */
  static void backwardWeightChannelsFirst(Conv2dGeometry g, float[] x, float[] dy, float[] dw, boolean accumulate) {
    final int groups = g.groups(), cIn = g.cIn(), batch = g.n();
    final int cInG = g.cInPerGroup(), cOutG = g.cOutPerGroup();
    final int k = colRows(g), hw = g.hOut() * g.wOut(), plane = g.h() * g.w();
    final int size = g.cOut() * k; // elements of dw
    // Chunk boundaries depend on the geometry only, never on the thread count.
    final int chunk = chunkSize(g), chunks = (batch + chunk - 1) / chunk;
    // One chunk that overwrites dw needs no partial buffer: its sum is the result, bit for bit.
    final boolean direct = chunks == 1 && !accumulate;
    final float[] partials = direct ? dw : PARTIALS.floats(chunks * size);
    colSize(g);
    forEachChunk(chunks, ch -> {
      int n0 = ch * chunk, images = Math.min(chunk, batch - n0), cols = images * hw;
      float[] col = COL.floats(k * cols), dyChunk = OUT.floats(cOutG * cols);
      for (int grp = 0; grp < groups; grp++) {
        for (int i = 0; i < images; i++) im2col(g, x, ((n0 + i) * cIn + grp * cInG) * plane, col, i * hw, cols);
        gatherOutputs(g, dy, n0, images, grp, dyChunk);
        // partial_g [Cout/G x K] = dy_g [Cout/G x B*HW] * col^T [B*HW x K]: the sum over the
        // chunk's images is the GEMM's k dimension
        Gemm.gemm(Transpose.NO, Transpose.YES, cOutG, k, cols,
            1f, dyChunk, 0, cols, col, 0, cols, 0f, partials, ch * size + grp * cOutG * k, k);
      }
    });
    if (direct) return;
    // Sum the partials in chunk order: dw (+)= ((p0 + p1) + p2) + ..., in parallel over blocks of
    // elements (each element is summed by one task, in the same order whatever the thread count).
    final int block = SUM_BLOCK;
    Parallel.forEach((size + block - 1) / block, b -> {
      for (int e = b * block, end = Math.min(size, e + block); e < end; e++) {
        float sum = partials[e];
        for (int ch = 1; ch < chunks; ch++) sum += partials[ch * size + e];
        dw[e] = accumulate ? dw[e] + sum : sum;
      }
    });
  }

  /**
   * The weight gradient with the column matrix laid out channels last, so that the GEMM needs no
   * transposed operand. Per chunk and group, with taps t = (i, j) and K' = KH*KW * Cin/G columns
   * ordered (t, c):
   * <pre>
   *   xt       = x[image, group g] zero-padded, as (H+2P) x (W+2P) x Cin/G   (one transpose)
   *   colT     [B*HW x K']   row (image, oh, ow), column (t, c): xt[oh*S + i*D][ow*S + j*D][c];
   *                          with dilation 1 the KW taps of a kernel row are one copy of KW*Cin/G
   *   partial  [Cout/G x K'] = dy_g [Cout/G x B*HW] * colT                            (A * B)
   *   dw[co][c][i][j]        = sum over chunks, in chunk order, of partial[co][(i, j), c]
   * </pre>
   * {@link #backwardWeight} through the channels-first column matrix multiplies by its transpose
   * (A * B^T), and GEMM packs a transposed B with gathers: FashionNet's second layer ran that
   * product at 65 GFLOP/s against 87 for A * B (one AVX-512 core). Each dw element sums the same
   * products as there, over the same chunks in the same order; only the GEMM's blocking of the
   * columns differs, so the result agrees to rounding and is bit-identical across thread counts.
   */
  static void backwardWeightChannelsLast(Conv2dGeometry g, float[] x, float[] dy, float[] dw, boolean accumulate) {
    final Conv2dSpec s = g.spec();
    final int groups = g.groups(), cIn = g.cIn(), batch = g.n(), cInG = g.cInPerGroup(), cOutG = g.cOutPerGroup();
    final int h = g.h(), wd = g.w(), kH = g.kH(), kW = g.kW(), hOut = g.hOut(), wOut = g.wOut();
    final int sh = s.strideH(), sw = s.strideW(), dh = s.dilationH(), dilW = s.dilationW();
    final int hp = h + 2 * s.padH(), wp = wd + 2 * s.padW(); // the zero-padded image
    final int k = colRows(g), hw = hOut * wOut, plane = h * wd, taps = kH * kW;
    // With dilation 1 a row of taps (i, 0 .. KW-1) reads KW neighbouring pixels: one copy.
    final int run = dilW == 1 ? kW * cInG : cInG, runs = dilW == 1 ? 1 : kW;
    final int size = g.cOut() * k; // elements of dw, and of one chunk's partial
    final int chunk = chunkSize(g), chunks = (batch + chunk - 1) / chunk;
    final float[] partials = PARTIALS.floats(chunks * size);
    colSize(g);
    forEachChunk(chunks, ch -> {
      int n0 = ch * chunk, images = Math.min(chunk, batch - n0), cols = images * hw;
      float[] colT = COL.floats(cols * k), dyChunk = OUT.floats(cOutG * cols), xt = PIXELS.floats(hp * wp * cInG);
      Arrays.fill(xt, 0, hp * wp * cInG, 0f); // the border stays 0; every image rewrites the inside
      for (int grp = 0; grp < groups; grp++) {
        for (int img = 0; img < images; img++) {
          int xOff = ((n0 + img) * cIn + grp * cInG) * plane;
          // xt[ih + P][iw + P][c] = x[c][ih][iw]; indices affine in iw, so no checks inside
          for (int c = 0; c < cInG; c++) {
            for (int ih = 0; ih < h; ih++) {
              int src = xOff + c * plane + ih * wd, dst = ((ih + s.padH()) * wp + s.padW()) * cInG + c;
              for (int iw = 0; iw < wd; iw++) xt[dst + iw * cInG] = x[src + iw];
            }
          }
          int row = img * hw * k;
          for (int oh = 0; oh < hOut; oh++) {
            for (int ow = 0; ow < wOut; ow++, row += k) {
              for (int i = 0, d = row; i < kH; i++) {
                int from = ((oh * sh + i * dh) * wp + ow * sw) * cInG;
                for (int j = 0; j < runs; j++, d += run) System.arraycopy(xt, from + j * dilW * cInG, colT, d, run);
              }
            }
          }
        }
        gatherOutputs(g, dy, n0, images, grp, dyChunk);
        Gemm.gemm(Transpose.NO, Transpose.NO, cOutG, k, cols,
            1f, dyChunk, 0, cols, colT, 0, k, 0f, partials, ch * size + grp * cOutG * k, k);
      }
    });
    // Sum the partials in chunk order into the first, ((p0 + p1) + p2) + ..., element by element
    // in parallel over blocks (the same order whatever the thread count); then dw[co][c][i][j]
    // (+)= sum[co][(i, j), c].
    final int block = SUM_BLOCK;
    Parallel.forEach((size + block - 1) / block, b -> {
      int from = b * block, to = Math.min(size, from + block);
      for (int ch = 1; ch < chunks; ch++) {
        for (int e = from, src = ch * size + from; e < to; e++, src++) partials[e] += partials[src];
      }
    });
    Parallel.forEach(g.cOut(), co -> {
      for (int t = 0, at = co * k; t < taps; t++) {
        for (int c = 0, e = co * k + t; c < cInG; c++, at++, e += taps) dw[e] = accumulate ? dw[e] + partials[at] : partials[at];
      }
    });
  }

  /**
   * Copies group {@code grp} of the output gradient of images {@code n0 .. n0+images-1} into
   * {@code dst} as a {@code Cout/G x images*HW} matrix: row co holds each image's channel co in
   * turn (the layout of the forward pass's {@code out}).
   */
  private static void gatherOutputs(Conv2dGeometry g, float[] dy, int n0, int images, int grp, float[] dst) {
    int cOut = g.cOut(), cOutG = g.cOutPerGroup(), hw = g.hOut() * g.wOut(), cols = images * hw;
    for (int i = 0; i < images; i++) {
      for (int co = 0; co < cOutG; co++) {
        System.arraycopy(dy, ((n0 + i) * cOut + grp * cOutG + co) * hw, dst, co * cols + i * hw, hw);
      }
    }
  }

  /**
   * Runs {@code body} for each of {@code count} independent chunks: in parallel when there are at
   * least as many as threads, else sequentially so that GEMM can use the threads.
   */
  private static void forEachChunk(int count, java.util.function.IntConsumer body) {
    if (count >= Parallel.threads() && !Parallel.inParallelRegion()) {
      Parallel.forEach(count, body);
    } else {
      for (int i = 0; i < count; i++) body.accept(i);
    }
  }

  /** Rows of the im2col matrix: K = Cin/G * KH * KW. */
  private static int colRows(Conv2dGeometry g) {
    return g.cInPerGroup() * g.kH() * g.kW();
  }

  /** Elements of one chunk's im2col matrix, checked to fit in a Java array. */
  private static int colSize(Conv2dGeometry g) {
    return Shapes.size(colRows(g), chunkSize(g) * g.hOut() * g.wOut());
  }

  /**
   * Copies one group of one image, {@code x[xOff ..]} ({@code Cin/G x H x W}), into the column
   * matrix {@code col} ({@code Cin/G*KH*KW} rows (c, i, j) of {@code ld} floats): the image's
   * {@code Hout*Wout} columns (oh, ow) start at column {@code colOff} of each row. For each row,
   * the columns whose input falls in the padding are zeroed and the rest copied; a row segment with
   * stride 1 is one {@code System.arraycopy}.
   */
  static void im2col(Conv2dGeometry g, float[] x, int xOff, float[] col, int colOff, int ld) {
    final Conv2dSpec s = g.spec();
    final int h = g.h(), wd = g.w(), kH = g.kH(), kW = g.kW(), hOut = g.hOut(), wOut = g.wOut();
    final int sh = s.strideH(), sw = s.strideW();
    if (sameWidth(g)) {
      im2colSameWidth(g, x, xOff, col, colOff, ld);
      return;
    }
    int row = 0;
    for (int c = 0; c < g.cInPerGroup(); c++) {
      int xPlane = xOff + c * h * wd;
      for (int i = 0; i < kH; i++) {
        for (int j = 0; j < kW; j++, row++) {
          int shiftW = j * s.dilationW() - s.padW(); // iw = ow*sw + shiftW
          int lo = owFirst(shiftW, sw, wOut), hi = owEnd(shiftW, sw, wd, wOut);
          int dst = row * ld + colOff;
          for (int oh = 0; oh < hOut; oh++, dst += wOut) {
            int ih = oh * sh - s.padH() + i * s.dilationH();
            if (ih < 0 || ih >= h || lo >= hi) {
              Arrays.fill(col, dst, dst + wOut, 0f);
              continue;
            }
            // The padding at either end is a pixel or two: plain loops, not Arrays.fill calls,
            // which cost more than the stores (5% of a training step went to such calls).
            for (int ow = 0; ow < lo; ow++) col[dst + ow] = 0f;
            for (int ow = hi; ow < wOut; ow++) col[dst + ow] = 0f;
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

  /**
   * The adjoint of {@link #im2col}: adds each entry of one image's columns of {@code col} (from
   * column {@code colOff} of rows {@code ld} floats long) to the pixel it came from.
   */
  static void col2im(Conv2dGeometry g, float[] col, int colOff, int ld, float[] dx, int dxOff) {
    final Conv2dSpec s = g.spec();
    final int h = g.h(), wd = g.w(), kH = g.kH(), kW = g.kW(), hOut = g.hOut(), wOut = g.wOut();
    final int sh = s.strideH(), sw = s.strideW();
    if (sameWidth(g)) {
      col2imSameWidth(g, col, colOff, ld, dx, dxOff);
      return;
    }
    int row = 0;
    for (int c = 0; c < g.cInPerGroup(); c++) {
      int xPlane = dxOff + c * h * wd;
      for (int i = 0; i < kH; i++) {
        for (int j = 0; j < kW; j++, row++) {
          int shiftW = j * s.dilationW() - s.padW();
          int lo = owFirst(shiftW, sw, wOut), hi = owEnd(shiftW, sw, wd, wOut);
          int src = row * ld + colOff;
          for (int oh = 0; oh < hOut; oh++, src += wOut) {
            int ih = oh * sh - s.padH() + i * s.dilationH();
            if (ih < 0 || ih >= h) continue;
            int dst = xPlane + ih * wd + shiftW;
            if (sw == 1) { // a loop C2 vectorises
              for (int ow = lo; ow < hi; ow++) dx[dst + ow] += col[src + ow];
            } else {
              for (int ow = lo; ow < hi; ow++) dx[dst + ow * sw] += col[src + ow];
            }
          }
        }
      }
    }
  }

  /**
   * Stride 1 and as many output columns as input columns (a "same" convolution: 3x3 with padding
   * 1, 5x5 with padding 2, ...). Then tap (c, i, j) reads, for output q = oh*W + ow, the input
   * pixel q + (i*D - P)*W + (j*D - P) of plane c: one constant shift for the whole plane. Each row of
   * the column matrix is then one long copy (im2col) or one long add (col2im) instead of one short
   * one per output row (the rows are 7-28 floats in FashionNet, too short for the copy or the
   * SIMD loop to pay; the two took 15% of a training step).
   */
  static boolean sameWidth(Conv2dGeometry g) {
    return g.spec().strideH() == 1 && g.spec().strideW() == 1 && g.wOut() == g.w();
  }

  /**
   * {@link #im2col} for {@link #sameWidth} geometries. For each row (c, i, j), the outputs whose
   * tap is in the image form rows [ohLo, ohHi) and columns [lo, hi) of the output grid. One copy
   * moves the span from (ohLo, lo) to (ohHi - 1, hi - 1) with the shift; in between, the columns
   * outside [lo, hi) of each output row received the pixels at the other edge of the image (the
   * shift wraps around a row) and are zeroed after, as are the rows outside [ohLo, ohHi).
   */
  private static void im2colSameWidth(Conv2dGeometry g, float[] x, int xOff, float[] col, int colOff, int ld) {
    final Conv2dSpec s = g.spec();
    final int h = g.h(), wd = g.w(), kH = g.kH(), kW = g.kW(), hOut = g.hOut(), wOut = g.wOut();
    final int plane = hOut * wOut;
    int row = 0;
    for (int c = 0; c < g.cInPerGroup(); c++) {
      int xPlane = xOff + c * h * wd;
      for (int i = 0; i < kH; i++) {
        int shiftH = i * s.dilationH() - s.padH(); // ih = oh + shiftH
        int ohLo = Math.max(0, -shiftH), ohHi = Math.min(hOut, h - shiftH);
        for (int j = 0; j < kW; j++, row++) {
          int shiftW = j * s.dilationW() - s.padW(); // iw = ow + shiftW
          int lo = owFirst(shiftW, 1, wOut), hi = owEnd(shiftW, 1, wd, wOut);
          int dst = row * ld + colOff;
          if (ohLo >= ohHi || lo >= hi) {
            Arrays.fill(col, dst, dst + plane, 0f);
            continue;
          }
          int q0 = ohLo * wOut + lo, q1 = (ohHi - 1) * wOut + hi;
          Arrays.fill(col, dst, dst + q0, 0f);
          System.arraycopy(x, xPlane + q0 + shiftH * wd + shiftW, col, dst + q0, q1 - q0);
          Arrays.fill(col, dst + q1, dst + plane, 0f);
          for (int oh = ohLo; oh < ohHi; oh++) { // the wrapped-around columns: a pixel or two per row
            int r = dst + oh * wOut;
            for (int ow = 0; ow < lo; ow++) col[r + ow] = 0f;
            for (int ow = hi; ow < wOut; ow++) col[r + ow] = 0f;
          }
        }
      }
    }
  }

  /**
   * {@link #col2im} for {@link #sameWidth} geometries: per row of the column matrix, the entries
   * whose tap falls in the padding between rows [ohLo, ohHi) are set to 0 (col is scratch), and
   * the span from (ohLo, lo) to (ohHi - 1, hi - 1) is added to dx with the shift in one SIMD add.
   * Each dx element receives its terms in the same row order as in {@link #col2im}, plus zeros.
   */
  private static void col2imSameWidth(Conv2dGeometry g, float[] col, int colOff, int ld, float[] dx, int dxOff) {
    final Conv2dSpec s = g.spec();
    final int h = g.h(), wd = g.w(), kH = g.kH(), kW = g.kW(), hOut = g.hOut(), wOut = g.wOut();
    final ElementwiseKernel add = TensorMath.kernel();
    int row = 0;
    for (int c = 0; c < g.cInPerGroup(); c++) {
      int xPlane = dxOff + c * h * wd;
      for (int i = 0; i < kH; i++) {
        int shiftH = i * s.dilationH() - s.padH();
        int ohLo = Math.max(0, -shiftH), ohHi = Math.min(hOut, h - shiftH);
        for (int j = 0; j < kW; j++, row++) {
          int shiftW = j * s.dilationW() - s.padW();
          int lo = owFirst(shiftW, 1, wOut), hi = owEnd(shiftW, 1, wd, wOut);
          if (ohLo >= ohHi || lo >= hi) continue;
          int src = row * ld + colOff;
          for (int oh = ohLo; oh < ohHi; oh++) {
            int r = src + oh * wOut;
            for (int ow = 0; ow < lo; ow++) col[r + ow] = 0f;
            for (int ow = hi; ow < wOut; ow++) col[r + ow] = 0f;
          }
          int q0 = ohLo * wOut + lo, q1 = (ohHi - 1) * wOut + hi, d = xPlane + q0 + shiftH * wd + shiftW;
          add.binary(BinaryOp.ADD, dx, d, col, src + q0, dx, d, q1 - q0);
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
