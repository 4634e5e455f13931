package dev.cnn.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.data.ArrayDataset;
import dev.cnn.data.Dataset;
import dev.cnn.data.SyntheticShapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Exact and near duplicates, planted in SyntheticShapes images, and the search against brute force. */
class DuplicatesTest {
  private static final int SHAPES_TRAIN = 2000;
  private static final int SHAPES_TEST = 400;
  private static final int LEAKS = 20; // training images 100 .. 119 copied into the test set: 10 exact, 10 noisy
  private static final int RELABELLED = 5; // training images 0 .. 4 copied into the training set with another label
  private static final int BLANKS = 30; // 20 all-zero images, then 10 constant ones of other values
  private static final int PIXELS = 28 * 28;

  private static Dataset train;
  private static Dataset test;
  private static Dataset cleanTrain;
  private static Dataset cleanTest;

  @BeforeAll
  static void plant() {
    SyntheticShapes shapes = SyntheticShapes.builder().seed(3).trainSize(SHAPES_TRAIN).testSize(SHAPES_TEST).build();
    cleanTrain = shapes.train();
    cleanTest = shapes.test();
    SplittableRandom rng = new SplittableRandom(9);
    int nTrain = SHAPES_TRAIN + RELABELLED + BLANKS;
    float[] tv = new float[nTrain * PIXELS];
    int[] tl = new int[nTrain];
    for (int i = 0; i < SHAPES_TRAIN; i++) {
      cleanTrain.read(i, tv, i * PIXELS);
      tl[i] = cleanTrain.label(i);
    }
    for (int k = 0; k < RELABELLED; k++) {
      int at = SHAPES_TRAIN + k;
      cleanTrain.read(k, tv, at * PIXELS);
      tl[at] = (cleanTrain.label(k) + 1) % cleanTrain.classes();
    }
    for (int k = 0; k < BLANKS; k++) {
      int at = SHAPES_TRAIN + RELABELLED + k;
      if (k >= 20) Arrays.fill(tv, at * PIXELS, (at + 1) * PIXELS, 0.05f * (k - 19));
      tl[at] = rng.nextInt(cleanTrain.classes());
    }
    int nTest = SHAPES_TEST + LEAKS;
    float[] sv = new float[nTest * PIXELS];
    int[] sl = new int[nTest];
    for (int j = 0; j < SHAPES_TEST; j++) {
      cleanTest.read(j, sv, j * PIXELS);
      sl[j] = cleanTest.label(j);
    }
    for (int k = 0; k < LEAKS; k++) {
      int at = SHAPES_TEST + k, from = 100 + k;
      cleanTrain.read(from, sv, at * PIXELS);
      sl[at] = cleanTrain.label(from);
      if (k >= 10) {
        for (int p = at * PIXELS; p < (at + 1) * PIXELS; p++) {
          sv[p] = Math.min(1, Math.max(0, sv[p] + (rng.nextInt(5) - 2) / 255f));
        }
      }
    }
    List<String> names = cleanTrain.classNames();
    train = new ArrayDataset(tv, tl, new int[] {1, 28, 28}, names);
    test = new ArrayDataset(sv, sl, new int[] {1, 28, 28}, names);
  }

