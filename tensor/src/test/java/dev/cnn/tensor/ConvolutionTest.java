package dev.cnn.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Hand-computed cases, the facade, selection, determinism across thread counts, and errors. */
class ConvolutionTest {

  @Test
  void handComputedDiagonalKernel() {
    // x = 1..9 as a 3x3 image, w = [[1, 0], [0, 1]]: y[oh][ow] = x[oh][ow] + x[oh+1][ow+1]
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
    Tensor w = Tensor.of(new float[] {1, 0, 0, 1}, 1, 1, 2, 2);
    Tensor b = Tensor.of(new float[] {0.5f}, 1);
    for (ConvKernel k : new ConvKernel[] {new GemmConv(), new ScalarConv()}) {
      Conv2dGeometry g = Conv2dGeometry.of(x.shape(), w.shape(), Conv2dSpec.DEFAULT);
      float[] y = new float[4];
      k.forward(g, x.floatData(), w.floatData(), b.floatData(), y);
      assertArrayEquals(new float[] {6.5f, 8.5f, 12.5f, 14.5f}, y, k.getClass().getSimpleName());
    }
    Tensor y = Convolution.forward(x, w, null, Conv2dSpec.DEFAULT);
    assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
    assertArrayEquals(new float[] {6, 8, 12, 14}, y.floatData());
    // dy = ones: dx counts how many windows read each pixel through a weight of 1
    Tensor dx = Convolution.backwardInput(Tensor.ones(DType.FLOAT32, 1, 1, 2, 2), w, x.shape(), Conv2dSpec.DEFAULT);
    assertArrayEquals(new float[] {1, 1, 0, 1, 2, 1, 0, 1, 1}, dx.floatData());
    // dw[i][j] = sum of the 2x2 block of x starting at (i, j)
    Tensor dw = Convolution.backwardWeight(x, Tensor.ones(DType.FLOAT32, 1, 1, 2, 2), w.shape(), Conv2dSpec.DEFAULT);
    assertArrayEquals(new float[] {12, 16, 24, 28}, dw.floatData());
    Tensor db = Convolution.backwardBias(Tensor.of(new float[] {1, 2, 3, 4, 10, 20, 30, 40}, 2, 1, 2, 2));
    assertArrayEquals(new float[] {110}, db.floatData());
  }

  @Test
  void paddingStrideAndDilationShapes() {
    // 7x8 input, 3x3 kernel, stride 2, pad 1, dilation 2: Hout = floor((7 + 2 - 4 - 1)/2) + 1 = 3,
    // Wout = floor((8 + 2 - 4 - 1)/2) + 1 = 3
    assertArrayEquals(new int[] {2, 6, 3, 3},
        Convolution.outputShape(new int[] {2, 4, 7, 8}, new int[] {6, 2, 3, 3}, Conv2dSpec.of(2, 1, 2, 2)));
    assertEquals(1, Conv2dSpec.outputSize(1, 1, 3, 0, 1));
    assertEquals(0, Conv2dSpec.outputSize(1, 3, 3, 0, 1)); // floor, not truncation, of -2/3
  }

  @Test
  void selectionFollowsKernelMode() {
    Class<?> expected = Kernels.mode() == KernelMode.SCALAR ? ScalarConv.class : VectorDirectConv.class;
    assertSame(expected, Convolution.kernel().getClass());
  }

