package dev.cnn.diagnose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.diagnose.ConfidentLearning.Filter;
import dev.cnn.diagnose.ConfidentLearning.Options;
import dev.cnn.diagnose.ConfidentLearning.Ranking;
import dev.cnn.diagnose.ConfidentLearning.Result;
import dev.cnn.diagnose.ConfidentLearning.Suspect;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Confident learning on a hand-computed example, on planted label noise, and its input checks. */
class ConfidentLearningTest {
  private static final double EPS = 1e-12;

  /*
   * Ten images of three classes. Image 3 is labelled 0 but looks like 1; image 6 is labelled 1 but
   * looks like 2; image 2 is torn between 0 and 1 and image 9 is a weak 2.
   *
   *   x  label  p(x, 0)  p(x, 1)  p(x, 2)
   *   0    0     0.80     0.10     0.10
   *   1    0     0.75     0.15     0.10
   *   2    0     0.45     0.45     0.10
   *   3    0     0.20     0.70     0.10
   *   4    1     0.10     0.80     0.10
   *   5    1     0.20     0.70     0.10
   *   6    1     0.10     0.10     0.80
   *   7    2     0.10     0.10     0.80
   *   8    2     0.05     0.20     0.75
   *   9    2     0.10     0.30     0.60
   */
  private static final double[][] PROBS = {
    {0.80, 0.10, 0.10}, {0.75, 0.15, 0.10}, {0.45, 0.45, 0.10}, {0.20, 0.70, 0.10},
    {0.10, 0.80, 0.10}, {0.20, 0.70, 0.10}, {0.10, 0.10, 0.80},
    {0.10, 0.10, 0.80}, {0.05, 0.20, 0.75}, {0.10, 0.30, 0.60},
  };
  private static final int[] LABELS = {0, 0, 0, 0, 1, 1, 1, 2, 2, 2};

  @Test
  void handComputedExample() {
    Result r = ConfidentLearning.find(PROBS, LABELS, 3);

    // t_0 = (0.80 + 0.75 + 0.45 + 0.20) / 4 = 0.55
    // t_1 = (0.80 + 0.70 + 0.10) / 3 = 0.5333...
    // t_2 = (0.80 + 0.75 + 0.60) / 3 = 0.71666...
    assertArrayEquals(new double[] {0.55, 1.6 / 3, 2.15 / 3}, r.thresholds(), EPS);

    // Confident classes (p(x, j) >= t_j) and the row / column each image is counted in:
    //   x0 {0} -> C[0][0]   x1 {0} -> C[0][0]   x2 {} (0.45 < 0.55, 0.45 < 0.533)   x3 {1} -> C[0][1]
    //   x4 {1} -> C[1][1]   x5 {1} -> C[1][1]   x6 {2} -> C[1][2]
    //   x7 {2} -> C[2][2]   x8 {2} -> C[2][2]   x9 {} (0.6 < 0.717, 0.3 < 0.533)
    assertArrayEquals(new int[][] {{2, 1, 0}, {0, 2, 1}, {0, 0, 2}}, r.confidentJoint());

    // n = (4, 3, 3). Row 0: (2, 1, 0) / 3 * 4 = (8/3, 4/3, 0); row 1: (0, 2, 1) / 3 * 3;
    // row 2: (0, 0, 2) / 2 * 3 = (0, 0, 3). The total is n = 10, so Q = C-hat / 10.
    double[][] calibrated = {{8.0 / 3, 4.0 / 3, 0}, {0, 2, 1}, {0, 0, 3}};
    assertMatrixEquals(calibrated, r.calibratedJoint());
    assertMatrixEquals(new double[][] {{8.0 / 30, 4.0 / 30, 0}, {0, 0.2, 0.1}, {0, 0, 0.3}}, r.joint());

    // Column sums of Q: (8/30, 10/30, 12/30). Noise matrix = Q divided by its column sums.
    assertArrayEquals(new double[] {8.0 / 30, 10.0 / 30, 12.0 / 30}, r.truePrior(), EPS);
    assertMatrixEquals(new double[][] {{1, 0.4, 0}, {0, 0.6, 0.25}, {0, 0, 0.75}}, r.noiseMatrix());

    // Low confident margin (the default): N = round(4/3 + 1) = 2 wrong labels. Confident margins
    // p(x, y~) / t_y~ - max_{j != y~} p(x, j) / t_j: x3 0.2 / 0.55 - 0.7 / 0.5333 = -0.949,
    // x6 0.1 / 0.5333 - 0.8 / 0.7167 = -0.929, x2 0.45 / 0.55 - 0.45 / 0.5333 = -0.026 (but a tie,
    // predicted as its label 0, so kept), every other image positive. Flagged: x3 and x6.
    // Self-confidence: x6 0.1 < x3 0.2, so x6 is first.
    assertEquals(2, ConfidentLearning.estimatedErrors(r.calibratedJoint()));
    List<Suspect> expected = List.of(new Suspect(6, 1, 2, 0.10, 0.10, 1), new Suspect(3, 0, 1, 0.20, 0.20, 2));
    assertEquals(expected, r.suspects());

    // Prune by noise rate: m_01 = round(10 * 4/30) = 1: the largest margin p(x, 1) - p(x, 0) in
    // class 0 is x3's (0.5). m_12 = round(10 * 0.1) = 1: the largest margin p(x, 2) - p(x, 1) in
    // class 1 is x6's (0.7). Every other off-diagonal m_ij is 0. Neither x3 nor x6 is predicted as
    // its given label. The same two suspects.
    Options noiseRate = Options.defaults().withFilter(Filter.PRUNE_BY_NOISE_RATE);
    assertEquals(expected, ConfidentLearning.find(PROBS, LABELS, 3, noiseRate).suspects());
  }

