package dev.cnn.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.data.ArrayDataset;
import dev.cnn.data.Dataset;
import dev.cnn.data.SyntheticShapes;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Blank images, and images far from their class in feature space. */
class OutliersTest {
  @Test
  void blankImagesAreFoundAndShapesAreNot() {
    Dataset shapes = SyntheticShapes.builder().seed(4).trainSize(300).testSize(8).noise(0).build().train();
    int n = shapes.size() + 3, size = shapes.sampleSize();
    float[] values = new float[n * size];
    int[] labels = new int[n];
    for (int i = 0; i < shapes.size(); i++) {
      shapes.read(i, values, i * size);
      labels[i] = shapes.label(i);
    }
    SplittableRandom rng = new SplittableRandom(1);
    int black = shapes.size(), grey = black + 1, nearlyGrey = black + 2;
    for (int k = 0; k < size; k++) {
      values[grey * size + k] = 0.6f;
      values[nearlyGrey * size + k] = 0.3f + (float) (rng.nextDouble() - 0.5) / 255; // +/- half a grey level
    }
    labels[nearlyGrey] = 2;
    Dataset d = new ArrayDataset(values, labels, new int[] {1, 28, 28}, shapes.classNames());
    List<Outliers.Blank> blank = Outliers.blank(d);
    assertEquals(List.of(black, grey, nearlyGrey), blank.stream().map(Outliers.Blank::index).toList());
    assertEquals(0.6, blank.get(1).mean(), 1e-6);
    assertEquals(0, blank.get(1).std(), 1e-12);
    assertEquals(2, blank.get(2).label());
    assertTrue(blank.get(2).std() > 0 && blank.get(2).std() < Outliers.BLANK_STD);
    assertEquals(List.of(), Outliers.blank(shapes), "noise-free shapes still have their shape");
  }

  @Test
  void pixelStatsAreEachImagesMeanAndStandardDeviation() {
    float[] values = {0, 1, 0, 1, 0.5f, 0.5f, 0.5f, 0.5f};
    Dataset d = new ArrayDataset(values, new int[] {0, 0}, new int[] {1, 2, 2}, List.of("a"));
    Outliers.PixelStats s = Outliers.pixelStats(d);
    assertEquals(0.5, s.mean()[0], 1e-12);
    assertEquals(0.5, s.std()[0], 1e-12);
    assertEquals(0.5, s.mean()[1], 1e-12);
    assertEquals(0, s.std()[1], 1e-12);
  }

