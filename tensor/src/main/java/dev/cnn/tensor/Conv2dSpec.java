package dev.cnn.tensor;

/**
 * The hyperparameters of a 2-d convolution: stride S, zero padding P and dilation D, each per
 * axis (height, width), and the number of groups G. Validated when constructed; every error names
 * the bad value.
 *
 * <p>With input size H, kernel size K, the output size along one axis is
 * <pre>
 *   Hout = floor((H + 2P - D*(K-1) - 1) / S) + 1
 * </pre>
 * (PyTorch's formula without ceil mode). The kernel covers {@code D*(K-1) + 1} input positions,
 * its taps D apart; output position {@code o} reads input rows {@code o*S - P + i*D} for
 * {@code i} in [0, K), where rows outside [0, H) are zeros.
 *
 * <p>Groups split the channels: input channels {@code [g*Cin/G, (g+1)*Cin/G)} feed only output
 * channels {@code [g*Cout/G, (g+1)*Cout/G)}; G must divide both Cin and Cout (checked against the
 * tensors by {@link Conv2dGeometry}). G = Cin = Cout is a depthwise convolution.
 *
 * <pre>
 *   Conv2dSpec.of(2, 1, 1, 1)                                  // stride 2, pad 1
 *   Conv2dSpec.builder().stride(1, 2).pad(0, 1).groups(4).build()
 * </pre>
 *
 * @param strideH vertical stride, >= 1
 * @param strideW horizontal stride, >= 1
 * @param padH zero rows added above and below, >= 0
 * @param padW zero columns added left and right, >= 0
 * @param dilationH distance between vertical kernel taps, >= 1 (1: a plain convolution)
 * @param dilationW distance between horizontal kernel taps, >= 1
 * @param groups number of channel groups, >= 1
 */
public record Conv2dSpec(
    int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {

  /** Stride 1, no padding, no dilation, one group. */
  public static final Conv2dSpec DEFAULT = new Conv2dSpec(1, 1, 0, 0, 1, 1, 1);

  /**
   * Validates every value.
   *
   * @throws IllegalArgumentException naming the value that is out of range and its valid range
   */
  public Conv2dSpec {
    Shapes.checkPositive("conv2d spec", "strideH", strideH);
    Shapes.checkPositive("conv2d spec", "strideW", strideW);
    Shapes.checkNonNegative("conv2d spec", "padH", padH);
    Shapes.checkNonNegative("conv2d spec", "padW", padW);
    Shapes.checkPositive("conv2d spec", "dilationH", dilationH);
    Shapes.checkPositive("conv2d spec", "dilationW", dilationW);
    Shapes.checkPositive("conv2d spec", "groups", groups);
  }

  /** The same stride, padding and dilation on both axes. */
  public static Conv2dSpec of(int stride, int pad, int dilation, int groups) {
    return new Conv2dSpec(stride, stride, pad, pad, dilation, dilation, groups);
  }

  /** The same stride and padding on both axes; no dilation, one group. */
  public static Conv2dSpec of(int stride, int pad) {
    return of(stride, pad, 1, 1);
  }

  /** A builder starting from {@link #DEFAULT}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Output size along one axis, {@code floor((in + 2*pad - dilation*(k-1) - 1) / stride) + 1};
   * less than 1 when the dilated kernel does not fit in the padded input (not an error here).
   */
  public static int outputSize(int in, int k, int stride, int pad, int dilation) {
    long span = (long) dilation * (k - 1) + 1; // input positions the dilated kernel covers
    long out = Math.floorDiv((long) in + 2L * pad - span, stride) + 1;
    if (out > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("conv2d: input size " + in + " with padding " + pad
          + ", kernel " + k + ", stride " + stride + " and dilation " + dilation
          + " gives an output size of " + out + ", more than an array can hold; use a smaller padding");
    }
    return (int) out;
  }

  /** Output height for input height {@code h} and kernel height {@code kH}. */
  public int outputHeight(int h, int kH) {
    return outputSize(h, kH, strideH, padH, dilationH);
  }

  /** Output width for input width {@code w} and kernel width {@code kW}. */
  public int outputWidth(int w, int kW) {
    return outputSize(w, kW, strideW, padW, dilationW);
  }

  /** Builds a {@link Conv2dSpec}; every setter has a one-value form (both axes) and a two-value one. */
  public static final class Builder {
    private int strideH = 1, strideW = 1, padH, padW, dilationH = 1, dilationW = 1, groups = 1;

    private Builder() {}

    /** Stride {@code s} on both axes. */
    public Builder stride(int s) {
      return stride(s, s);
    }

    /** Stride {@code h} vertically, {@code w} horizontally. */
    public Builder stride(int h, int w) {
      strideH = h;
      strideW = w;
      return this;
    }

    /** Zero padding {@code p} on both axes. */
    public Builder pad(int p) {
      return pad(p, p);
    }

    /** Zero padding {@code h} rows above and below, {@code w} columns left and right. */
    public Builder pad(int h, int w) {
      padH = h;
      padW = w;
      return this;
    }

    /** Dilation {@code d} on both axes. */
    public Builder dilation(int d) {
      return dilation(d, d);
    }

    /** Dilation {@code h} vertically, {@code w} horizontally. */
    public Builder dilation(int h, int w) {
      dilationH = h;
      dilationW = w;
      return this;
    }

    /** Number of channel groups {@code g}. */
    public Builder groups(int g) {
      groups = g;
      return this;
    }

    /** @throws IllegalArgumentException naming the value that is out of range */
    public Conv2dSpec build() {
      return new Conv2dSpec(strideH, strideW, padH, padW, dilationH, dilationW, groups);
    }
  }
}