  @Test
  void theLowestMarginsAreFlaggedUpToTheEstimatedCount() {
    // thresholds 1, so confident margins are plain margins p(x, y~) - p(x, other): x0 0.1 - 0.9 = -0.8, x1 0.3 - 0.7 = -0.4, x2 0.2 - 0.8 = -0.6,
    // x3 0.6 - 0.4 = 0.2 (agrees), x4 0.5 - 0.5 = 0 (a tie: predicted 0, its label, so it agrees);
    // class 1: x5 0.9 - 0.1 = 0.8 (agrees), x6 0.25 - 0.75 = -0.5.
    // Increasing: x0 (-0.8), x2 (-0.6), x6 (-0.5), x1 (-0.4), x4 (0), x3 (0.2), x5 (0.8).
    double[][] probs = {{0.1, 0.9}, {0.3, 0.7}, {0.2, 0.8}, {0.6, 0.4}, {0.5, 0.5}, {0.1, 0.9}, {0.75, 0.25}};
    int[] labels = {0, 0, 0, 0, 0, 1, 1};
    Options defaults = Options.defaults();
    double[] ONES = {1, 1};
    assertArrayEquals(new int[] {0, 2}, ConfidentLearning.lowestMargins(probs, labels, ONES, 2, defaults));
    assertArrayEquals(new int[] {0, 1, 2, 6}, ConfidentLearning.lowestMargins(probs, labels, ONES, 4, defaults));
    assertArrayEquals(new int[] {0, 1, 2, 6}, ConfidentLearning.lowestMargins(probs, labels, ONES, 7, defaults),
        "agreeing predictions are passed over");
    Options flagAgreeing = new Options(Filter.LOW_CONFIDENT_MARGIN, Ranking.SELF_CONFIDENCE, 1, false);
    assertArrayEquals(new int[] {0, 1, 2, 4, 6}, ConfidentLearning.lowestMargins(probs, labels, ONES, 5, flagAgreeing));
    // class 1 has two images: with at least 1 kept it loses one (x6), with 2 kept none
    Options keepTwo = new Options(Filter.LOW_CONFIDENT_MARGIN, Ranking.SELF_CONFIDENCE, 2, true);
    assertArrayEquals(new int[] {0, 1, 2}, ConfidentLearning.lowestMargins(probs, labels, ONES, 4, keepTwo));
    Options keepFour = new Options(Filter.LOW_CONFIDENT_MARGIN, Ranking.SELF_CONFIDENCE, 4, true);
    assertArrayEquals(new int[] {0}, ConfidentLearning.lowestMargins(probs, labels, ONES, 4, keepFour),
        "class 0 (five images) keeps four");
    assertArrayEquals(new int[0], ConfidentLearning.lowestMargins(probs, labels, ONES, 0, defaults));
  }

