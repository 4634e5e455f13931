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
 * <p>Layout: each cell is the image upscaled by {@link SampleImage#scale} (28 x 28 becomes
 * 112 x 112; values to pixels as {@link SampleImage} says), cells are separated and framed by
 * {@value #GAP}-pixel grey lines, so the grid is
 * {@code (1 + variants) * (W * scale + GAP) + GAP} wide and {@code samples * (H * scale + GAP) + GAP}
 * high. Variant v of sample i uses {@code new Rng(mix(seed, PREVIEW, i, v))}. The file is written
 * to a temporary file beside it, forced to disk and renamed over the target.
 */
public final class AugmentationPreview {
  /** Pixels between cells and around the grid. */
  public static final int GAP = 2;
  private static final int FRAME_RGB = 0x808080;

  private AugmentationPreview() {}

  /**
   * Renders the grid and writes it to {@code png}.
   *
   * @param samples rows, in {@code [1, data.size()]}
   * @param variants augmented columns, in [0, 64]
   * @throws UncheckedIOException if the file cannot be written
   */
  public static void renderPng(Dataset data, Augmentation augmentation, int samples, int variants, long seed, Path png) {
    writeAtomically(render(data, augmentation, samples, variants, seed), png);
  }

  /**
   * The grid as an image: rows are the dataset's first {@code samples} samples, the first column
   * the original, then {@code variants} augmented versions.
   *
   * @param samples rows, in {@code [1, data.size()]}
   * @param variants augmented columns, in [0, 64]
   */
  public static BufferedImage render(Dataset data, Augmentation augmentation, int samples, int variants, long seed) {
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
    int s = SampleImage.scale(h, w);
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
      SampleImage.draw(img, original, c, h, w, s, GAP, top);
      for (int v = 0; v < variants; v++) {
        System.arraycopy(original, 0, work, 0, work.length);
        augmentation.apply(work, 0, c, h, w, new Rng(Seeds.mix(seed, Seeds.PREVIEW, i, v)));
        SampleImage.draw(img, work, c, h, w, s, GAP + (v + 1) * (cellW + GAP), top);
      }
    }
    return img;
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
