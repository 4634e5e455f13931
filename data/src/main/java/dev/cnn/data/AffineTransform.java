package dev.cnn.data;

import dev.cnn.tensor.Rng;
import java.util.ArrayList;
import java.util.List;

/**
 * Keras' random affine transform: rotation, shift, shear and zoom composed into one inverse
 * affine map about the image centre, then sampled with bilinear interpolation.
 *
 * <p><b>The map.</b> Coordinates are (row r, column c), as in Keras (which transforms the
 * {@code [rows, cols]} array). With the angle theta, row shift tr (Keras' {@code tx}), column
 * shift tc ({@code ty}), shear angle s and zoom factors zr, zc, Keras builds
 *
 * <pre>
 *   M = Rot(theta) * Shift(tr, tc) * Shear(s) * Zoom(zr, zc)
 *   Rot   = [[cos t, -sin t, 0], [sin t, cos t, 0], [0, 0, 1]]
 *   Shift = [[1, 0, tr], [0, 1, tc], [0, 0, 1]]
 *   Shear = [[1, -sin s, 0], [0, cos s, 0], [0, 0, 1]]
 *   Zoom  = [[zr, 0, 0], [0, zc, 0], [0, 0, 1]]
 * </pre>
 *
 * and centres it: {@code A = T(o) * M * T(-o)} with {@code o = (H/2 - 0.5, W/2 - 0.5)}, the
 * centre of the pixel grid ({@code (n - 1) / 2}; old copies of Keras' code use {@code n/2 + 0.5},
 * one pixel off). A is the <i>inverse</i> map, as scipy's {@code affine_transform} takes it: the
 * output pixel {@code (r, c)} takes the input's value at {@code A * (r, c, 1)}. So a positive tr
 * moves the content up, and a zoom factor above 1 makes the content smaller.
 *
 * <p><b>Random draws</b> (only for the options that are on, in this order): theta uniform in
 * {@code [-rotation, rotation]} degrees; tr uniform in {@code [-hs, hs] * H}; tc uniform in
 * {@code [-ws, ws] * W}; s uniform in {@code [-shear, shear]} degrees; zr and zc independently
 * uniform in {@code [zoomLo, zoomHi]}.
 *
 * <p><b>Sampling</b> is bilinear (Keras uses scipy with spline order 1, which is bilinear): with
 * {@code r0 = floor(r)}, {@code fr = r - r0} (likewise c0, fc), the value is
 * {@code lerp(lerp(x[r0][c0], x[r0][c0+1], fc), lerp(x[r0+1][c0], x[r0+1][c0+1], fc), fr)} where
 * {@code lerp(a, b, t) = a + t (b - a)}; neighbour indices outside the image are mapped by the
 * {@link FillMode}. With CONSTANT, as in scipy's {@code constant} mode, a point whose coordinate
 * lies outside {@code [0, H-1] x [0, W-1]} takes the fill value and points inside are interpolated
 * from image pixels only. A coordinate within 1e-9 of an integer is rounded to it first, so exact
 * maps (a shift by whole pixels, a quarter turn of a square) reproduce pixels exactly instead of
 * picking up rounding from {@code cos(90 deg)}.
 */
public final class AffineTransform implements Augmentation.Step {
  private static final double SNAP = 1e-9;
  private final double rotation;
  private final double heightShift;
  private final double widthShift;
  private final double shear;
  private final double zoomLo;
  private final double zoomHi;
  private final FillMode fill;
  private final float fillValue;

