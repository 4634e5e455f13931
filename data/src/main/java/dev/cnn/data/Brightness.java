package dev.cnn.data;

import dev.cnn.tensor.Rng;

/**
 * Multiplies every value of the sample by one factor f drawn uniformly from {@code [lo, hi]}:
 * {@code x' = f x}. This is what Keras' {@code brightness_range} does to the pixels (through PIL's
 * {@code ImageEnhance.Brightness}); unlike Keras the result is not clipped, so it can leave the
 * input's range: every output satisfies {@code x' = f x} with {@code lo <= f <= hi}, hence
 * {@code lo * x <= x' <= hi * x} for {@code x >= 0}.
 */
public final class Brightness implements Augmentation.Step {
  private final double lo;
  private final double hi;

  /** @param lo lowest factor, {@code 0 <= lo <= hi <= 10} */
  public Brightness(double lo, double hi) {
    ConfigChecks.range("brightness", "range", lo, hi, 0, 10);
    this.lo = lo;
    this.hi = hi;
  }

  @Override
  public void apply(float[] x, int offset, int channels, int height, int width, Rng rng) {
    double f = lo == hi ? lo : rng.uniform(lo, hi);
    int n = channels * height * width;
    for (int i = offset; i < offset + n; i++) x[i] = (float) (f * x[i]);
  }

  @Override
  public String toString() {
    return "brightness=" + ConfigChecks.fmt(lo) + ":" + ConfigChecks.fmt(hi);
  }
}