  @Test
  void arrayEntryPointsMatchTensorEntryPoints() {
    Rng rng = new Rng(7);
    Conv2dSpec spec = Conv2dSpec.builder().stride(1, 2).pad(1).groups(2).build();
    Tensor x = Tensor.uniform(rng, DType.FLOAT32, -1, 1, 3, 4, 6, 5);
    Tensor w = Tensor.uniform(rng, DType.FLOAT32, -1, 1, 6, 2, 3, 2);
    Tensor b = Tensor.uniform(rng, DType.FLOAT32, -1, 1, 6);
    Conv2dGeometry g = Conv2dGeometry.of(x.shape(), w.shape(), spec);
    Tensor y = Convolution.forward(x, w, b, spec);
    float[] y2 = new float[y.size()];
    Convolution.forward(g, x.floatData(), w.floatData(), b.floatData(), y2);
    assertArrayEquals(y.floatData(), y2);
    Tensor dy = Tensor.uniform(rng, DType.FLOAT32, -1, 1, g.outputShape());
    float[] db = {1, 1, 1, 1, 1, 1};
    Convolution.backwardBias(g, dy.floatData(), db, true);
    float[] db0 = Convolution.backwardBias(dy).floatData();
    for (int i = 0; i < 6; i++) assertEquals(1 + db0[i], db[i], 1e-6);
    double sum0 = 0;
    for (int n = 0; n < 3; n++) for (int p = 0; p < g.hOut() * g.wOut(); p++) sum0 += dy.floatData()[(n * 6) * g.hOut() * g.wOut() + p];
    assertEquals(sum0, db0[0], 1e-5);
  }

  /** Pointwise (1x1, stride 1, no padding), where im2col is a plain copy, against the naive loops. */
  @Test
  void pointwiseMatchesReference() {
    Rng rng = new Rng(11);
    for (int groups : new int[] {1, 3}) {
      Conv2dGeometry g = new Conv2dGeometry(2, 6, 5, 7, 9, 1, 1, Conv2dSpec.of(1, 0, 2, groups));
      float[] x = NaiveConv.uniform(rng, Shapes.size(g.inputShape()));
      float[] w = NaiveConv.uniform(rng, Shapes.size(g.weightShape()));
      float[] dy = NaiveConv.uniform(rng, Shapes.size(g.outputShape()));
      long terms = 32;
      float[] y = new float[dy.length], dx = new float[x.length], dw = new float[w.length];
      new GemmConv().forward(g, x, w, null, y);
      new GemmConv().backwardInput(g, dy, w, dx, false);
      new GemmConv().backwardWeight(g, x, dy, dw, false);
      NaiveConv.assertClose("forward", NaiveConv.forward(g, x, w, null), y, terms);
      NaiveConv.assertClose("input", NaiveConv.backwardInput(g, dy, w), dx, terms);
      NaiveConv.assertClose("weight", NaiveConv.backwardWeight(g, x, dy), dw, terms);
    }
  }

