package dev.cnn.diagnose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.data.Dataset;
import dev.cnn.data.SyntheticShapes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The content hash, the DCT perceptual hash and its pieces (resize, DCT). */
class ImageHashTest {
  private static final Dataset SHAPES = SyntheticShapes.builder().seed(11).trainSize(400).testSize(8).build().train();

  private static float[] image(Dataset d, int i) {
    float[] x = new float[d.sampleSize()];
    d.read(i, x, 0);
    return x;
  }

  private static long phash(float[] x) {
    return ImageHash.perceptual(x, 1, 28, 28);
  }

  @Test
  void identicalImagesHaveIdenticalHashes() {
    for (int i = 0; i < 20; i++) {
      float[] a = image(SHAPES, i), b = image(SHAPES, i);
      assertEquals(ImageHash.content(a), ImageHash.content(b));
      assertEquals(phash(a), phash(b));
      b[5] += 1f / 255;
      assertNotEquals(ImageHash.content(a), ImageHash.content(b), "one pixel changed");
    }
    assertEquals(ImageHash.content(new float[] {0f, 1f}), ImageHash.content(new float[] {-0f, 1f}), "-0 is 0");
    assertNotEquals(ImageHash.content(new float[] {0f, 1f}), ImageHash.content(new float[] {1f, 0f}), "order counts");
  }

  @Test
  void noisyAndBrightenedCopiesAreWithinTheNearDuplicateDistance() {
    SplittableRandom rng = new SplittableRandom(5);
    int worstNoise = 0, worstBright = 0;
    for (int i = 0; i < SHAPES.size(); i++) {
      float[] x = image(SHAPES, i), noisy = x.clone(), bright = x.clone();
      for (int k = 0; k < x.length; k++) {
        noisy[k] = Math.min(1, Math.max(0, x[k] + (rng.nextInt(5) - 2) / 255f));
        bright[k] = Math.min(1, x[k] + 0.05f);
      }
      long h = phash(x);
      worstNoise = Math.max(worstNoise, ImageHash.hamming(h, phash(noisy)));
      worstBright = Math.max(worstBright, ImageHash.hamming(h, phash(bright)));
    }
    assertTrue(worstNoise <= Duplicates.DEFAULT_MAX_DISTANCE, "+/- 2/255 noise: " + worstNoise + " bits");
    assertTrue(worstBright <= Duplicates.DEFAULT_MAX_DISTANCE, "+0.05 brightness: " + worstBright + " bits");
  }

  @Test
  void brightnessAndContrastWithoutClippingLeaveTheHashAlone() {
    for (int i = 0; i < 20; i++) {
      float[] x = image(SHAPES, i), y = x.clone();
      for (int k = 0; k < x.length; k++) y[k] = 0.5f * x[k] + 0.2f; // stays in [0.2, 0.7]
      assertEquals(phash(x), phash(y), "image " + i);
    }
  }