  @Test
  void theConfidentMarginMeasuresEachProbabilityInUnitsOfItsClassThreshold() {
    double[] t = {0.5, 0.8, 0.25};
    // 0.4 / 0.5 - max(0.4 / 0.8, 0.2 / 0.25) = 0.8 - 0.8 = 0
    assertEquals(0, ConfidentLearning.confidentMargin(new double[] {0.4, 0.4, 0.2}, 0, t), EPS);
    // 0.4 / 0.8 - max(0.4 / 0.5, 0.2 / 0.25) = 0.5 - 0.8
    assertEquals(-0.3, ConfidentLearning.confidentMargin(new double[] {0.4, 0.4, 0.2}, 1, t), EPS);
    // a threshold of 0 counts as 1e-12, so the result stays finite
    double m = ConfidentLearning.confidentMargin(new double[] {0.5, 0.5, 0}, 0, new double[] {0.5, 0, 0.5});
    assertEquals(1 - 0.5 / 1e-12, m, 1);
  }

  @Test
  void theEstimatedCountIsTheRoundedOffDiagonalOfTheCalibratedJoint() {
    assertEquals(0, ConfidentLearning.estimatedErrors(new double[][] {{3, 0}, {0, 4}}));
    assertEquals(2, ConfidentLearning.estimatedErrors(new double[][] {{3, 1.2}, {0.4, 4}}), "1.6 rounds up");
    assertEquals(1, ConfidentLearning.estimatedErrors(new double[][] {{3, 1.2}, {0.2, 4}}), "1.4 rounds down");
  }

  @Test
  void theBaselineTakesTheLowestSelfConfidence() {
    // p(x, label): 0.8 0.75 0.45 0.2 0.8 0.7 0.1 0.8 0.75 0.6
    assertArrayEquals(new int[] {6, 3}, ConfidentLearning.lowestSelfConfidence(PROBS, LABELS, 2));
    assertArrayEquals(new int[] {6, 3, 2, 9, 5}, ConfidentLearning.lowestSelfConfidence(PROBS, LABELS, 5));
    assertArrayEquals(new int[0], ConfidentLearning.lowestSelfConfidence(PROBS, LABELS, 0));
    // ties go to the lower index: x0, x4 and x7 all have 0.8
    int[] all = ConfidentLearning.lowestSelfConfidence(PROBS, LABELS, 10);
    assertArrayEquals(new int[] {6, 3, 2, 9, 5, 1, 8, 0, 4, 7}, all);
  }

  @Test
  void theMostProbableConfidentClassIsCountedAndTiesGoToTheLowerClass() {
    double[] t = {0.3, 0.3, 0.7};
    assertEquals(1, ConfidentLearning.confidentClass(new double[] {0.35, 0.40, 0.25}, t), "two candidates");
    assertEquals(0, ConfidentLearning.confidentClass(new double[] {0.40, 0.40, 0.20}, t), "a tie");
    assertEquals(1, ConfidentLearning.confidentClass(new double[] {0.05, 0.35, 0.60}, t), "2 is not confident");
    assertEquals(-1, ConfidentLearning.confidentClass(new double[] {0.20, 0.20, 0.60}, t), "no candidate");
    // exactly at the threshold counts, even when the mean rounds up a few ulps (3 x 0.9 / 3 > 0.9)
    double[][] probs = {{0.1, 0.9}, {0.1, 0.9}, {0.1, 0.9}};
    double[] thresholds = ConfidentLearning.thresholds(probs, new int[] {1, 1, 1}, 2);
    assertArrayEquals(new int[][] {{0, 0}, {0, 3}}, ConfidentLearning.confidentJoint(probs, new int[] {1, 1, 1},
        thresholds));
  }

  @Test
  void aClassWithNoImagesHasAnInfiniteThresholdAndAnIdentityNoiseColumn() {
    double[][] probs = {{0.9, 0.05, 0.05}, {0.2, 0.7, 0.1}, {0.6, 0.3, 0.1}};
    int[] labels = {0, 1, 1};
    Result r = ConfidentLearning.find(probs, labels, 3);
    assertEquals(Double.POSITIVE_INFINITY, r.thresholds()[2]);
    assertArrayEquals(new double[] {0, 0, 0}, r.calibratedJoint()[2], 0.0);
    assertEquals(0.0, r.truePrior()[2], 0.0);
    double[][] noise = r.noiseMatrix();
    assertArrayEquals(new double[] {0, 0, 1}, new double[] {noise[0][2], noise[1][2], noise[2][2]}, 0.0);
  }

