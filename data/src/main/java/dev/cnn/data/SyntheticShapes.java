package dev.cnn.data;

import dev.cnn.tensor.Log;
import dev.cnn.tensor.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The built-in dataset {@code shapes}: small gray images of geometric shapes, drawn here from a
 * seed, so a model can be trained and tested with no files at all.
 *
 * <pre>{@code
 * SyntheticShapes shapes = SyntheticShapes.builder().imageSize(28).trainSize(10_000).testSize(2_000)
 *     .seed(42).imbalanceRatio(10).labelNoise(0.05).build();
 * SyntheticShapes.ShapesDataset train = shapes.train();   // [1, 28, 28], 8 classes
 * boolean[] wrong = train.flipped();                      // which labels the noise changed
 * }</pre>
 *
 * <p><b>A sample.</b> Class k's shape ({@link Shape}) with circumscribed radius
 * {@code R = imageSize * u / 2}, {@code u} uniform in the scale range (default [0.45, 0.85]),
 * centred uniformly where the whole circumscribed circle fits with a one-pixel margin, rotated
 * by an angle uniform in [0, 2 pi) (or not, see {@link Builder#rotate}), with stroke width
 * {@code t = max(1.5, R * v)}, {@code v} uniform in [0.2, 0.4] (the thickness of the ring, frame,
 * cross and bar). Background intensity {@code b} is uniform in [0, 0.25], shape intensity
 * {@code f} uniform in [0.6, 1]; pixel {@code (y, x)} is
 * {@code clamp(b + (f - b) * coverage + noise * z, 0, 1)}, {@code z} standard normal, then
 * rounded to 8 bits.
 *
 * <p><b>The rasteriser.</b> Each shape is a signed distance function {@code sd} (negative
 * inside, in pixels), evaluated at pixel centres {@code (x + 0.5, y + 0.5)}; coverage is
 * {@code clamp(0.5 - sd, 0, 1)}, a one-pixel linear ramp across the edge (anti-aliasing without
 * supersampling). Only double arithmetic, {@link StrictMath} and {@link Rng} are used, so a seed
 * gives the same bytes on every JDK and platform (normal variates use Box-Muller with
 * StrictMath here, because {@link Rng#nextGaussian()} uses {@link Math}, whose results may
 * differ in the last bit between platforms).
 *
 * <p><b>Streams.</b> The seed's generator splits into a TRAIN and a TEST stream, each split again
 * into the class order, the label noise and one generator per image; so the test set does not
 * depend on the training set's size or options and vice versa, and image i does not depend on
 * how many numbers image i - 1 used.
 *
 * <p><b>Classes.</b> Counts per class are exact: {@code n * fraction} rounded by largest
 * remainder, then shuffled. Fractions are equal unless {@link Builder#classFractions} or
 * {@link Builder#imbalanceRatio} is given; they apply to TRAIN, while TEST stays balanced unless
 * {@link Builder#imbalancedTest} is on (so test accuracy and per-class recall measure every
 * class equally). <b>Label noise</b> ({@link Builder#labelNoise}) applies to TRAIN only: each
 * label is replaced, with probability {@code rate}, by another class: one of the others chosen
 * uniformly ({@link LabelNoise#UNIFORM}), or the class's confusable neighbour
 * ({@link LabelNoise#PAIRS}: circle and ring, square and frame, triangle and star, cross and bar);
 * {@link ShapesDataset#flipped()} and {@link ShapesDataset#trueLabels()} record it.
 */
public final class SyntheticShapes {
  /** How label noise picks the wrong label. */
  public enum LabelNoise {
    /** One of the other k - 1 classes, uniformly: noise that does not depend on the image. */
    UNIFORM,
    /**
     * The class's confusable neighbour ({@link Shape#neighbour}): class-conditional noise, as
     * when annotators mix up two similar classes.
     */
    PAIRS
  }

  /** The shape classes; {@link #label()} is the class name. */
  public enum Shape {
    /** A filled disc of radius R. */
    CIRCLE,
    /** An annulus: outer radius R, width t. */
    RING,
    /** A filled square with corners on the circle of radius R. */
    SQUARE,
    /** The outline of that square, width t, inside its edge. */
    FRAME,
    /** A filled equilateral triangle with corners on the circle of radius R. */
    TRIANGLE,
    /** A plus sign: two bars of length 1.9 R and width t crossing at right angles. */
    CROSS,
    /** One bar, 1.9 R long and t wide (horizontal when not rotated). */
    BAR,
    /** A filled five-pointed star: outer radius R, inner radius 0.4 R. */
    STAR;

    /** The class name, e.g. {@code "circle"}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The shape most like this one: circle and ring, square and frame, triangle and star, cross and bar. */
    public Shape neighbour() {
      switch (this) {
        case CIRCLE: return RING;
        case RING: return CIRCLE;
        case SQUARE: return FRAME;
        case FRAME: return SQUARE;
        case TRIANGLE: return STAR;
        case STAR: return TRIANGLE;
        case CROSS: return BAR;
        case BAR: return CROSS;
        default: throw new AssertionError(this);
      }
    }

    private static final double[] TRIANGLE_UNIT = regularPolygon(3, 1.0, 1.0);
    private static final double[] STAR_UNIT = regularPolygon(5, 1.0, 0.4);

    /**
     * The signed distance, in pixels, from the point {@code (x, y)} (in the shape's own frame:
     * centred, unrotated) to the shape's edge: negative inside.
     *
     * @param r the circumscribed radius R
     * @param t the stroke width
     */
    double sd(double x, double y, double r, double t) {
      switch (this) {
        case CIRCLE:
          return Math.sqrt(x * x + y * y) - r;
        case RING:
          return Math.abs(Math.sqrt(x * x + y * y) - (r - t / 2)) - t / 2;
        case SQUARE:
          return box(x, y, r * HALF_SQRT2, r * HALF_SQRT2);
        case FRAME:
          return Math.abs(box(x, y, r * HALF_SQRT2, r * HALF_SQRT2) + t / 2) - t / 2;
        case TRIANGLE:
          return polygon(x / r, y / r, TRIANGLE_UNIT) * r;
        case CROSS:
          return Math.min(box(x, y, 0.95 * r, t / 2), box(x, y, t / 2, 0.95 * r));
        case BAR:
          return box(x, y, 0.95 * r, t / 2);
        case STAR:
          return polygon(x / r, y / r, STAR_UNIT) * r;
        default:
          throw new AssertionError(this);
      }
    }
  }

  private static final double HALF_SQRT2 = Math.sqrt(0.5);

  private final int imageSize;
  private final int trainSize;
  private final int testSize;
  private final List<Shape> shapes;
  private final long seed;
  private final double noise;
  private final double minScale;
  private final double maxScale;
  private final boolean rotate;
  private final double[] fractions;
  private final boolean imbalancedTest;
  private final double labelNoise;
  private final LabelNoise labelNoiseKind;
  private ShapesDataset train;
  private ShapesDataset test;

  private SyntheticShapes(Builder b, double[] fractions) {
    this.imageSize = b.imageSize;
    this.trainSize = b.trainSize;
    this.testSize = b.testSize;
    this.shapes = List.copyOf(b.shapes);
    this.seed = b.seed;
    this.noise = b.noise;
    this.minScale = b.minScale;
    this.maxScale = b.maxScale;
    this.rotate = b.rotate;
    this.fractions = fractions;
    this.imbalancedTest = b.imbalancedTest;
    this.labelNoise = b.labelNoise;
    this.labelNoiseKind = b.labelNoiseKind;
  }

  /** Starts a configuration with the defaults: 28 x 28, 10,000 train, 2,000 test, all 8 shapes, seed 0. */
  public static Builder builder() {
    return new Builder();
  }

  /** Options; {@link #build()} checks them all. */
  public static final class Builder {
    private int imageSize = 28;
    private int trainSize = 10_000;
    private int testSize = 2_000;
    private List<Shape> shapes = List.of(Shape.values());
    private long seed;
    private double noise = 0.05;
    private double minScale = 0.45;
    private double maxScale = 0.85;
    private boolean rotate = true;
    private double[] classFractions;
    private double imbalanceRatio = Double.NaN;
    private boolean imbalancedTest;
    private double labelNoise;
    private LabelNoise labelNoiseKind = LabelNoise.UNIFORM;

    private Builder() {}

    /** Images are {@code size x size} pixels (8 to 512; default 28). */
    public Builder imageSize(int size) {
      this.imageSize = size;
      return this;
    }

    /** Images in the TRAIN split (default 10,000). */
    public Builder trainSize(int n) {
      this.trainSize = n;
      return this;
    }

    /** Images in the TEST split (default 2,000; may be 0). */
    public Builder testSize(int n) {
      this.testSize = n;
      return this;
    }

    /** The classes, in label order (default all eight); at least two, no repeats. */
    public Builder shapes(Shape... shapes) {
      this.shapes = shapes == null ? null : Arrays.asList(shapes.clone());
      return this;
    }

    /** The seed every image and label derives from (default 0). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Standard deviation of the added Gaussian pixel noise, in [0, 1] (default 0.05). */
    public Builder noise(double std) {
      this.noise = std;
      return this;
    }

    /** The range of the shapes' circumscribed diameter as a fraction of the image size (default 0.45 to 0.85). */
    public Builder scale(double min, double max) {
      this.minScale = min;
      this.maxScale = max;
      return this;
    }

    /** Whether shapes are rotated by a random angle (default true). */
    public Builder rotate(boolean rotate) {
      this.rotate = rotate;
      return this;
    }

    /**
     * Relative class frequencies in TRAIN, one per class in label order, each >= 0 with a
     * positive sum (normalised here). Not together with {@link #imbalanceRatio}.
     */
    public Builder classFractions(double... fractions) {
      this.classFractions = fractions == null ? null : fractions.clone();
      return this;
    }

    /**
     * A long-tailed TRAIN split: class k's frequency is proportional to
     * {@code ratio^(-k / (K - 1))}, so class 0 has {@code ratio} times as many images as the
     * last class; {@code ratio >= 1}. Not together with {@link #classFractions}.
     */
    public Builder imbalanceRatio(double ratio) {
      this.imbalanceRatio = ratio;
      return this;
    }

    /** Whether TEST gets TRAIN's class fractions too (default false: TEST is balanced). */
    public Builder imbalancedTest(boolean imbalanced) {
      this.imbalancedTest = imbalanced;
      return this;
    }

    /** The probability, in [0, 1), that a TRAIN label is replaced by another class (default 0). */
    public Builder labelNoise(double rate) {
      this.labelNoise = rate;
      return this;
    }

    /**
     * The probability that a TRAIN label is replaced, and how the wrong label is chosen. With
     * {@link LabelNoise#PAIRS}, a class whose neighbour is not among {@link #shapes} goes to the
     * next class in order instead.
     */
    public Builder labelNoise(double rate, LabelNoise kind) {
      if (kind == null) throw new IllegalArgumentException("SyntheticShapes: label noise kind is null; expected UNIFORM or PAIRS");
      this.labelNoise = rate;
      this.labelNoiseKind = kind;
      return this;
    }

    /**
     * Checks the options.
     *
     * @throws IllegalArgumentException naming the option, its value and the allowed range
     */
    public SyntheticShapes build() {
      if (imageSize < 8 || imageSize > 512) fail("imageSize", imageSize, "8 to 512");
      if (trainSize < 1) fail("trainSize", trainSize, ">= 1");
      if (testSize < 0) fail("testSize", testSize, ">= 0");
      long bytes = ((long) Math.max(trainSize, testSize)) * imageSize * imageSize;
      if (bytes > Idx.MAX_ARRAY) {
        throw new IllegalArgumentException("SyntheticShapes: " + Math.max(trainSize, testSize) + " images of "
            + imageSize + " x " + imageSize + " need " + bytes + " bytes; expected at most " + Idx.MAX_ARRAY
            + " (one Java array): use fewer or smaller images");
      }
      if (shapes == null || shapes.size() < 2 || shapes.stream().anyMatch(java.util.Objects::isNull)
          || shapes.stream().distinct().count() != shapes.size()) {
        throw new IllegalArgumentException("SyntheticShapes: shapes " + shapes + "; expected at least two distinct shapes of "
            + Arrays.toString(Shape.values()));
      }
      if (!(noise >= 0 && noise <= 1)) fail("noise", noise, "[0, 1]");
      if (!(minScale > 0 && minScale <= maxScale && maxScale <= 1)) {
        throw new IllegalArgumentException("SyntheticShapes: scale " + minScale + " to " + maxScale
            + "; expected 0 < min <= max <= 1 (fractions of the image size)");
      }
      if (minScale * imageSize < 6) {
        throw new IllegalArgumentException("SyntheticShapes: the smallest shapes would be " + minScale * imageSize
            + " pixels across (scale " + minScale + " of " + imageSize + "); expected at least 6 pixels, so the"
            + " classes stay distinguishable: raise the minimum scale or the image size");
      }
      if (!(labelNoise >= 0 && labelNoise < 1)) fail("labelNoise", labelNoise, "[0, 1)");
      int k = shapes.size();
      double[] fractions = new double[k];
      if (classFractions != null && !Double.isNaN(imbalanceRatio)) {
        throw new IllegalArgumentException("SyntheticShapes: both classFractions and imbalanceRatio are set;"
            + " expected at most one");
      }
      if (classFractions != null) {
        if (classFractions.length != k) {
          throw new IllegalArgumentException("SyntheticShapes: " + classFractions.length + " class fractions for "
              + k + " classes " + shapes + "; expected one per class");
        }
        double sum = 0;
        for (double f : classFractions) {
          if (!(f >= 0) || Double.isInfinite(f)) {
            throw new IllegalArgumentException("SyntheticShapes: class fractions " + Arrays.toString(classFractions)
                + "; expected finite values >= 0");
          }
          sum += f;
        }
        if (!(sum > 0)) {
          throw new IllegalArgumentException("SyntheticShapes: class fractions " + Arrays.toString(classFractions)
              + " sum to 0; expected a positive sum");
        }
        for (int i = 0; i < k; i++) fractions[i] = classFractions[i] / sum;
      } else if (!Double.isNaN(imbalanceRatio)) {
        if (!(imbalanceRatio >= 1) || Double.isInfinite(imbalanceRatio)) fail("imbalanceRatio", imbalanceRatio, ">= 1, finite");
        double sum = 0;
        for (int i = 0; i < k; i++) sum += fractions[i] = StrictMath.pow(imbalanceRatio, -(double) i / (k - 1));
        for (int i = 0; i < k; i++) fractions[i] /= sum;
      } else {
        Arrays.fill(fractions, 1.0 / k);
      }
      return new SyntheticShapes(this, fractions);
    }

    private static void fail(String option, Object value, String expected) {
      throw new IllegalArgumentException("SyntheticShapes: " + option + " = " + value + "; expected " + expected);
    }
  }

  /** The class names, in label order. */
  public List<String> classNames() {
    List<String> names = new ArrayList<>();
    for (Shape s : shapes) names.add(s.label());
    return names;
  }

  /** The classes, in label order. */
  public List<Shape> shapes() {
    return shapes;
  }

  /** TRAIN's class fractions (normalised), in label order. */
  public double[] classFractions() {
    return fractions.clone();
  }

  /** The TRAIN split, generated on the first call. */
  public synchronized ShapesDataset train() {
    if (train == null) train = generate(true);
    return train;
  }

  /** The TEST split (clean labels), generated on the first call. */
  public synchronized ShapesDataset test() {
    if (test == null) test = generate(false);
    return test;
  }

  /** A generated split: the images, the labels a model sees, and the labels before noise. */
  public static final class ShapesDataset extends ForwardingDataset {
    private final ByteImageDataset data;
    private final int[] trueLabels;
    private final boolean[] flipped;

    private ShapesDataset(ByteImageDataset data, int[] trueLabels, boolean[] flipped) {
      super(data);
      this.data = data;
      this.trueLabels = trueLabels;
      this.flipped = flipped;
    }

    /** Each sample's shape before label noise. */
    public int[] trueLabels() {
      return trueLabels.clone();
    }

    /** Whether label noise replaced sample i's label ({@code label(i) != trueLabels()[i]} exactly then). */
    public boolean[] flipped() {
      return flipped.clone();
    }

    /** How many labels the noise replaced. */
    public int flippedCount() {
      int n = 0;
      for (boolean f : flipped) if (f) n++;
      return n;
    }

    /** Sample i's pixel k (flat, row-major) as a byte value 0..255. */
    public int pixel(int i, int k) {
      return data.pixel(i, k);
    }
  }

  /** The class that {@link LabelNoise#PAIRS} gives class c: its shape's neighbour, or the next class when absent. */
  int neighbour(int c) {
    int n = shapes.indexOf(shapes.get(c).neighbour());
    return n >= 0 ? n : (c + 1) % shapes.size();
  }

  private ShapesDataset generate(boolean isTrain) {
    long start = System.nanoTime();
    Rng root = new Rng(seed);
    Rng trainStream = root.split();
    Rng testStream = root.split();
    Rng stream = isTrain ? trainStream : testStream;
    Rng orderRng = stream.split();
    Rng noiseRng = stream.split();
    Rng drawRng = stream.split();

    int n = isTrain ? trainSize : testSize;
    int k = shapes.size();
    double[] f = isTrain || imbalancedTest ? fractions : balanced(k);
    int[] counts = counts(n, f);
    int[] trueLabels = new int[n];
    for (int c = 0, i = 0; c < k; c++) for (int j = 0; j < counts[c]; j++) trueLabels[i++] = c;
    for (int i = n - 1; i > 0; i--) { // Fisher-Yates
      int j = orderRng.nextInt(i + 1);
      int tmp = trueLabels[i];
      trueLabels[i] = trueLabels[j];
      trueLabels[j] = tmp;
    }
    int[] labels = trueLabels.clone();
    boolean[] flipped = new boolean[n];
    if (isTrain && labelNoise > 0) {
      for (int i = 0; i < n; i++) {
        if (noiseRng.nextDouble() < labelNoise) {
          labels[i] = labelNoiseKind == LabelNoise.UNIFORM ? (trueLabels[i] + 1 + noiseRng.nextInt(k - 1)) % k
              : neighbour(trueLabels[i]);
          flipped[i] = true;
        }
      }
    }
    int plane = imageSize * imageSize;
    byte[] pixels = new byte[n * plane];
    double[] work = new double[plane];
    for (int i = 0; i < n; i++) {
      draw(shapes.get(trueLabels[i]), drawRng.split(), work);
      for (int p = 0; p < plane; p++) pixels[i * plane + p] = (byte) (int) Math.round(work[p] * 255);
    }
    ByteImageDataset data = new ByteImageDataset(pixels, labels, new int[] {1, imageSize, imageSize}, classNames());
    Log.debug(String.format(Locale.ROOT, "shapes %s: %d images of %dx%d in %.2f s", isTrain ? "train" : "test", n,
        imageSize, imageSize, (System.nanoTime() - start) / 1e9));
    return new ShapesDataset(data, trueLabels, flipped);
  }

  private static double[] balanced(int k) {
    double[] f = new double[k];
    Arrays.fill(f, 1.0 / k);
    return f;
  }

  /** {@code n * fraction} per class, rounded by largest remainder (ties to the lower class) so they sum to n. */
  static int[] counts(int n, double[] fractions) {
    int k = fractions.length;
    int[] counts = new int[k];
    double[] rem = new double[k];
    int assigned = 0;
    for (int c = 0; c < k; c++) {
      double exact = n * fractions[c];
      counts[c] = (int) Math.floor(exact);
      rem[c] = exact - counts[c];
      assigned += counts[c];
    }
    for (; assigned < n; assigned++) {
      int best = 0;
      for (int c = 1; c < k; c++) if (rem[c] > rem[best]) best = c;
      counts[best]++;
      rem[best] = -1;
    }
    return counts;
  }

  /** Draws one image into {@code out} (row-major, values in [0, 1]). */
  private void draw(Shape shape, Rng r, double[] out) {
    int size = imageSize;
    double radius = size * (minScale + (maxScale - minScale) * r.nextDouble()) / 2;
    double lo = radius + 1;
    double hi = size - radius - 1;
    double cx = lo < hi ? lo + (hi - lo) * r.nextDouble() : size / 2.0;
    double cy = lo < hi ? lo + (hi - lo) * r.nextDouble() : size / 2.0;
    double angle = rotate ? 2 * Math.PI * r.nextDouble() : 0;
    double cos = StrictMath.cos(angle);
    double sin = StrictMath.sin(angle);
    double stroke = Math.max(1.5, radius * (0.2 + 0.2 * r.nextDouble()));
    double background = 0.25 * r.nextDouble();
    double foreground = 0.6 + 0.4 * r.nextDouble();
    double spare = Double.NaN;
    for (int y = 0; y < size; y++) {
      double dy = y + 0.5 - cy;
      for (int x = 0; x < size; x++) {
        double dx = x + 0.5 - cx;
        double coverage;
        if (Math.abs(dx) > radius + 1 || Math.abs(dy) > radius + 1) {
          coverage = 0; // outside the circumscribed circle's box: no shape reaches here
        } else {
          // rotate the pixel back into the shape's frame
          double lx = cos * dx + sin * dy;
          double ly = -sin * dx + cos * dy;
          coverage = Math.min(1, Math.max(0, 0.5 - shape.sd(lx, ly, radius, stroke)));
        }
        double v = background + (foreground - background) * coverage;
        if (noise > 0) {
          double z;
          if (Double.isNaN(spare)) {
            // Box-Muller with StrictMath: two independent standard normals per pair of uniforms
            double u1 = 1.0 - r.nextDouble();
            double u2 = r.nextDouble();
            double m = StrictMath.sqrt(-2 * StrictMath.log(u1));
            z = m * StrictMath.cos(2 * Math.PI * u2);
            spare = m * StrictMath.sin(2 * Math.PI * u2);
          } else {
            z = spare;
            spare = Double.NaN;
          }
          v += noise * z;
        }
        out[y * size + x] = Math.min(1, Math.max(0, v));
      }
    }
  }

  /** Signed distance to the axis-aligned box {@code [-hx, hx] x [-hy, hy]}, negative inside. */
  static double box(double x, double y, double hx, double hy) {
    double qx = Math.abs(x) - hx;
    double qy = Math.abs(y) - hy;
    double ox = Math.max(qx, 0);
    double oy = Math.max(qy, 0);
    return Math.sqrt(ox * ox + oy * oy) + Math.min(Math.max(qx, qy), 0);
  }

  /**
   * Signed distance to a closed polygon given as {@code x0, y0, x1, y1, ...}: the distance to
   * the nearest edge, negative when the point is inside (crossing-number test).
   */
  static double polygon(double x, double y, double[] v) {
    int n = v.length / 2;
    double best = Double.POSITIVE_INFINITY;
    boolean inside = false;
    for (int i = 0, j = n - 1; i < n; j = i++) {
      double xi = v[2 * i];
      double yi = v[2 * i + 1];
      double xj = v[2 * j];
      double yj = v[2 * j + 1];
      double ex = xj - xi;
      double ey = yj - yi;
      double wx = x - xi;
      double wy = y - yi;
      double h = Math.min(1, Math.max(0, (wx * ex + wy * ey) / (ex * ex + ey * ey)));
      double bx = wx - ex * h;
      double by = wy - ey * h;
      best = Math.min(best, bx * bx + by * by);
      if ((yi > y) != (yj > y) && x < xi + (y - yi) * ex / ey) inside = !inside;
    }
    double d = Math.sqrt(best);
    return inside ? -d : d;
  }

  /**
   * The vertices of a regular polygon (or star, when {@code inner != outer}) with {@code points}
   * outer vertices on the circle of radius {@code outer}, the first pointing up (negative y, as
   * image rows grow downwards), inner vertices between them on radius {@code inner}.
   */
  static double[] regularPolygon(int points, double outer, double inner) {
    boolean star = inner != outer;
    int n = star ? 2 * points : points;
    double[] v = new double[2 * n];
    for (int i = 0; i < n; i++) {
      double a = -Math.PI / 2 + 2 * Math.PI * i / n;
      double rad = star && (i % 2 == 1) ? inner : outer;
      v[2 * i] = rad * StrictMath.cos(a);
      v[2 * i + 1] = rad * StrictMath.sin(a);
    }
    return v;
  }
}
