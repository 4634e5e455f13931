package dev.cnn.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.diagnose.ConfidentLearning.Filter;
import dev.cnn.diagnose.ConfidentLearning.Options;
import dev.cnn.diagnose.ConfidentLearning.Ranking;
import dev.cnn.diagnose.ConfidentLearning.Result;
import dev.cnn.diagnose.ConfidentLearning.Suspect;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Confident learning's invariants over random inputs: k in 2..6 classes, n in 1..60 images, rows
 * of random probabilities normalised to sum 1 (some of them sharpened so that some images are
 * confident), random given labels.
 */
class ConfidentLearningProperties {
  private static final double TOLERANCE = 1e-9;

  /** Random probability rows (a third of them sharpened towards one class) and random labels. */
  private record Input(double[][] probs, int[] labels, int classes) {
    static Input random(long seed, int n, int k) {
      Random rng = new Random(seed);
      double[][] probs = new double[n][k];
      int[] labels = new int[n];
      for (int x = 0; x < n; x++) {
        double sum = 0;
        int sharp = rng.nextInt(3) == 0 ? rng.nextInt(k) : -1;
        for (int j = 0; j < k; j++) {
          probs[x][j] = rng.nextDouble() + (j == sharp ? k : 0);
          sum += probs[x][j];
        }
        for (int j = 0; j < k; j++) probs[x][j] /= sum;
        labels[x] = rng.nextInt(k);
      }
      return new Input(probs, labels, k);
    }

    Result find(Options options) {
      return ConfidentLearning.find(probs, labels, classes, options);
    }
  }

  private static Options options(Random rng) {
    Filter filter = rng.nextBoolean() ? Filter.LOW_CONFIDENT_MARGIN : Filter.PRUNE_BY_NOISE_RATE;
    Ranking ranking = rng.nextBoolean() ? Ranking.SELF_CONFIDENCE : Ranking.NORMALIZED_MARGIN;
    return new Options(filter, ranking, rng.nextInt(3), rng.nextBoolean());
  }

  @Property(tries = 200)
  void calibratedRowsSumToTheClassCountsAndTheJointToOne(@ForAll @IntRange(min = 2, max = 6) int k,
      @ForAll @IntRange(min = 1, max = 60) int n, @ForAll long seed) {
    Input in = Input.random(seed, n, k);
    Result r = in.find(Options.defaults());
    int[] counts = ConfidentLearning.classCounts(in.labels(), k);
    double[][] calibrated = r.calibratedJoint();
    for (int i = 0; i < k; i++) {
      assertEquals(counts[i], sum(calibrated[i]), TOLERANCE * Math.max(1, counts[i]), "row " + i);
    }
    double total = 0;
    for (double[] row : r.joint()) total += sum(row);
    assertEquals(1, total, TOLERANCE);
    assertEquals(1, sum(r.truePrior()), TOLERANCE);
  }

  @Property(tries = 200)
  void noiseMatrixColumnsSumToOne(@ForAll @IntRange(min = 2, max = 6) int k,
      @ForAll @IntRange(min = 1, max = 60) int n, @ForAll long seed) {
    Result r = Input.random(seed, n, k).find(Options.defaults());
    double[][] noise = r.noiseMatrix();
    for (int j = 0; j < k; j++) {
      double column = 0;
      for (int i = 0; i < k; i++) {
        assertTrue(noise[i][j] >= 0 && noise[i][j] <= 1 + TOLERANCE, "noise[" + i + "][" + j + "] = " + noise[i][j]);
        column += noise[i][j];
      }
      assertEquals(1, column, TOLERANCE, "column " + j);
    }
  }