  @Test
  void aRowWithNoCountedImageTrustsItsLabels() {
    double[][] calibrated = ConfidentLearning.calibrate(new int[][] {{0, 0}, {1, 1}}, new int[] {3, 4});
    assertMatrixEquals(new double[][] {{3, 0}, {2, 2}}, calibrated);
  }

  @Test
  void bothRankingsOrderTheSuspects() {
    // x0 labelled 0: self-confidence 0.2, margin 0.2 - 0.75 = -0.55
    // x1 labelled 0: self-confidence 0.1, margin 0.1 - 0.45 = -0.35 (classes 1 and 2 tie: suggest 1)
    // x2 is x1 again: ties in score go to the lower index
    double[][] probs = {{0.2, 0.75, 0.05}, {0.1, 0.45, 0.45}, {0.1, 0.45, 0.45}};
    int[] labels = {0, 0, 0};
    int[] flagged = {0, 1, 2};
    List<Suspect> bySelf = ConfidentLearning.rank(probs, labels, flagged, Ranking.SELF_CONFIDENCE);
    assertEquals(List.of(new Suspect(1, 0, 1, 0.1, 0.1, 1), new Suspect(2, 0, 1, 0.1, 0.1, 2),
        new Suspect(0, 0, 1, 0.2, 0.2, 3)), bySelf);
    List<Suspect> byMargin = ConfidentLearning.rank(probs, labels, flagged, Ranking.NORMALIZED_MARGIN);
    assertEquals(List.of(0, 1, 2), byMargin.stream().map(Suspect::index).toList());
    assertEquals(0.2 - 0.75, byMargin.get(0).score(), EPS);
    assertEquals(0.1 - 0.45, byMargin.get(1).score(), EPS);
    assertEquals(List.of(1, 2, 3), byMargin.stream().map(Suspect::rank).toList());
  }

  @Test
  void findUsesTheRankingOfItsOptions() {
    Options margin = new Options(Filter.LOW_CONFIDENT_MARGIN, Ranking.NORMALIZED_MARGIN, 1, true);
    List<Suspect> s = ConfidentLearning.find(PROBS, LABELS, 3, margin).suspects();
    // x6: 0.1 - 0.8 = -0.7; x3: 0.2 - 0.7 = -0.5
    assertEquals(List.of(6, 3), s.stream().map(Suspect::index).toList());
    assertEquals(-0.7, s.get(0).score(), EPS);
    assertEquals(-0.5, s.get(1).score(), EPS);
  }

  @Test
  void pruningKeepsAtLeastMinKeptPerClass() {
    // Q says all three images labelled 0 are really 1: m_01 = round(6 * 0.5) = 3.
    // Margins p(x, 1) - p(x, 0): x0 0.8, x1 0.4, x2 0.6.
    double[][] probs = {{0.1, 0.9}, {0.3, 0.7}, {0.2, 0.8}, {0, 1}, {0, 1}, {0, 1}};
    int[] labels = {0, 0, 0, 1, 1, 1};
    double[][] joint = {{0, 0.5}, {0, 0.5}};
    assertArrayEquals(new int[] {0, 1, 2}, prune(probs, labels, joint, 0));
    assertArrayEquals(new int[] {0, 2}, prune(probs, labels, joint, 1), "the smallest margin (x1) is kept");
    assertArrayEquals(new int[] {0}, prune(probs, labels, joint, 2));
    assertArrayEquals(new int[0], prune(probs, labels, joint, 3));
    assertArrayEquals(new int[0], prune(probs, labels, joint, 10), "a class smaller than the minimum loses none");
  }

