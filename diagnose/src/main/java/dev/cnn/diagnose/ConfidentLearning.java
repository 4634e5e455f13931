package dev.cnn.diagnose;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Finds images whose given label is probably wrong, by confident learning (Northcutt, Jiang and
 * Chuang, "Confident Learning: Estimating Uncertainty in Dataset Labels", JAIR 70, 2021).
 *
 * <p>The inputs are, for each of the n training images x, the model's predicted class
 * probabilities p(x, j) for the k classes j, and the label y~(x) the dataset gives it (which may
 * be wrong). The unknown correct label is written y*. Write X_i for the images with given label
 * i and n_i = |X_i|. The method has five steps.
 *
 * <ol>
 *   <li><b>Per-class thresholds.</b> t_j = (1 / n_j) sum_{x in X_j} p(x, j), the model's mean
 *       confidence in class j on the images labelled j. It is how sure the model usually is
 *       when an image really is (mostly) of class j, whatever that class's difficulty.
 *   <li><b>Confident joint.</b> An image x in X_i is confidently of class j when
 *       p(x, j) &gt;= t_j. Among its confident classes take j* = argmax_j p(x, j) and count
 *       C[i][j*] += 1; an image with no confident class is not counted. C[i][j] (i != j)
 *       counts the images labelled i that look confidently like j.
 *   <li><b>Calibration.</b> C-hat[i][j] = C[i][j] / (sum_j' C[i][j']) * n_i, so that row i sums
 *       to n_i (the images that were not counted are spread like those that were), and the
 *       joint distribution of (given, true) labels is Q[i][j] = C-hat[i][j] / sum C-hat, an
 *       estimate of P(y~ = i, y* = j).
 *   <li><b>Noise matrix and prior.</b> P(y~ = i | y* = j) = Q[i][j] / sum_i' Q[i'][j], and the
 *       prior of the true labels is P(y* = j) = sum_i Q[i][j].
 *   <li><b>Flagging</b>, one of two {@link Filter}s:
 *       <ul>
 *         <li>{@link Filter#LOW_CONFIDENT_MARGIN} (the default): Q estimates how many labels are
 *             wrong in all, N = round(n (1 - sum_i Q[i][i])), the off-diagonal mass of C-hat.
 *             The N images with the lowest confident margin
 *             m(x) = p(x, y~) / t_y~ - max_{j != y~} p(x, j) / t_j are flagged: each probability
 *             is measured in units of its class's threshold, so m(x) is the test of step 2
 *             (p(x, j) / t_j &gt;= 1) made continuous, and a class the model is always unsure of
 *             does not fill the list with its correctly labelled images.
 *         <li>{@link Filter#PRUNE_BY_NOISE_RATE} (the paper's): Q says how many images labelled i
 *             are really of class j, about m_ij = round(n Q[i][j]); for each i != j the m_ij
 *             images of X_i with the largest margin p(x, j) - p(x, i) are flagged.
 *       </ul>
 *       Either way each class keeps at least a minimum number of its images, and an image whose
 *       predicted class argmax_j p(x, j) equals its given label is (by default) not flagged.
 * </ol>
 *
 * <p><b>Why the default filter.</b> When labels are flipped uniformly at random, the model's
 * probability of the given label falls as the chance that the label is wrong rises, so the N
 * lowest self-confidences are already as good a choice of N images as any: what confident
 * learning adds there is N. Per-cell quotas (pruning by noise rate) carry the estimation error of
 * every cell of Q into the choice and lose precision to that global ranking; the confident
 * margin is a global ranking too, so it ties with it (within a few images), and it wins when the
 * flips go to look-alike classes or when classes differ in difficulty. Measured by
 * {@code bench/label-errors-eval.sh} (flipped labels on the built-in shapes) and the planted-noise
 * tests.
 *
 * The flagged images are ranked most suspect first (by self-confidence p(x, y~) or by normalised
 * margin p(x, y~) - max_{j != y~} p(x, j), ascending), and each comes with the class it most
 * likely belongs to instead, argmax_{j != y~} p(x, j).
 *
 * <p><b>The probabilities must be out-of-sample</b>: each image's row must come from a model that
 * did not train on that image, as in K-fold cross-validation (train on K - 1 folds, predict the
 * held-out fold). A network scored on its own training images has memorised their labels, wrong
 * ones included, and gives them high confidence: the errors then look like clean images and
 * confident learning finds nothing.
 *
 * <p>Shapes: {@code probs} is n x k (row x is image x's probabilities, each in [0, 1], summing to
 * 1), {@code labels} has n entries in [0, k). Pure functions: nothing is kept between calls.
 */
public final class ConfidentLearning {
  private ConfidentLearning() {}

  /**
   * How far a probability may fall below its class threshold and still count as confident. The
   * threshold is a mean computed by summing and dividing, which can land a few ulps above every
   * value it averages (three images at exactly 0.9 can give t = 0.9000000000000001); without the
   * slack an image exactly at its class's typical confidence would not count. Far below any
   * difference in confidence that means something.
   */
  static final double THRESHOLD_SLACK = 1e-9;

  /** The smallest threshold the confident margin divides by, so that it stays finite. */
  static final double MIN_THRESHOLD = 1e-12;

  /**
   * How far a row of probabilities may sum from 1. Generous enough for float32 softmax outputs
   * over many classes, tight enough to catch logits or unnormalised scores passed by mistake.
   */
  static final double ROW_SUM_TOLERANCE = 1e-3;

  /**
   * The fewest images labelled i that pruning leaves labelled i, by default. One image keeps every
   * class present, so that a model retrained on the cleaned data can still learn it (cleanlab's
   * default too).
   */
  public static final int DEFAULT_MIN_KEPT_PER_CLASS = 1;

  private static final String WHO = "confident learning: ";

  /** Which images are flagged, given the estimated joint Q (step 5 of the class comment). */
  public enum Filter {
    /**
     * The N = round(n (1 - trace Q)) images with the lowest confident margin
     * p(x, y~) / t_y~ - max_{j != y~} p(x, j) / t_j.
     */
    LOW_CONFIDENT_MARGIN,
    /** For each i != j, the round(n Q[i][j]) images labelled i with the largest p(x, j) - p(x, i). */
    PRUNE_BY_NOISE_RATE
  }

  /** The order of the flagged images, most suspect first. */
  public enum Ranking {
    /** By p(x, y~), the probability of the given label, ascending. */
    SELF_CONFIDENCE,
    /** By p(x, y~) - max_{j != y~} p(x, j), ascending: how far the given label trails the best other class. */
    NORMALIZED_MARGIN
  }

  /**
   * The choices of {@link #find}.
   *
   * @param filter which images are flagged
   * @param ranking the order of the suspects
   * @param minKeptPerClass pruning never leaves a class with fewer than this many images labelled
   *     with it (a class with fewer to begin with loses none); 0 or more
   * @param keepAgreeingPredictions when true, an image whose predicted class (argmax of its row,
   *     lowest class on ties) equals its given label is never flagged
   */
  public record Options(Filter filter, Ranking ranking, int minKeptPerClass, boolean keepAgreeingPredictions) {
    /** Checks the fields; the message names the field, what was expected and what was found. */
    public Options {
      if (filter == null) {
        throw new IllegalArgumentException(WHO + "Options.filter is null; expected LOW_CONFIDENT_MARGIN or "
            + "PRUNE_BY_NOISE_RATE");
      }
      if (ranking == null) {
        throw new IllegalArgumentException(WHO + "Options.ranking is null; expected "
            + "SELF_CONFIDENCE or NORMALIZED_MARGIN");
      }
      if (minKeptPerClass < 0) {
        throw new IllegalArgumentException(WHO + "Options.minKeptPerClass = " + minKeptPerClass
            + "; expected 0 or more (the fewest images each class keeps)");
      }
    }

    /**
     * The lowest confident margins flagged, ranked by self-confidence, at least
     * {@value #DEFAULT_MIN_KEPT_PER_CLASS} image kept per class, agreeing predictions kept (never
     * flagged).
     */
    public static Options defaults() {
      return new Options(Filter.LOW_CONFIDENT_MARGIN, Ranking.SELF_CONFIDENCE, DEFAULT_MIN_KEPT_PER_CLASS, true);
    }

    /** These options with another filter. */
    public Options withFilter(Filter other) {
      return new Options(other, ranking, minKeptPerClass, keepAgreeingPredictions);
    }

    /** These options with another ranking. */
    public Options withRanking(Ranking other) {
      return new Options(filter, other, minKeptPerClass, keepAgreeingPredictions);
    }
  }

  /**
   * One image suspected of a wrong label.
   *
   * @param index the image's row in probs
   * @param givenLabel its label in the dataset, y~
   * @param suggestedLabel the class it most likely belongs to instead: argmax_{j != y~} p(x, j)
   * @param givenProbability p(x, y~), the model's probability for the given label
   * @param score the ranking's score (lower is more suspect): p(x, y~) for self-confidence, the
   *     normalised margin for {@link Ranking#NORMALIZED_MARGIN}
   * @param rank 1 for the most suspect image, then 2, 3, ...
   */
  public record Suspect(int index, int givenLabel, int suggestedLabel, double givenProbability, double score,
      int rank) {}

  /**
   * Every intermediate of the method and its verdict. The arrays are copied on the way in and on
   * the way out, so a result cannot be changed through them.
   *
   * @param thresholds t_j, length k (+infinity for a class no image is labelled with)
   * @param confidentJoint C, k x k, rows the given label i and columns the confident class j
   * @param calibratedJoint C-hat, k x k, row i summing to n_i
   * @param joint Q, k x k, summing to 1: the estimate of P(y~ = i, y* = j)
   * @param noiseMatrix P(y~ = i | y* = j), k x k, each column summing to 1
   * @param truePrior P(y* = j), length k, summing to 1
   * @param suspects the flagged images, most suspect first
   * @param filter the filter that flagged them
   */
  public record Result(double[] thresholds, int[][] confidentJoint, double[][] calibratedJoint, double[][] joint,
      double[][] noiseMatrix, double[] truePrior, List<Suspect> suspects, Filter filter) {
    /** Copies every array and the list. */
    public Result {
      thresholds = thresholds.clone();
      confidentJoint = copy(confidentJoint);
      calibratedJoint = copy(calibratedJoint);
      joint = copy(joint);
      noiseMatrix = copy(noiseMatrix);
      truePrior = truePrior.clone();
      suspects = List.copyOf(suspects);
    }

    @Override
    public double[] thresholds() {
      return thresholds.clone();
    }

    @Override
    public int[][] confidentJoint() {
      return copy(confidentJoint);
    }

    @Override
    public double[][] calibratedJoint() {
      return copy(calibratedJoint);
    }

    @Override
    public double[][] joint() {
      return copy(joint);
    }

    @Override
    public double[][] noiseMatrix() {
      return copy(noiseMatrix);
    }

    @Override
    public double[] truePrior() {
      return truePrior.clone();
    }
  }

  /** {@link #find(double[][], int[], int, Options)} with {@link Options#defaults()}. */
  public static Result find(double[][] probs, int[] labels, int classes) {
    return find(probs, labels, classes, Options.defaults());
  }

  /**
   * Runs the five steps of the class comment: thresholds t_j, confident joint C, calibrated joint
   * C-hat and joint Q, noise matrix and true prior, then the options' filter and ranking.
   *
   * @param probs n x k out-of-sample predicted probabilities, each row summing to 1
   * @param labels the n given labels, each in [0, k)
   * @param classes k, at least 2
   * @param options filter, ranking, minimum kept per class, whether agreeing predictions are kept
   * @throws IllegalArgumentException naming the first bad input
   */
  public static Result find(double[][] probs, int[] labels, int classes, Options options) {
    if (options == null) {
      throw new IllegalArgumentException(WHO + "options is null; expected Options.defaults() or another Options");
    }
    validate(probs, labels, classes);
    double[] thresholds = thresholds(probs, labels, classes);
    int[][] confident = confidentJoint(probs, labels, thresholds);
    double[][] calibrated = calibrate(confident, classCounts(labels, classes));
    double[][] joint = normalise(calibrated);
    int[] flagged = switch (options.filter()) {
      case LOW_CONFIDENT_MARGIN -> lowestMargins(probs, labels, thresholds, estimatedErrors(calibrated), options);
      case PRUNE_BY_NOISE_RATE -> pruneByNoiseRate(probs, labels, joint, options);
    };
    List<Suspect> suspects = rank(probs, labels, flagged, options.ranking());
    return new Result(thresholds, confident, calibrated, joint, noiseMatrix(joint), truePrior(joint), suspects,
        options.filter());
  }

  /**
   * The baseline confident learning is compared with: the {@code count} images with the lowest
   * self-confidence p(x, y~), lowest first (ties: lower index first).
   *
   * @param probs n x k predicted probabilities, each row summing to 1
   * @param labels the n given labels, each in [0, k) where k is the length of the rows
   * @param count how many images to return, in [0, n]
   * @return {@code count} image indices
   */
  public static int[] lowestSelfConfidence(double[][] probs, int[] labels, int count) {
    validate(probs, labels, probs != null && probs.length > 0 && probs[0] != null ? probs[0].length : 0);
    if (count < 0 || count > labels.length) {
      throw new IllegalArgumentException(WHO + "count = " + count + "; expected a number of images in [0, "
          + labels.length + "]");
    }
    List<Integer> images = allImages(labels.length);
    images.sort(Comparator.comparingDouble((Integer x) -> probs[x][labels[x]]).thenComparingInt(x -> x));
    return toArray(images.subList(0, count));
  }

  // ---- step 1: thresholds ----

  /**
   * t_j = mean of p(x, j) over the images x labelled j; length k. A class that no image is
   * labelled with gets +infinity, so that no image is ever confidently of that class.
   */
  static double[] thresholds(double[][] probs, int[] labels, int classes) {
    double[] sum = new double[classes];
    int[] count = classCounts(labels, classes);
    for (int x = 0; x < labels.length; x++) sum[labels[x]] += probs[x][labels[x]];
    double[] thresholds = new double[classes];
    for (int j = 0; j < classes; j++) {
      thresholds[j] = count[j] == 0 ? Double.POSITIVE_INFINITY : sum[j] / count[j];
    }
    return thresholds;
  }

  // ---- step 2: confident joint ----

  /**
   * C[i][j] = the number of images labelled i whose most probable confident class is j; k x k.
   * An image with no confident class is not counted.
   */
  static int[][] confidentJoint(double[][] probs, int[] labels, double[] thresholds) {
    int k = thresholds.length;
    int[][] joint = new int[k][k];
    for (int x = 0; x < labels.length; x++) {
      int j = confidentClass(probs[x], thresholds);
      if (j >= 0) joint[labels[x]][j]++;
    }
    return joint;
  }

  /**
   * Among the classes j with p[j] &gt;= t_j (less {@link #THRESHOLD_SLACK}), the one with the
   * largest p[j] (ties: the lowest j); -1 when there is none.
   */
  static int confidentClass(double[] p, double[] thresholds) {
    int best = -1;
    for (int j = 0; j < p.length; j++) {
      if (isConfident(p[j], thresholds[j]) && (best < 0 || p[j] > p[best])) best = j;
    }
    return best;
  }

  /** p &gt;= t, allowing {@link #THRESHOLD_SLACK} for the rounding of the mean t. */
  static boolean isConfident(double p, double threshold) {
    return p >= threshold - THRESHOLD_SLACK;
  }

  // ---- step 3: calibration ----

  /**
   * C-hat[i][j] = C[i][j] / (sum_j' C[i][j']) * n_i; k x k, row i summing to n_i. A row that
   * counted no image puts all n_i on the diagonal (no evidence of noise: the labels are trusted).
   */
  static double[][] calibrate(int[][] confidentJoint, int[] classCounts) {
    int k = classCounts.length;
    double[][] calibrated = new double[k][k];
    for (int i = 0; i < k; i++) {
      int rowTotal = sum(confidentJoint[i]);
      if (rowTotal == 0) {
        calibrated[i][i] = classCounts[i];
        continue;
      }
      for (int j = 0; j < k; j++) calibrated[i][j] = (double) confidentJoint[i][j] / rowTotal * classCounts[i];
    }
    return calibrated;
  }

  /** Q = C-hat / sum C-hat; k x k, summing to 1. C-hat must not be all zero (it sums to n &gt; 0). */
  static double[][] normalise(double[][] calibrated) {
    double total = 0;
    for (double[] row : calibrated) for (double v : row) total += v;
    double[][] joint = new double[calibrated.length][];
    for (int i = 0; i < calibrated.length; i++) {
      joint[i] = new double[calibrated[i].length];
      for (int j = 0; j < calibrated[i].length; j++) joint[i][j] = calibrated[i][j] / total;
    }
    return joint;
  }

  // ---- step 4: noise matrix and prior ----

  /**
   * P(y~ = i | y* = j) = Q[i][j] / sum_i' Q[i'][j]; k x k, each column summing to 1. A column of
   * zeros (no image estimated to be truly of class j) becomes the identity column.
   */
  static double[][] noiseMatrix(double[][] joint) {
    int k = joint.length;
    double[] prior = truePrior(joint);
    double[][] noise = new double[k][k];
    for (int j = 0; j < k; j++) {
      for (int i = 0; i < k; i++) {
        if (prior[j] == 0) noise[i][j] = i == j ? 1 : 0;
        else noise[i][j] = joint[i][j] / prior[j];
      }
    }
    return noise;
  }

  /** P(y* = j) = sum_i Q[i][j]; length k. */
  static double[] truePrior(double[][] joint) {
    double[] prior = new double[joint.length];
    for (double[] row : joint) for (int j = 0; j < row.length; j++) prior[j] += row[j];
    return prior;
  }

  // ---- step 5: flagging ----

  /**
   * N = round(sum_{i != j} C-hat[i][j]), the number of wrong labels the calibrated joint implies
   * (C-hat sums to n, so this is round(n (1 - trace Q))).
   */
  static int estimatedErrors(double[][] calibrated) {
    double offDiagonal = 0;
    for (int i = 0; i < calibrated.length; i++) {
      for (int j = 0; j < calibrated.length; j++) if (i != j) offDiagonal += calibrated[i][j];
    }
    return (int) Math.round(offDiagonal);
  }

  /**
   * The confident margin p[given] / t_given - max_{j != given} p[j] / t_j: how far, in units of
   * each class's threshold, the given label trails (negative) or leads the best other class.
   * A threshold below {@link #MIN_THRESHOLD} (a class whose images all got probability 0) is
   * taken as that.
   */
  static double confidentMargin(double[] p, int given, double[] thresholds) {
    double other = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < p.length; j++) {
      if (j != given) other = Math.max(other, p[j] / Math.max(thresholds[j], MIN_THRESHOLD));
    }
    return p[given] / Math.max(thresholds[given], MIN_THRESHOLD) - other;
  }

  /**
   * The flagged images of {@link Filter#LOW_CONFIDENT_MARGIN}, in increasing index order: images
   * are taken by increasing confident margin (ties: lower index) until {@code count} are flagged,
   * passing over an image whose class is down to minKeptPerClass unflagged images and, if
   * {@code keepAgreeingPredictions}, an image whose predicted class is its given label.
   */
  static int[] lowestMargins(double[][] probs, int[] labels, double[] thresholds, int count, Options options) {
    int[] unflagged = classCounts(labels, probs[0].length);
    double[] margin = new double[labels.length];
    for (int x = 0; x < labels.length; x++) margin[x] = confidentMargin(probs[x], labels[x], thresholds);
    List<Integer> order = allImages(labels.length);
    order.sort(Comparator.comparingDouble((Integer x) -> margin[x]).thenComparingInt(x -> x));
    boolean[] flagged = new boolean[labels.length];
    int taken = 0;
    for (int x : order) {
      if (taken == count) break;
      if (unflagged[labels[x]] <= options.minKeptPerClass()) continue;
      if (options.keepAgreeingPredictions() && argmax(probs[x]) == labels[x]) continue;
      flagged[x] = true;
      unflagged[labels[x]]--;
      taken++;
    }
    List<Integer> result = new ArrayList<>();
    for (int x = 0; x < labels.length; x++) if (flagged[x]) result.add(x);
    return toArray(result);
  }

  /**
   * The flagged images, in increasing index order. For each given label i: for each j != i, the
   * m_ij = round(n Q[i][j]) images labelled i with the largest margin p(x, j) - p(x, i) (ties:
   * lower index) are chosen; an image chosen for several j counts once, with its largest such
   * margin. At most n_i - minKeptPerClass of them are flagged (the smallest margins are dropped
   * first). Then, if {@code keepAgreeingPredictions}, images whose predicted class is their given
   * label are unflagged.
   */
  static int[] pruneByNoiseRate(double[][] probs, int[] labels, double[][] joint, Options options) {
    int n = labels.length;
    boolean[] flagged = new boolean[n];
    for (int i = 0; i < joint.length; i++) {
      List<Integer> members = imagesLabelled(labels, i);
      double[] chosenMargin = chooseByMargin(probs, members, i, joint[i], n);
      int cap = Math.max(0, members.size() - options.minKeptPerClass());
      for (int x : largestFirst(chosen(members, chosenMargin), chosenMargin, cap)) flagged[x] = true;
    }
    List<Integer> result = new ArrayList<>();
    for (int x = 0; x < n; x++) {
      boolean agrees = argmax(probs[x]) == labels[x];
      if (flagged[x] && !(options.keepAgreeingPredictions() && agrees)) result.add(x);
    }
    return toArray(result);
  }

  /**
   * For the images labelled i: the largest margin p(x, j) - p(x, i) over the classes j for which x
   * is among the round(n Q[i][j]) largest margins; NaN for an image not chosen. Indexed by image.
   */
  private static double[] chooseByMargin(double[][] probs, List<Integer> members, int i, double[] jointRow, int n) {
    double[] chosenMargin = new double[probs.length];
    Arrays.fill(chosenMargin, Double.NaN);
    for (int j = 0; j < jointRow.length; j++) {
      if (j == i) continue;
      int toRemove = (int) Math.min(Math.round(n * jointRow[j]), members.size());
      double[] margin = new double[probs.length];
      for (int x : members) margin[x] = probs[x][j] - probs[x][i];
      for (int x : largestFirst(members, margin, toRemove)) {
        if (Double.isNaN(chosenMargin[x]) || margin[x] > chosenMargin[x]) chosenMargin[x] = margin[x];
      }
    }
    return chosenMargin;
  }

  /** The members with a (non-NaN) chosen margin. */
  private static List<Integer> chosen(List<Integer> members, double[] chosenMargin) {
    List<Integer> chosen = new ArrayList<>();
    for (int x : members) if (!Double.isNaN(chosenMargin[x])) chosen.add(x);
    return chosen;
  }

  /** The first {@code count} of the images by decreasing key (ties: lower index first). */
  private static List<Integer> largestFirst(List<Integer> images, double[] key, int count) {
    List<Integer> sorted = new ArrayList<>(images);
    Comparator<Integer> byKeyDescending = (a, b) -> Double.compare(key[b], key[a]);
    sorted.sort(byKeyDescending.thenComparingInt(x -> x));
    return sorted.subList(0, Math.min(count, sorted.size()));
  }

  // ---- ranking and suggested labels ----

  /**
   * The flagged images as suspects, ordered by the ranking's score ascending (ties: lower index
   * first) and numbered from 1.
   */
  static List<Suspect> rank(double[][] probs, int[] labels, int[] flagged, Ranking ranking) {
    List<Integer> order = new ArrayList<>();
    for (int x : flagged) order.add(x);
    order.sort(Comparator.comparingDouble((Integer x) -> score(probs[x], labels[x], ranking)).thenComparingInt(x -> x));
    List<Suspect> suspects = new ArrayList<>();
    for (int r = 0; r < order.size(); r++) {
      int x = order.get(r);
      double[] p = probs[x];
      int given = labels[x];
      suspects.add(new Suspect(x, given, suggestedLabel(p, given), p[given], score(p, given, ranking), r + 1));
    }
    return suspects;
  }

  /** Self-confidence p[y~], or the normalised margin p[y~] - max_{j != y~} p[j]; lower is more suspect. */
  static double score(double[] p, int given, Ranking ranking) {
    return switch (ranking) {
      case SELF_CONFIDENCE -> p[given];
      case NORMALIZED_MARGIN -> p[given] - p[suggestedLabel(p, given)];
    };
  }

  /** argmax_{j != given} p[j] (ties: the lowest j). */
  static int suggestedLabel(double[] p, int given) {
    int best = -1;
    for (int j = 0; j < p.length; j++) {
      if (j != given && (best < 0 || p[j] > p[best])) best = j;
    }
    return best;
  }

  /** argmax_j p[j] (ties: the lowest j): the model's predicted class. */
  static int argmax(double[] p) {
    int best = 0;
    for (int j = 1; j < p.length; j++) if (p[j] > p[best]) best = j;
    return best;
  }

  // ---- small helpers ----

  /** n_i, the number of images labelled i; length k. */
  static int[] classCounts(int[] labels, int classes) {
    int[] counts = new int[classes];
    for (int label : labels) counts[label]++;
    return counts;
  }

  private static List<Integer> imagesLabelled(int[] labels, int label) {
    List<Integer> images = new ArrayList<>();
    for (int x = 0; x < labels.length; x++) if (labels[x] == label) images.add(x);
    return images;
  }

  private static List<Integer> allImages(int n) {
    List<Integer> images = new ArrayList<>(n);
    for (int x = 0; x < n; x++) images.add(x);
    return images;
  }

  private static int sum(int[] values) {
    int total = 0;
    for (int v : values) total += v;
    return total;
  }

  private static int[] toArray(List<Integer> values) {
    return values.stream().mapToInt(Integer::intValue).toArray();
  }

  private static double[][] copy(double[][] matrix) {
    double[][] copy = new double[matrix.length][];
    for (int i = 0; i < matrix.length; i++) copy[i] = matrix[i].clone();
    return copy;
  }

  private static int[][] copy(int[][] matrix) {
    int[][] copy = new int[matrix.length][];
    for (int i = 0; i < matrix.length; i++) copy[i] = matrix[i].clone();
    return copy;
  }

  // ---- input checks ----

  /** Throws IllegalArgumentException naming the first thing wrong with the inputs. */
  static void validate(double[][] probs, int[] labels, int classes) {
    if (probs == null || labels == null) {
      throw new IllegalArgumentException(WHO + (probs == null ? "probs" : "labels") + " is null");
    }
    if (probs.length != labels.length) {
      throw new IllegalArgumentException(WHO + "probs has " + probs.length + " rows but labels has " + labels.length
          + " entries; expected one row of class probabilities per image");
    }
    if (labels.length == 0) throw new IllegalArgumentException(WHO + "no images; expected at least one");
    if (classes < 2) throw new IllegalArgumentException(WHO + "classes = " + classes + "; expected at least 2");
    for (int x = 0; x < probs.length; x++) validateRow(probs[x], x, classes);
    for (int x = 0; x < labels.length; x++) {
      if (labels[x] < 0 || labels[x] >= classes) {
        throw new IllegalArgumentException(WHO + "label " + labels[x] + " of image " + x + " is outside [0, "
            + classes + ")");
      }
    }
  }

  private static void validateRow(double[] row, int x, int classes) {
    if (row == null) {
      throw new IllegalArgumentException(WHO + "row " + x + " is null; expected " + classes + " probabilities");
    }
    if (row.length != classes) {
      throw new IllegalArgumentException(WHO + "row " + x + " has " + row.length + " probabilities; expected "
          + classes + " (one per class)");
    }
    double sum = 0;
    for (int j = 0; j < classes; j++) {
      if (!(row[j] >= 0 && row[j] <= 1)) {
        throw new IllegalArgumentException(WHO + "probs[" + x + "][" + j + "] = " + row[j]
            + "; expected a probability in [0, 1]");
      }
      sum += row[j];
    }
    if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "%srow %d sums to %.6g; expected 1 (within %s): one probability distribution per image, not logits",
          WHO, x, sum, ROW_SUM_TOLERANCE));
    }
  }
}
