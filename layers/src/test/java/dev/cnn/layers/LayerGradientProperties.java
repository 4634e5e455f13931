package dev.cnn.layers;

import static dev.cnn.layers.LayerCheck.awayFromZero;
import static dev.cnn.layers.LayerCheck.batch;
import static dev.cnn.layers.LayerCheck.distinct;
import static dev.cnn.layers.LayerCheck.uniform;

import dev.cnn.engine.Mode;
import dev.cnn.tensor.Conv2dSpec;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import java.util.List;
import java.util.function.Supplier;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * Gradient properties (float64 central differences against backward, 1e-6 relative) for every
 * layer type as users build it: gradients with respect to the input and every parameter, over
 * random small shapes and hyperparameters (see {@link LayerCheck}). Each property names the
 * layer types it proves with {@link CoversLayer}.
 */
class LayerGradientProperties {

  @Property(tries = 30)
  @CoversLayer(LayerType.DENSE)
  void dense(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 6) int in,
      @ForAll @IntRange(min = 1, max = 5) int out, @ForAll boolean bias, @ForAll long seed) {
    Rng rng = new Rng(seed);
    LayerCheck.of(() -> Dense.builder(out).in(in).bias(bias).build(), in)
        .input(uniform(rng, -1, 1, n, in)).check(seed);
  }

  @Property(tries = 60) // Assume rejects the kernels that do not fit, about a third
  @CoversLayer(LayerType.CONV2D)
  void conv2d(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 2) int groups,
      @ForAll @IntRange(min = 1, max = 2) int cInPerGroup, @ForAll @IntRange(min = 1, max = 2) int cOutPerGroup,
      @ForAll @IntRange(min = 1, max = 4) int kernel, @ForAll @IntRange(min = 1, max = 2) int stride,
      @ForAll @IntRange(min = -1, max = 2) int pad, @ForAll @IntRange(min = 1, max = 2) int dilation,
      @ForAll @IntRange(min = 1, max = 7) int h, @ForAll @IntRange(min = 1, max = 7) int w,
      @ForAll boolean bias, @ForAll long seed) {
    // pad -1 stands for SAME, which needs stride 1 and an even dilated extent
    Assume.that(pad >= 0 || (stride == 1 && dilation * (kernel - 1) % 2 == 0));
    int p = pad >= 0 ? pad : dilation * (kernel - 1) / 2;
    Conv2dSpec spec = Conv2dSpec.of(stride, p, dilation, groups);
    Assume.that(spec.outputHeight(h, kernel) >= 1 && spec.outputWidth(w, kernel) >= 1);
    int cIn = groups * cInPerGroup, cOut = groups * cOutPerGroup;
    Rng rng = new Rng(seed);
    LayerCheck.of(() -> Conv2d.builder(cIn, cOut).kernel(kernel).stride(stride)
            .padding(pad >= 0 ? Padding.of(pad) : Padding.SAME).dilation(dilation).groups(groups).bias(bias).build(),
        cIn, h, w).input(uniform(rng, -1, 1, n, cIn, h, w)).check(seed);
  }

  @Property(tries = 40)
  @CoversLayer(LayerType.MAX_POOL2D)
  void maxPool2d(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int c,
      @ForAll @IntRange(min = 1, max = 3) int kernel, @ForAll @IntRange(min = 1, max = 3) int stride,
      @ForAll @IntRange(min = 1, max = 6) int h, @ForAll @IntRange(min = 1, max = 6) int w, @ForAll long seed) {
    Rng rng = new Rng(seed);
    int pad = rng.nextInt(kernel / 2 + 1);
    Assume.that(h + 2 * pad >= kernel && w + 2 * pad >= kernel);
    // distinct values at least 0.05 apart: a finite-difference step cannot move a window's maximum
    LayerCheck.of(() -> MaxPool2d.of(kernel, stride, pad), c, h, w).input(distinct(rng, n, c, h, w)).check(seed);
  }

  @Property(tries = 40)
  @CoversLayer(LayerType.AVG_POOL2D)
  void avgPool2d(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int c,
      @ForAll @IntRange(min = 1, max = 3) int kernel, @ForAll @IntRange(min = 1, max = 3) int stride,
      @ForAll @IntRange(min = 1, max = 6) int h, @ForAll @IntRange(min = 1, max = 6) int w, @ForAll long seed) {
    Rng rng = new Rng(seed);
    int pad = rng.nextInt(kernel / 2 + 1);
    Assume.that(h + 2 * pad >= kernel && w + 2 * pad >= kernel);
    LayerCheck.of(() -> AvgPool2d.of(kernel, stride, pad), c, h, w).input(uniform(rng, -1, 1, n, c, h, w)).check(seed);
  }

  @Property(tries = 20)
  @CoversLayer(LayerType.GLOBAL_AVG_POOL2D)
  void globalAvgPool2d(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int c,
      @ForAll @IntRange(min = 1, max = 5) int h, @ForAll @IntRange(min = 1, max = 5) int w, @ForAll long seed) {
    LayerCheck.of(GlobalAvgPool2d::new, c, h, w).input(uniform(new Rng(seed), -1, 1, n, c, h, w)).check(seed);
  }

  @Property(tries = 20)
  @CoversLayer(LayerType.GLOBAL_MAX_POOL2D)
  void globalMaxPool2d(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int c,
      @ForAll @IntRange(min = 1, max = 5) int h, @ForAll @IntRange(min = 1, max = 5) int w, @ForAll long seed) {
    // distinct values: a finite-difference step cannot move a plane's maximum
    LayerCheck.of(GlobalMaxPool2d::new, c, h, w).input(distinct(new Rng(seed), n, c, h, w)).check(seed);
  }

  @Property(tries = 30)
  @CoversLayer(LayerType.ADAPTIVE_AVG_POOL2D)
  void adaptiveAvgPool2d(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int c,
      @ForAll @IntRange(min = 1, max = 7) int h, @ForAll @IntRange(min = 1, max = 7) int w,
      @ForAll @IntRange(min = 1, max = 4) int outH, @ForAll @IntRange(min = 1, max = 4) int outW, @ForAll long seed) {
    LayerCheck.of(() -> AdaptiveAvgPool2d.of(outH, outW), c, h, w).input(uniform(new Rng(seed), -1, 1, n, c, h, w))
        .check(seed);
  }

  @Property(tries = 40) // Assume rejects the kernels that do not fit
  @CoversLayer(LayerType.SEPARABLE_CONV2D)
  void separableConv2d(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int cIn,
      @ForAll @IntRange(min = 1, max = 3) int cOut, @ForAll @IntRange(min = 1, max = 2) int multiplier,
      @ForAll @IntRange(min = 1, max = 3) int kernel, @ForAll @IntRange(min = 1, max = 2) int stride,
      @ForAll @IntRange(min = 0, max = 1) int pad, @ForAll @IntRange(min = 1, max = 2) int dilation,
      @ForAll @IntRange(min = 1, max = 6) int h, @ForAll @IntRange(min = 1, max = 6) int w,
      @ForAll boolean bias, @ForAll long seed) {
    Conv2dSpec spec = Conv2dSpec.of(stride, pad, dilation, cIn);
    Assume.that(spec.outputHeight(h, kernel) >= 1 && spec.outputWidth(w, kernel) >= 1);
    LayerCheck.of(() -> SeparableConv2d.builder(cIn, cOut).kernel(kernel).stride(stride).padding(pad).dilation(dilation)
            .depthMultiplier(multiplier).bias(bias).build(), cIn, h, w)
        .input(uniform(new Rng(seed), -1, 1, n, cIn, h, w)).check(seed);
  }

  @Property(tries = 20)
  @CoversLayer(LayerType.FLATTEN)
  void flatten(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int rank,
      @ForAll long seed) {
    Rng rng = new Rng(seed);
    int[] sample = LayerCheck.shape(rng, rank, 4);
    LayerCheck.of(Flatten::new, sample).input(uniform(rng, -1, 1, batch(n, sample))).check(seed);
  }

  @Property(tries = 30)
  @CoversLayer(LayerType.DROPOUT)
  void dropout(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 3) int rank,
      @ForAll @DoubleRange(min = 0, max = 0.9) double p, @ForAll Mode mode, @ForAll long seed) {
    Rng rng = new Rng(seed);
    int[] sample = LayerCheck.shape(rng, rank, 4);
    LayerCheck.of(() -> new Dropout(p), sample).mode(mode).input(uniform(rng, -1, 1, batch(n, sample))).check(seed);
  }

  @Property(tries = 30)
  @CoversLayer(LayerType.BATCH_NORM1D)
  void batchNorm1d(@ForAll Mode mode, @ForAll @IntRange(min = 1, max = 4) int n,
      @ForAll @IntRange(min = 1, max = 4) int features, @ForAll @DoubleRange(min = 0, max = 1) double momentum,
      @ForAll @DoubleRange(min = -5, max = -1) double log10Eps, @ForAll long seed) {
    Assume.that(mode == Mode.EVAL || n >= 2); // TRAIN needs two values per feature
    Rng rng = new Rng(seed);
    double eps = Math.pow(10, log10Eps);
    // distinct inputs keep each feature's batch variance well above 0 (no blow-up of 1/sqrt(var + eps))
    batchNormCheck(LayerCheck.of(() -> BatchNorm1d.builder(features).momentum(momentum).eps(eps).build(), features),
        rng, features, mode, distinct(rng, n, features)).check(seed);
  }

  @Property(tries = 30)
  @CoversLayer(LayerType.BATCH_NORM2D)
  void batchNorm2d(@ForAll Mode mode, @ForAll @IntRange(min = 1, max = 2) int n,
      @ForAll @IntRange(min = 1, max = 3) int c, @ForAll @IntRange(min = 1, max = 3) int h,
      @ForAll @IntRange(min = 1, max = 3) int w, @ForAll @DoubleRange(min = 0, max = 1) double momentum,
      @ForAll @DoubleRange(min = -5, max = -1) double log10Eps, @ForAll long seed) {
    Assume.that(mode == Mode.EVAL || n * h * w >= 2);
    Rng rng = new Rng(seed);
    double eps = Math.pow(10, log10Eps);
    batchNormCheck(LayerCheck.of(() -> BatchNorm2d.builder(c).momentum(momentum).eps(eps).build(), c, h, w),
        rng, c, mode, distinct(rng, n, c, h, w)).check(seed);
  }

  /** Random gamma, beta and running statistics (the initial 1, 0, 0, 1 would hide scale errors). */
  private static LayerGradCheck batchNormCheck(LayerGradCheck check, Rng rng, int c, Mode mode, Tensor x) {
    return check.mode(mode).input(x).parameter("weight", uniform(rng, 0.5, 1.5, c))
        .parameter("bias", uniform(rng, -1, 1, c)).buffer("running_mean", uniform(rng, -0.5, 0.5, c))
        .buffer("running_var", uniform(rng, 0.5, 2, c));
  }

  @Property(tries = 20)
  @CoversLayer(LayerType.RELU)
  void relu(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int rank,
      @ForAll long seed) {
    Rng rng = new Rng(seed);
    int[] sample = LayerCheck.shape(rng, rank, 4);
    LayerCheck.of(ReLU::new, sample).input(awayFromZero(rng, batch(n, sample))).check(seed);
  }

  @Property(tries = 20)
  @CoversLayer(LayerType.LEAKY_RELU)
  void leakyRelu(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int rank,
      @ForAll @DoubleRange(min = 0, max = 0.5) double slope, @ForAll long seed) {
    Rng rng = new Rng(seed);
    int[] sample = LayerCheck.shape(rng, rank, 4);
    LayerCheck.of(() -> new LeakyReLU(slope), sample).input(awayFromZero(rng, batch(n, sample))).check(seed);
  }

  @Property(tries = 20)
  @CoversLayer(LayerType.ELU)
  void elu(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int rank,
      @ForAll @DoubleRange(min = 0.1, max = 2) double alpha, @ForAll long seed) {
    Rng rng = new Rng(seed);
    int[] sample = LayerCheck.shape(rng, rank, 4);
    LayerCheck.of(() -> new ELU(alpha), sample).input(awayFromZero(rng, batch(n, sample))).check(seed);
  }

  @Property(tries = 40) // about 10 per activation
  @CoversLayer({LayerType.GELU, LayerType.SILU, LayerType.SIGMOID, LayerType.TANH})
  void smoothActivations(@ForAll @IntRange(min = 0, max = 3) int which, @ForAll @IntRange(min = 1, max = 2) int n,
      @ForAll @IntRange(min = 1, max = 3) int rank, @ForAll long seed) {
    Rng rng = new Rng(seed);
    int[] sample = LayerCheck.shape(rng, rank, 4);
    List<Supplier<Layer>> layers = List.of(GELU::new, SiLU::new, Sigmoid::new, Tanh::new);
    LayerCheck.of(layers.get(which), sample).input(uniform(rng, -3, 3, batch(n, sample))).check(seed);
  }

  @Property(tries = 30)
  @CoversLayer(LayerType.SOFTMAX)
  void softmax(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int rank,
      @ForAll boolean negativeAxis, @ForAll long seed) {
    Rng rng = new Rng(seed);
    int[] sample = LayerCheck.shape(rng, rank, 4);
    int axis = 1 + rng.nextInt(rank); // a per-sample axis of the batch
    int a = negativeAxis ? axis - (rank + 1) : axis;
    LayerCheck.of(() -> new Softmax(a), sample).input(uniform(rng, -3, 3, batch(n, sample))).check(seed);
  }

  /** A custom layer (the tests' {@link ChannelScale}) through the same check users get, {@link LayerGradCheck}. */
  @Property(tries = 20)
  @CoversLayer(LayerType.CUSTOM)
  void customLayer(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int rank,
      @ForAll long seed) {
    Rng rng = new Rng(seed);
    int[] sample = LayerCheck.shape(rng, rank, 4);
    double init = rng.nextDouble() * 2 - 1;
    LayerGradCheck.of(() -> new ChannelScale(init), sample).input(uniform(rng, -1, 1, batch(n, sample))).check(seed);
  }
}