  @Test
  void anImageChosenForSeveralClassesIsFlaggedOnce() {
    // n = 6, m_01 = m_02 = round(6 / 6) = 1; x0 has the largest margin towards both 1 and 2
    double[][] probs = {{0.1, 0.45, 0.45}, {0.8, 0.1, 0.1}, {0.9, 0.05, 0.05}, {0.7, 0.2, 0.1}, {0, 1, 0}, {0, 0, 1}};
    int[] labels = {0, 0, 0, 0, 1, 2};
    double[][] joint = {{2.0 / 6, 1.0 / 6, 1.0 / 6}, {0, 1.0 / 6, 0}, {0, 0, 1.0 / 6}};
    assertArrayEquals(new int[] {0}, prune(probs, labels, joint, 1));
  }

  @Test
  void anImagePredictedAsItsGivenLabelIsKeptByDefault() {
    // m_01 = round(4 * 0.25) = 1; the largest margin p(x, 1) - p(x, 0) is x1's (-0.1), but x1 is predicted 0
    double[][] probs = {{0.6, 0.4}, {0.55, 0.45}, {0.1, 0.9}, {0.2, 0.8}};
    int[] labels = {0, 0, 1, 1};
    double[][] joint = {{0.25, 0.25}, {0, 0.5}};
    assertArrayEquals(new int[0], ConfidentLearning.pruneByNoiseRate(probs, labels, joint, Options.defaults()));
    Options flagAgreeing = new Options(Filter.PRUNE_BY_NOISE_RATE, Ranking.SELF_CONFIDENCE, 1, false);
    assertArrayEquals(new int[] {1}, ConfidentLearning.pruneByNoiseRate(probs, labels, joint, flagAgreeing));
  }

  private static int[] prune(double[][] probs, int[] labels, double[][] joint, int minKept) {
    return ConfidentLearning.pruneByNoiseRate(probs, labels, joint, new Options(Filter.PRUNE_BY_NOISE_RATE,
        Ranking.SELF_CONFIDENCE, minKept, true));
  }

  // ---- planted noise ----

  /** Images with their true labels, given labels and out-of-sample-like probabilities. */
  private record Planted(double[][] probs, int[] labels, Set<Integer> flipped) {}

  /**
   * n images of k classes with uniform true labels; exactly 10% of the given labels are moved to
   * another class (uniformly); each row puts about 0.8 (sd 0.1, clipped to [0.35, 0.99]) on the
   * TRUE class and spreads the rest over the other classes at random.
   */
  private static Planted planted(long seed, int n, int k) {
    Random rng = new Random(seed);
    int[] trueLabels = new int[n];
    for (int x = 0; x < n; x++) trueLabels[x] = rng.nextInt(k);
    List<Integer> order = new ArrayList<>();
    for (int x = 0; x < n; x++) order.add(x);
    Collections.shuffle(order, rng);
    Set<Integer> flipped = new HashSet<>(order.subList(0, n / 10));
    int[] labels = trueLabels.clone();
    for (int x : flipped) labels[x] = (trueLabels[x] + 1 + rng.nextInt(k - 1)) % k;
    double[][] probs = new double[n][];
    for (int x = 0; x < n; x++) probs[x] = row(rng, k, trueLabels[x]);
    return new Planted(probs, labels, flipped);
  }

  private static double[] row(Random rng, int k, int trueClass) {
    double onTrue = Math.max(0.35, Math.min(0.99, 0.8 + 0.1 * rng.nextGaussian()));
    double[] p = new double[k];
    double rest = 0;
    for (int j = 0; j < k; j++) {
      if (j != trueClass) rest += p[j] = rng.nextDouble();
    }
    for (int j = 0; j < k; j++) p[j] = j == trueClass ? onTrue : p[j] / rest * (1 - onTrue);
    return p;
  }

  private static double precision(int[] flagged, Set<Integer> truth) {
    long right = Arrays.stream(flagged).filter(truth::contains).count();
    return flagged.length == 0 ? 1 : (double) right / flagged.length;
  }

  private static double recall(int[] flagged, Set<Integer> truth) {
    return (double) Arrays.stream(flagged).filter(truth::contains).count() / truth.size();
  }

