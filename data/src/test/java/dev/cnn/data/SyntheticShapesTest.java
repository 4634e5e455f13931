package dev.cnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.data.SyntheticShapes.Shape;
import dev.cnn.data.SyntheticShapes.ShapesDataset;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class SyntheticShapesTest {
  private static SyntheticShapes.Builder small() {
    return SyntheticShapes.builder().trainSize(400).testSize(160).seed(7);
  }

  private static byte[] bytes(ShapesDataset ds) {
    int n = ds.sampleSize();
    byte[] out = new byte[ds.size() * n];
    for (int i = 0; i < ds.size(); i++) for (int k = 0; k < n; k++) out[i * n + k] = (byte) ds.pixel(i, k);
    return out;
  }

  private static int[] perClass(int[] labels, int k) {
    int[] c = new int[k];
    for (int l : labels) c[l]++;
    return c;
  }

  @Test
  void theSameSeedGivesTheSameImagesAndLabels() {
    ShapesDataset a = small().build().train();
    ShapesDataset b = small().build().train();
    assertArrayEquals(bytes(a), bytes(b));
    assertArrayEquals(a.labels(), b.labels());
    ShapesDataset c = small().seed(8).build().train();
    assertFalse(java.util.Arrays.equals(bytes(a), bytes(c)));
  }

  /**
   * The bytes of a fixed configuration, pinned: StrictMath and integer arithmetic make them the
   * same on every JDK and platform, and a change to the generator shows up here.
   */
  @Test
  void bytesArePinnedAcrossPlatforms() throws Exception {
    ShapesDataset ds = SyntheticShapes.builder().trainSize(64).testSize(0).seed(42).build().train();
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update(bytes(ds));
    for (int l : ds.labels()) md.update((byte) l);
    assertEquals(GOLDEN, HexFormat.of().formatHex(md.digest()));
  }

  private static final String GOLDEN = "f359dc2d480f06aabd7f90f2baf5e150304250253f81137f80f9726a0e0b136d";

  @Test
  void splitsAreIndependentStreams() {
    ShapesDataset test = small().build().test();
    ShapesDataset testOtherTrain = small().trainSize(999).imbalanceRatio(5).labelNoise(0.3).build().test();
    assertArrayEquals(bytes(test), bytes(testOtherTrain));
    assertArrayEquals(test.labels(), testOtherTrain.labels());
    ShapesDataset train = small().build().train();
    ShapesDataset trainOtherTest = small().testSize(3).build().train();
    assertArrayEquals(bytes(train), bytes(trainOtherTest));
    assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOf(bytes(train), 160 * 784), bytes(test)));
  }

  @Test
  void samplesHaveTheConfiguredShapeAndRange() {
    SyntheticShapes s = SyntheticShapes.builder().imageSize(32).trainSize(50).testSize(10).build();
    ShapesDataset train = s.train();
    assertArrayEquals(new int[] {1, 32, 32}, train.sampleShape());
    assertEquals(List.of("circle", "ring", "square", "frame", "triangle", "cross", "bar", "star"), train.classNames());
    float[] buf = new float[32 * 32];
    for (int i = 0; i < train.size(); i++) {
      train.read(i, buf, 0);
      float min = 1, max = 0;
      for (float v : buf) {
        assertTrue(v >= 0 && v <= 1);
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      assertTrue(max - min > 0.3, "sample " + i + " has a visible shape"); // shape at least 0.35 above background
    }
    assertEquals(10, s.test().size());
    assertTrue(s.train() == train, "a split is generated once");
  }

  @Test
  void classCountsAreExact() {
    int[] balanced = perClass(small().trainSize(800).build().train().labels(), 8);
    for (int c : balanced) assertEquals(100, c);

    SyntheticShapes lt = small().trainSize(1000).imbalanceRatio(10).build();
    int[] train = perClass(lt.train().labels(), 8);
    assertArrayEquals(SyntheticShapes.counts(1000, lt.classFractions()), train);
    assertEquals(1000, java.util.Arrays.stream(train).sum());
    assertEquals(10.0, (double) train[0] / train[7], 0.6); // about 242 vs 24
    for (int c = 1; c < 8; c++) assertTrue(train[c] <= train[c - 1]);
    for (int c : perClass(lt.test().labels(), 8)) assertEquals(20, c); // TEST stays balanced

    int[] imbalancedTest = perClass(small().imbalanceRatio(10).imbalancedTest(true).build().test().labels(), 8);
    assertTrue(imbalancedTest[0] > 3 * imbalancedTest[7]);

    SyntheticShapes two = small().shapes(Shape.CIRCLE, Shape.SQUARE).classFractions(3, 1).trainSize(400).build();
    assertArrayEquals(new int[] {300, 100}, perClass(two.train().labels(), 2));
    assertEquals(List.of("circle", "square"), two.train().classNames());
  }

  @Test
  void largestRemainderRounding() {
    assertArrayEquals(new int[] {4, 3, 3}, SyntheticShapes.counts(10, new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}));
    assertArrayEquals(new int[] {0, 1}, SyntheticShapes.counts(1, new double[] {0.4, 0.6}));
  }

  @Test
  void labelNoiseIsRecorded() {
    ShapesDataset train = small().trainSize(2000).labelNoise(0.2).build().train();
    boolean[] flipped = train.flipped();
    int[] truth = train.trueLabels();
    int n = 0;
    for (int i = 0; i < train.size(); i++) {
      assertEquals(flipped[i], train.label(i) != truth[i], "sample " + i);
      if (flipped[i]) n++;
    }
    assertEquals(n, train.flippedCount());
    assertTrue(n > 320 && n < 480, "expected about 400 of 2000 flipped, got " + n); // +-4.5 standard deviations
    // the images follow the true labels: the same as without noise
    ShapesDataset clean = small().trainSize(2000).build().train();
    assertArrayEquals(bytes(clean), bytes(train));
    assertArrayEquals(clean.labels(), truth);
    // TEST is clean
    ShapesDataset test = small().labelNoise(0.5).build().test();
    assertEquals(0, test.flippedCount());
    assertArrayEquals(test.trueLabels(), test.labels());
  }

  @Test
  void pairNoiseFlipsEachClassToItsNeighbourOnly() {
    ShapesDataset train = small().trainSize(2000).labelNoise(0.2, SyntheticShapes.LabelNoise.PAIRS).build().train();
    List<String> names = train.classNames();
    int[] truth = train.trueLabels();
    int n = 0;
    for (int i = 0; i < train.size(); i++) {
      if (!train.flipped()[i]) continue;
      n++;
      SyntheticShapes.Shape was = SyntheticShapes.Shape.valueOf(names.get(truth[i]).toUpperCase(java.util.Locale.ROOT));
      assertEquals(was.neighbour().label(), names.get(train.label(i)), "sample " + i);
    }
    assertTrue(n > 320 && n < 480, "expected about 400 of 2000 flipped, got " + n);
    // Without its neighbour among the shapes, a class goes to the next one.
    SyntheticShapes two = SyntheticShapes.builder().shapes(SyntheticShapes.Shape.CIRCLE, SyntheticShapes.Shape.SQUARE,
        SyntheticShapes.Shape.RING).build();
    assertEquals(2, two.neighbour(0), "circle -> ring");
    assertEquals(2, two.neighbour(1), "square has no frame: the next class, ring");
    assertEquals(0, two.neighbour(2), "ring -> circle");
  }

  /** Coverage summed over pixel centres approximates each shape's area (R = 20, t = 6). */
  @Test
  void rasterisedAreasMatchTheGeometry() {
    double r = 20;
    double t = 6;
    double a = r / Math.sqrt(2); // half side of the square
    double[] expected = {
      Math.PI * r * r,
      Math.PI * (r * r - (r - t) * (r - t)),
      4 * a * a,
      4 * a * a - 4 * (a - t) * (a - t),
      3 * Math.sqrt(3) / 4 * r * r,
      2 * (1.9 * r * t) - t * t,
      1.9 * r * t,
      5 * r * (0.4 * r) * Math.sin(Math.PI / 5),
    };
    for (Shape s : Shape.values()) {
      double sum = 0;
      for (int y = -30; y < 30; y++) {
        for (int x = -30; x < 30; x++) {
          sum += Math.min(1, Math.max(0, 0.5 - s.sd(x + 0.5, y + 0.5, r, t)));
        }
      }
      assertEquals(expected[s.ordinal()], sum, 0.015 * expected[s.ordinal()], s.label());
    }
  }

  @Test
  void signedDistancesAreExactOnSimpleCases() {
    assertEquals(-2, SyntheticShapes.box(0, 0, 2, 3), 1e-12);
    assertEquals(5, SyntheticShapes.box(5, 7, 2, 3), 1e-12); // corner (2, 3) to (5, 7): 3-4-5
    double[] square = {-1, -1, 1, -1, 1, 1, -1, 1};
    assertEquals(-1, SyntheticShapes.polygon(0, 0, square), 1e-12);
    assertEquals(2, SyntheticShapes.polygon(3, 0, square), 1e-12);
    assertEquals(Math.sqrt(2), SyntheticShapes.polygon(2, 2, square), 1e-12);
  }

  @Test
  void badOptionsNameTheOption() {
    List<Supplier<SyntheticShapes.Builder>> bad = List.of(
        () -> SyntheticShapes.builder().imageSize(4),
        () -> SyntheticShapes.builder().trainSize(0),
        () -> SyntheticShapes.builder().testSize(-1),
        () -> SyntheticShapes.builder().shapes(Shape.CIRCLE),
        () -> SyntheticShapes.builder().shapes(Shape.CIRCLE, Shape.CIRCLE),
        () -> SyntheticShapes.builder().shapes(Shape.CIRCLE, null),
        () -> SyntheticShapes.builder().noise(-0.1),
        () -> SyntheticShapes.builder().noise(Double.NaN),
        () -> SyntheticShapes.builder().scale(0.8, 0.5),
        () -> SyntheticShapes.builder().scale(0.1, 0.5),
        () -> SyntheticShapes.builder().labelNoise(1),
        () -> SyntheticShapes.builder().imbalanceRatio(0.5),
        () -> SyntheticShapes.builder().classFractions(1, 2),
        () -> SyntheticShapes.builder().classFractions(1, 1, 1, 1, 1, 1, 1, -1),
        () -> SyntheticShapes.builder().classFractions(0, 0, 0, 0, 0, 0, 0, 0),
        () -> SyntheticShapes.builder().imbalanceRatio(2).classFractions(1, 1, 1, 1, 1, 1, 1, 1),
        () -> SyntheticShapes.builder().imageSize(512).trainSize(10_000));
    for (Supplier<SyntheticShapes.Builder> b : bad) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.get().build());
      assertTrue(e.getMessage().startsWith("SyntheticShapes: "), e.getMessage());
      assertNotEquals(-1, e.getMessage().indexOf("expected"), e.getMessage());
    }
  }
}