  @Test
  void everyPlantedDuplicateIsFoundAndNothingElse() {
    Duplicates.Result r = Duplicates.find(train, test);
    assertEquals(Duplicates.DEFAULT_MAX_DISTANCE, r.maxDistance());

    List<Duplicates.Pair> expectedLeaks = new ArrayList<>();
    for (int k = 0; k < LEAKS; k++) {
      expectedLeaks.add(new Duplicates.Pair(100 + k, SHAPES_TEST + k, k < 10 ? Duplicates.Kind.EXACT
          : Duplicates.Kind.NEAR, r.trainTest().get(k).distance(), false));
    }
    assertEquals(expectedLeaks, r.trainTest(), "the 20 leaks, and no clean test image");
    for (Duplicates.Pair p : r.trainTest().subList(10, LEAKS)) assertTrue(p.distance() <= r.maxDistance());

    Set<Integer> blanks = IntStream.range(SHAPES_TRAIN + RELABELLED, SHAPES_TRAIN + RELABELLED + BLANKS).boxed()
        .collect(Collectors.toSet());
    for (int k = 0; k < RELABELLED; k++) {
      Duplicates.Pair p = r.withinTrain().get(k);
      assertEquals(new Duplicates.Pair(k, SHAPES_TRAIN + k, Duplicates.Kind.EXACT, 0, true), p);
    }
    Set<Integer> paired = new HashSet<>();
    for (Duplicates.Pair p : r.withinTrain().subList(RELABELLED, r.withinTrain().size())) {
      assertTrue(blanks.contains(p.a()) && blanks.contains(p.b()), "only blanks are paired with blanks: " + p);
      paired.add(p.a());
      paired.add(p.b());
    }
    assertEquals(blanks, paired, "every blank image is paired with another");

    assertEquals(RELABELLED, r.withinTrainLabelsDisagree().stream().filter(p -> p.a() < RELABELLED).count());
    assertTrue(r.trainTestLabelsDisagree().isEmpty());
  }

  @Test
  void groupsShowTheCopiesAndTheirLabels() {
    Duplicates.Result r = Duplicates.find(train, test);
    Duplicates.Group blanks = r.groups().get(0);
    assertEquals(BLANKS, blanks.size(), "the blank images are one group: " + blanks);
    assertEquals(Duplicates.Kind.NEAR, blanks.kind(), "constants of several values");
    assertTrue(blanks.labelsDisagree());
    for (int k = 0; k < RELABELLED; k++) {
      Duplicates.Group g = new Duplicates.Group(new int[] {k, SHAPES_TRAIN + k}, new int[0], Duplicates.Kind.EXACT,
          true);
      assertTrue(r.groups().contains(g), "relabelled copy " + k);
      assertTrue(r.groupsWithLabelsDisagreeing().contains(g));
    }
    for (int k = 0; k < LEAKS; k++) {
      Duplicates.Group g = new Duplicates.Group(new int[] {100 + k}, new int[] {SHAPES_TEST + k},
          k < 10 ? Duplicates.Kind.EXACT : Duplicates.Kind.NEAR, false);
      assertTrue(r.groups().contains(g), "leak " + k);
    }
    assertEquals(1 + RELABELLED + LEAKS, r.groups().size());
  }

  /**
   * What the perceptual hash alone would call near-duplicates among the clean shapes: many look-alikes
   * (same shape, about the same place and size), which the correlation test turns down. Documents why
   * {@link Duplicates#DEFAULT_MIN_CORRELATION} exists.
   */
  @Test
  void theHashAloneTakesLookAlikesForCopiesAndTheCorrelationDoesNot() {
    Duplicates.Result hashOnly = Duplicates.find(cleanTrain, cleanTest, Duplicates.DEFAULT_MAX_DISTANCE, -1);
    Duplicates.Result confirmed = Duplicates.find(cleanTrain, cleanTest);
    assertTrue(hashOnly.withinTrain().size() > 100, hashOnly.withinTrain().size() + " look-alike pairs");
    assertEquals(List.of(), confirmed.withinTrain());
    assertEquals(List.of(), confirmed.trainTest());
    assertEquals(List.of(), confirmed.groups());
  }

  @Test
  void manyIdenticalBlankImagesCostLinearTime() {
    int n = 6000;
    float[] values = new float[n * PIXELS];
    int[] labels = new int[n];
    for (int i = 5000; i < n; i++) Arrays.fill(values, i * PIXELS, (i + 1) * PIXELS, (i - 4999) / 1001f); // constants
    Dataset blanks = new ArrayDataset(values, labels, new int[] {1, 28, 28}, List.of("a"));
    long t0 = System.nanoTime();
    Duplicates.Result r = Duplicates.find(blanks, null);
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertEquals(1, r.groups().size());
    assertEquals(n, r.groups().get(0).size());
    assertEquals(n - 1, r.withinTrain().size(), "each image paired with the first");
    assertTrue(r.withinTrain().stream().allMatch(p -> p.a() == 0 || p.a() == 5000), "to the first of its kind");
    assertTrue(seconds < 10, seconds + " s");
  }