  @ParameterizedTest
  @EnumSource(Filter.class)
  void findsPlantedLabelNoiseAtLeastAsPreciselyAsTheLowestSelfConfidence(Filter filter) {
    Planted p = planted(2021, 3000, 5);
    Result r = ConfidentLearning.find(p.probs(), p.labels(), 5, Options.defaults().withFilter(filter));
    int[] flagged = r.suspects().stream().mapToInt(Suspect::index).toArray();
    double precision = precision(flagged, p.flipped()), recall = recall(flagged, p.flipped());
    int[] baseline = ConfidentLearning.lowestSelfConfidence(p.probs(), p.labels(), flagged.length);
    double baselinePrecision = precision(baseline, p.flipped());
    String summary = String.format(Locale.ROOT, "%s: %d flagged of %d planted: precision %.3f, recall %.3f; "
        + "lowest self-confidence precision %.3f", filter, flagged.length, p.flipped().size(), precision, recall,
        baselinePrecision);
    System.out.println(summary);
    assertTrue(precision >= 0.9, summary);
    assertTrue(recall >= 0.8, summary);
    assertTrue(precision >= baselinePrecision, summary);
    // 10% noise spread over 4 other classes: each off-diagonal of the noise matrix near 0.1 / 4
    double[][] noise = r.noiseMatrix();
    for (int j = 0; j < 5; j++) assertEquals(0.9, noise[j][j], 0.05, summary + "; noise matrix diagonal " + j);
  }

  /**
   * Classes of different difficulty (mean confidence 0.45 to 0.95 on the true class) whose
   * leftover probability goes mostly (70%) to the next class, and noise that moves 10% of the labels
   * to that next class: the hard class's clean images have a lower self-confidence than many
   * mislabelled images of the easy classes, which the lowest self-confidence flags wrongly and
   * the per-class thresholds of confident learning do not.
   */
  @ParameterizedTest
  @EnumSource(Filter.class)
  void perClassThresholdsBeatTheLowestSelfConfidenceWhenClassesDifferInDifficulty(Filter filter) {
    int n = 3000, k = 5;
    double[] meanConfidence = {0.45, 0.6, 0.75, 0.9, 0.95};
    Random rng = new Random(7);
    int[] labels = new int[n];
    double[][] probs = new double[n][k];
    Set<Integer> flipped = new HashSet<>();
    for (int x = 0; x < n; x++) {
      int t = rng.nextInt(k), next = (t + 1) % k;
      labels[x] = t;
      if (rng.nextDouble() < 0.1) {
        labels[x] = next;
        flipped.add(x);
      }
      double onTrue = Math.max(0.2, Math.min(0.99, meanConfidence[t] + 0.1 * rng.nextGaussian()));
      double[] other = row(rng, k, t);
      for (int j = 0; j < k; j++) {
        double spread = other[j] / (1 - other[t]) * (1 - onTrue);
        probs[x][j] = j == t ? onTrue : j == next ? 0.7 * (1 - onTrue) + 0.3 * spread : 0.3 * spread;
      }
    }
    int[] flagged = ConfidentLearning.find(probs, labels, k, Options.defaults().withFilter(filter)).suspects()
        .stream().mapToInt(Suspect::index).toArray();
    int[] baseline = ConfidentLearning.lowestSelfConfidence(probs, labels, flagged.length);
    String summary = String.format(Locale.ROOT, "%s: %d flagged of %d planted: precision %.3f, recall %.3f; "
        + "lowest self-confidence precision %.3f", filter, flagged.length, flipped.size(),
        precision(flagged, flipped), recall(flagged, flipped), precision(baseline, flipped));
    System.out.println(summary);
    assertTrue(precision(flagged, flipped) >= precision(baseline, flipped) + 0.05, summary);
    assertTrue(recall(flagged, flipped) >= 0.8, summary);
  }

  // ---- bad input ----

