package dev.cnn.tensor;

/**
 * A third, independent convolution for the tests: the definition written as gathers in double,
 * with every output element's sum of absolute terms, from which the float tolerance follows.
 * Unlike {@link ScalarConv} it loops over groups explicitly and computes the input gradient by
 * gathering (solving {@code ih = oh*S - P + i*D} for oh) rather than scattering.
 */
final class NaiveConv {
  private NaiveConv() {}

  /** Exact-ish values (double sums of float products, which are exact) and sums of |terms|. */
  record Result(double[] value, double[] absSum) {}

  static Result forward(Conv2dGeometry g, float[] x, float[] w, float[] b) {
    Conv2dSpec s = g.spec();
    int groups = g.groups(), cig = g.cInPerGroup(), cog = g.cOutPerGroup();
    int hOut = g.hOut(), wOut = g.wOut();
    double[] v = new double[g.n() * g.cOut() * hOut * wOut], a = new double[v.length];
    for (int n = 0; n < g.n(); n++)
      for (int grp = 0; grp < groups; grp++)
        for (int o = 0; o < cog; o++)
          for (int oh = 0; oh < hOut; oh++)
            for (int ow = 0; ow < wOut; ow++) {
              int co = grp * cog + o;
              double sum = b == null ? 0 : b[co], abs = b == null ? 0 : Math.abs(b[co]);
              for (int c = 0; c < cig; c++)
                for (int i = 0; i < g.kH(); i++)
                  for (int j = 0; j < g.kW(); j++) {
                    int ih = oh * s.strideH() - s.padH() + i * s.dilationH();
                    int iw = ow * s.strideW() - s.padW() + j * s.dilationW();
                    if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) continue;
                    double t = (double) w[idx(co, c, i, j, cig, g.kH(), g.kW())]
                        * x[idx(n, grp * cig + c, ih, iw, g.cIn(), g.h(), g.w())];
                    sum += t;
                    abs += Math.abs(t);
                  }
              int k = idx(n, co, oh, ow, g.cOut(), hOut, wOut);
              v[k] = sum;
              a[k] = abs;
            }
    return new Result(v, a);
  }

  static Result backwardInput(Conv2dGeometry g, float[] dy, float[] w) {
    Conv2dSpec s = g.spec();
    int cig = g.cInPerGroup(), cog = g.cOutPerGroup(), hOut = g.hOut(), wOut = g.wOut();
    double[] v = new double[g.n() * g.cIn() * g.h() * g.w()], a = new double[v.length];
    for (int n = 0; n < g.n(); n++)
      for (int ci = 0; ci < g.cIn(); ci++)
        for (int ih = 0; ih < g.h(); ih++)
          for (int iw = 0; iw < g.w(); iw++) {
            int grp = ci / cig, c = ci % cig;
            double sum = 0, abs = 0;
            for (int o = 0; o < cog; o++)
              for (int i = 0; i < g.kH(); i++)
                for (int j = 0; j < g.kW(); j++) {
                  int th = ih + s.padH() - i * s.dilationH(); // = oh * strideH
                  int tw = iw + s.padW() - j * s.dilationW();
                  if (th < 0 || tw < 0 || th % s.strideH() != 0 || tw % s.strideW() != 0) continue;
                  int oh = th / s.strideH(), ow = tw / s.strideW();
                  if (oh >= hOut || ow >= wOut) continue;
                  int co = grp * cog + o;
                  double t = (double) w[idx(co, c, i, j, cig, g.kH(), g.kW())]
                      * dy[idx(n, co, oh, ow, g.cOut(), hOut, wOut)];
                  sum += t;
                  abs += Math.abs(t);
                }
            int k = idx(n, ci, ih, iw, g.cIn(), g.h(), g.w());
            v[k] = sum;
            a[k] = abs;
          }
    return new Result(v, a);
  }

  static Result backwardWeight(Conv2dGeometry g, float[] x, float[] dy) {
    Conv2dSpec s = g.spec();
    int cig = g.cInPerGroup(), cog = g.cOutPerGroup(), hOut = g.hOut(), wOut = g.wOut();
    double[] v = new double[g.cOut() * cig * g.kH() * g.kW()], a = new double[v.length];
    for (int co = 0; co < g.cOut(); co++)
      for (int c = 0; c < cig; c++)
        for (int i = 0; i < g.kH(); i++)
          for (int j = 0; j < g.kW(); j++) {
            double sum = 0, abs = 0;
            int ci = co / cog * cig + c;
            for (int n = 0; n < g.n(); n++)
              for (int oh = 0; oh < hOut; oh++)
                for (int ow = 0; ow < wOut; ow++) {
                  int ih = oh * s.strideH() - s.padH() + i * s.dilationH();
                  int iw = ow * s.strideW() - s.padW() + j * s.dilationW();
                  if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) continue;
                  double t = (double) dy[idx(n, co, oh, ow, g.cOut(), hOut, wOut)]
                      * x[idx(n, ci, ih, iw, g.cIn(), g.h(), g.w())];
                  sum += t;
                  abs += Math.abs(t);
                }
            int k = idx(co, c, i, j, cig, g.kH(), g.kW());
            v[k] = sum;
            a[k] = abs;
          }
    return new Result(v, a);
  }

  /** Flat index of (a, b, c, d) in a [*, B, C, D] array. */
  static int idx(int a, int b, int c, int d, int nb, int nc, int nd) {
    return ((a * nb + b) * nc + c) * nd + d;
  }

  /** Uniform floats in [-1, 1). */
  static float[] uniform(Rng rng, int size) {
    float[] a = new float[size];
    for (int i = 0; i < size; i++) a[i] = (float) rng.uniform(-1, 1);
    return a;
  }

  /**
   * Asserts {@code |got - value| <= terms * 2^-22 * absSum} per element. Summing t terms in float
   * in any order (any tree, with or without FMA) is within {@code gamma_t * sum|terms|} of the
   * exact sum, gamma_t = t*u/(1 - t*u), u = 2^-24 (Higham, Accuracy and Stability, 2.2 and 3.1);
   * the naive sum in double is exact to about 2^-53 relative. So 4x the first-order bound is
   * enough, and it is tight enough to catch any missing or misplaced term (whose size is about
   * 1/terms of absSum, far above 2^-22 * absSum).
   */
  static void assertClose(String what, Result expected, float[] got, long terms) {
    if (got.length != expected.value().length) {
      throw new AssertionError(what + ": length " + got.length + ", expected " + expected.value().length);
    }
    double eps = terms * Math.scalb(1.0, -22);
    for (int i = 0; i < got.length; i++) {
      double err = Math.abs(got[i] - expected.value()[i]);
      double tol = eps * expected.absSum()[i];
      if (!(err <= tol)) {
        throw new AssertionError(what + ": element " + i + " is " + got[i] + ", expected "
            + expected.value()[i] + " (|err| " + err + " > tolerance " + tol + ")");
      }
    }
  }
}
