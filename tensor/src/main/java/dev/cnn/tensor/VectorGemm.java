package dev.cnn.tensor;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM on SIMD registers, in the GotoBLAS/BLIS style: pack, block for the caches, and spend the
 * time in a register-blocked micro-kernel.
 *
 * <pre>
 * split C into one block of whole rows (or whole columns) per thread; each thread runs, on its own:
 * for jc in N, step NC:                      B block (KC x NC) lives in L3
 *   for pc in K, step KC (equal blocks, KC <= 352):
 *     pack op(B)[pc:pc+KC, jc:jc+NC] into panels of NR columns
 *     for ic0 in M, step MBIG:
 *       pack alpha*op(A)[ic0:ic0+MBIG, pc:pc+KC] into panels of MR rows
 *       for each MC-row block of packed A     (MC x KC block stays in L2)
 *         for jr: NR-column panel of B        (KC x NR <= 22 KB, stays in L1)
 *           for ir: MR-row panel of A
 *             micro-kernel: C[ir:ir+MR, jr:jr+NR] += Apanel * Bpanel
 * </pre>
 *
 * <p><b>Threads.</b> Each thread packs what it multiplies, into its own buffers, and no thread
 * waits for another until the end. Splitting by rows, every thread packs all of op(B); by columns,
 * all of op(A): the split is along the larger of m and n, so the smaller packing is the one done
 * twice. An earlier driver shared the packed panels (threads packed B and A together, then
 * multiplied in tasks, two barriers per k-block) and scaled poorly: each thread read panels
 * another core had just written, and each barrier woke a parked worker.
 *
 * <p>The micro-kernel keeps an MR x NR = 4 x (2 vectors) tile of C in 8 vector registers; per
 * step of k it loads two vectors of B, broadcasts four values of A and issues 8 FMAs. With 256-bit
 * vectors that is 4 x 16 floats. With 512-bit vectors the tile is 8 x 32 ({@code microKernel8}):
 * AVX-512 has 32 vector registers, enough for 16 accumulators without spilling. It beats the
 * 4 x 32 tile most in cache; at 1024 the time that remains goes to the caches (C is read and
 * written once per k-block, B panels stream through L1), not to instruction issue.
 *
 * <p><b>Why 4 x 16, and where the time goes</b> (Zen 3, AVX2; the generated code was read with a
 * disassembler plugin, {@code -XX:CompileCommand=print,...}). The loop is bound by instructions
 * issued, not by the two FMA pipes: a copy of it padded with integer instructions slowed down by
 * exactly the ratio of instruction counts. C2 emits
 * the 14 necessary instructions (2 loads, 4 broadcasts, 8 FMAs) plus 5 for addressing and the loop
 * on JDK 25 (19 in all; 22 on JDK 17), where OpenBLAS's hand-unrolled assembly needs about 14.5.
 * Every way to amortise the overhead over more FMAs made C2 spill accumulators to the stack, which
 * costs far more: 5 x 16 and 6 x 16 tiles (1-4 spills per step on both JDKs), unrolling
 * k by hand (spills on JDK 25, and the loop stopped being a counted loop when its bound was
 * {@code p + 1 < kc}), and {@code -XX:LoopUnrollLimit} (9 spills per 32 FMAs). 4 x 16 is the one
 * spill-free shape on both JDKs.
 *
 * <p><b>What the JIT needs</b> (a kernel that misses one of these runs several times slower):
 * <ul>
 *   <li>The species must be a compile-time constant in the hot loop, or the Vector API falls back
 *       to boxed Java code. Each width has its own tiny {@link Body} subclass whose
 *       {@code species()} returns a {@code static final}; only the width in use is ever loaded, so
 *       class hierarchy analysis inlines the call and the constant flows into the loop.
 *   <li>Accumulators are named locals, never a {@code FloatVector[]}: an array forces the vectors
 *       to be materialised on the heap (the largest loss).
 *   <li>No vector may reach a method of ours that C2 declines to inline (a helper to add a row of
 *       the tile into C was one): C2 then boxes the accumulators on every loop iteration. The
 *       stores are straight-line Vector API calls, which are all
 *       force-inlined.
 *   <li>Array indices are affine in the loop's own counter, so C2 hoists the bounds checks out of
 *       the loop; a second induction variable keeps its bounds checks inside the loop.
 *   <li>The micro-kernel is its own method, compiled on its own; the edge case (a partial tile)
 *       goes through a scratch tile instead of branching inside the loop.
 * </ul>
 *
 * <p>Around the kernel, most of the time is the micro-kernel; the rest is updating C from the
 * scratch tile and packing. Java has no prefetch instruction; the driver touches the next C tile
 * while the current one computes ({@code touch}), which cut the time spent waiting on C. Below 512
 * bits A is packed with gathers ({@code packFullPanelA}): packing A with scalar loads was a large
 * share of the time when m is small (a dense layer's batch of 64). At 512 bits it is the other way
 * round, so the 8-row panels are packed with plain loads. With beta = 0 the first k-block stores
 * its tiles, so C is neither zeroed nor read.
 *
 * <p>The figures behind these choices, and this kernel's speed against OpenBLAS
 * ({@code bench/gemm-table.sh}), are in bench/README.md, "Figures behind the kernel choices".
 *
 * <p><b>Determinism.</b> Each element of C receives its k-blocks in increasing order, each one
 * summed by the same micro-kernel, whatever the number of threads and whichever thread runs the
 * tile, so results are bit-identical across runs and thread counts.
 */
final class VectorGemm implements GemmKernel {
  /**
   * Bytes of L1 a B panel (kc x NR) may fill. k is cut into equal blocks no deeper than this
   * allows (352 at 256 bits): deep blocks amortise each tile's C update and call, and equal ones
   * avoid a shallow remainder (k = 288 is one block, not 256 + 32). The A panel (MR x kc) and C
   * take the rest of the 32 KB L1.
   */
  static final int B_PANEL_BYTES = 22 * 1024;
  /**
   * The same for the 8 x 32 tile at 512 bits: 64 KB, kc <= 512, so a B panel is read from L2
   * rather than L1 but C is read and written half as often (k = 1024: 2 k-blocks instead of 6).
   * It was the fastest of 22, 44 and 64 KB at 1024^3 (bench/README.md).
   */
  static final int B_PANEL_BYTES_512 = 64 * 1024;
  /** Rows of packed A per L2 block (a multiple of MR): MC x KC floats fill a part of L2. */
  static final int MC = 128;
  /** Columns of B packed at once (a multiple of every NR). */
  static final int NC = 4096;
  /**
   * Smallest m*n*k worth splitting across threads (128^3). With the workers awake 64^3 already
   * gains and 32^3 loses; the margin covers the time it takes to wake a parked worker, which a
   * region after a long serial gap pays (bench/README.md).
   */
  static final long PARALLEL_MIN_MACS = 1L << 21;
  /**
   * Blocks of C per thread. More blocks would balance the load when a core is busy elsewhere, but
   * each block packs its own copy of the shared operand, and 1024^3 on 2 threads got slower with
   * 2 and 4 blocks per thread (bench/README.md).
   */
  static final int PARTS_PER_THREAD = 1;
  /** Rows of A packed at once (a multiple of MC); bounds the packed-A workspace. */
  static final int MBIG = 4096;

  private final Body body;

  /** @param bits vector width: 128, 256 or 512 */
  VectorGemm(int bits) {
    body = Kernels.byWidth(bits, Body128::new, Body256::new, Body512::new);
  }

  /** Columns of the register tile: two vectors. */
  int nr() {
    return body.nr();
  }

  /** Rows of the register tile. */
  int mr() {
    return body.mr();
  }

  @Override
  public void gemm(
      boolean transA, boolean transB, int m, int n, int k,
      float alpha, float[] a, int aOff, int lda,
      float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    body.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
  }

  /**
   * Per-thread packing buffers ({@link Scratch}), reused across calls so that a training step does
   * not allocate: at most NC x kc and MBIG x kc floats (8 MB each at 512 bits).
   */
  private static final Scratch.Slot PACKED_B = new Scratch.Slot("VectorGemm packed B");
  private static final Scratch.Slot PACKED_A = new Scratch.Slot("VectorGemm packed A");

  /** The width-independent driver and the micro-kernel, written once against {@link #species()}. */
  abstract static class Body {
    abstract VectorSpecies<Float> species();

    /** Rows of the register tile: 8 at 512 bits, 4 below (see the class comment). */
    abstract int mr();

    final int nr() {
      return 2 * species().length();
    }

    final void gemm(
        boolean transA, boolean transB, int m, int n, int k,
        float alpha, float[] a, int aOff, int lda,
        float[] b, int bOff, int ldb,
        float beta, float[] c, int cOff, int ldc) {
      if (m == 0 || n == 0) return;
      final int threads = Parallel.threads();
      if (threads == 1 || Parallel.inParallelRegion() || (long) m * n * k < PARALLEL_MIN_MACS) {
        serial(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        return;
      }
      // Each thread computes its own block of C with the one-thread algorithm and its own packing
      // buffers. Split along m, every thread packs all of op(B) (k x n); split along n, all of
      // op(A) (m x k): the split duplicates the smaller of the two.
      final boolean byRows = n <= m;
      final int unit = byRows ? mr() : nr();
      final int units = ((byRows ? m : n) + unit - 1) / unit;
      final int parts = Math.min(units, PARTS_PER_THREAD * threads);
      Parallel.forEach(parts, w -> {
        int from = w * units / parts * unit, to = Math.min(byRows ? m : n, (w + 1) * units / parts * unit);
        if (byRows) {
          serial(transA, transB, to - from, n, k, alpha, a, aOff + (transA ? from : from * lda), lda,
              b, bOff, ldb, beta, c, cOff + from * ldc, ldc);
        } else {
          serial(transA, transB, m, to - from, k, alpha, a, aOff, lda,
              b, bOff + (transB ? from * ldb : from), ldb, beta, c, cOff + from, ldc);
        }
      });
    }

    /** The one-thread algorithm (see the class comment). */
    private void serial(
        boolean transA, boolean transB, int m, int n, int k,
        float alpha, float[] a, int aOff, int lda,
        float[] b, int bOff, int ldb,
        float beta, float[] c, int cOff, int ldc) {
      if (k == 0 || alpha == 0f) {
        scaleC(m, n, beta, c, cOff, ldc);
        return;
      }
      // With beta == 0 the first k-block stores its tiles instead of adding them: C is neither
      // zeroed beforehand nor read back (a 1024 x 1024 C is 4 MB of memory traffic saved).
      final boolean overwriteFirst = beta == 0f;
      if (!overwriteFirst) scaleC(m, n, beta, c, cOff, ldc);
      final int nr = nr(), mr = mr();
      // Prefetching C pays only when C does not stay in L2 (more than 64 K floats, 256 KB).
      final boolean prefetchC = (long) m * ldc > (1 << 16);
      // k-blocks depend on k alone, so every element of C sums the same blocks in the same order
      // whichever block of C (and thread) it falls in.
      final int kcLimit = (mr == 8 ? B_PANEL_BYTES_512 : B_PANEL_BYTES) / (4 * nr);
      final int kBlocks = (k + kcLimit - 1) / kcLimit;
      final int kcStep = (k + kBlocks - 1) / kBlocks;
      final int kcMax = Math.min(kcStep, k);
      float[] bp = PACKED_B.floats(roundUp(Math.min(NC, n), nr) * kcMax);
      float[] ap = PACKED_A.floats(roundUp(Math.min(MBIG, m), mr) * kcMax);
      float[] tile = new float[mr * nr + 1];
      int[] colMap = transB ? columnMap(ldb) : null;
      int[] map = gatherMap(lda, transA);
      for (int jc = 0; jc < n; jc += NC) {
        final int nc = Math.min(NC, n - jc);
        final int panelsN = (nc + nr - 1) / nr;
        for (int pc = 0; pc < k; pc += kcStep) {
          final int kc = Math.min(kcStep, k - pc);
          final boolean overwrite = overwriteFirst && pc == 0;
          for (int q = 0; q < panelsN; q++) {
            int cols = Math.min(nr, nc - q * nr);
            if (!transB && cols == nr) {
              packFullRowsB(b, bOff + pc * ldb + jc + q * nr, ldb, kc, bp, q * kc * nr);
            } else if (transB && cols == nr) {
              packFullColumnsB(b, bOff + (jc + q * nr) * ldb + pc, kc, colMap, bp, q * kc * nr);
            } else {
              packB(transB, b, bOff, ldb, pc, kc, jc + q * nr, cols, bp, q * kc * nr, nr);
            }
          }
          for (int ic0 = 0; ic0 < m; ic0 += MBIG) {
            final int mbig = Math.min(MBIG, m - ic0);
            final int panelsM = (mbig + mr - 1) / mr;
            for (int q = 0; q < panelsM; q++) {
              int rows = Math.min(mr, mbig - q * mr);
              if (rows == mr) {
                int src = transA ? aOff + pc * lda + ic0 + q * mr : aOff + (ic0 + q * mr) * lda + pc;
                packFullPanelA(alpha, a, src, transA ? 1 : lda, transA ? lda : 1, kc, map, ap, q * kc * mr);
              } else {
                packA(transA, alpha, a, aOff, lda, ic0 + q * mr, rows, pc, kc, ap, q * kc * mr, mr);
              }
            }
            // MC rows of packed A stay in L2 while every B panel passes through L1 (L2 at 512 bits).
            for (int rFrom = 0; rFrom < mbig; rFrom += MC) {
              final int rTo = Math.min(mbig, rFrom + MC);
              for (int q = 0; q < panelsN; q++) {
                int j = jc + q * nr;
                int ncols = Math.min(nr, nc - q * nr);
                for (int r = rFrom; r < rTo; r += mr) {
                  int nrows = Math.min(mr, rTo - r);
                  int at = cOff + (ic0 + r) * ldc + j;
                  // The tile below this one is touched now, so that it is in cache by the time
                  // its micro-kernel adds into it (see microKernel).
                  if (!prefetchC) {
                    // C fits in cache: nothing to prefetch
                  } else if (r + 2 * mr <= rTo && ncols == nr) {
                    touch(c, at + mr * ldc, ldc, tile);
                  } else if (r + mr >= rTo && q + 1 < panelsN && (q + 2) * nr <= nc
                      && rFrom + mr <= rTo) {
                    touch(c, cOff + (ic0 + rFrom) * ldc + j + nr, ldc, tile); // next panel
                  }
                  if (mr == 8) {
                    microKernel8(kc, ap, (r / mr) * kc * mr, bp, q * kc * nr, tile);
                  } else {
                    microKernel(kc, ap, (r / mr) * kc * mr, bp, q * kc * nr, tile);
                  }
                  storeTile(tile, c, at, ldc, nrows, ncols, overwrite);
                }
              }
            }
          }
        }
      }
    }

    /**
     * Gather offsets for {@link #packFullPanelA}: lane l holds row {@code l % MR} of the panel at
     * k-step {@code l / MR}, so one gather yields {@code L / MR} consecutive k-steps. Row i, step p
     * is at {@code i*lda + p} (A as stored) or {@code p*lda + i} (A transposed).
     */
    private int[] gatherMap(int lda, boolean transA) {
      int[] map = new int[species().length()];
      final int mr = mr();
      for (int l = 0; l < map.length; l++) {
        int i = l % mr, p = l / mr;
        map[l] = transA ? p * lda + i : i * lda + p;
      }
      return map;
    }

    /**
     * packA for a full panel of MR rows, with one gather per L / MR k-steps instead of MR scalar
     * loads and stores per step: for small m (a dense layer's batch of 64) scalar packing took a
     * fifth of the time (below 512 bits; see the 512-bit branch). {@code rowStride} and
     * {@code step} are the distances in {@code a} between consecutive rows and consecutive
     * k-steps: lda and 1 for A as stored, 1 and lda for A transposed.
     */
    private void packFullPanelA(float alpha, float[] a, int src, int rowStride, int step, int kc,
        int[] map, float[] dst, int dOff) {
      final VectorSpecies<Float> s = species();
      final int mr = mr();
      if (mr == 8) {
        // 512 bits: plain loads. Here the gather (its index checks and masks partly in Java on
        // JDK 17) took 10% of a 1024^3 product; the loop below made the product 8% faster on
        // JDK 17 and 4% on JDK 25, and was no slower for any shape measured (128^3, 64 x 128 x
        // 4096, A transposed).
        for (int p = 0; p < kc; p++) {
          int d = dOff + p * mr, from = src + p * step;
          for (int i = 0; i < mr; i++) dst[d + i] = alpha * a[from + i * rowStride];
        }
        return;
      }
      final int stepsPerGather = s.length() / mr;
      int p = 0;
      for (; p + stepsPerGather <= kc; p += stepsPerGather) {
        FloatVector v = FloatVector.fromArray(s, a, src + p * step, map, 0);
        if (alpha != 1f) v = v.mul(alpha);
        v.intoArray(dst, dOff + p * mr);
      }
      for (; p < kc; p++) { // k not a multiple of L / MR: map[i] is row i at step 0
        for (int i = 0; i < mr; i++) dst[dOff + p * mr + i] = alpha * a[src + p * step + map[i]];
      }
    }

    /** Gather offsets for {@link #packFullColumnsB}: lane j reads stored row j of B. */
    private int[] columnMap(int ldb) {
      int[] map = new int[nr()];
      for (int j = 0; j < map.length; j++) map[j] = j * ldb;
      return map;
    }

    /**
     * packB for a transposed B (A * B^T: a dense layer's input gradient, a convolution's weight
     * gradient) and a full panel: element (p, j) of op(B) is stored at row j, column p, so each
     * k-step gathers one float from each of NR rows (two gathers) instead of NR scalar copies.
     */
    private void packFullColumnsB(float[] b, int src, int kc, int[] colMap, float[] dst, int dOff) {
      final VectorSpecies<Float> s = species();
      final int L = s.length();
      for (int p = 0; p < kc; p++) {
        int to = dOff + 2 * L * p;
        FloatVector.fromArray(s, b, src + p, colMap, 0).intoArray(dst, to);
        FloatVector.fromArray(s, b, src + p, colMap, L).intoArray(dst, to + L);
      }
    }

    /** packB for the common case (B not transposed, a full panel): two vector copies per row. */
    private void packFullRowsB(float[] b, int src, int ldb, int kc, float[] dst, int dOff) {
      final VectorSpecies<Float> s = species();
      final int L = s.length();
      for (int p = 0; p < kc; p++) {
        int from = src + p * ldb, to = dOff + 2 * L * p;
        FloatVector.fromArray(s, b, from).intoArray(dst, to);
        FloatVector.fromArray(s, b, from + L).intoArray(dst, to + L);
      }
    }

    /**
     * Java has no prefetch instruction, so the next C tile is prefetched by reading one float of
     * each of its cache lines; the sum goes to the scratch tile's last slot so that the loads are
     * not dead code. They miss while the next micro-kernel's FMAs proceed. Without this, the first
     * C access after the loop waited on an L3 miss in 14% of JFR's samples (1024 x 1024, where C
     * rows are 4 KB apart and C does not fit in L2); with it, in 8%.
     */
    private void touch(float[] c, int at, int ldc, float[] tile) {
      final int L = species().length();
      float sum = 0;
      for (int i = 0, row = at; i < mr(); i++, row += ldc) sum += c[row] + c[row + L];
      tile[tile.length - 1] = sum;
    }

    /**
     * tile[0:MR, 0:NR] = Apanel (MR x kc) * Bpanel (kc x NR), row-major with rows NR apart. The
     * panels are those {@link #packA} and {@link #packB} write. The kernel has few parameters and
     * stores its result in a scratch tile, so that nothing but the loop competes for registers:
     * with the C update folded in (13 parameters), C2 spilled loop values to the stack and to
     * vector registers (24 instructions per step instead of 19-22).
     */
    void microKernel(int kc, float[] ap, int ao, float[] bp, int bo, float[] tile) {
      final VectorSpecies<Float> s = species();
      final int L = s.length();
      final int nr = 2 * L;
      FloatVector c00 = FloatVector.zero(s), c01 = FloatVector.zero(s);
      FloatVector c10 = FloatVector.zero(s), c11 = FloatVector.zero(s);
      FloatVector c20 = FloatVector.zero(s), c21 = FloatVector.zero(s);
      FloatVector c30 = FloatVector.zero(s), c31 = FloatVector.zero(s);
      // The loop variable is A's index itself and B's index is an affine function of it: C2
      // then spends 5 integer instructions per step on addressing instead of 8-12 (counted in the
      // generated code: 19 instructions per 8 FMAs on JDK 25, 22 on JDK 17, against 22 and 26
      // with a separate step counter p).
      final int bPerA = nr / 4; // B floats per A float in one k-step
      final int shift = bo - bPerA * ao;
      final int aEnd = ao + kc * 4;
      for (int i = ao; i < aEnd; i += 4) {
        int bi = bPerA * i + shift;
        FloatVector b0 = FloatVector.fromArray(s, bp, bi);
        FloatVector b1 = FloatVector.fromArray(s, bp, bi + L);
        FloatVector a0 = FloatVector.broadcast(s, ap[i]);
        c00 = a0.fma(b0, c00);
        c01 = a0.fma(b1, c01);
        FloatVector a1 = FloatVector.broadcast(s, ap[i + 1]);
        c10 = a1.fma(b0, c10);
        c11 = a1.fma(b1, c11);
        FloatVector a2 = FloatVector.broadcast(s, ap[i + 2]);
        c20 = a2.fma(b0, c20);
        c21 = a2.fma(b1, c21);
        FloatVector a3 = FloatVector.broadcast(s, ap[i + 3]);
        c30 = a3.fma(b0, c30);
        c31 = a3.fma(b1, c31);
      }
      // Straight-line Vector API calls only (all force-inlined): a call to a helper of ours that
      // C2 declines to inline would force every accumulator to be boxed inside the loop above.
      c00.intoArray(tile, 0);
      c01.intoArray(tile, L);
      c10.intoArray(tile, nr);
      c11.intoArray(tile, nr + L);
      c20.intoArray(tile, 2 * nr);
      c21.intoArray(tile, 2 * nr + L);
      c30.intoArray(tile, 3 * nr);
      c31.intoArray(tile, 3 * nr + L);
    }

    /**
     * {@link #microKernel} with an 8 x NR tile, for 512-bit vectors: AVX-512 has 32 vector
     * registers, so 16 accumulators, two B vectors and a broadcast fit without spilling, and each
     * step issues 16 FMAs for 2 loads, 8 broadcasts and the loop's few integer instructions
     * (faster than the 4 x NR tile in cache; bench/README.md).
     */
    void microKernel8(int kc, float[] ap, int ao, float[] bp, int bo, float[] tile) {
      final VectorSpecies<Float> s = species();
      final int L = s.length();
      final int nr = 2 * L;
      FloatVector c00 = FloatVector.zero(s), c01 = FloatVector.zero(s);
      FloatVector c10 = FloatVector.zero(s), c11 = FloatVector.zero(s);
      FloatVector c20 = FloatVector.zero(s), c21 = FloatVector.zero(s);
      FloatVector c30 = FloatVector.zero(s), c31 = FloatVector.zero(s);
      FloatVector c40 = FloatVector.zero(s), c41 = FloatVector.zero(s);
      FloatVector c50 = FloatVector.zero(s), c51 = FloatVector.zero(s);
      FloatVector c60 = FloatVector.zero(s), c61 = FloatVector.zero(s);
      FloatVector c70 = FloatVector.zero(s), c71 = FloatVector.zero(s);
      final int bPerA = nr / 8; // B floats per A float in one k-step
      final int shift = bo - bPerA * ao;
      final int aEnd = ao + kc * 8;
      for (int i = ao; i < aEnd; i += 8) {
        int bi = bPerA * i + shift;
        FloatVector b0 = FloatVector.fromArray(s, bp, bi);
        FloatVector b1 = FloatVector.fromArray(s, bp, bi + L);
        FloatVector a0 = FloatVector.broadcast(s, ap[i]);
        c00 = a0.fma(b0, c00);
        c01 = a0.fma(b1, c01);
        FloatVector a1 = FloatVector.broadcast(s, ap[i + 1]);
        c10 = a1.fma(b0, c10);
        c11 = a1.fma(b1, c11);
        FloatVector a2 = FloatVector.broadcast(s, ap[i + 2]);
        c20 = a2.fma(b0, c20);
        c21 = a2.fma(b1, c21);
        FloatVector a3 = FloatVector.broadcast(s, ap[i + 3]);
        c30 = a3.fma(b0, c30);
        c31 = a3.fma(b1, c31);
        FloatVector a4 = FloatVector.broadcast(s, ap[i + 4]);
        c40 = a4.fma(b0, c40);
        c41 = a4.fma(b1, c41);
        FloatVector a5 = FloatVector.broadcast(s, ap[i + 5]);
        c50 = a5.fma(b0, c50);
        c51 = a5.fma(b1, c51);
        FloatVector a6 = FloatVector.broadcast(s, ap[i + 6]);
        c60 = a6.fma(b0, c60);
        c61 = a6.fma(b1, c61);
        FloatVector a7 = FloatVector.broadcast(s, ap[i + 7]);
        c70 = a7.fma(b0, c70);
        c71 = a7.fma(b1, c71);
      }
      c00.intoArray(tile, 0);
      c01.intoArray(tile, L);
      c10.intoArray(tile, nr);
      c11.intoArray(tile, nr + L);
      c20.intoArray(tile, 2 * nr);
      c21.intoArray(tile, 2 * nr + L);
      c30.intoArray(tile, 3 * nr);
      c31.intoArray(tile, 3 * nr + L);
      c40.intoArray(tile, 4 * nr);
      c41.intoArray(tile, 4 * nr + L);
      c50.intoArray(tile, 5 * nr);
      c51.intoArray(tile, 5 * nr + L);
      c60.intoArray(tile, 6 * nr);
      c61.intoArray(tile, 6 * nr + L);
      c70.intoArray(tile, 7 * nr);
      c71.intoArray(tile, 7 * nr + L);
    }

    /** C[0:rows, 0:cols] += tile (or {@code =} when {@code overwrite}). */
    private void storeTile(float[] tile, float[] c, int cOff, int ldc, int rows, int cols,
        boolean overwrite) {
      final VectorSpecies<Float> s = species();
      final int L = s.length();
      final int nr = 2 * L;
      if (rows == mr() && cols == nr) {
        for (int i = 0; i < rows; i++) {
          int at = cOff + i * ldc;
          FloatVector lo = FloatVector.fromArray(s, tile, i * nr);
          FloatVector hi = FloatVector.fromArray(s, tile, i * nr + L);
          if (!overwrite) {
            lo = lo.add(FloatVector.fromArray(s, c, at));
            hi = hi.add(FloatVector.fromArray(s, c, at + L));
          }
          lo.intoArray(c, at);
          hi.intoArray(c, at + L);
        }
      } else {
        for (int i = 0; i < rows; i++) {
          for (int j = 0; j < cols; j++) {
            int at = cOff + i * ldc + j;
            c[at] = overwrite ? tile[i * nr + j] : c[at] + tile[i * nr + j];
          }
        }
      }
    }
  }

  /** C = beta * C (beta == 0: C = 0, whatever it held). */
  private static void scaleC(int m, int n, float beta, float[] c, int cOff, int ldc) {
    if (beta == 1f) return;
    for (int i = 0; i < m; i++) {
      int row = cOff + i * ldc;
      if (beta == 0f) {
        Arrays.fill(c, row, row + n, 0f);
      } else {
        for (int j = 0; j < n; j++) c[row + j] *= beta;
      }
    }
  }

  /**
   * Packs op(B)[p0:p0+kc, j0:j0+cols] as one panel: for each p, NR consecutive floats (columns
   * past {@code cols} are zero).
   */
  static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int cols,
      float[] dst, int dOff, int nr) {
    if (!transB) {
      for (int p = 0; p < kc; p++) {
        int d = dOff + p * nr;
        System.arraycopy(b, bOff + (p0 + p) * ldb + j0, dst, d, cols);
        for (int j = cols; j < nr; j++) dst[d + j] = 0f; // a few floats: no Arrays.fill call
      }
    } else {
      if (cols < nr) Arrays.fill(dst, dOff, dOff + kc * nr, 0f);
      for (int j = 0; j < cols; j++) {
        int src = bOff + (j0 + j) * ldb + p0;
        for (int p = 0; p < kc; p++) dst[dOff + p * nr + j] = b[src + p];
      }
    }
  }

  /**
   * Packs alpha * op(A)[i0:i0+rows, p0:p0+kc] as one panel: for each p, mr consecutive floats
   * (rows past {@code rows} are zero). Full panels go through {@code packFullPanelA}.
   */
  static void packA(boolean transA, float alpha, float[] a, int aOff, int lda, int i0, int rows,
      int p0, int kc, float[] dst, int dOff, int mr) {
    if (rows < mr) Arrays.fill(dst, dOff, dOff + kc * mr, 0f);
    if (!transA) {
      int src = aOff + i0 * lda + p0;
      for (int i = 0; i < rows; i++) {
        for (int p = 0; p < kc; p++) dst[dOff + p * mr + i] = alpha * a[src + i * lda + p];
      }
    } else {
      for (int p = 0; p < kc; p++) {
        int src = aOff + (p0 + p) * lda + i0;
        for (int i = 0; i < rows; i++) dst[dOff + p * mr + i] = alpha * a[src + i];
      }
    }
  }

  private static int roundUp(int x, int multiple) {
    return (x + multiple - 1) / multiple * multiple;
  }

  // One subclass per width, each with its species in a static final (see the class comment).

  static final class Body128 extends Body {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_128;

    @Override
    VectorSpecies<Float> species() {
      return S;
    }

    @Override
    int mr() {
      return 4;
    }
  }

  static final class Body256 extends Body {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;

    @Override
    VectorSpecies<Float> species() {
      return S;
    }

    @Override
    int mr() {
      return 4;
    }
  }

  static final class Body512 extends Body {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;

    @Override
    VectorSpecies<Float> species() {
      return S;
    }

    @Override
    int mr() {
      return 8;
    }
  }
}
