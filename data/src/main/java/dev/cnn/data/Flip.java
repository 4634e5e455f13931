package dev.cnn.data;

import dev.cnn.tensor.Rng;

/**
 * Mirrors the sample with some probability: horizontally (the columns reversed, Keras'
 * {@code horizontal_flip}) or vertically (the rows reversed). Exact: values are moved, not
 * interpolated, so flipping twice with probability 1 is the identity.
 */
public final class Flip implements Augmentation.Step {
  /** Which axis is reversed. */
  public enum Axis {
    /** Reverse the columns: left becomes right. */
    HORIZONTAL,
    /** Reverse the rows: top becomes bottom. */
    VERTICAL
  }

  private final Axis axis;
  private final double probability;

  /**
   * @param axis which axis is reversed
   * @param probability of flipping a sample, in [0, 1]; one uniform number is drawn per sample
   *     and the sample is flipped when it is below the probability
   */
  public Flip(Axis axis, double probability) {
    if (axis == null) throw new IllegalArgumentException("flip: axis is null, expected HORIZONTAL or VERTICAL");
    this.axis = axis;
    this.probability = ConfigChecks.inClosed("flip", "probability", probability, 0, 1, "");
  }

  /** A horizontal flip with probability 1/2, as Keras' {@code horizontal_flip=True}. */
  public static Flip horizontal() {
    return new Flip(Axis.HORIZONTAL, 0.5);
  }

  /** A vertical flip with probability 1/2, as Keras' {@code vertical_flip=True}. */
  public static Flip vertical() {
    return new Flip(Axis.VERTICAL, 0.5);
  }

  @Override
  public void apply(float[] x, int offset, int channels, int height, int width, Rng rng) {
    if (!(rng.nextDouble() < probability)) return;
    for (int ch = 0; ch < channels; ch++) {
      int base = offset + ch * height * width;
      if (axis == Axis.HORIZONTAL) {
        for (int r = 0; r < height; r++) {
          int row = base + r * width;
          for (int i = row, j = row + width - 1; i < j; i++, j--) {
            float t = x[i];
            x[i] = x[j];
            x[j] = t;
          }
        }
      } else {
        for (int top = 0, bottom = height - 1; top < bottom; top++, bottom--) {
          int a = base + top * width;
          int b = base + bottom * width;
          for (int c = 0; c < width; c++) {
            float t = x[a + c];
            x[a + c] = x[b + c];
            x[b + c] = t;
          }
        }
      }
    }
  }

  @Override
  public String toString() {
    return (axis == Axis.HORIZONTAL ? "hflip" : "vflip") + (probability == 0.5 ? "" : "(p=" + probability + ")");
  }
}