  @Property(tries = 200)
  void suspectsAreUniqueInRangeAndRankedByScore(@ForAll @IntRange(min = 2, max = 6) int k,
      @ForAll @IntRange(min = 1, max = 60) int n, @ForAll long seed) {
    Input in = Input.random(seed, n, k);
    Options options = options(new Random(seed + 1));
    List<Suspect> suspects = in.find(options).suspects();
    Set<Integer> seen = new HashSet<>();
    int[] flaggedPerClass = new int[k];
    for (int r = 0; r < suspects.size(); r++) {
      Suspect s = suspects.get(r);
      assertTrue(s.index() >= 0 && s.index() < n, "index " + s.index());
      assertTrue(seen.add(s.index()), "image " + s.index() + " flagged twice");
      assertEquals(r + 1, s.rank());
      assertEquals(in.labels()[s.index()], s.givenLabel());
      assertNotEquals(s.givenLabel(), s.suggestedLabel());
      assertEquals(in.probs()[s.index()][s.givenLabel()], s.givenProbability());
      if (r > 0) {
        Suspect previous = suspects.get(r - 1);
        assertTrue(previous.score() < s.score() || previous.score() == s.score() && previous.index() < s.index(),
            "rank " + r + " (" + previous + ") before rank " + (r + 1) + " (" + s + ")");
      }
      flaggedPerClass[s.givenLabel()]++;
    }
    int[] counts = ConfidentLearning.classCounts(in.labels(), k);
    for (int i = 0; i < k; i++) {
      assertTrue(flaggedPerClass[i] <= Math.max(0, counts[i] - options.minKeptPerClass()),
          "class " + i + ": " + flaggedPerClass[i] + " of " + counts[i] + " flagged");
    }
  }

  /**
   * With nothing kept back (no minimum per class, agreeing predictions flaggable), the margin
   * filter flags exactly the estimated number of images, and they are the ones with the lowest
   * confident margins: checked against a sort of all images written out separately.
   */
  @Property(tries = 200)
  void theMarginFilterFlagsTheEstimatedCountOfLowestMargins(@ForAll @IntRange(min = 2, max = 6) int k,
      @ForAll @IntRange(min = 1, max = 60) int n, @ForAll long seed) {
    Input in = Input.random(seed, n, k);
    Result r = in.find(new Options(Filter.LOW_CONFIDENT_MARGIN, Ranking.SELF_CONFIDENCE, 0, false));
    double offDiagonal = 0;
    double[][] calibrated = r.calibratedJoint();
    for (int i = 0; i < k; i++) for (int j = 0; j < k; j++) if (i != j) offDiagonal += calibrated[i][j];
    int expectedCount = (int) Math.round(offDiagonal);
    List<Integer> byMargin = new ArrayList<>();
    for (int x = 0; x < n; x++) byMargin.add(x);
    double[] t = r.thresholds();
    byMargin.sort(Comparator.comparingDouble((Integer x) -> margin(in.probs()[x], in.labels()[x], t))
        .thenComparingInt(x -> x));
    Set<Integer> expected = new HashSet<>(byMargin.subList(0, expectedCount));
    Set<Integer> flagged = new HashSet<>();
    for (Suspect s : r.suspects()) flagged.add(s.index());
    assertEquals(expected, flagged);
  }

  /** p[given] / t[given] - max over the other classes j of p[j] / t[j] (t floored at 1e-12). */
  private static double margin(double[] p, int given, double[] t) {
    double other = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < p.length; j++) if (j != given) other = Math.max(other, p[j] / Math.max(t[j], 1e-12));
    return p[given] / Math.max(t[given], 1e-12) - other;
  }

  @Property(tries = 200)
  void confidentNoiseFreeLabelsFlagNothing(@ForAll @IntRange(min = 2, max = 6) int k,
      @ForAll @IntRange(min = 1, max = 60) int n, @ForAll long seed) {
    Random rng = new Random(seed);
    double[][] probs = new double[n][k];
    int[] labels = new int[n];
    for (int x = 0; x < n; x++) {
      labels[x] = rng.nextInt(k);
      probs[x][labels[x]] = 1;
    }
    Options options = options(rng);
    Result r = ConfidentLearning.find(probs, labels, k, options);
    assertEquals(List.of(), r.suspects());
    double[][] noise = r.noiseMatrix();
    for (int j = 0; j < k; j++) assertEquals(1, noise[j][j], TOLERANCE, "noise matrix diagonal " + j);
  }

  @Property(tries = 200)
  void theConfidentJointCountsEveryImageWithACandidateClass(@ForAll @IntRange(min = 2, max = 6) int k,
      @ForAll @IntRange(min = 1, max = 60) int n, @ForAll long seed) {
    Input in = Input.random(seed, n, k);
    Result r = in.find(Options.defaults());
    double[] t = r.thresholds();
    int withCandidate = 0;
    for (double[] p : in.probs()) {
      boolean any = false;
      for (int j = 0; j < k; j++) any |= ConfidentLearning.isConfident(p[j], t[j]);
      if (any) withCandidate++;
    }
    int total = 0;
    for (int[] row : r.confidentJoint()) for (int c : row) total += c;
    assertEquals(withCandidate, total);
  }

  private static double sum(double[] values) {
    double total = 0;
    for (double v : values) total += v;
    return total;
  }
}