  @Test
  void badInputIsNamed() {
    double[][] two = {{0.5, 0.5}, {0.5, 0.5}};
    assertMessage("confident learning: probs has 2 rows but labels has 1 entries; expected one row of class "
        + "probabilities per image", () -> ConfidentLearning.find(two, new int[] {0}, 2));
    assertMessage("confident learning: no images; expected at least one",
        () -> ConfidentLearning.find(new double[0][], new int[0], 2));
    assertMessage("confident learning: classes = 1; expected at least 2",
        () -> ConfidentLearning.find(new double[][] {{1}}, new int[] {0}, 1));
    assertMessage("confident learning: row 1 has 3 probabilities; expected 2 (one per class)",
        () -> ConfidentLearning.find(new double[][] {{0.5, 0.5}, {0.2, 0.3, 0.5}}, new int[] {0, 1}, 2));
    assertMessage("confident learning: label 2 of image 1 is outside [0, 2)",
        () -> ConfidentLearning.find(two, new int[] {0, 2}, 2));
    assertMessage("confident learning: label -1 of image 0 is outside [0, 2)",
        () -> ConfidentLearning.find(two, new int[] {-1, 0}, 2));
    assertMessage("confident learning: probs[1][0] = NaN; expected a probability in [0, 1]",
        () -> ConfidentLearning.find(new double[][] {{0.5, 0.5}, {Double.NaN, 0.5}}, new int[] {0, 1}, 2));
    assertMessage("confident learning: probs[0][1] = 1.5; expected a probability in [0, 1]",
        () -> ConfidentLearning.find(new double[][] {{0, 1.5}, {0.5, 0.5}}, new int[] {0, 1}, 2));
    assertMessage("confident learning: probs[0][0] = -0.5; expected a probability in [0, 1]",
        () -> ConfidentLearning.find(new double[][] {{-0.5, 1}, {0.5, 0.5}}, new int[] {0, 1}, 2));
    assertMessage("confident learning: row 0 sums to 0.600000; expected 1 (within 0.001): one probability "
        + "distribution per image, not logits",
        () -> ConfidentLearning.find(new double[][] {{0.3, 0.3}, {0.5, 0.5}}, new int[] {0, 1}, 2));
    assertMessage("confident learning: row 1 is null; expected 2 probabilities",
        () -> ConfidentLearning.find(new double[][] {{0.5, 0.5}, null}, new int[] {0, 1}, 2));
    assertMessage("confident learning: probs is null", () -> ConfidentLearning.find(null, new int[] {0}, 2));
    assertMessage("confident learning: options is null; expected Options.defaults() or another Options",
        () -> ConfidentLearning.find(two, new int[] {0, 1}, 2, null));
    assertMessage("confident learning: count = 3; expected a number of images in [0, 2]",
        () -> ConfidentLearning.lowestSelfConfidence(two, new int[] {0, 1}, 3));
    assertMessage("confident learning: count = -1; expected a number of images in [0, 2]",
        () -> ConfidentLearning.lowestSelfConfidence(two, new int[] {0, 1}, -1));
    assertMessage("confident learning: label 5 of image 0 is outside [0, 2)",
        () -> ConfidentLearning.lowestSelfConfidence(two, new int[] {5, 1}, 1));
  }

  @Test
  void badOptionsAreNamed() {
    assertMessage("confident learning: Options.filter is null; expected LOW_CONFIDENT_MARGIN or "
        + "PRUNE_BY_NOISE_RATE", () -> new Options(null, Ranking.SELF_CONFIDENCE, 1, true));
    assertMessage("confident learning: Options.ranking is null; expected SELF_CONFIDENCE or NORMALIZED_MARGIN",
        () -> new Options(Filter.LOW_CONFIDENT_MARGIN, null, 1, true));
    assertMessage("confident learning: Options.minKeptPerClass = -1; expected 0 or more (the fewest images each "
        + "class keeps)", () -> new Options(Filter.LOW_CONFIDENT_MARGIN, Ranking.SELF_CONFIDENCE, -1, true));
    assertEquals(new Options(Filter.LOW_CONFIDENT_MARGIN, Ranking.SELF_CONFIDENCE, 1, true), Options.defaults());
  }

  @Test
  void theResultCannotBeChangedThroughItsArrays() {
    Result r = ConfidentLearning.find(PROBS, LABELS, 3);
    r.thresholds()[0] = 99;
    r.confidentJoint()[0][0] = 99;
    r.joint()[0][0] = 99;
    assertEquals(0.55, r.thresholds()[0], EPS);
    assertEquals(2, r.confidentJoint()[0][0]);
    assertEquals(8.0 / 30, r.joint()[0][0], EPS);
  }

  private static void assertMessage(String expected, Runnable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertEquals(expected, e.getMessage());
  }

  private static void assertMatrixEquals(double[][] expected, double[][] actual) {
    assertEquals(expected.length, actual.length, "rows");
    for (int i = 0; i < expected.length; i++) assertArrayEquals(expected[i], actual[i], EPS, "row " + i);
  }
}
