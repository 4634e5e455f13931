package dev.cnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
  private static final List<String> TEN = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

  @TempDir Path dir;

  private static void assertMessage(Exception e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), () -> "message lacks '" + p + "': " + e.getMessage());
    }
  }

  @Test
  void readsRawAndGzipFilesToTheSameDataset() throws IOException {
    byte[] pixels = IdxFiles.pattern(3, 4, 5);
    byte[] images = IdxFiles.images(3, 4, 5, pixels);
    byte[] labels = IdxFiles.labels(7, 0, 9);
    Path rawImages = IdxFiles.write(dir.resolve("raw-images"), images);
    Path rawLabels = IdxFiles.write(dir.resolve("raw-labels"), labels);
    // gzip is detected by its magic bytes, not by the name
    Path gzImages = IdxFiles.write(dir.resolve("gz-images.bin"), IdxFiles.gzip(images));
    Path gzLabels = IdxFiles.write(dir.resolve("gz-labels.gz"), IdxFiles.gzip(labels));
    for (ByteImageDataset ds : List.of(Idx.read(rawImages, rawLabels, TEN), Idx.read(gzImages, gzLabels, TEN))) {
      assertEquals(3, ds.size());
      assertArrayEquals(new int[] {1, 4, 5}, ds.sampleShape());
      assertArrayEquals(new int[] {7, 0, 9}, ds.labels());
      assertEquals(TEN, ds.classNames());
      float[] buf = new float[2 + 20];
      ds.read(1, buf, 2);
      for (int k = 0; k < 20; k++) {
        assertEquals((pixels[20 + k] & 0xFF) / 255f, buf[2 + k], "pixel " + k);
      }
    }
  }

  @Test
  void eachImageNamesItsFileAndRecordAndSubsetsKeepTheOriginalNumber() throws IOException {
    Path images = IdxFiles.write(dir.resolve("t10k-images-idx3-ubyte"), IdxFiles.images(3, 2, 2, IdxFiles.pattern(3, 2, 2)));
    Path labels = IdxFiles.write(dir.resolve("t10k-labels-idx1-ubyte"), IdxFiles.labels(0, 1, 0));
    Dataset d = Idx.read(images, labels, List.of("a", "b"));
    assertEquals(Optional.of("t10k-images-idx3-ubyte #2"), d.source(2));
    Dataset sub = d.subset(new int[] {2, 0});
    assertEquals(Optional.of("t10k-images-idx3-ubyte #2"), sub.source(0), "a subset names the original record");
    assertEquals(Optional.of("t10k-images-idx3-ubyte #0"), sub.source(1));
    assertEquals(Optional.empty(), new ArrayDataset(new float[4], new int[1], new int[] {1, 2, 2},
        List.of("a")).source(0), "data made in memory has no source");
  }

  @Test
  void pixelsCoverTheWholeByteRange() throws IOException {
    byte[] pixels = new byte[256];
    for (int v = 0; v < 256; v++) pixels[v] = (byte) v;
    Path images = IdxFiles.write(dir.resolve("i"), IdxFiles.images(1, 16, 16, pixels));
    Path labels = IdxFiles.write(dir.resolve("l"), IdxFiles.labels(0));
    float[] out = new float[256];
    Idx.read(images, labels, TEN).read(0, out, 0);
    assertEquals(0f, out[0]);
    assertEquals(1f, out[255]);
    assertEquals(128 / 255f, out[128]);
  }

  @Test
  void truncatedGzipNamesTheFile() throws IOException {
    byte[] gz = IdxFiles.gzip(IdxFiles.images(50, 28, 28, IdxFiles.pattern(50, 28, 28)));
    Path file = IdxFiles.write(dir.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(gz, gz.length / 2));
    IOException e = assertThrows(IOException.class, () -> Idx.readImages(file));
    assertMessage(e, file.toString(), "ends early", "download it again");
  }

  @Test
  void gzipCutInsideItsHeaderOrTrailerIsReported() throws IOException {
    byte[] gz = IdxFiles.gzip(IdxFiles.labels(1, 2, 3));
    Path header = IdxFiles.write(dir.resolve("header.gz"), Arrays.copyOf(gz, 5));
    assertMessage(assertThrows(IOException.class, () -> Idx.readLabels(header)), header.toString(), "truncated");
    Path trailer = IdxFiles.write(dir.resolve("trailer.gz"), Arrays.copyOf(gz, gz.length - 4));
    assertMessage(assertThrows(IOException.class, () -> Idx.readLabels(trailer)), trailer.toString());
  }

  @Test
  void corruptGzipChecksumIsReported() throws IOException {
    byte[] gz = IdxFiles.gzip(IdxFiles.labels(1, 2, 3));
    gz[gz.length - 6] ^= 0x55; // inside the CRC-32 of the trailer
    Path file = IdxFiles.write(dir.resolve("labels.gz"), gz);
    IOException e = assertThrows(IOException.class, () -> Idx.readLabels(file));
    assertMessage(e, file.toString(), "corrupt");
  }

  @Test
  void wrongMagicSaysWhatWasFoundAndExpected() throws IOException {
    Path file = IdxFiles.write(dir.resolve("images"), IdxFiles.images(0x00000D03, 1, 2, 2, new byte[16]));
    IOException e = assertThrows(IOException.class, () -> Idx.readImages(file));
    assertMessage(e, file.toString(), "0x00000D03", "0x00000803", "element type 0x0D");

    Path png = IdxFiles.write(dir.resolve("picture"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 0, 0, 0, 0, 0});
    assertMessage(assertThrows(IOException.class, () -> Idx.readImages(png)), png.toString(), "not an IDX file");
  }

  @Test
  void swappedImagesAndLabelsAreRecognised() throws IOException {
    Path images = IdxFiles.write(dir.resolve("images"), IdxFiles.images(2, 2, 2, new byte[8]));
    Path labels = IdxFiles.write(dir.resolve("labels"), IdxFiles.labels(1, 2));
    IOException e = assertThrows(IOException.class, () -> Idx.read(labels, images, TEN));
    assertMessage(e, labels.toString(), "0x00000801", "swapped");
  }

  @Test
  void imageAndLabelCountsMustAgree() throws IOException {
    Path images = IdxFiles.write(dir.resolve("images"), IdxFiles.images(3, 2, 2, new byte[12]));
    Path labels = IdxFiles.write(dir.resolve("labels"), IdxFiles.labels(1, 2));
    IOException e = assertThrows(IOException.class, () -> Idx.read(images, labels, TEN));
    assertMessage(e, labels.toString(), "2 labels", "3 images");
  }

  @Test
  void labelOutsideTheClassRangeIsRefused() throws IOException {
    Path images = IdxFiles.write(dir.resolve("images"), IdxFiles.images(3, 2, 2, new byte[12]));
    Path labels = IdxFiles.write(dir.resolve("labels"), IdxFiles.labels(1, 12, 2));
    IOException e = assertThrows(IOException.class, () -> Idx.read(images, labels, TEN));
    assertMessage(e, labels.toString(), "label 12 of image 1", "[0, 10)");
  }

  @Test
  void zeroImagesIsAnError() throws IOException {
    Path images = IdxFiles.write(dir.resolve("images"), IdxFiles.images(0, 28, 28, new byte[0]));
    assertMessage(assertThrows(IOException.class, () -> Idx.readImages(images)), images.toString(), "0 images");
    Path labels = IdxFiles.write(dir.resolve("labels"), IdxFiles.labels());
    assertMessage(assertThrows(IOException.class, () -> Idx.readLabels(labels)), labels.toString(), "0 labels");
    Path empty = IdxFiles.write(dir.resolve("empty"), new byte[0]);
    assertMessage(assertThrows(IOException.class, () -> Idx.readImages(empty)), empty.toString(), "is empty (0 bytes)");
  }

  @Test
  void zeroSizedImagesAreAnError() throws IOException {
    Path images = IdxFiles.write(dir.resolve("images"), IdxFiles.images(5, 0, 28, new byte[0]));
    assertMessage(assertThrows(IOException.class, () -> Idx.readImages(images)), images.toString(), "0 x 28");
  }

  @Test
  void aHeaderClaimingBillionsOfImagesIsRefusedBeforeAllocating() throws IOException {
    // 2,000,000,000 images of 28 x 28: 1.5 TB, far beyond one array
    Path huge = IdxFiles.write(dir.resolve("huge"), IdxFiles.images(2_000_000_000, 28, 28, new byte[784]));
    assertMessage(assertThrows(IOException.class, () -> Idx.readImages(huge)), huge.toString(), "2000000000 images",
        "more than one Java array");
    // 0xFFFFFFFF of everything: the product overflows a long
    Path max = IdxFiles.write(dir.resolve("max"), IdxFiles.images(-1, -1, -1, new byte[4]));
    assertMessage(assertThrows(IOException.class, () -> Idx.readImages(max)), max.toString(), "4294967295 images");
    // 2,000,000 images of 28 x 28 (1.5 GB, fits an array) in a raw file of 800 bytes
    Path raw = IdxFiles.write(dir.resolve("raw"), IdxFiles.images(2_000_000, 28, 28, new byte[784]));
    assertMessage(assertThrows(IOException.class, () -> Idx.readImages(raw)), raw.toString(), "1568000016 bytes",
        "the file has 800 bytes");
    // the same in gzip: a few hundred bytes cannot decompress to 1.5 GB
    Path gz = IdxFiles.write(dir.resolve("gz"), IdxFiles.gzip(IdxFiles.images(2_000_000, 28, 28, new byte[784])));
    assertMessage(assertThrows(IOException.class, () -> Idx.readImages(gz)), gz.toString(), "decompresses to at most");
    // labels too
    Path labels = IdxFiles.write(dir.resolve("labels"), IdxFiles.labels(Idx.LABELS_MAGIC, 1_500_000_000, new byte[10]));
    assertMessage(assertThrows(IOException.class, () -> Idx.readLabels(labels)), labels.toString(), "1500000000 labels");
  }

  @Test
  void rawFileShorterOrLongerThanItsHeaderSays() throws IOException {
    Path shorter = IdxFiles.write(dir.resolve("short"), IdxFiles.images(3, 2, 2, new byte[10]));
    assertMessage(assertThrows(IOException.class, () -> Idx.readImages(shorter)), shorter.toString(), "truncated");
    Path longer = IdxFiles.write(dir.resolve("long"), IdxFiles.images(3, 2, 2, new byte[14]));
    assertMessage(assertThrows(IOException.class, () -> Idx.readImages(longer)), longer.toString(), "longer than its header");
  }

  @Test
  void gzipWithTrailingDataIsRefused() throws IOException {
    Path file = IdxFiles.write(dir.resolve("l.gz"), IdxFiles.gzip(IdxFiles.labels(Idx.LABELS_MAGIC, 2, new byte[] {1, 2, 3})));
    assertMessage(assertThrows(IOException.class, () -> Idx.readLabels(file)), file.toString(), "more data follows");
  }

  @Test
  void missingFileAndDirectoryAreNamed() throws IOException {
    Path missing = dir.resolve("nope");
    assertMessage(assertThrows(IOException.class, () -> Idx.readImages(missing)), missing.toString(), "no such file");
    Path sub = Files.createDirectory(dir.resolve("sub"));
    assertMessage(assertThrows(IOException.class, () -> Idx.readLabels(sub)), sub.toString(), "directory");
  }
}
