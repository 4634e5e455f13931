package dev.cnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.data.ImageFolder.Layout;
import dev.cnn.tensor.Rng;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image folders with their own split ({@code train/} and {@code test/}, as torchvision and Keras
 * lay them out) and without (one folder per class, split by a stratified draw).
 */
class ImageFolderSplitsTest {
  @TempDir Path root;

  /** Writes n PNGs of h x w into dir: gray of value v (plus the index), or colour when rgb. */
  private static void images(Path dir, int n, int h, int w, int v, boolean rgb) throws IOException {
    Files.createDirectories(dir);
    for (int i = 0; i < n; i++) {
      BufferedImage img = new BufferedImage(w, h, rgb ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          if (rgb) img.setRGB(x, y, ((v + i) << 16) | (7 << 8) | 200);
          else img.getRaster().setSample(x, y, 0, v + i);
        }
      }
      assertTrue(ImageIO.write(img, "png", dir.resolve(String.format("img%02d.png", i)).toFile()));
    }
  }

  private static void assertMessage(Exception e, String... parts) {
    for (String p : parts) assertTrue(e.getMessage().contains(p), () -> "message lacks '" + p + "': " + e.getMessage());
  }

  private static float first(Dataset d, int i) {
    float[] x = new float[d.sampleSize()];
    d.read(i, x, 0);
    return x[0];
  }

  @Test
  void trainAndTestFoldersAreTheSplit() throws IOException {
    images(root.resolve("train/cat"), 3, 4, 4, 10, false);
    images(root.resolve("train/dog"), 4, 4, 4, 20, false);
    images(root.resolve("test/cat"), 2, 4, 4, 100, false);
    images(root.resolve("test/dog"), 1, 4, 4, 200, false);
    assertEquals(Layout.TRAIN_TEST, ImageFolder.layout(root));

    ImageFolder.TrainTest s = ImageFolder.builder(root).splits(0.2, new Rng(1));
    assertEquals(Layout.TRAIN_TEST, s.layout());
    assertEquals(7, s.train().size());
    assertEquals(3, s.test().size());
    assertEquals(List.of("cat", "dog"), s.train().classNames());
    assertEquals(List.of("cat", "dog"), s.test().classNames());
    assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1, 1}, s.train().labels());
    assertArrayEquals(new int[] {0, 0, 1}, s.test().labels());
    assertEquals(100 / 255f, first(s.test(), 0), 1e-6, "the test set is test/, not a draw from train/");
    assertArrayEquals(new int[] {1, 4, 4}, s.test().sampleShape());
  }

  @Test
  void aFolderOfClassesIsSplitByAStratifiedDraw() throws IOException {
    images(root.resolve("a"), 10, 3, 3, 10, false);
    images(root.resolve("b"), 5, 3, 3, 50, false);
    assertEquals(Layout.CLASSES, ImageFolder.layout(root));

    ImageFolder.TrainTest s = ImageFolder.builder(root).splits(0.2, new Rng(7));
    assertEquals(Layout.CLASSES, s.layout());
    assertEquals(12, s.train().size());
    assertEquals(3, s.test().size());
    assertEquals(2, java.util.Arrays.stream(s.test().labels()).filter(l -> l == 0).count(), "20% of each class");
    // The same draw as Splits.stratified on the whole folder (what the command line did before).
    ImageFolder all = ImageFolder.builder(root).load();
    Splits.Split expected = Splits.stratified(all.labels(), 0.2, new Rng(7));
    assertArrayEquals(all.subset(expected.validation()).labels(), s.test().labels());
    assertEquals(first(all, expected.validation()[0]), first(s.test(), 0));
    assertThrows(IllegalArgumentException.class, () -> ImageFolder.builder(root).splits(1.0, new Rng(1)));
  }

  @Test
  void classFoldersNamedTrainAndTestAreClassesNotASplit() throws IOException {
    images(root.resolve("train"), 2, 3, 3, 10, false); // image files, not class folders
    images(root.resolve("test"), 2, 3, 3, 20, false);
    assertEquals(Layout.CLASSES, ImageFolder.layout(root));
    assertEquals(List.of("test", "train"), ImageFolder.builder(root).load().classNames());
  }

  @Test
  void loadReadsEveryImageAndLoadTestEveryTestImage() throws IOException {
    images(root.resolve("train/a"), 3, 3, 3, 10, false);
    images(root.resolve("train/b"), 3, 3, 3, 20, false);
    images(root.resolve("test/a"), 2, 3, 3, 30, false);
    images(root.resolve("test/b"), 2, 3, 3, 40, false);

    assertEquals(4, ImageFolder.builder(root).loadTest().size(), "all of test/, nothing split off");
    assertEquals(4, ImageFolder.builder(root.resolve("test")).load().size(), "a test folder given directly");
    assertEquals(4, ImageFolder.builder(root.resolve("test")).loadTest().size(), "a folder of classes: every image");
    IOException e = assertThrows(IOException.class, () -> ImageFolder.builder(root).load());
    assertMessage(e, root.toString(), "train/ and test/", "splits", "loadTest()");
  }

  @Test
  void trainAndTestMustHaveTheSameClasses() throws IOException {
    images(root.resolve("train/a"), 1, 3, 3, 10, false);
    images(root.resolve("train/b"), 1, 3, 3, 10, false);
    images(root.resolve("test/a"), 1, 3, 3, 10, false);
    images(root.resolve("test/c"), 1, 3, 3, 10, false);
    IOException e = assertThrows(IOException.class, () -> ImageFolder.builder(root).splits(0.2, new Rng(1)));
    assertMessage(e, root.toString(), "only in train: [b]", "only in test: [c]");
  }

  @Test
  void grayTrainAndColourTestBothGetThreeChannels() throws IOException {
    images(root.resolve("train/a"), 2, 3, 3, 10, false);
    images(root.resolve("test/a"), 2, 3, 3, 10, true);
    ImageFolder.TrainTest s = ImageFolder.builder(root).splits(0.2, new Rng(1));
    assertArrayEquals(new int[] {3, 3, 3}, s.train().sampleShape());
    assertArrayEquals(new int[] {3, 3, 3}, s.test().sampleShape());
    ImageFolder.TrainTest gray = ImageFolder.builder(root).channels(ImageFolder.Channels.GRAY).splits(0.2, new Rng(1));
    assertArrayEquals(new int[] {1, 3, 3}, gray.test().sampleShape());
  }

  @Test
  void imageSizesMustAgreeUnlessResized() throws IOException {
    images(root.resolve("train/a"), 2, 4, 4, 10, false);
    images(root.resolve("test/a"), 2, 5, 6, 10, false);
    Files.writeString(root.resolve("README.txt"), "ignored");
    Files.createDirectories(root.resolve("val/a"));
    IOException e = assertThrows(IOException.class, () -> ImageFolder.builder(root).splits(0.2, new Rng(1)));
    assertMessage(e, root.resolve("test").toString(), "5 x 6", "4 x 4", "resize");
    ImageFolder.TrainTest s = ImageFolder.builder(root).resize(4, 4).splits(0.2, new Rng(1));
    assertArrayEquals(new int[] {1, 4, 4}, s.test().sampleShape());
  }
}
