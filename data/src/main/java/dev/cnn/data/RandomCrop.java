package dev.cnn.data;

import dev.cnn.tensor.Rng;

/**
 * Pads the sample by p pixels on every side and crops a random H x W window back out, as
 * torchvision's {@code RandomCrop(size, padding=p)}: the window's top-left corner (dy, dx) is
 * uniform over {@code {0, ..., 2p}^2}, and {@code x'[r][c] = padded[r + dy][c + dx] =
 * x[r + dy - p][c + dx - p]}, with indices outside the image mapped by the {@link FillMode}
 * (torchvision's default, zero padding, is CONSTANT with value 0). Values are moved, never
 * interpolated.
 */
public final class RandomCrop implements Augmentation.Step {
  private final int padding;
  private final FillMode fill;
  private final float fillValue;

  /**
   * @param padding pixels added on each side, in [0, 1024]
   * @param fill how the padding is filled
   * @param fillValue the constant for {@link FillMode#CONSTANT}
   */
  public RandomCrop(int padding, FillMode fill, double fillValue) {
    this.padding = (int) ConfigChecks.inClosed("random crop", "padding", padding, 0, 1024, " pixels");
    if (fill == null) throw new IllegalArgumentException("random crop: fill mode is null, expected one of nearest, constant, reflect, wrap");
    if (!Double.isFinite(fillValue)) throw new IllegalArgumentException("random crop: fill value = " + fillValue + ", expected a finite number");
    this.fill = fill;
    this.fillValue = (float) fillValue;
  }

  @Override
  public void apply(float[] x, int offset, int channels, int height, int width, Rng rng) {
    int dy = rng.nextInt(2 * padding + 1) - padding;
    int dx = rng.nextInt(2 * padding + 1) - padding;
    if (dy == 0 && dx == 0) return;
    int plane = height * width;
    int[] rows = new int[height];
    int[] cols = new int[width];
    for (int r = 0; r < height; r++) rows[r] = fill.map(r + dy, height);
    for (int c = 0; c < width; c++) cols[c] = fill.map(c + dx, width);
    float[] src = new float[plane];
    for (int ch = 0; ch < channels; ch++) {
      int base = offset + ch * plane;
      System.arraycopy(x, base, src, 0, plane);
      for (int r = 0; r < height; r++) {
        for (int c = 0; c < width; c++) {
          x[base + r * width + c] = rows[r] < 0 || cols[c] < 0 ? fillValue : src[rows[r] * width + cols[c]];
        }
      }
    }
  }

  @Override
  public String toString() {
    return "crop=" + padding;
  }
}
