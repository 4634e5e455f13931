package dev.cnn.diagnose;

import dev.cnn.data.Dataset;
import dev.cnn.tensor.Parallel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Images unlike the rest: blank or constant images (no picture at all), and images whose features
 * lie far from their class's (a wrong label, a corrupt file, an odd photograph).
 */
public final class Outliers {
  /**
   * An image is blank when its pixel standard deviation is below this: one 8-bit grey level. An
   * image whose values vary by less than one quantisation step of the files it came from shows
   * nothing; one drawn with any visible stroke varies by far more (a 28 x 28 image with a single
   * pixel of full contrast already has a standard deviation of 0.036).
   */
  public static final double BLANK_STD = 1.0 / 255;
  /**
   * The robust z-score above which an image is flagged as far from its class: 3.5, the cut-off
   * Iglewicz and Hoaglin (1993, "How to Detect and Handle Outliers") recommend for the modified
   * z-score. For normally distributed distances it flags about 2 in 10,000 images by chance
   * (one-sided); distances to a centroid are skewed to the right, so somewhat more.
   */
  public static final double DEFAULT_Z = 3.5;
  /** 1 / Phi^-1(3/4): makes the MAD a consistent estimator of the standard deviation of a normal sample. */
  static final double MAD_SCALE = 1.4826;
  /** sqrt(pi / 2): the same for the mean absolute deviation, used when the MAD is 0. */
  static final double MEAN_AD_SCALE = 1.2533;
  /** Images per parallel task in {@link #pixelStats}. */
  private static final int BLOCK = 256;

  private Outliers() {}

  /**
   * Per-image pixel statistics over all {@code C * H * W} values.
   *
   * @param mean {@code m_i = (1 / P) sum_k x_ik} (the mean brightness)
   * @param std {@code s_i = sqrt((1 / P) sum_k (x_ik - m_i)^2)} (the contrast; population standard deviation)
   */
  public record PixelStats(double[] mean, double[] std) {
    public PixelStats {
      if (mean.length != std.length) {
        throw new IllegalArgumentException("Outliers.PixelStats: " + mean.length + " means but " + std.length
            + " standard deviations; expected one of each per image");
      }
      mean = mean.clone();
      std = std.clone();
    }

    @Override
    public double[] mean() {
      return mean.clone();
    }

    @Override
    public double[] std() {
      return std.clone();
    }
  }

  /**
   * The mean and standard deviation of each image's values (two passes in double precision), computed
   * in parallel ({@link Parallel#forEach}; each task writes its own images' slots): the dataset must allow
   * reads from several threads at once, as the in-memory datasets of {@code dev.cnn.data} do.
   */
  public static PixelStats pixelStats(Dataset d) {
    int n = d.size(), size = d.sampleSize();
    double[] mean = new double[n], std = new double[n];
    Parallel.forEach((n + BLOCK - 1) / BLOCK, b -> {
      float[] x = new float[size];
      for (int i = b * BLOCK, end = Math.min(n, i + BLOCK); i < end; i++) {
        d.read(i, x, 0);
        double sum = 0;
        for (float v : x) sum += v;
        double m = sum / size, ss = 0;
        for (float v : x) ss += (v - m) * (v - m);
        mean[i] = m;
        std[i] = Math.sqrt(ss / size);
      }
    });
    return new PixelStats(mean, std);
  }

  /**
   * A blank (constant) image.
   *
   * @param index its index in the dataset
   * @param label its label
   * @param mean its mean value
   * @param std its pixel standard deviation, below the threshold
   */
  public record Blank(int index, int label, double mean, double std) {}

  /** {@link #blank(Dataset, double)} with {@link #BLANK_STD}. */
  public static List<Blank> blank(Dataset d) {
    return blank(d, BLANK_STD);
  }

  /**
   * The images whose pixel standard deviation ({@link PixelStats#std}) is below {@code maxStd}, by index.
   *
   * @throws IllegalArgumentException if maxStd is not positive
   */
  public static List<Blank> blank(Dataset d, double maxStd) {
    if (!(maxStd > 0)) {
      throw new IllegalArgumentException("Outliers.blank: maxStd = " + maxStd + "; expected > 0 (e.g. "
          + BLANK_STD + ", one 8-bit grey level)");
    }
    PixelStats s = pixelStats(d);
    List<Blank> out = new ArrayList<>();
    for (int i = 0; i < d.size(); i++) {
      if (s.std[i] < maxStd) out.add(new Blank(i, d.label(i), s.mean[i], s.std[i]));
    }
    return out;
  }

