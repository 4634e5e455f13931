package dev.cnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.data.ImageFolder.Channels;
import dev.cnn.tensor.Log;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
  @TempDir Path root;

  /** A gray PNG whose pixel (y, x) is {@code values[y][x]}, written through the raster (no colour conversion). */
  private static Path gray(Path file, int[][] values) throws IOException {
    BufferedImage img = new BufferedImage(values[0].length, values.length, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < values.length; y++) {
      for (int x = 0; x < values[0].length; x++) img.getRaster().setSample(x, y, 0, values[y][x]);
    }
    return write(file, img, "png");
  }

  /** An RGB image filled with one colour. */
  private static Path rgb(Path file, int h, int w, int r, int g, int b, String format) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, (r << 16) | (g << 8) | b);
    return write(file, img, format);
  }

  private static Path write(Path file, BufferedImage img, String format) throws IOException {
    Files.createDirectories(file.getParent());
    assertTrue(ImageIO.write(img, format, file.toFile()), "no ImageIO writer for " + format);
    return file;
  }

  private static int[][] fill(int h, int w, int v) {
    int[][] a = new int[h][w];
    for (int[] row : a) java.util.Arrays.fill(row, v);
    return a;
  }

  private static float[] sample(Dataset ds, int i) {
    float[] out = new float[ds.sampleSize()];
    ds.read(i, out, 0);
    return out;
  }

  private static void assertMessage(Exception e, String... parts) {
    for (String p : parts) assertTrue(e.getMessage().contains(p), () -> "message lacks '" + p + "': " + e.getMessage());
  }

  /**
   * ImageFolder.readSample and toSample make a new image into the sample a loaded folder would
   * hold, bit for bit: resized (bilinear, half-pixel centres) and converted to the channels asked
   * for, from a file or from a BufferedImage.
   */
  @Test
  void aSingleImageBecomesTheSampleAFolderWouldHold() throws IOException {
    BufferedImage img = new BufferedImage(13, 9, BufferedImage.TYPE_INT_RGB);
    java.util.Random r = new java.util.Random(5);
    for (int y = 0; y < 9; y++) for (int x = 0; x < 13; x++) img.setRGB(x, y, r.nextInt(1 << 24));
    Path file = write(root.resolve("only/a.png"), img, "png");
    for (ImageFolder.Channels ch : new ImageFolder.Channels[] {ImageFolder.Channels.GRAY, ImageFolder.Channels.RGB}) {
      int c = ch == ImageFolder.Channels.GRAY ? 1 : 3;
      for (int[] size : new int[][] {{9, 13}, {8, 8}, {20, 16}}) {
        Dataset ds = ImageFolder.builder(root).channels(ch).resize(size[0], size[1]).load();
        int[] shape = {c, size[0], size[1]};
        float[] expected = sample(ds, 0);
        assertArrayEquals(expected, ImageFolder.readSample(file, shape), ch + " " + java.util.Arrays.toString(size));
        assertArrayEquals(expected, ImageFolder.toSample(img, shape), ch + " " + java.util.Arrays.toString(size));
      }
    }
    assertMessage(assertThrows(IllegalArgumentException.class, () -> ImageFolder.readSample(file, new int[] {2, 8, 8})),
        "[C, H, W] with C = 1 (gray) or 3 (RGB)", "[2, 8, 8]");
    Path text = Files.writeString(root.resolve("notes.txt"), "not an image");
    assertMessage(assertThrows(IOException.class, () -> ImageFolder.readSample(text, new int[] {1, 8, 8})),
        text.toString(), "not an image format");
  }

  @Test
  void grayImagesGiveOneChannelInSortedOrderWithExactValues() throws IOException {
    gray(root.resolve("b/2.png"), fill(2, 3, 20));
    gray(root.resolve("b/1.png"), new int[][] {{0, 128, 255}, {1, 2, 3}});
    gray(root.resolve("a/x.png"), fill(2, 3, 10));
    Files.createDirectories(root.resolve(".hidden-class"));
    Files.write(root.resolve("a/.DS_Store"), new byte[] {1, 2, 3});
    ImageFolder ds = ImageFolder.builder(root).load();
    assertEquals(List.of("a", "b"), ds.classNames());
    assertArrayEquals(new int[] {1, 2, 3}, ds.sampleShape());
    assertArrayEquals(new int[] {0, 1, 1}, ds.labels());
    assertEquals(List.of(root.resolve("a/x.png"), root.resolve("b/1.png"), root.resolve("b/2.png")),
        List.of(ds.file(0), ds.file(1), ds.file(2)));
    float[] s = sample(ds, 1);
    float[] expected = {0, 128, 255, 1, 2, 3};
    for (int k = 0; k < 6; k++) assertEquals(expected[k] / 255f, s[k], "pixel " + k); // stored values, no gamma change
    assertEquals(0, ds.skipped());
  }

  @Test
  void eachImageNamesItsFileAlsoThroughSubsets() throws IOException {
    Path second = gray(root.resolve("b/2.png"), fill(2, 3, 20));
    Path first = gray(root.resolve("a/x.png"), fill(2, 3, 10));
    ImageFolder ds = ImageFolder.builder(root).load();
    assertEquals(Optional.of(first.toString()), ds.source(0));
    assertEquals(Optional.of(second.toString()), ds.subset(new int[] {1}).source(0));
    assertArrayEquals(new int[] {1, 2, 3}, ds.subset(new int[] {1}).storedShape(0).orElseThrow(), "as stored");
  }

  @Test
  void storedShapesAreTheFilesBeforeResizingAndConversion() throws IOException {
    gray(root.resolve("a/g.png"), fill(2, 3, 20));
    rgb(root.resolve("a/c.png"), 5, 4, 200, 10, 10, "png");
    ImageFolder ds = ImageFolder.builder(root).resize(2, 3).load();
    assertArrayEquals(new int[] {3, 2, 3}, ds.sampleShape());
    assertArrayEquals(new int[] {3, 5, 4}, ds.storedShape(0).orElseThrow(), "c.png: colour, 5 x 4");
    assertArrayEquals(new int[] {1, 2, 3}, ds.storedShape(1).orElseThrow(), "g.png: grey, 2 x 3");
  }

  @Test
  void colourImagesGiveThreePlanes() throws IOException {
    rgb(root.resolve("red/r.png"), 2, 2, 200, 100, 50, "png");
    gray(root.resolve("zgray/g.png"), fill(2, 2, 77));
    ImageFolder ds = ImageFolder.builder(root).load();
    assertArrayEquals(new int[] {3, 2, 2}, ds.sampleShape());
    float[] red = sample(ds, 0);
    assertEquals(200 / 255f, red[0]);
    assertEquals(100 / 255f, red[4]);
    assertEquals(50 / 255f, red[8]);
    float[] g = sample(ds, 1);
    for (float v : g) assertEquals(77 / 255f, v); // gray repeated in R, G and B
  }

  @Test
  void channelsCanBeForced() throws IOException {
    rgb(root.resolve("c/r.png"), 1, 1, 200, 100, 50, "png");
    gray(root.resolve("c/s.png"), fill(1, 1, 90));
    ImageFolder asGray = ImageFolder.builder(root).channels(Channels.GRAY).load();
    assertArrayEquals(new int[] {1, 1, 1}, asGray.sampleShape());
    assertEquals(124 / 255f, sample(asGray, 0)[0]); // round(0.299*200 + 0.587*100 + 0.114*50) = round(124.2)
    assertEquals(90 / 255f, sample(asGray, 1)[0]);

    Files.delete(root.resolve("c/r.png"));
    ImageFolder asRgb = ImageFolder.builder(root).channels(Channels.RGB).load();
    assertArrayEquals(new float[] {90 / 255f, 90 / 255f, 90 / 255f}, sample(asRgb, 0));
  }

  @Test
  void colourImageWithEqualChannelsCountsAsGray() throws IOException {
    rgb(root.resolve("c/r.png"), 2, 2, 60, 60, 60, "png");
    assertArrayEquals(new int[] {1, 2, 2}, ImageFolder.builder(root).load().sampleShape());
  }

  @Test
  void sixteenBitGrayIsRoundedToEightBits() throws IOException {
    BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
    img.getRaster().setSample(0, 0, 0, 65535);
    img.getRaster().setSample(1, 0, 0, 128 * 257);
    write(root.resolve("c/deep.png"), img, "png");
    assertArrayEquals(new float[] {1f, 128 / 255f}, sample(ImageFolder.builder(root).load(), 0));
  }

  @Test
  void pngJpegBmpAndGifAreRead() throws IOException {
    rgb(root.resolve("k/a.png"), 3, 4, 255, 0, 0, "png");
    rgb(root.resolve("k/b.jpg"), 3, 4, 255, 0, 0, "jpeg");
    rgb(root.resolve("k/c.bmp"), 3, 4, 255, 0, 0, "bmp");
    rgb(root.resolve("k/d.gif"), 3, 4, 255, 0, 0, "gif");
    ImageFolder ds = ImageFolder.builder(root).load();
    assertEquals(4, ds.size());
    assertArrayEquals(new int[] {3, 3, 4}, ds.sampleShape());
    for (int i = 0; i < 4; i++) {
      float[] s = sample(ds, i);
      assertEquals(1f, s[0], 0.02, ds.file(i) + " red"); // JPEG is lossy: a small tolerance
      assertEquals(0f, s[12], 0.02, ds.file(i) + " green");
    }
  }

  @Test
  void bilinearResizeUsesHalfPixelCentres() {
    // upsampling 2 -> 4: sx = (x + 0.5) / 2 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1)
    byte[] up = ImageFolder.resizeBilinear(new byte[] {0, (byte) 200}, 1, 1, 2, 1, 4);
    assertArrayEquals(new byte[] {0, 50, (byte) 150, (byte) 200}, up);
    // downsampling 4 -> 2: sx = 0.5 and 2.5, the means of neighbouring pairs
    byte[] down = ImageFolder.resizeBilinear(new byte[] {0, 40, 80, 120}, 1, 1, 4, 1, 2);
    assertArrayEquals(new byte[] {20, 100}, down);
    // the same size is the identity, per plane
    byte[] img = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    assertArrayEquals(img, ImageFolder.resizeBilinear(img, 3, 2, 2, 2, 2));
    // both axes: a 2 x 2 checker to 3 x 3 has its mean in the centre
    byte[] checker = ImageFolder.resizeBilinear(new byte[] {0, (byte) 200, (byte) 200, 0}, 1, 2, 2, 3, 3);
    assertEquals(100, checker[4] & 0xFF);
  }

  @Test
  void mixedSizesAreAnErrorNamingTheFirstDifferentFile() throws IOException {
    gray(root.resolve("a/1.png"), fill(4, 4, 0));
    gray(root.resolve("a/2.png"), fill(4, 4, 0));
    gray(root.resolve("b/1.png"), fill(4, 5, 0));
    gray(root.resolve("b/2.png"), fill(3, 3, 0));
    IOException e = assertThrows(IOException.class, () -> ImageFolder.builder(root).load());
    assertMessage(e, root.resolve("b/1.png").toString(), "4 pixels high and 5 wide", root.resolve("a/1.png").toString(),
        "resize");
    ImageFolder resized = ImageFolder.builder(root).resize(6, 8).load();
    assertArrayEquals(new int[] {1, 6, 8}, resized.sampleShape());
    assertEquals(4, resized.size());
  }

  @Test
  void aNonImageFileFailsWithItsPathOrIsSkippedAndCounted() throws IOException {
    gray(root.resolve("a/1.png"), fill(2, 2, 5));
    Path notes = Files.writeString(root.resolve("a/notes.txt"), "not an image");
    Path broken = root.resolve("b/broken.png");
    byte[] png = Files.readAllBytes(gray(root.resolve("b/ok.png"), fill(2, 2, 9)));
    Files.write(broken, java.util.Arrays.copyOf(png, 30)); // a PNG cut inside its header
    IOException e = assertThrows(IOException.class, () -> ImageFolder.builder(root).load());
    assertMessage(e, notes.toString(), "not an image", "skip");

    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Log.setOutput(new PrintStream(log, true));
    ImageFolder ds;
    try {
      ds = ImageFolder.builder(root).skipUnreadable(true).load();
    } finally {
      Log.setOutput(System.err);
    }
    assertEquals(2, ds.skipped());
    assertEquals(2, ds.size());
    assertEquals(List.of(root.resolve("a/1.png"), root.resolve("b/ok.png")), List.of(ds.file(0), ds.file(1)));
    assertTrue(log.toString().contains("skipped 2 unreadable files"), log.toString());
  }

  @Test
  void emptyClassFolderIsAnErrorNamingIt() throws IOException {
    gray(root.resolve("a/1.png"), fill(2, 2, 5));
    Path empty = Files.createDirectories(root.resolve("b"));
    IOException e = assertThrows(IOException.class, () -> ImageFolder.builder(root).load());
    assertMessage(e, empty.toString(), "holds no image files");

    Files.writeString(empty.resolve("readme.txt"), "text");
    IOException onlyBad = assertThrows(IOException.class, () -> ImageFolder.builder(root).skipUnreadable(true).load());
    assertMessage(onlyBad, empty.toString(), "no readable image");
  }

  @Test
  void missingOrMisshapenRootIsAnErrorNamingIt() throws IOException {
    Path missing = root.resolve("nowhere");
    assertMessage(assertThrows(IOException.class, () -> ImageFolder.builder(missing).load()), missing.toString(),
        "no such directory");
    Path file = Files.writeString(root.resolve("file"), "x");
    assertMessage(assertThrows(IOException.class, () -> ImageFolder.builder(file).load()), file.toString(), "not a directory");
    Path flat = Files.createDirectories(root.resolve("flat"));
    gray(flat.resolve("1.png"), fill(2, 2, 5));
    assertMessage(assertThrows(IOException.class, () -> ImageFolder.builder(flat).load()), flat.toString(), "no class folders");
  }

  @Test
  void badOptionsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> ImageFolder.builder(root).resize(0, 5));
    assertThrows(IllegalArgumentException.class, () -> ImageFolder.builder(root).channels(null));
    assertThrows(IllegalArgumentException.class, () -> ImageFolder.builder(null));
  }
}
