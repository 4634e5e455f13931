package dev.cnn.engine;

import dev.cnn.tensor.Conv2dSpec;
import dev.cnn.tensor.Pool2dSpec;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * Gradient properties (float64 central differences against backward) for convolution, pooling,
 * dropout and batch normalisation, over random shapes and hyperparameters. Tolerances are
 * GradCheck's defaults (1e-6 relative).
 */
class ConvGradientProperties {

  @Property(tries = 80) // Assume rejects about half (kernels that do not fit), leaving about 40 checks
  @Covers(Conv2dOp.class)
  void conv2d(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int groups,
      @ForAll @IntRange(min = 1, max = 2) int cInPerGroup, @ForAll @IntRange(min = 1, max = 2) int cOutPerGroup,
      @ForAll @IntRange(min = 1, max = 5) int kH, @ForAll @IntRange(min = 1, max = 5) int kW,
      @ForAll @IntRange(min = 1, max = 3) int stride, @ForAll @IntRange(min = 0, max = 2) int pad,
      @ForAll @IntRange(min = 1, max = 2) int dilation, @ForAll @IntRange(min = 1, max = 10) int h,
      @ForAll @IntRange(min = 1, max = 10) int w, @ForAll boolean withBias, @ForAll long seed) {
    Conv2dSpec spec = Conv2dSpec.of(stride, pad, dilation, groups);
    Assume.that(spec.outputHeight(h, kH) >= 1 && spec.outputWidth(w, kW) >= 1);
    Rng rng = new Rng(seed);
    int cIn = groups * cInPerGroup, cOut = groups * cOutPerGroup;
    Tensor x = Check.uniform(rng, n, cIn, h, w);
    Tensor weight = Check.uniform(rng, cOut, cInPerGroup, kH, kW);
    if (withBias) {
      Check.gradients(seed, in -> Ops.conv2d(in[0], in[1], in[2], spec), x, weight, Check.uniform(rng, cOut));
    } else {
      Check.gradients(seed, in -> Ops.conv2d(in[0], in[1], null, spec), x, weight);
    }
  }

  /** Stride and padding differ between the axes (the property above draws them equal). */
  @Property(tries = 20)
  @Covers(Conv2dOp.class)
  void conv2dWithUnequalAxes(@ForAll @IntRange(min = 1, max = 3) int kH, @ForAll @IntRange(min = 1, max = 3) int kW,
      @ForAll long seed) {
    Rng rng = new Rng(seed);
    Conv2dSpec spec = Conv2dSpec.builder().stride(1 + rng.nextInt(2), 1 + rng.nextInt(3))
        .pad(rng.nextInt(2), rng.nextInt(3)).dilation(1 + rng.nextInt(2), 1 + rng.nextInt(2)).build();
    Tensor x = Check.uniform(rng, 1, 2, 7, 6);
    Tensor weight = Check.uniform(rng, 3, 2, kH, kW);
    Check.gradients(seed, in -> Ops.conv2d(in[0], in[1], in[2], spec), x, weight, Check.uniform(rng, 3));
  }

  @Property(tries = 50)
  @Covers(MaxPool2dOp.class)
  void maxPool2d(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int c,
      @ForAll @IntRange(min = 1, max = 4) int kernel, @ForAll @IntRange(min = 1, max = 3) int stride,
      @ForAll @IntRange(min = 1, max = 7) int h, @ForAll @IntRange(min = 1, max = 7) int w, @ForAll long seed) {
    Rng rng = new Rng(seed);
    Pool2dSpec spec = Pool2dSpec.of(kernel, stride, rng.nextInt(kernel / 2 + 1)); // pad <= kernel/2
    Assume.that(spec.outputHeight(h) >= 1 && spec.outputWidth(w) >= 1);
    // distinct values, at least 0.05 apart: a finite-difference step cannot move the argmax
    Check.gradients(seed, in -> Ops.maxPool2d(in[0], spec), Check.distinct(rng, n, c, h, w));
  }