  /**
   * The weight gradient sums over images in fixed chunks, then over chunks in order: bit-identical
   * with 1 and 2 threads, for a batch split in many chunks (parallel over chunks), in a few and in
   * one. Forward and input gradient too. With N=1 the images run one by one, but these GEMMs are
   * far below {@code VectorGemm.PARALLEL_MIN_MACS}, so they run on one thread as well; the GEMM's
   * own parallel path is covered by {@link #bitIdenticalAcrossThreadCountsWithParallelGemm}.
   */
  @Test
  void bitIdenticalAcrossThreadCounts() {
    int saved = Parallel.threads();
    try {
      for (int batch : new int[] {1, 3, 40, 70}) {
        Rng rng = new Rng(batch);
        Conv2dGeometry g = new Conv2dGeometry(batch, 4, 9, 11, 6, 3, 3, Conv2dSpec.of(1, 1, 1, 2));
        float[] x = NaiveConv.uniform(rng, Shapes.size(g.inputShape()));
        float[] w = NaiveConv.uniform(rng, Shapes.size(g.weightShape()));
        float[] dy = NaiveConv.uniform(rng, Shapes.size(g.outputShape()));
        for (ConvKernel k : new ConvKernel[] {new GemmConv(), new ScalarConv()}) {
          Supplier<float[][]> run = () -> {
            float[] y = new float[dy.length], dx = new float[x.length], dw = new float[w.length];
            k.forward(g, x, w, null, y);
            k.backwardInput(g, dy, w, dx, false);
            k.backwardWeight(g, x, dy, dw, false);
            return new float[][] {y, dx, dw};
          };
          Parallel.setThreads(1);
          float[][] one = run.get();
          Parallel.setThreads(2);
          float[][] two = run.get();
          float[][] again = run.get();
          String name = k.getClass().getSimpleName() + " N=" + batch;
          // with N = 40 and 70 in chunks of 3 and 5 images, the chunked sum is still the right sum
          NaiveConv.assertClose(name + " dw", NaiveConv.backwardWeight(g, x, dy), one[2],
              (long) batch * g.hOut() * g.wOut() + 2);
          for (int i = 0; i < 3; i++) {
            assertArrayEquals(one[i], two[i], name + " output " + i + ", 1 vs 2 threads");
            assertArrayEquals(two[i], again[i], name + " output " + i + ", run to run");
          }
        }
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }

  /**
   * One image (fewer images than threads), so the images run one after another and each GEMM
   * may use the threads itself: 32 -> 64 channels, 28x28, 3x3, pad 1 gives per-image GEMMs of
   * 64 x 784 x 288 = 14.5M multiply-adds (forward, input and weight gradient alike), above
   * {@code VectorGemm.PARALLEL_MIN_MACS}. All three results must be bit-identical with 1 and 2
   * threads, and forward must agree with {@link ScalarConv} and the double reference.
   */
  @Test
  void bitIdenticalAcrossThreadCountsWithParallelGemm() {
    Rng rng = new Rng(2024);
    Conv2dGeometry g = new Conv2dGeometry(1, 32, 28, 28, 64, 3, 3, Conv2dSpec.of(1, 1, 1, 1));
    long macs = (long) g.cOutPerGroup() * g.hOut() * g.wOut() * g.cInPerGroup() * g.kH() * g.kW();
    assertTrue(macs >= VectorGemm.PARALLEL_MIN_MACS, "per-image GEMM of " + macs + " multiply-adds");
    float[] x = NaiveConv.uniform(rng, Shapes.size(g.inputShape()));
    float[] w = NaiveConv.uniform(rng, Shapes.size(g.weightShape()));
    float[] b = NaiveConv.uniform(rng, g.cOut());
    float[] dy = NaiveConv.uniform(rng, Shapes.size(g.outputShape()));
    GemmConv k = new GemmConv();
    Supplier<float[][]> run = () -> {
      float[] y = new float[dy.length], dx = new float[x.length], dw = new float[w.length];
      k.forward(g, x, w, b, y);
      k.backwardInput(g, dy, w, dx, false);
      k.backwardWeight(g, x, dy, dw, false);
      return new float[][] {y, dx, dw};
    };
    int saved = Parallel.threads();
    float[][] one, two;
    try {
      Parallel.setThreads(1);
      one = run.get();
      Parallel.setThreads(2);
      two = run.get();
    } finally {
      Parallel.setThreads(saved);
    }
    String[] names = {"forward", "input gradient", "weight gradient"};
    for (int i = 0; i < 3; i++) assertArrayEquals(one[i], two[i], names[i] + ", 1 vs 2 threads");

    // Forward against the direct loops and the double reference: each float result is within
    // terms * 2^-22 * sum|terms| of the exact sum (NaiveConv.assertClose), so two of them are
    // within twice that of each other. terms: Cin * KH * KW products plus the bias.
    long terms = (long) g.cInPerGroup() * g.kH() * g.kW() + 1;
    NaiveConv.Result exact = NaiveConv.forward(g, x, w, b);
    float[] scalar = new float[dy.length];
    new ScalarConv().forward(g, x, w, b, scalar);
    NaiveConv.assertClose("GemmConv forward", exact, two[0], terms);
    NaiveConv.assertClose("ScalarConv forward", exact, scalar, terms);
    for (int i = 0; i < scalar.length; i++) {
      double tol = 2 * terms * 0x1p-22 * exact.absSum()[i];
      assertEquals(scalar[i], two[0][i], tol, "GemmConv vs ScalarConv forward at " + i);
    }
  }

  // ------------------------------------------------------------------ errors

  @Test
  void badSpecValuesAreNamed() {
    assertMessage(() -> Conv2dSpec.of(0, 0, 1, 1), "strideH is 0");
    assertMessage(() -> Conv2dSpec.builder().stride(1, -1).build(), "strideW is -1");
    assertMessage(() -> Conv2dSpec.of(1, -1), "padH is -1");
    assertMessage(() -> Conv2dSpec.builder().pad(0, -2).build(), "padW is -2");
    assertMessage(() -> Conv2dSpec.of(1, 0, 0, 1), "dilationH is 0");
    assertMessage(() -> Conv2dSpec.builder().dilation(1, 0).build(), "dilationW is 0");
    assertMessage(() -> Conv2dSpec.of(1, 0, 1, 0), "groups is 0");
  }

  @Test
  void mismatchedShapesNameTheShapes() {
    Tensor x = Tensor.zeros(2, 4, 5, 5);
    Tensor w = Tensor.zeros(6, 4, 3, 3);
    // channels: weight expects Cin/groups = 3 but x has 4
    assertMessage(() -> Convolution.forward(x, Tensor.zeros(6, 3, 3, 3), null, Conv2dSpec.DEFAULT),
        "[2, 4, 5, 5]", "[6, 3, 3, 3]", "Cin/groups");
    // groups do not divide Cout (6 % 4)
    assertMessage(() -> Convolution.forward(x, Tensor.zeros(6, 1, 3, 3), null, Conv2dSpec.of(1, 0, 1, 4)),
        "groups 4", "Cout 6", "[2, 4, 5, 5]");
    // groups do not divide Cin (4 % 3), weight [6, 1, ...] claims 3 * 1 = 3 channels
    assertMessage(() -> Convolution.forward(x, Tensor.zeros(6, 1, 3, 3), null, Conv2dSpec.of(1, 0, 1, 3)),
        "[2, 4, 5, 5]", "[6, 1, 3, 3]");
    // output smaller than 1x1
    assertMessage(() -> Convolution.forward(x, Tensor.zeros(6, 4, 7, 3), null, Conv2dSpec.DEFAULT),
        "[2, 4, 5, 5]", "[6, 4, 7, 3]", "-1 x 3", "pad the input");
    // ranks
    assertMessage(() -> Convolution.forward(Tensor.zeros(4, 5, 5), w, null, Conv2dSpec.DEFAULT), "[4, 5, 5]", "rank 4");
    // bias
    assertMessage(() -> Convolution.forward(x, w, Tensor.zeros(5), Conv2dSpec.DEFAULT), "bias has shape [5]", "[6]");
    // dtypes
    assertMessage(() -> Convolution.forward(x, Tensor.zeros(DType.FLOAT64, 6, 4, 3, 3), null, Conv2dSpec.DEFAULT),
        "FLOAT32", "FLOAT64");
    // dy of the wrong shape
    assertMessage(() -> Convolution.backwardInput(Tensor.zeros(2, 6, 4, 3), w, x.shape(), Conv2dSpec.DEFAULT),
        "dy has shape [2, 6, 4, 3]", "[2, 6, 3, 3]");
    assertMessage(() -> Convolution.backwardWeight(x, Tensor.zeros(2, 6, 3, 4), w.shape(), Conv2dSpec.DEFAULT),
        "dy has shape [2, 6, 3, 4]", "[2, 6, 3, 3]");
    assertMessage(() -> Convolution.backwardBias(Tensor.zeros(6, 3)), "[6, 3]", "rank 4");
    // arrays of the wrong length, and an output aliasing an input
    Conv2dGeometry g = Conv2dGeometry.of(x.shape(), w.shape(), Conv2dSpec.DEFAULT);
    assertMessage(() -> Convolution.forward(g, new float[199], new float[216], null, new float[108]),
        "x has 199 elements", "[2, 4, 5, 5]");
    assertMessage(() -> Convolution.backwardInput(g, new float[107], new float[216], new float[200], false),
        "dy has 107 elements", "[2, 6, 3, 3]");
    assertMessage(() -> Convolution.backwardWeight(g, new float[200], new float[108], new float[215], false),
        "dw has 215", "[6, 4, 3, 3]");
    Conv2dGeometry g1 = new Conv2dGeometry(1, 2, 3, 3, 2, 1, 1, Conv2dSpec.DEFAULT);
    float[] a = new float[18];
    assertMessage(() -> Convolution.forward(g1, a, new float[4], null, a), "y is the same array");
  }

  private static void assertMessage(Executable call, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), () -> "message '" + e.getMessage() + "' lacks '" + p + "'");
    }
  }
}