  @Test
  void imagesOfOtherClassesAreMostlyFar() {
    List<Integer> distances = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      for (int j = i + 1; j < 200; j++) {
        if (SHAPES.label(i) != SHAPES.label(j)) {
          distances.add(ImageHash.hamming(phash(image(SHAPES, i)), phash(image(SHAPES, j))));
        }
      }
    }
    Collections.sort(distances);
    int median = distances.get(distances.size() / 2);
    assertTrue(median > 20, "median distance " + median);
    long close = distances.stream().filter(d -> d <= Duplicates.DEFAULT_MAX_DISTANCE).count();
    assertTrue(close < distances.size() / 1000, close + " of " + distances.size() + " pairs within the distance");
  }

  @Test
  void everyHashHasBit63ClearAndConstantImagesHashToZero() {
    for (int i = 0; i < 50; i++) {
      long h = phash(image(SHAPES, i));
      assertEquals(0, h >>> 63);
      assertEquals(31, Long.bitCount(h), "31 of the 63 coefficients lie above their median");
    }
    float[] grey = new float[3 * 10 * 40];
    java.util.Arrays.fill(grey, 0.37f);
    assertEquals(0, ImageHash.perceptual(grey, 3, 10, 40));
    assertEquals(0, ImageHash.perceptual(new float[28 * 28], 1, 28, 28));
  }

  @Test
  void theDctIsTheTextbookFormula() {
    SplittableRandom rng = new SplittableRandom(2);
    int n = ImageHash.SIZE;
    double[][] s = new double[n][n];
    for (double[] row : s) for (int x = 0; x < n; x++) row[x] = rng.nextDouble();
    double[][] full = ImageHash.dct(s, n), low = ImageHash.dct(s, ImageHash.LOW);
    for (int u = 0; u < n; u++) {
      for (int v = 0; v < n; v++) {
        // F(u, v) = a(u) a(v) sum_y sum_x S(y, x) cos(pi (2y + 1) u / 2N) cos(pi (2x + 1) v / 2N)
        double sum = 0;
        for (int y = 0; y < n; y++) {
          for (int x = 0; x < n; x++) {
            sum += s[y][x] * Math.cos(Math.PI * (2 * y + 1) * u / (2.0 * n))
                * Math.cos(Math.PI * (2 * x + 1) * v / (2.0 * n));
          }
        }
        double direct = Math.sqrt((u == 0 ? 1.0 : 2.0) / n) * Math.sqrt((v == 0 ? 1.0 : 2.0) / n) * sum;
        assertEquals(direct, full[u][v], 1e-10, "F(" + u + ", " + v + ")");
        if (u < ImageHash.LOW && v < ImageHash.LOW) assertEquals(direct, low[u][v], 1e-10);
      }
    }
    double[][] d = ImageHash.cosineMatrix(n);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double dot = 0;
        for (int k = 0; k < n; k++) dot += d[i][k] * d[j][k];
        assertEquals(i == j ? 1 : 0, dot, 1e-12, "D D^T = I");
      }
    }
  }

  @Test
  void resizeRowsAverageTheSourceAndKeepAConstantImageConstant() {
    for (int size : new int[] {1, 7, 28, 32, 33, 100}) {
      double[][] r = ImageHash.resizeMatrix(size);
      assertEquals(ImageHash.SIZE, r.length);
      for (double[] row : r) {
        double sum = 0;
        for (double w : row) {
          assertTrue(w >= 0);
          sum += w;
        }
        assertEquals(1, sum, 1e-12, "size " + size);
      }
    }
    double[][] identity = ImageHash.resizeMatrix(32);
    for (int o = 0; o < 32; o++) assertEquals(1, identity[o][o], 1e-12);
    double[][] halve = ImageHash.resizeMatrix(64);
    assertEquals(0.5, halve[3][6], 1e-12);
    assertEquals(0.5, halve[3][7], 1e-12);
  }

  @Test
  void ofHashesEveryImageAsTheSingleCallsDo() {
    ImageHash.Hashes h = ImageHash.of(SHAPES);
    assertEquals(SHAPES.size(), h.size());
    long[] content = new long[SHAPES.size()], perceptual = new long[SHAPES.size()];
    for (int i = 0; i < SHAPES.size(); i++) {
      content[i] = ImageHash.content(image(SHAPES, i));
      perceptual[i] = phash(image(SHAPES, i));
    }
    assertArrayEquals(content, h.content());
    assertArrayEquals(perceptual, h.perceptual());
  }

  @Test
  void hammingCountsDifferingBits() {
    assertEquals(0, ImageHash.hamming(0x1234L, 0x1234L));
    assertEquals(64, ImageHash.hamming(0L, -1L));
    assertEquals(2, ImageHash.hamming(0b1010L, 0b0110L));
  }

  @Test
  void badShapesAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ImageHash.perceptual(new float[10], 1, 28, 28));
    assertTrue(e.getMessage().contains("10 values") && e.getMessage().contains("784"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ImageHash.perceptual(new float[0], 0, 28, 28));
  }
}
