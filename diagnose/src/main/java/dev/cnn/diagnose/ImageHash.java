package dev.cnn.diagnose;

import dev.cnn.data.Dataset;
import dev.cnn.tensor.Parallel;
import java.util.Arrays;

/**
 * 64-bit hashes of images: an exact one of the pixel values ({@link #content}) and a perceptual
 * one ({@link #perceptual}) that changes little when an image is re-encoded, slightly noised,
 * brightened or rescaled, so that near-duplicates lie within a small Hamming distance
 * ({@link #hamming}) of each other.
 *
 * <p><b>The perceptual hash</b> is the DCT hash ("pHash", Zauner 2010, "Implementation and
 * Benchmarking of Perceptual Image Hash Functions"):
 * <ol>
 *   <li>grey: {@code g(y, x) = (1 / C) sum_c x(c, y, x)};</li>
 *   <li>resize to {@value #SIZE} x {@value #SIZE}: {@code S = R_h g R_w^T}, where each row of the
 *       {@code 32 x h} (and {@code 32 x w}) matrix R averages the source pixels the output pixel covers
 *       (weighted by overlap) when shrinking, and interpolates the two nearest ones (bilinear, pixel
 *       centres at {@code i + 0.5}) when enlarging;</li>
 *   <li>2-D DCT-II (orthonormal): {@code F = D S D^T} with the cosine matrix
 *       <pre>D(u, n) = a(u) cos(pi (2n + 1) u / (2N)),  a(0) = sqrt(1 / N),  a(u > 0) = sqrt(2 / N),  N = 32</pre>
 *       that is {@code F(u, v) = a(u) a(v) sum_y sum_x S(y, x) cos(pi (2y + 1) u / 2N) cos(pi (2x + 1) v / 2N)};
 *       only the {@value #LOW} x {@value #LOW} lowest frequencies {@code F(u, v), u, v < 8} are kept, so
 *       only the first 8 rows of D are used;</li>
 *   <li>drop the DC term {@code F(0, 0)} (the mean brightness): 63 coefficients remain, in row-major
 *       order {@code (0, 1), (0, 2), ..., (7, 7)}; bit {@code b} (b = 0..62) is 1 when coefficient b
 *       exceeds their median (the 32nd smallest) by more than {@value #TIE}; <b>bit 63 is always 0</b>.</li>
 * </ol>
 * Adding a constant to an image changes only the DC term, and multiplying it by a positive
 * constant scales every coefficient and their median alike, so the hash ignores brightness and
 * contrast changes (up to clipping at 0 and 1). A constant image has no AC energy: all its
 * coefficients are 0 up to rounding, none exceeds the median by {@value #TIE}, and its hash is 0,
 * whatever its value.
 */
public final class ImageHash {
  /** The side of the resized image the DCT is taken of (the usual pHash size). */
  public static final int SIZE = 32;
  /** The side of the block of lowest frequencies kept (8 x 8 - 1 = 63 bits). */
  public static final int LOW = 8;
  /**
   * How far above the median a coefficient must be for its bit to be 1. Coefficients of images
   * with pixels in [0, 1] are of order 0.01 to 10; rounding errors of the double-precision DCT are
   * about 1e-14. So 1e-9 only decides the ties that rounding would otherwise break at random
   * (constant images, whose coefficients are all 0), and no real image content.
   */
  static final double TIE = 1e-9;
  /** Images hashed per parallel task in {@link #of}: a few milliseconds of work, one scratch buffer. */
  private static final int BLOCK = 256;

  /** The DCT-II matrix D for N = {@value #SIZE}, orthonormal ({@code D D^T = I}). */
  private static final double[][] DCT = cosineMatrix(SIZE);

  private ImageHash() {}

  /**
   * The hashes of every image of a dataset, by index.
   *
   * @param content {@link #content} of image i at i
   * @param perceptual {@link #perceptual} of image i at i
   */
  public record Hashes(long[] content, long[] perceptual) {
    public Hashes {
      if (content.length != perceptual.length) {
        throw new IllegalArgumentException("ImageHash.Hashes: " + content.length + " content hashes but "
            + perceptual.length + " perceptual hashes; expected one of each per image");
      }
      content = content.clone();
      perceptual = perceptual.clone();
    }

    /** The number of images. */
    public int size() {
      return content.length;
    }

    @Override
    public long[] content() {
      return content.clone();
    }

    @Override
    public long[] perceptual() {
      return perceptual.clone();
    }

    /** {@link #content} of image i (no copy). */
    public long content(int i) {
      return content[i];
    }