  /**
   * @param rotation degrees, in [0, 180]
   * @param heightShift fraction of the height, in [0, 1)
   * @param widthShift fraction of the width, in [0, 1)
   * @param shear degrees, in [0, 90)
   * @param zoomLo lowest zoom factor, {@code 0 < zoomLo <= zoomHi <= 10}
   * @param zoomHi highest zoom factor
   * @param fill how pixels from outside the image are filled
   * @param fillValue the constant for {@link FillMode#CONSTANT}
   */
  public AffineTransform(double rotation, double heightShift, double widthShift, double shear, double zoomLo,
      double zoomHi, FillMode fill, double fillValue) {
    String who = "affine transform";
    this.rotation = ConfigChecks.inClosed(who, "rotation", rotation, 0, 180, " degrees");
    this.heightShift = ConfigChecks.inHalfOpen(who, "height shift", heightShift, 0, 1, "");
    this.widthShift = ConfigChecks.inHalfOpen(who, "width shift", widthShift, 0, 1, "");
    this.shear = ConfigChecks.inHalfOpen(who, "shear", shear, 0, 90, " degrees");
    ConfigChecks.positiveRange(who, "zoom range", zoomLo, zoomHi, 10);
    this.zoomLo = zoomLo;
    this.zoomHi = zoomHi;
    if (fill == null) throw new IllegalArgumentException(who + ": fill mode is null, expected one of nearest, constant, reflect, wrap");
    if (!Double.isFinite(fillValue)) throw new IllegalArgumentException(who + ": fill value = " + fillValue + ", expected a finite number");
    this.fill = fill;
    this.fillValue = (float) fillValue;
  }

  @Override
  public void apply(float[] x, int offset, int channels, int height, int width, Rng rng) {
    double theta = rotation > 0 ? rng.uniform(-rotation, rotation) : 0;
    double tr = heightShift > 0 ? rng.uniform(-heightShift, heightShift) * height : 0;
    double tc = widthShift > 0 ? rng.uniform(-widthShift, widthShift) * width : 0;
    double s = shear > 0 ? rng.uniform(-shear, shear) : 0;
    double zr = 1;
    double zc = 1;
    if (zoomLo != 1 || zoomHi != 1) {
      zr = rng.uniform(zoomLo, zoomHi);
      zc = rng.uniform(zoomLo, zoomHi);
    }
    double[] a = inverseMap(theta, tr, tc, s, zr, zc, height, width);
    warp(x, offset, channels, height, width, a, fill, fillValue);
  }

  /**
   * The centred inverse map {@code A = T(o) * Rot * Shift * Shear * Zoom * T(-o)} as its top two
   * rows {@code {a00, a01, a02, a10, a11, a12}}: the output pixel {@code (r, c)} samples the input
   * at {@code (a00 r + a01 c + a02, a10 r + a11 c + a12)}.
   *
   * @param thetaDegrees rotation angle
   * @param tr row shift in pixels
   * @param tc column shift in pixels
   * @param shearDegrees shear angle
   * @param zr row zoom factor
   * @param zc column zoom factor
   */
  public static double[] inverseMap(double thetaDegrees, double tr, double tc, double shearDegrees, double zr,
      double zc, int height, int width) {
    double t = Math.toRadians(thetaDegrees);
    double s = Math.toRadians(shearDegrees);
    double[][] m = identity3();
    if (thetaDegrees != 0) m = mul(m, new double[][] {{Math.cos(t), -Math.sin(t), 0}, {Math.sin(t), Math.cos(t), 0}, {0, 0, 1}});
    if (tr != 0 || tc != 0) m = mul(m, new double[][] {{1, 0, tr}, {0, 1, tc}, {0, 0, 1}});
    if (shearDegrees != 0) m = mul(m, new double[][] {{1, -Math.sin(s), 0}, {0, Math.cos(s), 0}, {0, 0, 1}});
    if (zr != 1 || zc != 1) m = mul(m, new double[][] {{zr, 0, 0}, {0, zc, 0}, {0, 0, 1}});
    double or = height / 2.0 - 0.5;
    double oc = width / 2.0 - 0.5;
    m = mul(mul(new double[][] {{1, 0, or}, {0, 1, oc}, {0, 0, 1}}, m), new double[][] {{1, 0, -or}, {0, 1, -oc}, {0, 0, 1}});
    return new double[] {m[0][0], m[0][1], m[0][2], m[1][0], m[1][1], m[1][2]};
  }

