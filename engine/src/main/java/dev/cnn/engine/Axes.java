package dev.cnn.engine;

import dev.cnn.tensor.Shapes;
import java.util.Arrays;

/** Reduction axes: normalised (negative counts from the end), checked, sorted, distinct. */
final class Axes {
  private Axes() {}

  /** The axes to reduce over; none given means all of them. */
  static int[] normalize(String op, int[] shape, int... axes) {
    if (axes == null || axes.length == 0) {
      int[] all = new int[shape.length];
      for (int i = 0; i < all.length; i++) all[i] = i;
      return all;
    }
    int[] out = new int[axes.length];
    for (int i = 0; i < axes.length; i++) {
      int a = axes[i] < 0 ? axes[i] + shape.length : axes[i];
      if (a < 0 || a >= shape.length) {
        throw Shapes.error(op, "axis " + axes[i] + " for shape " + Shapes.format(shape),
            "an axis in [" + -shape.length + ", " + (shape.length - 1) + "]");
      }
      out[i] = a;
    }
    Arrays.sort(out);
    for (int i = 1; i < out.length; i++) {
      if (out[i] == out[i - 1]) {
        throw Shapes.error(op, "axes " + Arrays.toString(axes) + " name axis " + out[i] + " twice",
            "distinct axes");
      }
    }
    return out;
  }

  /** The shape after reducing over {@code axes}: those axes set to 1 (keepDims) or dropped. */
  static int[] reduced(int[] shape, int[] axes, boolean keepDims) {
    int[] kept = shape.clone();
    for (int a : axes) kept[a] = 1;
    if (keepDims) return kept;
    int[] out = new int[shape.length - axes.length];
    for (int i = 0, j = 0, t = 0; i < shape.length; i++) {
      if (t < axes.length && axes[t] == i) t++;
      else out[j++] = shape[i];
    }
    return out;
  }
}