    /** {@link #perceptual} of image i (no copy). */
    public long perceptual(int i) {
      return perceptual[i];
    }
  }

  /**
   * Both hashes of every image of {@code d}, computed in parallel ({@link Parallel#forEach}; each
   * task reads its own images with {@link Dataset#read} into its own buffer and writes its own
   * slots, so the result does not depend on the thread count). The dataset must allow reads
   * from several threads at once, as the in-memory datasets of {@code dev.cnn.data} do.
   *
   * @param d images of shape {@code [C, H, W]}
   * @throws IllegalArgumentException if the sample shape is not {@code [C, H, W]}
   */
  public static Hashes of(Dataset d) {
    int[] shape = d.sampleShape();
    if (shape.length != 3) {
      throw new IllegalArgumentException("ImageHash.of: sample shape " + Arrays.toString(shape)
          + "; expected images [C, H, W]");
    }
    int n = d.size();
    int c = shape[0], h = shape[1], w = shape[2];
    Resize resize = new Resize(h, w);
    long[] content = new long[n];
    long[] perceptual = new long[n];
    int blocks = (n + BLOCK - 1) / BLOCK;
    Parallel.forEach(blocks, b -> {
      float[] x = new float[c * h * w];
      for (int i = b * BLOCK, end = Math.min(n, i + BLOCK); i < end; i++) {
        d.read(i, x, 0);
        content[i] = content(x);
        perceptual[i] = perceptual(x, c, h, w, resize);
      }
    });
    return new Hashes(content, perceptual);
  }

