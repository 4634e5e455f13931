package dev.cnn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.tensor.Rng;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The preview grid: written atomically, decodable, of the documented size, the first column the source. */
class AugmentationPreviewTest {
  @TempDir Path dir;

  private static Dataset images(int n, int c, int h, int w) {
    Rng rng = new Rng(17);
    float[] values = new float[n * c * h * w];
    for (int i = 0; i < values.length; i++) values[i] = (float) (rng.nextDouble() * 1.2 - 0.1); // some outside [0, 1]
    return new ArrayDataset(values, new int[n], new int[] {c, h, w}, List.of("only"));
  }

  @Test
  void gridHasTheDocumentedSizeAndTheOriginalColumnIsTheSource() throws IOException {
    for (int c : new int[] {1, 3}) {
      Dataset data = images(5, c, 28, 20);
      Path png = dir.resolve("sub/preview-" + c + ".png");
      AugmentationPreview.renderPng(data, Augmentation.parse("rotate=15,shift=0.1,hflip,erase=0.5"), 3, 4, 99, png);
      BufferedImage img = ImageIO.read(png.toFile());
      assertNotNull(img, "decodes as an image");
      int s = SampleImage.scale(28, 20);
      assertEquals(4, s); // ceil(96 / 28)
      int g = AugmentationPreview.GAP;
      assertEquals(5 * (20 * s + g) + g, img.getWidth());
      assertEquals(3 * (28 * s + g) + g, img.getHeight());
      float[] x = new float[c * 28 * 20];
      for (int i = 0; i < 3; i++) {
        data.read(i, x, 0);
        for (int r = 0; r < 28 * s; r++) {
          for (int col = 0; col < 20 * s; col++) {
            int p = (r / s) * 20 + col / s;
            int red = SampleImage.toByte(x[p]);
            int green = c == 3 ? SampleImage.toByte(x[28 * 20 + p]) : red;
            int blue = c == 3 ? SampleImage.toByte(x[2 * 28 * 20 + p]) : red;
            int rgb = img.getRGB(g + col, g + i * (28 * s + g) + r) & 0xffffff;
            assertEquals((red << 16) | (green << 8) | blue, rgb, "sample " + i + " at (" + r + ", " + col + ")");
          }
        }
      }
      try (Stream<Path> files = Files.list(png.getParent())) {
        assertEquals(1, files.filter(f -> f.getFileName().toString().contains("preview-" + c)).count(), "no temporary file left");
      }
    }
  }

  @Test
  void variantsDifferFromTheOriginalAndRepeatWithTheSeed() throws IOException {
    Dataset data = images(2, 1, 10, 10);
    Augmentation aug = Augmentation.parse("rotate=90,shift=0.3");
    Path a = dir.resolve("a.png");
    Path b = dir.resolve("b.png");
    AugmentationPreview.renderPng(data, aug, 2, 2, 5, a);
    AugmentationPreview.renderPng(data, aug, 2, 2, 5, b);
    assertTrue(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b)), "same seed, same file");
    BufferedImage img = ImageIO.read(a.toFile());
    int s = SampleImage.scale(10, 10);
    int g = AugmentationPreview.GAP;
    int differ = 0;
    for (int r = 0; r < 10 * s; r++)
      for (int col = 0; col < 10 * s; col++) {
        if (img.getRGB(g + col, g + r) != img.getRGB(g + (10 * s + g) + col, g + r)) differ++;
      }
    assertTrue(differ > 0, "the first variant is augmented");
  }

  @Test
  void badArgumentsNameTheLimit() {
    Dataset data = images(2, 1, 4, 4);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AugmentationPreview.renderPng(data, Augmentation.identity(), 3, 1, 0, dir.resolve("x.png")));
    assertTrue(e.getMessage().contains("samples = 3, expected 1 <= samples <= 2"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> AugmentationPreview.renderPng(data, Augmentation.identity(), 1, -1, 0, dir.resolve("x.png")));
    assertTrue(e.getMessage().contains("variants = -1"), e.getMessage());
  }
}
