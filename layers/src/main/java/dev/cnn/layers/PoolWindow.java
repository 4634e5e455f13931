package dev.cnn.layers;

import dev.cnn.tensor.Pool2dSpec;
import dev.cnn.tensor.Shapes;

/**
 * What {@link MaxPool2d} and {@link AvgPool2d} share: a square window's validation, its label
 * and the per-sample shape inference {@code [C, H, W] -> [C, Hout, Wout]} with
 * {@code Hout = floor((H + 2P - K) / S) + 1}.
 */
final class PoolWindow {
  private PoolWindow() {}

  /**
   * The pooling spec for a square window.
   *
   * @throws IllegalArgumentException naming the layer and the value out of range
   */
  static Pool2dSpec spec(String layer, int kernel, int stride, int padding) {
    if (kernel < 1) throw new IllegalArgumentException(layer + ": kernel = " + kernel + "; expected >= 1");
    if (stride < 1) throw new IllegalArgumentException(layer + ": stride = " + stride + "; expected >= 1");
    if (padding < 0 || padding > kernel / 2) {
      throw new IllegalArgumentException(layer + ": padding = " + padding + " with kernel " + kernel
          + "; expected 0 <= padding <= kernel/2 = " + kernel / 2
          + " (every window must hold a real pixel, as in PyTorch)");
    }
    return Pool2dSpec.of(kernel, stride, padding);
  }

  /** {@code "MaxPool2d(kernel 2, stride 2, padding 0)"}. */
  static String label(String layer, Pool2dSpec spec) {
    return layer + "(kernel " + spec.kernelH() + ", stride " + spec.strideH() + ", padding " + spec.padH() + ")";
  }

  static int[] outputShape(String label, Pool2dSpec spec, int[] s) {
    if (s.length != 3) {
      throw Shapes.error(label, "input shape " + Shapes.format(s), "[C, H, W] per sample"
          + (s.length == 1 ? " (pooling needs an image, not a vector)" : ""));
    }
    int h = spec.outputHeight(s[1]), w = spec.outputWidth(s[2]);
    if (h < 1 || w < 1) {
      throw Shapes.error(label, "input shape " + Shapes.format(s) + " is smaller than the window",
          "H and W of at least " + (spec.kernelH() - 2 * spec.padH()));
    }
    return new int[] {s[0], h, w};
  }
}