  /** Three classes around their own direction; a few rows labelled 0 point elsewhere. */
  @Test
  void featuresFarFromTheirClassAreFlaggedAndTheRestAreNot() {
    SplittableRandom rng = new SplittableRandom(8);
    int dim = 32, perClass = 400;
    float[][] directions = new float[3][dim];
    for (float[] dir : directions) for (int k = 0; k < dim; k++) dir[k] = (float) Math.abs(rng.nextGaussian());
    int n = 3 * perClass;
    float[][] features = new float[n][dim];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 3;
      float scale = (float) (1 + 3 * rng.nextDouble()); // the length does not matter
      for (int k = 0; k < dim; k++) {
        features[i][k] = scale * (directions[labels[i]][k] + (float) (0.3 * rng.nextGaussian()));
      }
    }
    Set<Integer> planted = Set.of(0, 30, 300, 600, 900);
    for (int i : planted) {
      for (int k = 0; k < dim; k++) features[i][k] = directions[1 + (i / 30) % 2][k]; // a class 1 or 2 image
    }
    Outliers.FarFromClass far = Outliers.farFromClass(features, labels);
    Set<Integer> flagged = far.flagged().stream().map(Outliers.FarPoint::index).collect(Collectors.toSet());
    assertTrue(flagged.containsAll(planted), "flagged " + flagged);
    assertTrue(flagged.size() - planted.size() <= n / 200, (flagged.size() - planted.size()) + " clean rows flagged");
    Outliers.FarPoint worst = far.flagged().get(0);
    assertTrue(planted.contains(worst.index()));
    assertEquals(0, worst.label());
    assertEquals(far.distance()[worst.index()], worst.distance(), 0);
    assertTrue(worst.z() > 10, "z " + worst.z());
    for (int i = 1; i < far.flagged().size(); i++) assertTrue(far.flagged().get(i - 1).z() >= far.flagged().get(i).z());
  }

  @Test
  void theCosineDistanceAndTheRobustZScore() {
    // Class 0: four copies of one direction and one at right angles to it. The centroid of the unit
    // vectors is (4, 1) / 5; the distances are 1 - 4 / sqrt(17) (four times) and 1 - 1 / sqrt(17). More
    // than half are equal, so MAD = 0 and the mean absolute deviation scales the z-score.
    float[][] f = {{2, 0}, {1, 0}, {3, 0}, {5, 0}, {0, 7}, {0, 0}};
    int[] labels = {0, 0, 0, 0, 0, 1};
    Outliers.FarFromClass far = Outliers.farFromClass(f, labels);
    double near = 1 - 4 / Math.sqrt(17), away = 1 - 1 / Math.sqrt(17);
    assertEquals(near, far.distance()[0], 1e-12);
    assertEquals(away, far.distance()[4], 1e-12);
    double meanAd = (away - near) / 5;
    assertEquals((away - near) / (Outliers.MEAN_AD_SCALE * meanAd), far.z()[4], 1e-9);
    assertEquals(0, far.z()[0], 1e-12);
    assertEquals(1, far.distance()[5], 0, "a zero vector is at distance 1");
    assertEquals(List.of(4), far.flagged().stream().map(Outliers.FarPoint::index).toList());
  }

  @Test
  void theZScoreIsTheDistanceFromTheMedianInScaledMads() {
    // Five rows of one class at angles 0, 10, 20, 30 and 80 degrees: their distances to the centroid
    // differ, so the MAD is positive and z = (d - median) / (1.4826 MAD).
    double[] angles = {0, 10, 20, 30, 80};
    float[][] f = new float[angles.length][];
    for (int i = 0; i < f.length; i++) {
      f[i] = new float[] {(float) Math.cos(Math.toRadians(angles[i])), (float) Math.sin(Math.toRadians(angles[i]))};
    }
    Outliers.FarFromClass far = Outliers.farFromClass(f, new int[f.length]);
    double[] d = far.distance();
    double median = Outliers.median(d);
    double[] dev = new double[d.length];
    for (int i = 0; i < d.length; i++) dev[i] = Math.abs(d[i] - median);
    double mad = Outliers.median(dev);
    assertTrue(mad > 0);
    for (int i = 0; i < d.length; i++) assertEquals((d[i] - median) / (1.4826 * mad), far.z()[i], 1e-9);
    assertEquals(4, far.flagged().get(0).index());
    assertEquals(2.5, Outliers.median(new double[] {4, 1, 3, 2}), 0);
    assertEquals(3, Outliers.median(new double[] {5, 1, 3}), 0);
  }

  @Test
  void badInputIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Outliers.farFromClass(new float[][] {{1}, {2}}, new int[] {0}));
    assertTrue(e.getMessage().contains("2 feature rows but 1 labels"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Outliers.farFromClass(new float[][] {{1}, {2, 3}}, new int[2]));
    assertThrows(IllegalArgumentException.class, () -> Outliers.farFromClass(new float[][] {{1}}, new int[] {-1}));
    assertThrows(IllegalArgumentException.class, () -> Outliers.farFromClass(new float[][] {{Float.NaN}}, new int[1]));
    assertThrows(IllegalArgumentException.class, () -> Outliers.farFromClass(new float[][] {{1}}, new int[1], 0));
    assertThrows(IllegalArgumentException.class, () -> Outliers.blank(new ArrayDataset(new float[1], new int[1],
        new int[] {1, 1, 1}, List.of("a")), -1));
  }
}
