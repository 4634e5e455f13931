package dev.cnn.layers;

import dev.cnn.tensor.Shapes;

/**
 * A convolution's zero padding: a number of pixels on every side, {@link #VALID} (none), or
 * {@link #SAME} (the output is as large as the input; stride 1 only, as in PyTorch, and the
 * dilated kernel extent {@code dilation * (kernel - 1)} must be even, since padding is symmetric).
 */
public record Padding(Kind kind, int size) {
  /** How the padding is chosen. */
  public enum Kind {
    EXPLICIT, SAME, VALID
  }

  /** No padding. */
  public static final Padding VALID = new Padding(Kind.VALID, 0);
  /** Output size equals input size (stride 1). */
  public static final Padding SAME = new Padding(Kind.SAME, 0);

  public Padding {
    if (kind == null) throw new IllegalArgumentException("Padding: kind is null");
    if (size < 0) throw new IllegalArgumentException("Padding: size = " + size + "; expected >= 0 pixels");
  }

  /** {@code pixels} of zeros on every side. */
  public static Padding of(int pixels) {
    return new Padding(Kind.EXPLICIT, pixels);
  }

  /**
   * The pixels on each side along one axis, for a kernel of this size, stride and dilation.
   *
   * @param layer names the layer in the error
   * @throws IllegalArgumentException for SAME with a stride above 1 or an odd dilated extent
   */
  public int resolve(String layer, int kernel, int stride, int dilation) {
    switch (kind) {
      case EXPLICIT:
        return size;
      case VALID:
        return 0;
      default:
        int extent = dilation * (kernel - 1);
        if (stride != 1 || extent % 2 != 0) {
          throw Shapes.error(layer, "padding SAME with kernel " + kernel + ", stride " + stride + ", dilation "
              + dilation, "stride 1 and an even dilation * (kernel - 1) (an odd kernel), or an explicit padding");
        }
        return extent / 2;
    }
  }

  /** {@code "same"}, {@code "valid"} or the number, as saved in architecture files. */
  public String label() {
    return kind == Kind.EXPLICIT ? Integer.toString(size) : kind.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The padding a {@link #label()} names. */
  public static Padding parse(String label) {
    if ("same".equalsIgnoreCase(label)) return SAME;
    if ("valid".equalsIgnoreCase(label)) return VALID;
    try {
      return of(Integer.parseInt(label.trim()));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("padding '" + label + "' is not 'same', 'valid' or a number of pixels >= 0");
    }
  }
}
