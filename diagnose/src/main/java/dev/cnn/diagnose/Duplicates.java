package dev.cnn.diagnose;

import dev.cnn.data.Dataset;
import dev.cnn.tensor.Parallel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Duplicate images within a training set and between it and a test set: <b>exact</b> ones (the same
 * pixel values: equal {@link ImageHash#content} hashes, then confirmed value by value) and
 * <b>near</b> ones (the same picture slightly changed: noise, re-encoding, brightness or contrast).
 * Copies in the training set over-weight some images; copies of training images in the test set
 * (leaks) make test accuracy measure memory; and two copies of one image with different labels are
 * strong evidence that one label is wrong.
 *
 * <p><b>Near-duplicates</b> are two images that are not identical, whose perceptual hashes
 * ({@link ImageHash#perceptual}) differ in at most {@code maxDistance} bits, and whose pixel values are
 * correlated at least {@code minCorrelation}: with {@code x}, {@code y} the two images' values and
 * {@code m_x}, {@code m_y} their means,
 * <pre>r(x, y) = sum_k (x_k - m_x)(y_k - m_y) / sqrt(sum_k (x_k - m_x)^2 sum_k (y_k - m_y)^2)</pre>
 * (1 when both images are constant, 0 when only one is). Like the hash, r ignores brightness and
 * contrast. The hash alone is not enough on small images: on 60,000 28 x 28 SyntheticShapes images,
 * drawn independently, more than half have another within 4 bits (of another shape for 2,000), as 63
 * low-frequency signs say little about a 28-pixel shape; their correlation stays below 0.992, while a
 * copy with +/- 2/255 of noise keeps 0.997 or more (see {@link #DEFAULT_MIN_CORRELATION}). With
 * {@code minCorrelation = -1} every candidate passes and near-duplicates are the hash's alone.
 *
 * <p><b>Search without comparing all pairs</b> (multi-index hashing, Norouzi, Punjani and Fleet 2012,
 * "Fast Search in Hamming Space with Multi-Index Hashing"). Images with the same perceptual hash form
 * one <i>class</i>, represented once. The 64 bits are cut into {@code m = d + 1} bands of about
 * {@code 64 / m} consecutive bits; if two hashes differ in at most d bits, one band holds none of those
 * bits (pigeonhole: d differing bits cannot touch all d + 1 bands), so the two agree exactly on it. So
 * for each band the classes are bucketed by the band's value, and only classes sharing a bucket are
 * compared (a pair is compared only in the first band it shares). 5,000 identical blank images are one
 * class (and one exact class, whose members are paired without comparing them with each other): they
 * cost O(5,000), not 12.5 million comparisons. The cost grows with the bucket sizes: for hashes spread
 * evenly, about {@code K^2 / 2^(64 / m)} comparisons per band for K classes (d = 6, 70,000 classes:
 * about 5 million per band). Candidates are then confirmed by r, nearest first, until one passes.
 *
 * <p><b>What is reported.</b>
 * <ul>
 *   <li>{@link Result#withinTrain()}: each training image that has a duplicate in the training set is
 *       paired with its <i>nearest</i> one: an exact copy before a near one, then the smallest hash
 *       distance, then one whose label differs (the evidence a person wants to see), then the lowest
 *       index. A pair found from both ends is listed once. So every training image with a duplicate is
 *       in at least one pair, and there are at most as many pairs as training images, however many
 *       copies there are.</li>
 *   <li>{@link Result#trainTest()}: each test image with a duplicate among the training images (a
 *       leak), paired with its nearest one by the same rule.</li>
 *   <li>{@link Result#groups()}: the connected components of those pairs with at least two images,
 *       e.g. an image and its four copies. Groups of the pairs, not of all duplicate relations, so that
 *       near-duplication, which is not transitive, does not chain look-alikes into one huge group.</li>
 * </ul>
 * Pairs are sorted by (a, b), groups by size (largest first), then by their first training image.
 * Test images are not compared with each other.
 */
public final class Duplicates {
  /**
   * The default largest Hamming distance between the perceptual hashes of near-duplicates. Measured on
   * 4,000 28 x 28 SyntheticShapes images: copies with noise uniform in {-2, ..., 2}/255 per pixel
   * differ by 0 bits (77%), 2 (22%) or 4 (1%), never more; brightened by 0.05, by at most 4. (Distances
   * are even: a hash has 31 one bits, unless coefficients tie.) 6 keeps one step of margin above 4; larger distances
   * only add candidates that the correlation then turns down.
   */
  public static final int DEFAULT_MAX_DISTANCE = 6;
  /**
   * The default least correlation r of near-duplicates. Measured on 28 x 28 SyntheticShapes images:
   * a copy with noise uniform in {-2, ..., 2}/255 keeps r >= 0.9973, one brightened by 0.05 r >= 0.999;
   * among 60,000 independently drawn images (pixel noise 0.05 each) the pairs within 6 bits reach at
   * most r = 0.992, and only 13 images have a partner with r >= 0.99. Not found at 0.99: copies with
   * noise of standard deviation 5/255 (r down to 0.966), darkened copies whose background is clipped
   * at 0 (0.977), shifted or cropped copies.
   */
  public static final double DEFAULT_MIN_CORRELATION = 0.99;
  /**
   * The largest accepted distance. Beyond about a quarter of the 63 bits, unrelated images start to
   * match, and the bands get so short (4 bits at 16) that multi-index hashing compares most pairs.
   */
  public static final int MAX_DISTANCE = 16;
  /** Images per parallel task: a few milliseconds of work, two scratch buffers. */
  private static final int BLOCK = 256;

  private Duplicates() {}

  /** How two images are alike. */
  public enum Kind {
    /** The same pixel values. */
    EXACT,
    /** Different pixel values, perceptual hashes within the distance, correlation at least the minimum. */
    NEAR
  }

  /**
   * Two duplicate images.
   *
   * @param a a training index ({@code a < b} within the training set)
   * @param b a training index in {@link Result#withinTrain()}, a test index in {@link Result#trainTest()}
   * @param kind exact or near
   * @param distance the Hamming distance of their perceptual hashes (0 for exact copies)
   * @param labelsDisagree whether their labels differ
   */
  public record Pair(int a, int b, Kind kind, int distance, boolean labelsDisagree) {}

  /**
   * A group of duplicates: a connected component of the pairs (see the class comment).
   *
   * @param train its training images' indices, ascending (at least one)
   * @param test its test images' indices, ascending (test-set indices)
   * @param kind {@link Kind#EXACT} when all its images have the same pixel values
   * @param labelsDisagree whether its images (training and test) do not all have the same label
   */
  public record Group(int[] train, int[] test, Kind kind, boolean labelsDisagree) {
    public Group {
      train = train.clone();
      test = test.clone();
    }

    @Override
    public int[] train() {
      return train.clone();
    }

    @Override
    public int[] test() {
      return test.clone();
    }

    /** The number of images in the group. */
    public int size() {
      return train.length + test.length;
    }

    /** Equal when the indices, the kind and the label agreement are. */
    @Override
    public boolean equals(Object o) {
      return o instanceof Group g && Arrays.equals(train, g.train) && Arrays.equals(test, g.test) && kind == g.kind
          && labelsDisagree == g.labelsDisagree;
    }

    @Override
    public int hashCode() {
      return Objects.hash(Arrays.hashCode(train), Arrays.hashCode(test), kind, labelsDisagree);
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "Group[train=%s, test=%s, kind=%s, labelsDisagree=%b]", Arrays.toString(train),
          Arrays.toString(test), kind, labelsDisagree);
    }
  }

  /**
   * What {@link #find} found.
   *
   * @param maxDistance the largest perceptual-hash distance of near-duplicates
   * @param minCorrelation the least pixel correlation of near-duplicates (-1: none asked)
   * @param groups the groups of duplicates, largest first
   * @param withinTrain each training image with a training duplicate, with its nearest one; sorted by (a, b)
   * @param trainTest each test image with a training duplicate (a leak), with its nearest one; sorted by (a, b)
   */
  public record Result(int maxDistance, double minCorrelation, List<Group> groups, List<Pair> withinTrain,
      List<Pair> trainTest) {
    public Result {
      groups = List.copyOf(groups);
      withinTrain = List.copyOf(withinTrain);
      trainTest = List.copyOf(trainTest);
    }

    /** The pairs of {@link #withinTrain()} whose labels differ: one of each pair is likely mislabelled. */
    public List<Pair> withinTrainLabelsDisagree() {
      return withinTrain.stream().filter(Pair::labelsDisagree).toList();
    }

    /** The pairs of {@link #trainTest()} whose labels differ. */
    public List<Pair> trainTestLabelsDisagree() {
      return trainTest.stream().filter(Pair::labelsDisagree).toList();
    }

    /** The groups whose labels differ. */
    public List<Group> groupsWithLabelsDisagreeing() {
      return groups.stream().filter(Group::labelsDisagree).toList();
    }
  }

  /** {@link #find(Dataset, Dataset, int, double)} with the default distance and correlation. */
  public static Result find(Dataset train, Dataset test) {
    return find(train, test, DEFAULT_MAX_DISTANCE, DEFAULT_MIN_CORRELATION);
  }

  /** {@link #find(Dataset, Dataset, int, double)} with {@link #DEFAULT_MIN_CORRELATION}. */
  public static Result find(Dataset train, Dataset test, int maxDistance) {
    return find(train, test, maxDistance, DEFAULT_MIN_CORRELATION);
  }

  /**
   * The duplicates within {@code train} and between {@code train} and {@code test}. Hashes the images
   * ({@link ImageHash#of}) and reads them again to confirm candidates, in parallel: the datasets must
   * allow reads from several threads at once, as the in-memory datasets of {@code dev.cnn.data} do.
   *
   * @param train the training images, {@code [C, H, W]}
   * @param test the test images, of the same shape, or null for none
   * @param maxDistance the largest Hamming distance between the perceptual hashes of near-duplicates,
   *     in {@code [0, MAX_DISTANCE]} (0: identical perceptual hashes only)
   * @param minCorrelation the least pixel correlation r of near-duplicates, in [-1, 1] (-1: the hash decides)
   * @throws IllegalArgumentException if an argument is out of range or the shapes differ
   */
  public static Result find(Dataset train, Dataset test, int maxDistance, double minCorrelation) {
    Objects.requireNonNull(train, "duplicates: train");
    checkArguments(maxDistance, minCorrelation);
    checkShapes(train, test);
    return find(train, ImageHash.of(train), test, test == null ? null : ImageHash.of(test), maxDistance,
        minCorrelation);
  }

  /**
   * {@link #find(Dataset, Dataset, int, double)} with the hashes already computed ({@link ImageHash#of}),
   * for a caller that keeps them.
   *
   * @param trainHashes the hashes of {@code train}, one per image
   * @param testHashes the hashes of {@code test} (ignored when test is null)
   */
  public static Result find(Dataset train, ImageHash.Hashes trainHashes, Dataset test, ImageHash.Hashes testHashes,
      int maxDistance, double minCorrelation) {
    Objects.requireNonNull(train, "duplicates: train");
    checkArguments(maxDistance, minCorrelation);
    checkShapes(train, test);
    checkHashes("train", train, trainHashes);
    if (test != null) checkHashes("test", test, testHashes);
    int nTrain = train.size(), nTest = test == null ? 0 : test.size(), n = nTrain + nTest;
    long[] content = new long[n], perceptual = new long[n];
    int[] labels = new int[n];
    for (int i = 0; i < nTrain; i++) {
      content[i] = trainHashes.content(i);
      perceptual[i] = trainHashes.perceptual(i);
      labels[i] = train.label(i);
    }
    for (int j = 0; j < nTest; j++) {
      content[nTrain + j] = testHashes.content(j);
      perceptual[nTrain + j] = testHashes.perceptual(j);
      labels[nTrain + j] = test.label(j);
    }
    Images images = (g, dst) -> {
      if (g < nTrain) {
        train.read(g, dst, 0);
      } else {
        test.read(g - nTrain, dst, 0);
      }
    };
    return search(content, perceptual, labels, nTrain, images, train.sampleSize(), maxDistance, minCorrelation);
  }

  private static void checkArguments(int maxDistance, double minCorrelation) {
    if (maxDistance < 0 || maxDistance > MAX_DISTANCE) {
      throw new IllegalArgumentException("duplicates: maxDistance = " + maxDistance + "; expected 0 <= maxDistance <= "
          + MAX_DISTANCE);
    }
    if (!(minCorrelation >= -1 && minCorrelation <= 1)) {
      throw new IllegalArgumentException("duplicates: minCorrelation = " + minCorrelation
          + "; expected -1 <= minCorrelation <= 1 (-1: the perceptual hash alone decides)");
    }
  }

  private static void checkShapes(Dataset train, Dataset test) {
    if (test != null && !Arrays.equals(train.sampleShape(), test.sampleShape())) {
      throw new IllegalArgumentException("duplicates: test images of shape " + Arrays.toString(test.sampleShape())
          + " and training images of shape " + Arrays.toString(train.sampleShape()) + "; expected the same shape");
    }
  }

  private static void checkHashes(String which, Dataset d, ImageHash.Hashes hashes) {
    if (hashes == null || hashes.size() != d.size()) {
      throw new IllegalArgumentException("duplicates: " + (hashes == null ? "no" : hashes.size()) + " " + which
          + " hashes for " + d.size() + " " + which + " images; expected one per image (ImageHash.of)");
    }
  }

  /** Reads image g (global index: training images, then test images); called from several threads. */
  @FunctionalInterface
  interface Images {
    void read(int g, float[] dst);
  }

  /**
   * The search on hashes. Images are numbered globally: training images {@code 0 .. nTrain - 1}, then
   * test images, each of {@code size} values; identical images must have equal perceptual hashes.
   */
  static Result search(long[] content, long[] perceptual, int[] labels, int nTrain, Images images, int size,
      int maxDistance, double minCorrelation) {
    int n = content.length;
    int[] exact = exactClasses(content, images, size);

    // Perceptual classes: the images with one perceptual hash; class c is byHash[start[c] .. start[c + 1]),
    // ascending, so its training images come first.
    int[] byHash = order(perceptual);
    int[] classOf = new int[n];
    IntList startList = new IntList();
    for (int t = 0; t < n; t++) {
      if (t == 0 || perceptual[byHash[t]] != perceptual[byHash[t - 1]]) startList.add(t);
      classOf[byHash[t]] = startList.size - 1;
    }
    int classes = startList.size;
    startList.add(n);
    int[] start = Arrays.copyOf(startList.at, startList.size);
    long[] value = new long[classes];
    for (int c = 0; c < classes; c++) value[c] = perceptual[byHash[start[c]]];
    Neighbours near = Neighbours.of(value, maxDistance);
    Firsts exactFirsts = new Firsts(exact, n, labels, nTrain);
    Confirm confirm = minCorrelation > -1 ? Confirm.of(images, n, size, minCorrelation) : null;

    // Each image's nearest training duplicate: partner[q] (-1: none), its kind and hash distance.
    int[] partner = new int[n], distance = new int[n];
    boolean[] isExact = new boolean[n];
    Parallel.forEach((n + BLOCK - 1) / BLOCK, b -> {
      Candidates cand = new Candidates(labels, nTrain, exact, classOf, byHash, start, near, confirm, size);
      for (int q = b * BLOCK, end = Math.min(n, q + BLOCK); q < end; q++) {
        partner[q] = exactFirsts.pick(exact[q], q, labels[q]);
        isExact[q] = partner[q] >= 0;
        if (!isExact[q]) {
          partner[q] = cand.nearest(q);
          distance[q] = cand.distance;
        }
      }
    });

    List<Pair> withinTrain = new ArrayList<>(), trainTest = new ArrayList<>();
    UnionFind sets = new UnionFind(n);
    for (int q = 0; q < n; q++) {
      int a = partner[q];
      if (a < 0) continue;
      sets.union(a, q);
      Kind kind = isExact[q] ? Kind.EXACT : Kind.NEAR;
      boolean disagree = labels[a] != labels[q];
      if (q < nTrain) {
        withinTrain.add(new Pair(Math.min(a, q), Math.max(a, q), kind, distance[q], disagree));
      } else {
        trainTest.add(new Pair(a, q - nTrain, kind, distance[q], disagree));
      }
    }
    Comparator<Pair> byIndex = Comparator.comparingInt(Pair::a).thenComparingInt(Pair::b);
    withinTrain = withinTrain.stream().sorted(byIndex).distinct().toList();
    trainTest = trainTest.stream().sorted(byIndex).toList();
    return new Result(maxDistance, minCorrelation, groups(sets, exact, labels, nTrain), withinTrain, trainTest);
  }

  /**
   * exact[g] = the lowest index of an image with the same values as g: images are sorted by content hash,
   * and within a run of equal hashes each is compared value by value with the run's distinct images so
   * far (one, unless 64-bit hashes collide).
   */
  private static int[] exactClasses(long[] content, Images images, int size) {
    int n = content.length;
    int[] exact = new int[n];
    int[] byContent = order(content);
    float[] x = new float[size];
    for (int s = 0, e; s < n; s = e) {
      for (e = s + 1; e < n && content[byContent[e]] == content[byContent[s]]; e++) {
        // the run of equal content hashes
      }
      if (e - s == 1) {
        exact[byContent[s]] = byContent[s];
        continue;
      }
      List<float[]> repPixels = new ArrayList<>();
      IntList reps = new IntList();
      for (int t = s; t < e; t++) { // ascending index within a run, so a class's first member is its lowest
        int g = byContent[t], r = -1;
        images.read(g, x);
        for (int p = 0; p < reps.size && r < 0; p++) {
          if (ImageHash.sameContent(repPixels.get(p), x)) r = reps.at[p];
        }
        if (r < 0) {
          reps.add(g);
          repPixels.add(x.clone());
          r = g;
        }
        exact[g] = r;
      }
    }
    return exact;
  }

  /** The groups: components of the pairs with at least two images, largest first. */
  private static List<Group> groups(UnionFind sets, int[] exact, int[] labels, int nTrain) {
    int n = exact.length;
    IntList[] members = new IntList[n];
    for (int g = 0; g < n; g++) { // ascending, so each member list is sorted
      int root = sets.find(g);
      if (sets.size[root] < 2) continue;
      if (members[root] == null) members[root] = new IntList();
      members[root].add(g);
    }
    List<Group> out = new ArrayList<>();
    for (IntList m : members) {
      if (m == null) continue;
      int trainCount = 0;
      boolean allExact = true, disagree = false;
      for (int q = 0; q < m.size; q++) {
        int g = m.at[q];
        if (g < nTrain) trainCount++;
        allExact &= exact[g] == exact[m.at[0]];
        disagree |= labels[g] != labels[m.at[0]];
      }
      int[] train = Arrays.copyOf(m.at, trainCount);
      int[] test = new int[m.size - trainCount];
      for (int q = trainCount; q < m.size; q++) test[q - trainCount] = m.at[q] - nTrain;
      out.add(new Group(train, test, allExact ? Kind.EXACT : Kind.NEAR, disagree));
    }
    out.sort(Comparator.comparingInt(Group::size).reversed().thenComparingInt(gr -> gr.train[0]));
    return out;
  }

  /**
   * The pixel correlation test of near-duplicate candidates: each image's mean and centred norm
   * {@code sqrt(sum_k (x_k - m)^2)}, computed once, in parallel.
   */
  private static final class Confirm {
    final Images images;
    final double[] mean;
    final double[] norm;
    final double minCorrelation;

    private Confirm(Images images, double[] mean, double[] norm, double minCorrelation) {
      this.images = images;
      this.mean = mean;
      this.norm = norm;
      this.minCorrelation = minCorrelation;
    }

    static Confirm of(Images images, int n, int size, double minCorrelation) {
      double[] mean = new double[n], norm = new double[n];
      Parallel.forEach((n + BLOCK - 1) / BLOCK, b -> {
        float[] x = new float[size];
        for (int g = b * BLOCK, end = Math.min(n, g + BLOCK); g < end; g++) {
          images.read(g, x);
          double sum = 0;
          for (float v : x) sum += v;
          double m = sum / size, ss = 0;
          for (float v : x) ss += (v - m) * (v - m);
          mean[g] = m;
          norm[g] = Math.sqrt(ss);
        }
      });
      return new Confirm(images, mean, norm, minCorrelation);
    }

    /** The correlation r of images q (values x) and g (read into y); see the class comment. */
    double correlation(int q, float[] x, int g, float[] y) {
      if (norm[q] == 0 || norm[g] == 0) return norm[q] == 0 && norm[g] == 0 ? 1 : 0;
      images.read(g, y);
      double mq = mean[q], mg = mean[g], s = 0;
      for (int k = 0; k < x.length; k++) s += (x[k] - mq) * (y[k] - mg);
      return s / (norm[q] * norm[g]);
    }
  }

  /**
   * One task's search for nearest near-duplicates: the candidates of image q by level (its own perceptual
   * class at distance 0, then its neighbour classes by distance), and within a level those with another
   * label first, then by index; the first confirmed one wins.
   */
  private static final class Candidates {
    final int[] labels;
    final int nTrain;
    final int[] exact;
    final int[] classOf;
    final int[] byHash;
    final int[] start;
    final Neighbours near;
    final Confirm confirm;
    final float[] x;
    final float[] y;
    /** Exact classes found not to correlate with the current image (their copies need no second look). */
    final Set<Integer> rejected = new HashSet<>();
    final IntList level = new IntList();
    int loaded;
    /** The hash distance of the last {@link #nearest} found. */
    int distance;

    Candidates(int[] labels, int nTrain, int[] exact, int[] classOf, int[] byHash, int[] start, Neighbours near,
        Confirm confirm, int size) {
      this.labels = labels;
      this.nTrain = nTrain;
      this.exact = exact;
      this.classOf = classOf;
      this.byHash = byHash;
      this.start = start;
      this.near = near;
      this.confirm = confirm;
      x = confirm == null ? null : new float[size];
      y = confirm == null ? null : new float[size];
    }

    /** Image q's nearest confirmed near-duplicate among the training images (none identical to it); -1 if none. */
    int nearest(int q) {
      rejected.clear();
      loaded = -1;
      int c = classOf[q];
      for (int pass = 0; pass < 2; pass++) { // own class: other labels first
        for (int t = start[c]; t < start[c + 1]; t++) {
          int g = byHash[t];
          if (g >= nTrain) break; // training images come first
          if (g == q || (labels[g] != labels[q]) != (pass == 0)) continue;
          if (accept(q, g)) {
            distance = 0;
            return g;
          }
        }
      }
      for (int k = near.start[c], end; k < near.start[c + 1]; k = end) {
        int d = near.distance[k];
        level.size = 0;
        for (end = k; end < near.start[c + 1] && near.distance[end] == d; end++) {
          int o = near.other[end];
          for (int t = start[o]; t < start[o + 1] && byHash[t] < nTrain; t++) level.add(byHash[t]);
        }
        long[] keys = new long[level.size]; // (same label, index): other labels first
        for (int p = 0; p < level.size; p++) {
          int g = level.at[p];
          keys[p] = (labels[g] == labels[q] ? 1L << 32 : 0) | g;
        }
        Arrays.sort(keys);
        for (long key : keys) {
          int g = (int) key;
          if (accept(q, g)) {
            distance = d;
            return g;
          }
        }
      }
      return -1;
    }

    private boolean accept(int q, int g) {
      if (confirm == null) return true;
      if (rejected.contains(exact[g])) return false;
      if (loaded != q) {
        confirm.images.read(q, x);
        loaded = q;
      }
      if (confirm.correlation(q, x, g, y) >= confirm.minCorrelation) return true;
      rejected.add(exact[g]);
      return false;
    }
  }

  /** The indices 0 .. n - 1 sorted by (key, index). */
  private static int[] order(long[] key) {
    Integer[] idx = new Integer[key.length];
    for (int i = 0; i < idx.length; i++) idx[i] = i;
    Arrays.sort(idx, (i, j) -> key[i] != key[j] ? Long.compare(key[i], key[j]) : Integer.compare(i, j));
    int[] out = new int[idx.length];
    for (int i = 0; i < out.length; i++) out[i] = idx[i];
    return out;
  }

  /**
   * Per class (of some partition of the images), its lowest training images: enough to pick, in O(1),
   * the lowest-index training member other than a given image, or the lowest with a label other than a
   * given one.
   */
  private static final class Firsts {
    final int[] first;
    final int[] second;
    /** The lowest training member whose label differs from {@code first}'s. */
    final int[] other;
    final int[] labels;

    Firsts(int[] classOf, int classes, int[] labels, int nTrain) {
      this.labels = labels;
      first = new int[classes];
      second = new int[classes];
      other = new int[classes];
      Arrays.fill(first, -1);
      Arrays.fill(second, -1);
      Arrays.fill(other, -1);
      for (int g = 0; g < nTrain; g++) { // ascending: the first ones seen are the lowest
        int c = classOf[g];
        if (first[c] < 0) {
          first[c] = g;
        } else if (second[c] < 0) {
          second[c] = g;
        }
        if (other[c] < 0 && labels[g] != labels[first[c]]) other[c] = g;
      }
    }

    /** The lowest training member of class c whose label is not {@code label}; -1 if none. */
    int disagreeing(int c, int label) {
      int f = first[c];
      if (f < 0) return -1;
      return labels[f] != label ? f : other[c];
    }

    /**
     * The training member of class c other than q that q (of label {@code label}) is paired with: the
     * lowest one with another label, else the lowest one; -1 if none.
     */
    int pick(int c, int q, int label) {
      int d = disagreeing(c, label); // never q: its label is q's
      if (d >= 0) return d;
      return first[c] != q ? first[c] : second[c];
    }
  }

  /**
   * The pairs of perceptual classes within the distance, as adjacency lists: class c's neighbours are
   * {@code other[start[c] .. start[c + 1])}, sorted by distance, then class.
   */
  private static final class Neighbours {
    final int[] start;
    final int[] other;
    final int[] distance;

    private Neighbours(int[] start, int[] other, int[] distance) {
      this.start = start;
      this.other = other;
      this.distance = distance;
    }

    /** Multi-index hashing over the distinct hashes {@code value} (see the class comment). */
    static Neighbours of(long[] value, int maxDistance) {
      int k = value.length;
      IntList from = new IntList(), to = new IntList(), dist = new IntList();
      int bands = maxDistance + 1;
      if (maxDistance > 0) { // at distance 0 distinct hashes are never neighbours
        long[] keyed = new long[k];
        for (int b = 0; b < bands; b++) {
          // Band b's value (at most 32 bits, as bands >= 2) above the class number (31 bits): sorting
          // these puts each bucket's classes together, in ascending order.
          for (int c = 0; c < k; c++) keyed[c] = band(value[c], b, bands) << 31 | c;
          Arrays.sort(keyed);
          for (int s = 0, e; s < k; s = e) {
            long bucket = keyed[s] >>> 31;
            for (e = s + 1; e < k && keyed[e] >>> 31 == bucket; e++) {
              // the bucket's run
            }
            for (int i = s; i < e; i++) {
              int ci = (int) (keyed[i] & 0x7fffffffL);
              for (int j = i + 1; j < e; j++) {
                int cj = (int) (keyed[j] & 0x7fffffffL);
                int d = ImageHash.hamming(value[ci], value[cj]);
                if (d > maxDistance || sharedEarlier(value[ci], value[cj], b, bands)) continue;
                from.add(ci);
                to.add(cj);
                dist.add(d);
              }
            }
          }
        }
      }
      int[] start = new int[k + 1];
      for (int p = 0; p < from.size; p++) {
        start[from.at[p] + 1]++;
        start[to.at[p] + 1]++;
      }
      for (int c = 0; c < k; c++) start[c + 1] += start[c];
      long[] entries = new long[2 * from.size]; // distance above class, so sorting orders by (distance, class)
      int[] fill = Arrays.copyOf(start, k);
      for (int p = 0; p < from.size; p++) {
        entries[fill[from.at[p]]++] = (long) dist.at[p] << 32 | to.at[p];
        entries[fill[to.at[p]]++] = (long) dist.at[p] << 32 | from.at[p];
      }
      int[] other = new int[entries.length], distance = new int[entries.length];
      for (int c = 0; c < k; c++) {
        Arrays.sort(entries, start[c], start[c + 1]);
        for (int p = start[c]; p < start[c + 1]; p++) {
          other[p] = (int) entries[p];
          distance[p] = (int) (entries[p] >>> 32);
        }
      }
      return new Neighbours(start, other, distance);
    }

    /** Bits {@code [64 b / bands, 64 (b + 1) / bands)} of v, shifted down. */
    static long band(long v, int b, int bands) {
      int lo = 64 * b / bands, hi = 64 * (b + 1) / bands;
      long mask = hi - lo == 64 ? -1L : (1L << (hi - lo)) - 1;
      return v >>> lo & mask;
    }

    /** Whether u and v agree on a band before b (then the pair was already compared there). */
    static boolean sharedEarlier(long u, long v, int b, int bands) {
      for (int p = 0; p < b; p++) {
        if (band(u, p, bands) == band(v, p, bands)) return true;
      }
      return false;
    }
  }

  /** Disjoint sets with path halving and union by size. */
  private static final class UnionFind {
    final int[] parent;
    final int[] size;

    UnionFind(int n) {
      parent = new int[n];
      size = new int[n];
      for (int i = 0; i < n; i++) {
        parent[i] = i;
        size[i] = 1;
      }
    }

    int find(int x) {
      while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
      }
      return x;
    }

    void union(int a, int b) {
      int ra = find(a), rb = find(b);
      if (ra == rb) return;
      if (size[ra] < size[rb]) {
        int t = ra;
        ra = rb;
        rb = t;
      }
      parent[rb] = ra;
      size[ra] += size[rb];
    }
  }

  /** A growable int array. */
  private static final class IntList {
    int[] at = new int[8];
    int size;

    void add(int v) {
      if (size == at.length) at = Arrays.copyOf(at, 2 * size);
      at[size++] = v;
    }
  }
}