  @Test
  void withoutATestSetOnlyTheTrainingSetIsSearched() {
    Duplicates.Result r = Duplicates.find(train, null);
    assertTrue(r.trainTest().isEmpty());
    assertEquals(Duplicates.find(train, test).withinTrain(), r.withinTrain(), "test images play no part");
    assertEquals(1 + RELABELLED, r.groups().size());
  }

  @Test
  void badArgumentsAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Duplicates.find(train, test, 17));
    assertEquals("duplicates: maxDistance = 17; expected 0 <= maxDistance <= 16", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Duplicates.find(train, test, 4, 1.5));
    Dataset other = new ArrayDataset(new float[4], new int[] {0}, new int[] {1, 2, 2}, List.of("a"));
    e = assertThrows(IllegalArgumentException.class, () -> Duplicates.find(train, other));
    assertTrue(e.getMessage().contains("[1, 2, 2]") && e.getMessage().contains("[1, 28, 28]"), e.getMessage());
  }

  // ---- the search against all pairs, on hashes made to collide ----

  /** A random set with clustered perceptual hashes, copies, content-hash collisions and constant images. */
  private record Synthetic(long[] content, long[] perceptual, int[] labels, int nTrain, float[][] pixels) {
    static Synthetic make(long seed, int nTrain, int nTest) {
      SplittableRandom rng = new SplittableRandom(seed);
      int n = nTrain + nTest, size = 6;
      int ids = n * 2 / 3; // so about a third of the images are copies
      long[] centres = new long[12];
      for (int c = 0; c < centres.length; c++) centres[c] = rng.nextLong();
      float[][] idPixels = new float[ids][size];
      long[] idHash = new long[ids];
      for (int id = 0; id < ids; id++) {
        if (id % 17 == 0) {
          Arrays.fill(idPixels[id], id / (float) ids); // constant, of a value of its own
        } else {
          for (int k = 0; k < size; k++) idPixels[id][k] = (float) rng.nextDouble();
        }
        long h = centres[rng.nextInt(centres.length)];
        for (int f = rng.nextInt(9); f > 0; f--) h ^= 1L << rng.nextInt(64);
        idHash[id] = h;
      }
      long[] content = new long[n], perceptual = new long[n];
      int[] labels = new int[n];
      float[][] pixels = new float[n][];
      for (int g = 0; g < n; g++) {
        int id = rng.nextInt(ids);
        content[g] = id / 2; // distinct images collide in pairs: the pixels must decide
        perceptual[g] = idHash[id];
        labels[g] = rng.nextInt(3);
        pixels[g] = idPixels[id].clone();
      }
      return new Synthetic(content, perceptual, labels, nTrain, pixels);
    }

    Duplicates.Result search(int maxDistance, double minCorrelation) {
      return Duplicates.search(content, perceptual, labels, nTrain,
          (g, dst) -> System.arraycopy(pixels[g], 0, dst, 0, pixels[g].length), pixels[0].length, maxDistance,
          minCorrelation);
    }

    /** The class comment's definitions, over all pairs. */
    Duplicates.Result bruteForce(int maxDistance, double minCorrelation) {
      int n = labels.length;
      int[] partner = new int[n], distance = new int[n];
      boolean[] exact = new boolean[n];
      for (int q = 0; q < n; q++) {
        int best = -1;
        long bestKey = Long.MAX_VALUE;
        for (int a = 0; a < nTrain; a++) { // exact copies: another label first, then the lowest index
          if (a == q || !Arrays.equals(pixels[a], pixels[q])) continue;
          long key = (labels[a] == labels[q] ? 1L << 32 : 0) | a;
          if (key < bestKey) {
            bestKey = key;
            best = a;
          }
        }
        exact[q] = best >= 0;
        for (int a = 0; a < nTrain && !exact[q]; a++) { // near: distance, another label, index
          int d = ImageHash.hamming(perceptual[a], perceptual[q]);
          if (a == q || d > maxDistance || correlation(pixels[a], pixels[q]) < minCorrelation) continue;
          long key = (long) d << 40 | (labels[a] == labels[q] ? 1L << 32 : 0) | a;
          if (key < bestKey) {
            bestKey = key;
            best = a;
            distance[q] = d;
          }
        }
        partner[q] = best;
      }
      Set<Duplicates.Pair> within = new HashSet<>();
      List<Duplicates.Pair> leaks = new ArrayList<>();
      int[] component = IntStream.range(0, n).toArray();
      for (int q = 0; q < n; q++) {
        int a = partner[q];
        if (a < 0) continue;
        Duplicates.Kind kind = exact[q] ? Duplicates.Kind.EXACT : Duplicates.Kind.NEAR;
        if (q < nTrain) {
          within.add(new Duplicates.Pair(Math.min(a, q), Math.max(a, q), kind, distance[q], labels[a] != labels[q]));
        } else {
          leaks.add(new Duplicates.Pair(a, q - nTrain, kind, distance[q], labels[a] != labels[q]));
        }
        int from = component[a], to = component[q]; // relabel: slow and plainly right
        for (int g = 0; g < n; g++) if (component[g] == from) component[g] = to;
      }
      List<Duplicates.Group> groups = new ArrayList<>();
      for (int root = 0; root < n; root++) {
        int r = root;
        int[] members = IntStream.range(0, n).filter(g -> component[g] == component[r]).toArray();
        if (members.length < 2 || members[0] != root) continue;
        boolean allExact = Arrays.stream(members).allMatch(g -> Arrays.equals(pixels[g], pixels[members[0]]));
        boolean disagree = Arrays.stream(members).anyMatch(g -> labels[g] != labels[members[0]]);
        groups.add(new Duplicates.Group(Arrays.stream(members).filter(g -> g < nTrain).toArray(),
            Arrays.stream(members).filter(g -> g >= nTrain).map(g -> g - nTrain).toArray(),
            allExact ? Duplicates.Kind.EXACT : Duplicates.Kind.NEAR, disagree));
      }
      groups.sort(Comparator.comparingInt(Duplicates.Group::size).reversed().thenComparingInt(g -> g.train()[0]));
      Comparator<Duplicates.Pair> byIndex = Comparator.comparingInt(Duplicates.Pair::a)
          .thenComparingInt(Duplicates.Pair::b);
      return new Duplicates.Result(maxDistance, minCorrelation, groups, within.stream().sorted(byIndex).toList(),
          leaks.stream().sorted(byIndex).toList());
    }

    static double correlation(float[] x, float[] y) {
      double mx = 0, my = 0;
      for (int k = 0; k < x.length; k++) {
        mx += x[k];
        my += y[k];
      }
      mx /= x.length;
      my /= y.length;
      double sxy = 0, sxx = 0, syy = 0;
      for (int k = 0; k < x.length; k++) {
        sxy += (x[k] - mx) * (y[k] - my);
        sxx += (x[k] - mx) * (x[k] - mx);
        syy += (y[k] - my) * (y[k] - my);
      }
      if (sxx == 0 || syy == 0) return sxx == 0 && syy == 0 ? 1 : 0;
      return sxy / Math.sqrt(sxx * syy);
    }
  }

  @Test
  void multiIndexHashingFindsWhatComparingAllPairsFinds() {
    for (long seed = 1; seed <= 3; seed++) {
      Synthetic s = Synthetic.make(seed, 300, 120);
      for (int d : new int[] {0, 1, 3, 6, 10, 16}) {
        for (double minCorrelation : new double[] {-1, 0.2, 0.9}) {
          Duplicates.Result fast = s.search(d, minCorrelation), slow = s.bruteForce(d, minCorrelation);
          String what = "seed " + seed + ", d = " + d + ", r >= " + minCorrelation;
          assertEquals(slow.withinTrain(), fast.withinTrain(), what);
          assertEquals(slow.trainTest(), fast.trainTest(), what);
          assertEquals(slow.groups(), fast.groups(), what);
          assertFalse(fast.withinTrain().isEmpty(), what);
        }
      }
    }
  }
}
