package dev.cnn.tensor;

import java.util.Arrays;

/**
 * The reference convolution: the seven loops of the definition, written to be read. It is the
 * oracle that {@link GemmConv} is tested against and the fallback when the scalar kernels are
 * forced; {@code ScalarConv64}, the same loops on {@code double[]}, is the float64 path that
 * gradient checks use.
 *
 * <pre>
 *   forward:   y[n][co][oh][ow]   = b[co] + sum_{c, i, j} w[co][c][i][j] * x[n][ci][ih][iw]
 *   input:     dx[n][ci][ih][iw] += w[co][c][i][j] * dy[n][co][oh][ow]   for every such term
 *   weight:    dw[co][c][i][j]    = sum_{n, oh, ow} dy[n][co][oh][ow] * x[n][ci][ih][iw]
 *   where      ci = group(co) * Cin/G + c,  ih = oh*S - P + i*D,  iw = ow*S - P + j*D
 * </pre>
 * Terms whose (ih, iw) falls in the zero padding are skipped. The input gradient is the forward
 * pass run backwards: each term of the forward sum sends {@code w * dy} back to the x it read.
 *
 * <p>Parallel over the batch for forward and input gradient (each image writes its own slice),
 * and over output channels for the weight gradient (each weight element is one sum in a fixed
 * order), so results do not depend on the thread count.
 *
 * <p><b>One implementation for float32 and float64.</b> The reference kernels ({@code ScalarConv},
 * {@code ScalarGemm}, {@code ScalarPooling}, {@code ScalarElementwise}) are written once, on
 * {@code float[]}, and their float64 twins ({@code ScalarConv64}, ...) are generated from them by
 * {@code Float64Twins} in the test sources, a dozen lines of text substitution ({@code float} to
 * {@code double}, {@code 0f} to {@code 0.0}, casts to float dropped). A test fails when a twin no
 * longer matches its source and says how to regenerate it; the twins say "generated, do not edit"
 * at the top. This is how EJML keeps its float and double code. The alternatives read worse or
 * cost the float32 path: loops written against an element accessor (one interface, a float and a
 * double implementation) cost a call per element wherever the JIT sees both types and stop C2
 * from vectorising the GEMM's inner loop; computing float32 by widening to a float64 reference
 * would allocate double copies of every operand, halve the SIMD width of the auto-vectorised GEMM
 * loop and change float32 results. Generated code is plain loops in the element type, so float32
 * runs exactly as written, and a learner reads one file.
 */
final class ScalarConv implements ConvKernel {

  @Override
  public void forward(Conv2dGeometry g, float[] x, float[] w, float[] bias, float[] y) {
    final Conv2dSpec s = g.spec();
    final int cIn = g.cIn(), cOut = g.cOut(), h = g.h(), wd = g.w(), kH = g.kH(), kW = g.kW();
    final int cInG = g.cInPerGroup(), cOutG = g.cOutPerGroup(), hOut = g.hOut(), wOut = g.wOut();
    Parallel.forEach(g.n(), n -> {
      for (int co = 0; co < cOut; co++) {
        int ci0 = co / cOutG * cInG; // first input channel of co's group
        for (int oh = 0; oh < hOut; oh++) {
          for (int ow = 0; ow < wOut; ow++) {
            float sum = bias == null ? 0f : bias[co];
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

  @Override
  public void backwardInput(Conv2dGeometry g, float[] dy, float[] w, float[] dx, boolean accumulate) {
    final Conv2dSpec s = g.spec();
    final int cIn = g.cIn(), cOut = g.cOut(), h = g.h(), wd = g.w(), kH = g.kH(), kW = g.kW();
    final int cInG = g.cInPerGroup(), cOutG = g.cOutPerGroup(), hOut = g.hOut(), wOut = g.wOut();
    Parallel.forEach(g.n(), n -> {
      if (!accumulate) Arrays.fill(dx, n * cIn * h * wd, (n + 1) * cIn * h * wd, 0f);
      for (int co = 0; co < cOut; co++) {
        int ci0 = co / cOutG * cInG;
        for (int oh = 0; oh < hOut; oh++) {
          for (int ow = 0; ow < wOut; ow++) {
            float d = dy[((n * cOut + co) * hOut + oh) * wOut + ow];
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

  @Override
  public void backwardWeight(Conv2dGeometry g, float[] x, float[] dy, float[] dw, boolean accumulate) {
    final Conv2dSpec s = g.spec();
    final int cIn = g.cIn(), cOut = g.cOut(), h = g.h(), wd = g.w(), kH = g.kH(), kW = g.kW();
    final int cInG = g.cInPerGroup(), cOutG = g.cOutPerGroup(), hOut = g.hOut(), wOut = g.wOut();
    final int batch = g.n();
    Parallel.forEach(cOut, co -> {
      int ci0 = co / cOutG * cInG;
      for (int c = 0; c < cInG; c++) {
        for (int i = 0; i < kH; i++) {
          for (int j = 0; j < kW; j++) {
            float sum = 0f;
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