  /**
   * An exact hash of the values: word-wise FNV-1a over the bit patterns, then the MurmurHash3
   * finaliser so that every input bit reaches every output bit:
   * <pre>h = 0xcbf29ce484222325;  for each v: h = (h XOR bits(v)) * 0x100000001b3;  h = fmix64(h)</pre>
   * where {@code bits(v) = floatToIntBits(v + 0f)} (adding +0 turns -0 into +0, so the two zeros
   * hash alike, and floatToIntBits maps every NaN to one pattern). Identical images have equal
   * hashes; different images collide with probability about 2^-64 per pair.
   */
  public static long content(float[] x) {
    long h = 0xcbf29ce484222325L;
    for (float v : x) {
      h ^= Float.floatToIntBits(v + 0f) & 0xffffffffL;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /**
   * Whether two images have the same values in the sense of {@link #content}: equal bit patterns
   * after {@code + 0f} (so -0 equals +0, and NaN equals NaN).
   */
  static boolean sameContent(float[] a, float[] b) {
    if (a.length != b.length) return false;
    for (int k = 0; k < a.length; k++) {
      if (Float.floatToIntBits(a[k] + 0f) != Float.floatToIntBits(b[k] + 0f)) return false;
    }
    return true;
  }

  /**
   * The DCT perceptual hash of one image (see the class comment): 63 bits, bit 63 always 0.
   *
   * @param x the image, {@code c * h * w} values, channel after channel, each row-major
   * @throws IllegalArgumentException if a dimension is below 1 or x has the wrong length
   */
  public static long perceptual(float[] x, int c, int h, int w) {
    if (c < 1 || h < 1 || w < 1) {
      throw new IllegalArgumentException("ImageHash.perceptual: shape [" + c + ", " + h + ", " + w
          + "]; expected every dimension >= 1");
    }
    if (x.length != c * h * w) {
      throw new IllegalArgumentException("ImageHash.perceptual: " + x.length + " values for shape [" + c + ", " + h
          + ", " + w + "]; expected " + c * h * w);
    }
    return perceptual(x, c, h, w, new Resize(h, w));
  }

  private static long perceptual(float[] x, int c, int h, int w, Resize resize) {
    double[][] grey = new double[h][w];
    for (int ch = 0; ch < c; ch++) {
      for (int y = 0; y < h; y++) {
        for (int i = 0; i < w; i++) grey[y][i] += x[(ch * h + y) * w + i];
      }
    }
    for (double[] row : grey) for (int i = 0; i < w; i++) row[i] /= c;
    double[][] small = multiply(multiply(resize.rows, grey), resize.colsT); // R_h g R_w^T
    return hashBits(dct(small, LOW));
  }

  /** The 63 bits from the 8 x 8 lowest frequencies: coefficient > median, DC left out, bit 63 = 0. */
  private static long hashBits(double[][] f) {
    double[] ac = new double[LOW * LOW - 1];
    for (int k = 1; k < LOW * LOW; k++) ac[k - 1] = f[k / LOW][k % LOW];
    double[] sorted = ac.clone();
    Arrays.sort(sorted);
    double median = sorted[sorted.length / 2];
    long bits = 0;
    for (int b = 0; b < ac.length; b++) {
      if (ac[b] > median + TIE) bits |= 1L << b;
    }
    return bits;
  }

  /** The number of bits in which two hashes differ, {@code bitCount(a XOR b)}, in [0, 64]. */
  public static int hamming(long a, long b) {
    return Long.bitCount(a ^ b);
  }

  /**
   * The {@code keep x keep} lowest frequencies of the 2-D DCT-II of an N x N block, {@code D_k S D_k^T}
   * where {@code D_k} is the first {@code keep} rows of the N x N cosine matrix {@link #cosineMatrix}.
   * With {@code keep = N} this is the whole transform {@code F = D S D^T}.
   */
  static double[][] dct(double[][] s, int keep) {
    int n = s.length;
    double[][] d = n == SIZE ? DCT : cosineMatrix(n);
    double[][] dk = Arrays.copyOf(d, keep); // the first keep rows: frequencies 0 .. keep - 1
    return multiply(multiply(dk, s), transpose(dk));
  }

  /** The N x N orthonormal DCT-II matrix {@code D(u, n) = a(u) cos(pi (2n + 1) u / (2N))}. */
  static double[][] cosineMatrix(int n) {
    double[][] d = new double[n][n];
    for (int u = 0; u < n; u++) {
      double a = Math.sqrt((u == 0 ? 1.0 : 2.0) / n);
      for (int k = 0; k < n; k++) d[u][k] = a * Math.cos(Math.PI * (2 * k + 1) * u / (2.0 * n));
    }
    return d;
  }

  /** The matrix product {@code a b} ({@code m x k} times {@code k x n}); zeros of a are skipped. */
  private static double[][] multiply(double[][] a, double[][] b) {
    int m = a.length, k = b.length, n = b[0].length;
    double[][] out = new double[m][n];
    for (int i = 0; i < m; i++) {
      double[] row = out[i];
      for (int p = 0; p < k; p++) {
        double v = a[i][p];
        if (v == 0) continue; // resize matrices are mostly zeros
        double[] bp = b[p];
        for (int j = 0; j < n; j++) row[j] += v * bp[j];
      }
    }
    return out;
  }

  private static double[][] transpose(double[][] a) {
    double[][] t = new double[a[0].length][a.length];
    for (int i = 0; i < a.length; i++) for (int j = 0; j < a[0].length; j++) t[j][i] = a[i][j];
    return t;
  }

  /** The resize matrices of one image size: {@code rows} = R_h (32 x h) and {@code colsT} = R_w^T (w x 32). */
  private static final class Resize {
    final double[][] rows;
    final double[][] colsT;

    Resize(int h, int w) {
      rows = resizeMatrix(h);
      colsT = transpose(resizeMatrix(w));
    }
  }

  /**
   * The {@code 32 x n} matrix that resizes one axis of length n to {@value #SIZE}: area averaging
   * when {@code n >= 32} (output pixel o covers the source interval {@code [o n / 32, (o + 1) n / 32)},
   * each source pixel weighted by its overlap with it, divided by the interval's length {@code n / 32}),
   * linear interpolation when {@code n < 32} (output pixel o's centre is at source coordinate
   * {@code t = (o + 0.5) n / 32 - 0.5}, clamped to {@code [0, n - 1]}; weights {@code 1 - frac(t)}
   * and {@code frac(t)} on pixels {@code floor(t)} and {@code floor(t) + 1}). Every row sums to 1.
   */
  static double[][] resizeMatrix(int n) {
    double[][] r = new double[SIZE][n];
    double scale = (double) n / SIZE;
    for (int o = 0; o < SIZE; o++) {
      if (n >= SIZE) {
        double lo = o * scale, hi = (o + 1) * scale;
        for (int p = (int) Math.floor(lo); p < n && p < hi; p++) {
          double overlap = Math.min(hi, p + 1) - Math.max(lo, p);
          if (overlap > 0) r[o][p] = overlap / scale;
        }
      } else {
        double t = Math.min(n - 1, Math.max(0, (o + 0.5) * scale - 0.5));
        int p = (int) Math.floor(t);
        double frac = t - p;
        r[o][p] += 1 - frac;
        if (frac > 0) r[o][p + 1] += frac;
      }
    }
    return r;
  }
}
