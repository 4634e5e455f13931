package dev.cnn.tensor;

import java.util.Arrays;

/**
 * The float64 twin of {@link ScalarConv}: the same loops on {@code double[]}, for the float64
 * tensors of gradient checks. GENERATED from ScalarConv.java by Float64Twins (test sources):
 * do not edit; edit ScalarConv.java and regenerate (see Float64Twins).
 */
final class ScalarConv64 {

  public void forward(Conv2dGeometry g, double[] x, double[] w, double[] bias, double[] y) {
    final Conv2dSpec s = g.spec();
    final int cIn = g.cIn(), cOut = g.cOut(), h = g.h(), wd = g.w(), kH = g.kH(), kW = g.kW();
    final int cInG = g.cInPerGroup(), cOutG = g.cOutPerGroup(), hOut = g.hOut(), wOut = g.wOut();
    Parallel.forEach(g.n(), n -> {
      for (int co = 0; co < cOut; co++) {
        int ci0 = co / cOutG * cInG; // first input channel of co's group
        for (int oh = 0; oh < hOut; oh++) {
          for (int ow = 0; ow < wOut; ow++) {
            double sum = bias == null ? 0.0 : bias[co];
            for (int c = 0; c < cInG; c++) {
              for (int i = 0; i < kH; i++) {
                int ih = oh * s.strideH() - s.padH() + i * s.dilationH();
                if (ih < 0 || ih >= h) continue;
                for (int j = 0; j < kW; j++) {
                  int iw = ow * s.strideW() - s.padW() + j * s.dilationW();
                  if (iw < 0 || iw >= wd) continue;
                  sum += w[((co * cInG + c) * kH + i) * kW + j]
                      * x[((n * cIn + ci0 + c) * h + ih) * wd + iw];
                }
              }
            }
            y[((n * cOut + co) * hOut + oh) * wOut + ow] = sum;
          }
        }
      }
    });
  }

  public void backwardInput(Conv2dGeometry g, double[] dy, double[] w, double[] dx, boolean accumulate) {
    final Conv2dSpec s = g.spec();
    final int cIn = g.cIn(), cOut = g.cOut(), h = g.h(), wd = g.w(), kH = g.kH(), kW = g.kW();
    final int cInG = g.cInPerGroup(), cOutG = g.cOutPerGroup(), hOut = g.hOut(), wOut = g.wOut();
    Parallel.forEach(g.n(), n -> {
      if (!accumulate) Arrays.fill(dx, n * cIn * h * wd, (n + 1) * cIn * h * wd, 0.0);
      for (int co = 0; co < cOut; co++) {
        int ci0 = co / cOutG * cInG;
        for (int oh = 0; oh < hOut; oh++) {
          for (int ow = 0; ow < wOut; ow++) {
            double d = dy[((n * cOut + co) * hOut + oh) * wOut + ow];
            for (int c = 0; c < cInG; c++) {
              for (int i = 0; i < kH; i++) {
                int ih = oh * s.strideH() - s.padH() + i * s.dilationH();
                if (ih < 0 || ih >= h) continue;
                for (int j = 0; j < kW; j++) {
                  int iw = ow * s.strideW() - s.padW() + j * s.dilationW();
                  if (iw < 0 || iw >= wd) continue;
                  dx[((n * cIn + ci0 + c) * h + ih) * wd + iw] += w[((co * cInG + c) * kH + i) * kW + j] * d;
                }
              }
            }
          }
        }
      }
    });
  }

  public void backwardWeight(Conv2dGeometry g, double[] x, double[] dy, double[] dw, boolean accumulate) {
    final Conv2dSpec s = g.spec();
    final int cIn = g.cIn(), cOut = g.cOut(), h = g.h(), wd = g.w(), kH = g.kH(), kW = g.kW();
    final int cInG = g.cInPerGroup(), cOutG = g.cOutPerGroup(), hOut = g.hOut(), wOut = g.wOut();
    final int batch = g.n();
    Parallel.forEach(cOut, co -> {
      int ci0 = co / cOutG * cInG;
      for (int c = 0; c < cInG; c++) {
        for (int i = 0; i < kH; i++) {
          for (int j = 0; j < kW; j++) {
            double sum = 0.0;
            for (int n = 0; n < batch; n++) {
              for (int oh = 0; oh < hOut; oh++) {
                int ih = oh * s.strideH() - s.padH() + i * s.dilationH();
                if (ih < 0 || ih >= h) continue;
                for (int ow = 0; ow < wOut; ow++) {
                  int iw = ow * s.strideW() - s.padW() + j * s.dilationW();
                  if (iw < 0 || iw >= wd) continue;
                  sum += dy[((n * cOut + co) * hOut + oh) * wOut + ow]
                      * x[((n * cIn + ci0 + c) * h + ih) * wd + iw];
                }
              }
            }
            int k = ((co * cInG + c) * kH + i) * kW + j;
            dw[k] = accumulate ? dw[k] + sum : sum;
          }
        }
      }
    });
  }
}
