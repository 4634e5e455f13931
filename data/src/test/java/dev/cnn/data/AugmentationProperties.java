package dev.cnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.tensor.Batch;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of the augmentation steps over random image shapes (1-3 channels, 1-12 x 1-12,
 * non-square), random values and random configurations: identity, involution of flips, shape and
 * label preservation, value ranges, and determinism.
 */
class AugmentationProperties {

  /** A sample [C, H, W] with values uniform in [lo, lo + span). */
  record Sample(int c, int h, int w, float[] x) {
    float min() {
      float m = Float.POSITIVE_INFINITY;
      for (float v : x) m = Math.min(m, v);
      return m;
    }

    float max() {
      float m = Float.NEGATIVE_INFINITY;
      for (float v : x) m = Math.max(m, v);
      return m;
    }
  }

  @Provide
  Arbitrary<Sample> samples() {
    return Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 12),
            Arbitraries.integers().between(1, 12), Arbitraries.longs(), Arbitraries.doubles().between(-2, 2),
            Arbitraries.doubles().between(0, 3))
        .as((c, h, w, seed, lo, span) -> {
          Rng rng = new Rng(seed);
          float[] x = new float[c * h * w];
          for (int i = 0; i < x.length; i++) x[i] = (float) (lo + span * rng.nextDouble());
          return new Sample(c, h, w, x);
        });
  }

  /** A geometric configuration: any of rotation, shifts, shear, zoom, flips, crop, with a fill mode. */
  @Provide
  Arbitrary<Augmentation.Builder> geometric() {
    Arbitrary<Double> rotation = Arbitraries.of(0.0, 10.0, 45.0, 180.0);
    Arbitrary<Double> shift = Arbitraries.of(0.0, 0.1, 0.5, 0.9);
    Arbitrary<Double> shear = Arbitraries.of(0.0, 20.0, 60.0);
    Arbitrary<Double> zoom = Arbitraries.of(0.0, 0.2, 0.9);
    Arbitrary<Integer> crop = Arbitraries.of(0, 1, 4, 20);
    Arbitrary<FillMode> fill = Arbitraries.of(FillMode.NEAREST, FillMode.REFLECT, FillMode.WRAP);
    Arbitrary<Integer> flips = Arbitraries.integers().between(0, 3);
    return Combinators.combine(rotation, shift, shift, shear, zoom, crop, fill, flips)
        .as((r, ws, hs, s, z, cp, f, fl) -> {
          Augmentation.Builder b = Augmentation.builder().rotation(r).widthShift(ws).heightShift(hs).shear(s).zoom(z)
              .crop(cp).fill(f);
          if ((fl & 1) != 0) b.horizontalFlip();
          if ((fl & 2) != 0) b.verticalFlip();
          return b;
        });
  }

  @Property(tries = 60)
  void identityConfigurationReturnsTheInputExactly(@ForAll("samples") Sample s, @ForAll long seed) {
    List<Augmentation> identities = List.of(Augmentation.identity(), Augmentation.builder().build(),
        Augmentation.builder().fill(FillMode.CONSTANT).fillValue(3).eraseArea(0.1, 0.2).build(),
        Augmentation.parse("none"), Augmentation.parse(""));
    for (Augmentation a : identities) {
      assertTrue(a.isIdentity(), a.toString());
      float[] x = s.x().clone();
      a.apply(x, 0, s.c(), s.h(), s.w(), new Rng(seed));
      assertArrayEquals(s.x(), x);
    }
    // Steps present but drawing the identity: a zero shift/rotation map and a crop that lands at offset 0.
    float[] x = s.x().clone();
    AffineTransform.warp(x, 0, s.c(), s.h(), s.w(), AffineTransform.inverseMap(0, 0, 0, 0, 1, 1, s.h(), s.w()),
        FillMode.CONSTANT, 7f);
    assertArrayEquals(s.x(), x);
  }

  @Property(tries = 60)
  void twoFlipsAreTheIdentity(@ForAll("samples") Sample s, @ForAll boolean horizontal, @ForAll long seed) {
    Flip f = new Flip(horizontal ? Flip.Axis.HORIZONTAL : Flip.Axis.VERTICAL, 1.0);
    float[] x = s.x().clone();
    Rng rng = new Rng(seed);
    f.apply(x, 0, s.c(), s.h(), s.w(), rng);
    if ((horizontal ? s.w() : s.h()) > 1) assertFlipped(s, x, horizontal);
    f.apply(x, 0, s.c(), s.h(), s.w(), rng);
    assertArrayEquals(s.x(), x);
    // Keras' horizontal_flip (probability 1/2) twice with one generator: flipped an even number of times, or once.
    float[] y = s.x().clone();
    Augmentation.builder().horizontalFlip().build().apply(y, 0, s.c(), s.h(), s.w(), new Rng(seed));
    float[] z = y.clone();
    new Flip(Flip.Axis.HORIZONTAL, 1.0).apply(z, 0, s.c(), s.h(), s.w(), rng);
    assertTrue(Arrays.equals(s.x(), y) || Arrays.equals(s.x(), z));
  }

  private static void assertFlipped(Sample s, float[] x, boolean horizontal) {
    for (int c = 0; c < s.c(); c++)
      for (int r = 0; r < s.h(); r++)
        for (int col = 0; col < s.w(); col++) {
          int src = horizontal ? (c * s.h() + r) * s.w() + (s.w() - 1 - col) : (c * s.h() + (s.h() - 1 - r)) * s.w() + col;
          assertEquals(s.x()[src], x[(c * s.h() + r) * s.w() + col]);
        }
  }

  @Property(tries = 40)
  void geometricOpsWithNonConstantFillStayInTheInputRange(@ForAll("samples") Sample s,
      @ForAll("geometric") Augmentation.Builder b, @ForAll boolean erase, @ForAll long seed) {
    if (erase) b.erase(1).eraseRandom();
    Augmentation a = b.build();
    float[] x = s.x().clone();
    a.apply(x, 0, s.c(), s.h(), s.w(), new Rng(seed));
    float lo = s.min();
    float hi = s.max();
    for (float v : x) assertTrue(v >= lo && v <= hi, () -> v + " outside [" + lo + ", " + hi + "] with " + a);
  }

  @Property(tries = 40)
  void constantFillWidensTheRangeOnlyToTheFillValue(@ForAll("samples") Sample s,
      @ForAll("geometric") Augmentation.Builder b, @ForAll @IntRange(min = -3, max = 3) int cval, @ForAll long seed) {
    Augmentation a = b.fill(FillMode.CONSTANT).fillValue(cval).erase(0.5).eraseValue(cval).build();
    float[] x = s.x().clone();
    a.apply(x, 0, s.c(), s.h(), s.w(), new Rng(seed));
    float lo = Math.min(s.min(), cval);
    float hi = Math.max(s.max(), cval);
    for (float v : x) assertTrue(v >= lo && v <= hi, () -> v + " outside [" + lo + ", " + hi + "] with " + a);
  }

  @Property(tries = 60)
  void brightnessMultipliesEveryValueByOneFactorInItsRange(@ForAll("samples") Sample s,
      @ForAll @IntRange(min = 0, max = 20) int loTenths, @ForAll @IntRange(min = 0, max = 10) int widthTenths,
      @ForAll long seed) {
    double lo = loTenths / 10.0;
    double hi = lo + widthTenths / 10.0;
    float[] x = s.x().clone();
    new Brightness(lo, hi).apply(x, 0, s.c(), s.h(), s.w(), new Rng(seed));
    double factor = Double.NaN;
    for (int i = 0; i < x.length; i++) {
      if (Math.abs(s.x()[i]) < 1e-3) continue;
      double f = x[i] / (double) s.x()[i];
      assertTrue(f >= lo - 1e-5 && f <= hi + 1e-5, () -> "factor " + f + " outside [" + lo + ", " + hi + "]");
      if (Double.isNaN(factor)) factor = f;
      assertEquals(factor, f, 1e-4, "one factor for the whole sample");
    }
  }

  @Property(tries = 60)
  void contrastScalesDeviationsFromEachChannelMeanByOneFactorInItsRange(@ForAll("samples") Sample s,
      @ForAll @IntRange(min = 0, max = 20) int loTenths, @ForAll @IntRange(min = 0, max = 10) int widthTenths,
      @ForAll long seed) {
    double lo = loTenths / 10.0;
    double hi = lo + widthTenths / 10.0;
    float[] x = s.x().clone();
    new Contrast(lo, hi).apply(x, 0, s.c(), s.h(), s.w(), new Rng(seed));
    int plane = s.h() * s.w();
    for (int c = 0; c < s.c(); c++) {
      double m = 0;
      for (int p = 0; p < plane; p++) m += s.x()[c * plane + p];
      m /= plane;
      for (int p = 0; p < plane; p++) {
        int i = c * plane + p;
        double d = Math.abs(s.x()[i] - m);
        double out = Math.abs(x[i] - m);
        assertTrue(out <= hi * d + 1e-5 && out >= lo * d - 1e-5, () -> "deviation " + out + " from " + d);
      }
    }
  }

  @Property(tries = 40)
  void normalizationIsTheAffineMapOfItsStatistics(@ForAll("samples") Sample s) {
    int[] labels = new int[1];
    Normalization n = Normalization.fit(new ArrayDataset(s.x().clone(), labels, new int[] {s.c(), s.h(), s.w()}, List.of("a")));
    float[] x = s.x().clone();
    n.apply(x, 0, s.c(), s.h(), s.w(), new Rng(0));
    int plane = s.h() * s.w();
    double[] mean = n.mean();
    double[] std = n.std();
    for (int c = 0; c < s.c(); c++) {
      double sum = 0;
      double sq = 0;
      for (int p = 0; p < plane; p++) {
        int i = c * plane + p;
        double sd = std[c] > 0 ? std[c] : 1;
        assertEquals((s.x()[i] - mean[c]) / sd, x[i], 1e-5);
        sum += x[i];
        sq += (double) x[i] * x[i];
      }
      assertEquals(0, sum / plane, 1e-5, "normalised mean");
      if (std[c] > 1e-3) assertEquals(1, sq / plane, 1e-3, "normalised variance");
    }
  }

  @Property(tries = 40)
  void theSameSeedGivesTheSameOutput(@ForAll("samples") Sample s, @ForAll("geometric") Augmentation.Builder b,
      @ForAll long seed) {
    Augmentation a = b.brightness(0.5, 1.5).contrast(0.5, 1.5).erase(0.5).eraseRandom().build();
    float[] x1 = s.x().clone();
    float[] x2 = s.x().clone();
    a.apply(x1, 0, s.c(), s.h(), s.w(), new Rng(seed));
    a.apply(x2, 0, s.c(), s.h(), s.w(), new Rng(seed));
    assertArrayEquals(x1, x2);
    Tensor t = Tensor.wrap(s.x().clone(), s.c(), s.h(), s.w());
    Tensor out = a.apply(t, new Rng(seed));
    assertArrayEquals(x1, out.floatData());
    assertArrayEquals(s.x(), t.floatData(), "apply(Tensor) leaves its input alone");
  }

  @Property(tries = 15)
  void theLoaderPreservesShapesAndLabels(@ForAll @IntRange(min = 1, max = 3) int c, @ForAll @IntRange(min = 2, max = 9) int h,
      @ForAll @IntRange(min = 2, max = 9) int w, @ForAll @IntRange(min = 1, max = 40) int n,
      @ForAll @IntRange(min = 1, max = 8) int batch, @ForAll("geometric") Augmentation.Builder b,
      @ForAll @IntRange(min = 0, max = 3) int prefetch, @ForAll long seed) {
    Rng rng = new Rng(seed);
    float[] values = new float[n * c * h * w];
    for (int i = 0; i < values.length; i++) values[i] = (float) rng.nextDouble();
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) labels[i] = rng.nextInt(5);
    Dataset data = new ArrayDataset(values, labels, new int[] {c, h, w}, List.of("a", "b", "c", "d", "e"));
    Augmentation a = b.erase(0.5).brightness(0.9, 1.1).build();
    try (DataLoader loader = DataLoader.builder(data).batchSize(batch).augmentation(a).prefetch(prefetch).seed(seed).build()) {
      DataLoader.Epoch epoch = loader.iterator();
      int[] order = epoch.indices();
      List<Integer> seen = new ArrayList<>();
      int pos = 0;
      while (epoch.hasNext()) {
        Batch bt = epoch.next();
        int m = bt.size();
        assertArrayEquals(new int[] {m, c, h, w}, bt.inputs().shape());
        for (int k = 0; k < m; k++) assertEquals(labels[order[pos + k]], bt.labels()[k]);
        for (int k = 0; k < m; k++) seen.add(order[pos + k]);
        pos += m;
      }
      assertEquals(n, pos);
      List<Integer> sorted = new ArrayList<>(seen);
      sorted.sort(null);
      for (int i = 0; i < n; i++) assertEquals(i, sorted.get(i), "each sample once per epoch");
    }
  }
}