  /**
   * An image far from its class in feature space.
   *
   * @param index its row in the features
   * @param label its label
   * @param distance its cosine distance to its class's centroid
   * @param z its robust z-score among its class's distances
   */
  public record FarPoint(int index, int label, double distance, double z) {}

  /**
   * Every image's distance to its class centroid and robust z-score, and the images flagged.
   *
   * @param distance by row, the cosine distance to the class centroid, in [0, 2]
   * @param z by row, the robust z-score of that distance within its class
   * @param zThreshold the threshold used
   * @param flagged the rows with {@code z > zThreshold}, the largest z first (then by index)
   */
  public record FarFromClass(double[] distance, double[] z, double zThreshold, List<FarPoint> flagged) {
    public FarFromClass {
      distance = distance.clone();
      z = z.clone();
      flagged = List.copyOf(flagged);
    }

    @Override
    public double[] distance() {
      return distance.clone();
    }

    @Override
    public double[] z() {
      return z.clone();
    }
  }

  /** {@link #farFromClass(float[][], int[], double)} with {@link #DEFAULT_Z}. */
  public static FarFromClass farFromClass(float[][] features, int[] labels) {
    return farFromClass(features, labels, DEFAULT_Z);
  }

  /**
   * Images far from their class in feature space (e.g. a network's penultimate-layer activations).
   * Each feature vector is scaled to unit length, {@code u_i = f_i / ||f_i||} (a zero vector stays 0);
   * class y's centroid is the mean of its unit vectors, {@code m_y = (1 / n_y) sum_{i: y_i = y} u_i}
   * (the image itself included); the distance is the cosine distance
   * <pre>d_i = 1 - cos(u_i, m_{y_i}) = 1 - u_i . m_{y_i} / ||m_{y_i}||</pre>
   * (1 when either vector is 0). Within each class, with {@code med} the median of its distances and
   * {@code MAD = median_i |d_i - med|}, the robust z-score is
   * <pre>z_i = (d_i - med) / (1.4826 MAD)</pre>
   * or, when more than half the distances are equal (MAD = 0), {@code (d_i - med) / (1.2533 meanAD)}
   * with {@code meanAD = mean_i |d_i - med|}, and 0 when all are equal. Flagged: {@code z_i > zThreshold}.
   *
   * @param features one row per image, all of one length
   * @param labels one per row, each >= 0
   * @param zThreshold the z-score above which an image is flagged, > 0 (default {@link #DEFAULT_Z})
   * @throws IllegalArgumentException if the counts or lengths differ, a label is negative or a value is not
   *     finite, or the threshold is not positive
   */
  public static FarFromClass farFromClass(float[][] features, int[] labels, double zThreshold) {
    int n = features.length;
    if (labels.length != n) {
      throw new IllegalArgumentException("Outliers.farFromClass: " + n + " feature rows but " + labels.length
          + " labels; expected one label per row");
    }
    if (!(zThreshold > 0)) {
      throw new IllegalArgumentException("Outliers.farFromClass: zThreshold = " + zThreshold + "; expected > 0 (e.g. "
          + DEFAULT_Z + ")");
    }
    int dim = n == 0 ? 0 : features[0].length;
    int classes = 0;
    for (int i = 0; i < n; i++) {
      if (features[i].length != dim) {
        throw new IllegalArgumentException("Outliers.farFromClass: row " + i + " has " + features[i].length
            + " features; expected " + dim + " like row 0");
      }
      if (labels[i] < 0) {
        throw new IllegalArgumentException("Outliers.farFromClass: label " + labels[i] + " of row " + i
            + "; expected >= 0");
      }
      for (float v : features[i]) {
        if (!Float.isFinite(v)) {
          throw new IllegalArgumentException("Outliers.farFromClass: row " + i + " has the feature " + v
              + "; expected finite values");
        }
      }
      classes = Math.max(classes, labels[i] + 1);
    }
    double[][] unit = new double[n][];
    double[][] centroid = new double[classes][dim];
    int[] count = new int[classes];
    for (int i = 0; i < n; i++) {
      unit[i] = unit(features[i]);
      count[labels[i]]++;
      for (int k = 0; k < dim; k++) centroid[labels[i]][k] += unit[i][k];
    }
    double[] centroidNorm = new double[classes];
    for (int y = 0; y < classes; y++) {
      for (int k = 0; k < dim; k++) centroid[y][k] /= Math.max(1, count[y]);
      centroidNorm[y] = norm(centroid[y]);
    }
    double[] distance = new double[n];
    for (int i = 0; i < n; i++) {
      double un = norm(unit[i]), mn = centroidNorm[labels[i]];
      double dot = 0;
      for (int k = 0; k < dim; k++) dot += unit[i][k] * centroid[labels[i]][k];
      distance[i] = un == 0 || mn == 0 ? 1 : 1 - dot / (un * mn);
    }
    int[][] members = new int[classes][];
    for (int y = 0; y < classes; y++) members[y] = new int[count[y]];
    int[] filled = new int[classes];
    for (int i = 0; i < n; i++) members[labels[i]][filled[labels[i]]++] = i;
    double[] z = new double[n];
    for (int[] rows : members) {
      if (rows.length == 0) continue;
      double[] d = new double[rows.length];
      for (int p = 0; p < rows.length; p++) d[p] = distance[rows[p]];
      double med = median(d);
      double[] dev = new double[d.length];
      double meanAd = 0;
      for (int p = 0; p < d.length; p++) {
        dev[p] = Math.abs(d[p] - med);
        meanAd += dev[p] / d.length;
      }
      double mad = median(dev);
      double scale = mad > 0 ? MAD_SCALE * mad : MEAN_AD_SCALE * meanAd;
      for (int p = 0; p < rows.length; p++) z[rows[p]] = scale > 0 ? (d[p] - med) / scale : 0;
    }
    List<FarPoint> flagged = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (z[i] > zThreshold) flagged.add(new FarPoint(i, labels[i], distance[i], z[i]));
    }
    flagged.sort(Comparator.comparingDouble(FarPoint::z).reversed().thenComparingInt(FarPoint::index));
    return new FarFromClass(distance, z, zThreshold, flagged);
  }

  private static double[] unit(float[] f) {
    double[] u = new double[f.length];
    double norm = 0;
    for (float v : f) norm += (double) v * v;
    norm = Math.sqrt(norm);
    if (norm == 0) return u;
    for (int k = 0; k < f.length; k++) u[k] = f[k] / norm;
    return u;
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double x : v) s += x * x;
    return Math.sqrt(s);
  }

  /** The median (the mean of the two middle values for an even count); a is not changed. */
  static double median(double[] a) {
    double[] s = a.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  }

  /**
   * An image stored in another format than most of its set.
   *
   * @param index its index in the dataset
   * @param label its label
   * @param stored its stored shape {@code [C, H, W]} (C = 1 grey, 3 colour)
   * @param usual the most common stored shape in the dataset
   */
  public record OddFormat(int index, int label, int[] stored, int[] usual) {}

  /**
   * The images whose stored shape ({@link Dataset#storedShape}: size and colour mode before the
   * dataset made them alike) differs from the most common one (ties: the first seen); empty when
   * the dataset does not know how its images were stored. A folder of 28 x 28 grey images with a
   * few 640 x 480 colour photos in it is usually a folder with a few images that do not belong.
   */
  public static List<OddFormat> oddFormat(Dataset d) {
    java.util.Map<String, Integer> count = new java.util.LinkedHashMap<>();
    java.util.Map<String, int[]> shapes = new java.util.HashMap<>();
    String[] key = new String[d.size()];
    for (int i = 0; i < d.size(); i++) {
      java.util.Optional<int[]> s = d.storedShape(i);
      if (s.isEmpty()) return List.of();
      key[i] = Arrays.toString(s.get());
      count.merge(key[i], 1, Integer::sum);
      shapes.putIfAbsent(key[i], s.get());
    }
    String usual = null;
    for (java.util.Map.Entry<String, Integer> e : count.entrySet()) {
      if (usual == null || e.getValue() > count.get(usual)) usual = e.getKey();
    }
    List<OddFormat> out = new ArrayList<>();
    for (int i = 0; i < key.length; i++) {
      if (!key[i].equals(usual)) out.add(new OddFormat(i, d.label(i), shapes.get(key[i]).clone(), shapes.get(usual).clone()));
    }
    return out;
  }
}
