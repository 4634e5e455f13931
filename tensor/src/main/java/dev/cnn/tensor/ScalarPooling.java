package dev.cnn.tensor;

import java.util.Arrays;

/**
 * The reference pooling loops, one (n, c) plane at a time: the readable definition, the oracle
 * that {@code VectorPooling} is tested against, and (except 2x2 max pooling with the vector
 * kernels on) what {@link Pooling} runs. {@code ScalarPooling64} is the same code on
 * {@code double[]}, generated from this file (see {@link ScalarConv} for why and how).
 *
 * <p>A plane of x is {@code h x w} floats at offset {@code xo}; its output plane is
 * {@code hOut x wOut} at {@code io}. Window (oh, ow) covers rows {@code [oh*S - P, oh*S - P + K)}
 * and columns likewise, clipped to the image ({@code [hs, he) x [ws, we)} below); every window
 * holds a real pixel (padding <= kernel/2, checked by {@link Pool2dSpec}).
 */
final class ScalarPooling {
  private ScalarPooling() {}

  /**
   * Maximum of every window of one plane into y, and its arg-max (an offset within the plane) into
   * {@code idx}, both at {@code io}; with idx null, the maxima only. The first maximum wins ties; a
   * NaN counts as the largest value (the first NaN wins). The reference {@link PoolingKernel}.
   */
  static void maxPlane(float[] x, int xo, int h, int w, Pool2dSpec s, int hOut, int wOut, float[] y, int[] idx, int io) {
    for (int oh = 0; oh < hOut; oh++) {
      int h0 = oh * s.strideH() - s.padH(), hs = Math.max(h0, 0), he = Math.min(h0 + s.kernelH(), h);
      for (int ow = 0; ow < wOut; ow++) {
        int w0 = ow * s.strideW() - s.padW(), ws = Math.max(w0, 0), we = Math.min(w0 + s.kernelW(), w);
        int best = hs * w + ws;
        float max = x[xo + best];
        for (int ih = hs; ih < he; ih++) {
          for (int iw = ws, i = ih * w + ws; iw < we; iw++, i++) {
            float v = x[xo + i];
            if (max == max && !(v <= max)) { // v > max, or v is the first NaN
              max = v;
              best = i;
            }
          }
        }
        if (idx != null) idx[io + oh * wOut + ow] = best;
        y[io + oh * wOut + ow] = max;
      }
    }
  }

  /**
   * The input gradient of max pooling for one plane: zeroes dx's plane ({@code plane} elements at
   * {@code xo}), then adds each {@code dy[io + o]} to the pixel {@code indices[io + o]} of that
   * plane, for o in {@code [0, outPlane)}.
   *
   * @throws IllegalArgumentException naming {@code op} when an index is outside the plane
   */
  static void maxBackwardPlane(String op, float[] dy, int[] indices, int io, int outPlane, float[] dx, int xo, int plane) {
    Arrays.fill(dx, xo, xo + plane, 0f);
    for (int o = io; o < io + outPlane; o++) {
      int i = indices[o];
      if (i < 0 || i >= plane) {
        throw Shapes.error(op, "indices[" + o + "] is " + i,
            "0 <= index < H*W = " + plane + "; pass the indices maxForward returned for this input");
      }
      dx[xo + i] += dy[o];
    }
  }

  /**
   * Average of every window of one plane: {@code (sum of its real pixels, in double) / (KH*KW)}
   * (the padding counts in the divisor), rounded once.
   */
  static void avgPlane(float[] x, int xo, int h, int w, Pool2dSpec s, int hOut, int wOut, float[] y, int io) {
    double divisor = s.kernelH() * s.kernelW();
    for (int oh = 0; oh < hOut; oh++) {
      int h0 = oh * s.strideH() - s.padH(), hs = Math.max(h0, 0), he = Math.min(h0 + s.kernelH(), h);
      for (int ow = 0; ow < wOut; ow++) {
        int w0 = ow * s.strideW() - s.padW(), ws = Math.max(w0, 0), we = Math.min(w0 + s.kernelW(), w);
        double sum = 0;
        for (int ih = hs; ih < he; ih++) {
          for (int iw = ws; iw < we; iw++) sum += x[xo + ih * w + iw];
        }
        y[io + oh * wOut + ow] = (float) (sum / divisor);
      }
    }
  }