  @Property(tries = 40)
  @Covers(AvgPool2dOp.class)
  void avgPool2d(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int c,
      @ForAll @IntRange(min = 1, max = 4) int kH, @ForAll @IntRange(min = 1, max = 4) int kW,
      @ForAll @IntRange(min = 1, max = 3) int stride, @ForAll @IntRange(min = 1, max = 7) int h,
      @ForAll @IntRange(min = 1, max = 7) int w, @ForAll long seed) {
    Rng rng = new Rng(seed);
    Pool2dSpec spec = new Pool2dSpec(kH, kW, stride, stride, rng.nextInt(kH / 2 + 1), rng.nextInt(kW / 2 + 1));
    Assume.that(spec.outputHeight(h) >= 1 && spec.outputWidth(w) >= 1);
    Check.gradients(seed, in -> Ops.avgPool2d(in[0], spec), Check.uniform(rng, n, c, h, w));
  }

  @Property(tries = 30)
  @Covers(GlobalAvgPool2dOp.class)
  void globalAvgPool2d(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int c,
      @ForAll @IntRange(min = 1, max = 5) int h, @ForAll @IntRange(min = 1, max = 5) int w, @ForAll long seed) {
    Check.gradients(seed, in -> Ops.globalAvgPool2d(in[0]), Check.uniform(new Rng(seed), n, c, h, w));
  }

  @Property(tries = 40)
  @Covers(AdaptiveAvgPool2dOp.class)
  void adaptiveAvgPool2d(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int c,
      @ForAll @IntRange(min = 1, max = 7) int h, @ForAll @IntRange(min = 1, max = 7) int w,
      @ForAll @IntRange(min = 1, max = 4) int outH, @ForAll @IntRange(min = 1, max = 4) int outW, @ForAll long seed) {
    Check.gradients(seed, in -> Ops.adaptiveAvgPool2d(in[0], outH, outW), Check.uniform(new Rng(seed), n, c, h, w));
  }

  @Property(tries = 40)
  @Covers(DropoutOp.class)
  void dropout(@ForAll @IntRange(min = 0, max = 4) int rank, @ForAll @DoubleRange(min = 0, max = 0.9) double p,
      @ForAll Mode mode, @ForAll long seed) {
    Rng rng = new Rng(seed);
    long maskSeed = rng.nextLong();
    // a fresh generator on every evaluation: each one draws the same mask
    Check.gradients(seed, in -> Ops.dropout(in[0], p, mode, new Rng(maskSeed)),
        Check.uniform(rng, Check.shape(rng, rank, 4)));
  }

  @Property(tries = 60)
  @Covers(BatchNormOp.class)
  void batchNorm(@ForAll Mode mode, @ForAll boolean fourD, @ForAll @IntRange(min = 1, max = 3) int n,
      @ForAll @IntRange(min = 1, max = 3) int c, @ForAll @IntRange(min = 1, max = 3) int h,
      @ForAll @IntRange(min = 1, max = 3) int w, @ForAll @DoubleRange(min = 0, max = 1) double momentum,
      @ForAll @DoubleRange(min = -5, max = -1) double log10Eps, @ForAll long seed) {
    double eps = Math.pow(10, log10Eps); // 1e-5 (PyTorch's default) to 0.1
    int[] shape = fourD ? new int[] {n, c, h, w} : new int[] {n, c};
    int perChannel = fourD ? n * h * w : n;
    Assume.that(mode == Mode.EVAL || perChannel >= 2); // TRAIN needs two values per channel
    Rng rng = new Rng(seed);
    // distinct values keep every channel's batch variance at least about 0.05^2 / 4 (no blow-up of
    // 1/sqrt(var + eps) between the finite-difference points)
    Tensor x = Check.distinct(rng, shape);
    Tensor gamma = Check.uniform(rng, c), beta = Check.uniform(rng, c);
    Tensor mean = Check.uniform(rng, -0.5, 0.5, c), var = Check.uniform(rng, 0.5, 2, c);
    // fresh running statistics on every evaluation: TRAIN updates them in place
    Check.gradients(seed, in -> Ops.batchNorm(in[0], in[1], in[2], mean.copy(), var.copy(), momentum, eps, mode),
        x, gamma, beta);
  }
}