  /**
   * Resamples every channel of the sample {@code x[offset ..]} ({@code [C, H, W]}) in place
   * through the inverse map {@code a} (see {@link #inverseMap}), bilinearly, filling by
   * {@code fill}. {@code x} is modified; {@code a} is not.
   */
  public static void warp(float[] x, int offset, int channels, int height, int width, double[] a, FillMode fill,
      float fillValue) {
    if (a.length != 6) throw new IllegalArgumentException("warp: map has " + a.length + " entries, expected 6 (two rows of a 3x3 affine matrix)");
    int plane = height * width;
    // Source coordinates of every output pixel: computed once, shared by all channels.
    int[] r0 = new int[plane];
    int[] r1 = new int[plane];
    int[] c0 = new int[plane];
    int[] c1 = new int[plane];
    double[] fr = new double[plane];
    double[] fc = new double[plane];
    boolean[] constant = new boolean[plane];
    for (int r = 0, p = 0; r < height; r++) {
      for (int c = 0; c < width; c++, p++) {
        double sr = snap(a[0] * r + a[1] * c + a[2]);
        double sc = snap(a[3] * r + a[4] * c + a[5]);
        if (fill == FillMode.CONSTANT && (sr < 0 || sr > height - 1 || sc < 0 || sc > width - 1)) {
          constant[p] = true;
          continue;
        }
        double fR = Math.floor(sr);
        double fC = Math.floor(sc);
        fr[p] = sr - fR;
        fc[p] = sc - fC;
        int ir = (int) Math.max(Math.min(fR, 1 << 24), -(1 << 24)); // far outside: any far index maps the same way
        int ic = (int) Math.max(Math.min(fC, 1 << 24), -(1 << 24));
        FillMode inner = fill == FillMode.CONSTANT ? FillMode.NEAREST : fill; // inside [0, n-1]: only a weight-0 neighbour can fall out
        r0[p] = inner.map(ir, height);
        r1[p] = inner.map(ir + 1, height);
        c0[p] = inner.map(ic, width);
        c1[p] = inner.map(ic + 1, width);
      }
    }
    float[] src = new float[plane];
    for (int ch = 0; ch < channels; ch++) {
      int base = offset + ch * plane;
      System.arraycopy(x, base, src, 0, plane);
      for (int p = 0; p < plane; p++) {
        if (constant[p]) {
          x[base + p] = fillValue;
          continue;
        }
        double v00 = src[r0[p] * width + c0[p]];
        double v01 = src[r0[p] * width + c1[p]];
        double v10 = src[r1[p] * width + c0[p]];
        double v11 = src[r1[p] * width + c1[p]];
        double top = v00 + fc[p] * (v01 - v00);
        double bottom = v10 + fc[p] * (v11 - v10);
        x[base + p] = (float) (top + fr[p] * (bottom - top));
      }
    }
  }

  private static double snap(double v) {
    double r = Math.rint(v);
    return Math.abs(v - r) < SNAP ? r : v;
  }

  private static double[][] identity3() {
    return new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  }

  private static double[][] mul(double[][] p, double[][] q) {
    double[][] out = new double[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double s = 0;
        for (int k = 0; k < 3; k++) s += p[i][k] * q[k][j];
        out[i][j] = s;
      }
    }
    return out;
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    if (rotation > 0) parts.add("rotate=" + ConfigChecks.fmt(rotation));
    if (heightShift > 0) parts.add("hshift=" + ConfigChecks.fmt(heightShift));
    if (widthShift > 0) parts.add("wshift=" + ConfigChecks.fmt(widthShift));
    if (shear > 0) parts.add("shear=" + ConfigChecks.fmt(shear));
    if (zoomLo != 1 || zoomHi != 1) parts.add("zoom=" + ConfigChecks.fmt(zoomLo) + ":" + ConfigChecks.fmt(zoomHi));
    parts.add("fill=" + fill.kerasName() + (fill == FillMode.CONSTANT ? ",cval=" + ConfigChecks.fmt(fillValue) : ""));
    return String.join(",", parts);
  }
}
