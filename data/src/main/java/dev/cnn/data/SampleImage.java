package dev.cnn.data;

import java.awt.image.BufferedImage;

/**
 * A sample's values as a picture a person can look at: the augmentation preview and the
 * diagnosis report's galleries draw images this way.
 *
 * <p>Values map to 8 bits as {@code round(255 * clamp(v, 0, 1))} (the readers scale pixels to
 * [0, 1]; normalised values outside are clipped); one channel is shown grey, three as RGB, any
 * other count by its first channel. Images are upscaled by an integer factor with nearest
 * neighbour, so every source pixel becomes a {@code scale x scale} block and nothing is blurred.
 */
public final class SampleImage {
  /** The upscaled image's longer side is at least this many pixels. */
  public static final int MIN_SIDE = 96;

  private SampleImage() {}

  /** The upscaling factor for images of this size: {@code max(1, ceil(96 / max(h, w)))} (28 x 28 gives 4). */
  public static int scale(int height, int width) {
    int m = Math.max(height, width);
    return Math.max(1, (MIN_SIDE + m - 1) / m);
  }

  /** The 8-bit value of v: {@code round(255 * clamp(v, 0, 1))}; NaN is 0. */
  public static int toByte(float v) {
    if (!(v > 0)) return 0; // also NaN
    if (v >= 1) return 255;
    return Math.round(255 * v);
  }

  /**
   * The picture of one sample of shape {@code [c, h, w]} (values row-major from {@code x[0]}),
   * {@code w * scale} wide and {@code h * scale} high.
   */
  public static BufferedImage of(float[] x, int c, int h, int w, int scale) {
    BufferedImage img = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_INT_RGB);
    draw(img, x, c, h, w, scale, 0, 0);
    return img;
  }

  /** Draws the sample into {@code img} with its top-left corner at {@code (left, top)}. */
  public static void draw(BufferedImage img, float[] x, int c, int h, int w, int scale, int left, int top) {
    if (x.length < c * h * w) {
      throw new IllegalArgumentException("sample image: " + x.length + " values for shape [" + c + ", " + h + ", " + w
          + "]; expected " + c * h * w);
    }
    int plane = h * w;
    for (int r = 0; r < h; r++) {
      for (int col = 0; col < w; col++) {
        int p = r * w + col;
        int red = toByte(x[p]);
        int green = c == 3 ? toByte(x[plane + p]) : red;
        int blue = c == 3 ? toByte(x[2 * plane + p]) : red;
        int rgb = (red << 16) | (green << 8) | blue;
        for (int dy = 0; dy < scale; dy++) {
          for (int dx = 0; dx < scale; dx++) img.setRGB(left + col * scale + dx, top + r * scale + dy, rgb);
        }
      }
    }
  }
}
