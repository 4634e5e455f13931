package dev.cnn.data;

import dev.cnn.tensor.Rng;
import dev.cnn.tensor.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A PNG grid that shows what an augmentation does: one row per sample (the dataset's first
 * {@code samples} samples), the first column the original, then {@code variants} augmented
 * versions.
 *
 * <p>Layout: each cell is the image upscaled by the integer factor
 * {@code scale = max(1, ceil(96 / max(H, W)))} (nearest neighbour, so every source pixel becomes a
 * scale x scale block; 28 x 28 becomes 112 x 112), cells are separated and framed by
 * {@value #GAP}-pixel grey lines, so the PNG is
 * {@code (1 + variants) * (W * scale + GAP) + GAP} wide and {@code samples * (H * scale + GAP) + GAP}
 * high. Values map to 8 bits as {@code round(255 * clamp(v, 0, 1))} (the readers scale pixels to
 * [0, 1]; normalised values outside are clipped); one channel is shown grey, three as RGB, any
 * other count by its first channel. Variant v of sample i uses
 * {@code new Rng(mix(seed, PREVIEW, i, v))}. The file is written to a temporary file beside it,
 * forced to disk and renamed over the target.
 */
public final class AugmentationPreview {
  /** Pixels between cells and around the grid. */
  public static final int GAP = 2;
  private static final int FRAME_RGB = 0x808080;

  private AugmentationPreview() {}

  /** The upscaling factor for images of this size: {@code max(1, ceil(96 / max(h, w)))}. */
  public static int scale(int height, int width) {
    int m = Math.max(height, width);
    return Math.max(1, (96 + m - 1) / m);
  }

  /**
   * Renders the grid and writes it to {@code png}.
   *
   * @param samples rows, in {@code [1, data.size()]}
   * @param variants augmented columns, in [0, 64]
   * @throws UncheckedIOException if the file cannot be written
   */
  public static void renderPng(Dataset data, Augmentation augmentation, int samples, int variants, long seed, Path png) {
    if (samples < 1 || samples > data.size()) {
      throw new IllegalArgumentException("augmentation preview: samples = " + samples + ", expected 1 <= samples <= " + data.size()
          + " (the dataset size)");
    }
    if (variants < 0 || variants > 64) {
      throw new IllegalArgumentException("augmentation preview: variants = " + variants + ", expected a value in [0, 64]");
    }
    int[] chw = Augmentation.chw(data.sampleShape());
    int c = chw[0];
    int h = chw[1];
    int w = chw[2];
    int s = scale(h, w);
    int cols = 1 + variants;
    int cellW = w * s;
    int cellH = h * s;
    BufferedImage img = new BufferedImage(cols * (cellW + GAP) + GAP, samples * (cellH + GAP) + GAP, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) img.setRGB(x, y, FRAME_RGB);
    float[] original = new float[c * h * w];
    float[] work = new float[c * h * w];
    for (int i = 0; i < samples; i++) {
      data.read(i, original, 0);
      int top = GAP + i * (cellH + GAP);
      draw(img, original, c, h, w, s, GAP, top);
      for (int v = 0; v < variants; v++) {
        System.arraycopy(original, 0, work, 0, work.length);
        augmentation.apply(work, 0, c, h, w, new Rng(Seeds.mix(seed, Seeds.PREVIEW, i, v)));
        draw(img, work, c, h, w, s, GAP + (v + 1) * (cellW + GAP), top);
      }
    }
    writeAtomically(img, png);
  }

  /** The 8-bit value of v: {@code round(255 * clamp(v, 0, 1))}. */
  public static int toByte(float v) {
    if (!(v > 0)) return 0; // also NaN
    if (v >= 1) return 255;
    return Math.round(255 * v);
  }

  private static void draw(BufferedImage img, float[] x, int c, int h, int w, int s, int left, int top) {
    int plane = h * w;
    for (int r = 0; r < h; r++) {
      for (int col = 0; col < w; col++) {
        int p = r * w + col;
        int red = toByte(x[p]);
        int green = c == 3 ? toByte(x[plane + p]) : red;
        int blue = c == 3 ? toByte(x[2 * plane + p]) : red;
        int rgb = (red << 16) | (green << 8) | blue;
        for (int dy = 0; dy < s; dy++) {
          for (int dx = 0; dx < s; dx++) img.setRGB(left + col * s + dx, top + r * s + dy, rgb);
        }
      }
    }
  }

  /** Writes the image as a PNG through {@link AtomicFiles} (temporary file, fsync, rename). */
  private static void writeAtomically(BufferedImage img, Path png) {
    try {
      AtomicFiles.writeStream(png, out -> {
        if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer is available in this JVM");
      });
    } catch (IOException e) {
      throw new UncheckedIOException("augmentation preview: cannot write " + png + ": " + e.getMessage(), e);
    }
  }
}