  /**
   * The input gradient of average pooling for one plane: each {@code dy} element, divided by
   * KH*KW, is added to every real pixel of its window ({@code dx} is added to, not overwritten).
   */
  static void avgBackwardPlane(float[] dy, int io, int h, int w, Pool2dSpec s, int hOut, int wOut, float[] dx, int xo) {
    double divisor = s.kernelH() * s.kernelW();
    for (int oh = 0; oh < hOut; oh++) {
      int h0 = oh * s.strideH() - s.padH(), hs = Math.max(h0, 0), he = Math.min(h0 + s.kernelH(), h);
      for (int ow = 0; ow < wOut; ow++) {
        int w0 = ow * s.strideW() - s.padW(), ws = Math.max(w0, 0), we = Math.min(w0 + s.kernelW(), w);
        float g = (float) (dy[io + oh * wOut + ow] / divisor);
        for (int ih = hs; ih < he; ih++) {
          for (int iw = ws; iw < we; iw++) dx[xo + ih * w + iw] += g;
        }
      }
    }
  }

  /**
   * Adaptive average pooling of one plane ({@code h x w} at xo) to {@code hOut x wOut} (at io):
   * output (oh, ow) is the mean of input rows {@code [adaptiveStart(oh, h, hOut), adaptiveEnd(oh,
   * h, hOut))} and the columns likewise, PyTorch's windows. Summed in double.
   */
  static void adaptiveAvgPlane(float[] x, int xo, int h, int w, int hOut, int wOut, float[] y, int io) {
    for (int oh = 0; oh < hOut; oh++) {
      int hs = adaptiveStart(oh, h, hOut), he = adaptiveEnd(oh, h, hOut);
      for (int ow = 0; ow < wOut; ow++) {
        int ws = adaptiveStart(ow, w, wOut), we = adaptiveEnd(ow, w, wOut);
        double sum = 0;
        for (int ih = hs; ih < he; ih++) {
          for (int iw = ws; iw < we; iw++) sum += x[xo + ih * w + iw];
        }
        y[io + oh * wOut + ow] = (float) (sum / ((he - hs) * (we - ws)));
      }
    }
  }

  /**
   * The input gradient of {@link #adaptiveAvgPlane}: each {@code dy} element, divided by its
   * window's size, is added to every pixel of its window (windows overlap when the sizes do not
   * divide, so dx must start at zero).
   */
  static void adaptiveAvgBackwardPlane(float[] dy, int io, int h, int w, int hOut, int wOut, float[] dx, int xo) {
    for (int oh = 0; oh < hOut; oh++) {
      int hs = adaptiveStart(oh, h, hOut), he = adaptiveEnd(oh, h, hOut);
      for (int ow = 0; ow < wOut; ow++) {
        int ws = adaptiveStart(ow, w, wOut), we = adaptiveEnd(ow, w, wOut);
        float g = (float) ((double) dy[io + oh * wOut + ow] / ((he - hs) * (we - ws)));
        for (int ih = hs; ih < he; ih++) {
          for (int iw = ws; iw < we; iw++) dx[xo + ih * w + iw] += g;
        }
      }
    }
  }

  /** The first input index of adaptive window i of {@code out} over {@code in}: {@code floor(i * in / out)}. */
  static int adaptiveStart(int i, int in, int out) {
    return (int) ((long) i * in / out);
  }

  /** One past the last input index of adaptive window i: {@code ceil((i + 1) * in / out)}. */
  static int adaptiveEnd(int i, int in, int out) {
    return (int) (((long) (i + 1) * in + out - 1) / out);
  }

  /** The mean of one plane of {@code plane} elements at {@code xo}, summed in double: {@code y[p]}. */
  static void globalAvgPlane(float[] x, int xo, int plane, float[] y, int p) {
    double sum = 0;
    for (int i = xo; i < xo + plane; i++) sum += x[i];
    y[p] = (float) (sum / plane);
  }

  /** The input gradient of global average pooling for one plane: {@code dx[..] = dy[p] / plane}. */
  static void globalAvgBackwardPlane(float[] dy, int p, float[] dx, int xo, int plane) {
    Arrays.fill(dx, xo, xo + plane, (float) ((double) dy[p] / plane));
  }
}
