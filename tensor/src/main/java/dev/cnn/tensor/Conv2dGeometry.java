package dev.cnn.tensor;

/**
 * Every size of one 2-d convolution, checked for consistency when constructed: the input
 * {@code [N, Cin, H, W]}, the weight {@code [Cout, Cin/G, KH, KW]}, the {@link Conv2dSpec}, and
 * derived from them the output {@code [N, Cout, Hout, Wout]}.
 *
 * <p>The array-level entry points of {@link Convolution} take a geometry, so the checks happen
 * once, here, and the kernels trust it.
 *
 * @param n batch size N
 * @param cIn input channels Cin
 * @param h input height H
 * @param w input width W
 * @param cOut output channels Cout
 * @param kH kernel height KH
 * @param kW kernel width KW
 * @param spec stride, padding, dilation and groups
 */
public record Conv2dGeometry(int n, int cIn, int h, int w, int cOut, int kH, int kW, Conv2dSpec spec) {

  /**
   * @throws IllegalArgumentException when a size is not positive, G does not divide Cin and Cout,
   *     or the output would be smaller than 1 x 1; the message names the input shape, the weight
   *     shape, the spec and the fix
   */
  public Conv2dGeometry {
    if (spec == null) throw new IllegalArgumentException("conv2d: spec is null, expected a Conv2dSpec");
    String op = "conv2d";
    Shapes.checkPositive(op, "batch size N", n);
    Shapes.checkPositive(op, "input channels Cin", cIn);
    Shapes.checkPositive(op, "input height H", h);
    Shapes.checkPositive(op, "input width W", w);
    Shapes.checkPositive(op, "output channels Cout", cOut);
    Shapes.checkPositive(op, "kernel height KH", kH);
    Shapes.checkPositive(op, "kernel width KW", kW);
    int g = spec.groups();
    String weight = "[" + cOut + ", " + (cIn % g == 0 ? String.valueOf(cIn / g) : cIn + "/" + g)
        + ", " + kH + ", " + kW + "]";
    String got = "input " + Shapes.format(n, cIn, h, w) + " and weight " + weight + " (Cin " + cIn
        + ", Cout " + cOut + ", KH " + kH + ", KW " + kW + ") with " + spec;
    if (cIn % g != 0 || cOut % g != 0) {
      throw Shapes.error(op, got,
          "groups " + g + " to divide both Cin " + cIn + " and Cout " + cOut
              + "; choose groups among the common divisors of Cin and Cout");
    }
    int hOut = spec.outputHeight(h, kH), wOut = spec.outputWidth(w, kW);
    if (hOut < 1 || wOut < 1) {
      throw Shapes.error(op, got + " gives an output of " + hOut + " x " + wOut
              + " (Hout = floor((H + 2P - D*(K-1) - 1)/S) + 1)",
          "at least 1 x 1; pad the input, use a smaller kernel or dilation, or a larger image"
              + " (the dilated kernel spans " + ((long) spec.dilationH() * (kH - 1) + 1) + " x "
              + ((long) spec.dilationW() * (kW - 1) + 1) + ", the padded input is "
              + ((long) h + 2L * spec.padH()) + " x " + ((long) w + 2L * spec.padW()) + ")");
    }
    Shapes.size(n, cIn, h, w); // each tensor must fit in one Java array
    Shapes.size(n, cOut, hOut, wOut);
    Shapes.size(cOut, cIn / g, kH, kW);
  }

  /**
   * The geometry of {@code conv2d(x, w)} from the shapes of x {@code [N, Cin, H, W]} and w
   * {@code [Cout, Cin/G, KH, KW]}.
   *
   * @throws IllegalArgumentException naming both shapes and the spec when they do not fit together
   */
  public static Conv2dGeometry of(int[] inputShape, int[] weightShape, Conv2dSpec spec) {
    String op = "conv2d";
    Shapes.requireNonNull(op, "the input shape", inputShape, "an int[4] [N, Cin, H, W]");
    Shapes.requireNonNull(op, "the weight shape", weightShape, "an int[4] [Cout, Cin/groups, KH, KW]");
    Shapes.requireNonNull(op, "spec", spec, "a Conv2dSpec, e.g. Conv2dSpec.DEFAULT");
    if (inputShape.length != 4) {
      throw Shapes.error(op, "input has shape " + Shapes.format(inputShape),
          "rank 4 [N, Cin, H, W]; reshape a single image to [1, C, H, W]");
    }
    if (weightShape.length != 4) {
      throw Shapes.error(op, "weight has shape " + Shapes.format(weightShape),
          "rank 4 [Cout, Cin/groups, KH, KW]");
    }
    int g = spec == null ? 1 : spec.groups();
    if ((long) weightShape[1] * g != inputShape[1]) {
      throw Shapes.error(op, "input " + Shapes.format(inputShape) + " has Cin = " + inputShape[1]
              + " channels but weight " + Shapes.format(weightShape) + " with " + spec
              + " takes Cin/groups * groups = " + weightShape[1] + " * " + g + " = "
              + (long) weightShape[1] * g,
          "weight [Cout, " + (inputShape[1] % g == 0 ? String.valueOf(inputShape[1] / g)
              : "Cin/groups") + ", KH, KW]; make the weight's second dimension Cin/groups");
    }
    return new Conv2dGeometry(inputShape[0], inputShape[1], inputShape[2], inputShape[3],
        weightShape[0], weightShape[2], weightShape[3], spec);
  }

  /** Output height {@code floor((H + 2P - D*(KH-1) - 1)/S) + 1}. */
  public int hOut() {
    return spec.outputHeight(h, kH);
  }

  /** Output width {@code floor((W + 2P - D*(KW-1) - 1)/S) + 1}. */
  public int wOut() {
    return spec.outputWidth(w, kW);
  }

  /** Number of groups G. */
  public int groups() {
    return spec.groups();
  }

  /** Input channels per group, Cin/G. */
  public int cInPerGroup() {
    return cIn / spec.groups();
  }

  /** Output channels per group, Cout/G. */
  public int cOutPerGroup() {
    return cOut / spec.groups();
  }

  /** {@code [N, Cin, H, W]}. */
  public int[] inputShape() {
    return new int[] {n, cIn, h, w};
  }

  /** {@code [Cout, Cin/G, KH, KW]}. */
  public int[] weightShape() {
    return new int[] {cOut, cInPerGroup(), kH, kW};
  }

  /** {@code [N, Cout, Hout, Wout]}. */
  public int[] outputShape() {
    return new int[] {n, cOut, hOut(), wOut()};
  }
}
