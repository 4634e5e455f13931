package dev.cnn.data;

/**
 * How a geometric augmentation fills the pixels it takes from outside the image, with Keras'
 * {@code fill_mode} names and scipy.ndimage's meaning (shown for a row {@code abcd}):
 *
 * <pre>
 *   NEAREST   aaaa|abcd|dddd   the edge pixel repeated (Keras' default)
 *   CONSTANT  kkkk|abcd|kkkk   a constant value k (Keras' cval)
 *   REFLECT   dcba|abcd|dcba   mirrored about the edge, the edge pixel repeated
 *   WRAP      abcd|abcd|abcd   the image repeated periodically
 * </pre>
 *
 * <p>{@code WRAP} has period n, as Keras documents it and as scipy's {@code grid-wrap} does;
 * scipy's own {@code wrap} mode uses period n - 1 for interpolation, which Keras' documentation
 * does not describe, so we do not copy it.
 */
public enum FillMode {
  NEAREST,
  CONSTANT,
  REFLECT,
  WRAP;

  /**
   * Maps an integer index, possibly outside {@code [0, n)}, to the index inside whose value it
   * takes, or to -1 when the value is the constant (CONSTANT mode outside the image).
   */
  int map(int i, int n) {
    if (i >= 0 && i < n) return i;
    switch (this) {
      case NEAREST:
        return i < 0 ? 0 : n - 1;
      case CONSTANT:
        return -1;
      case REFLECT: {
        int k = Math.floorMod(i, 2 * n); // period 2n: abcd dcba abcd ...
        return k < n ? k : 2 * n - 1 - k;
      }
      case WRAP:
        return Math.floorMod(i, n);
      default:
        throw new AssertionError(this);
    }
  }

  /** The mode with this Keras name ({@code nearest}, {@code constant}, {@code reflect}, {@code wrap}). */
  public static FillMode parse(String name) {
    for (FillMode m : values()) {
      if (m.name().equalsIgnoreCase(name.trim())) return m;
    }
    throw new IllegalArgumentException("fill mode '" + name + "' is unknown, expected one of nearest, constant, reflect, wrap");
  }

  /** The Keras name, lower case. */
  public String kerasName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
