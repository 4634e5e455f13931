package dev.cnn.data;

import dev.cnn.tensor.Rng;

/**
 * Scales each channel's deviation from its own mean by one factor f drawn uniformly from
 * {@code [lo, hi]} (the same f for all channels): {@code x' = m_c + f (x - m_c)}, with
 * {@code m_c} the mean of channel c of this sample. f = 0 gives a flat image, f = 1 the input.
 * (torchvision's {@code adjust_contrast} blends with the grey mean of all channels and clips; for
 * one channel and no clipping the two agree.) Not clipped, so it can leave the input's range:
 * {@code |x' - m_c| = f |x - m_c| <= hi |x - m_c|}.
 */
public final class Contrast implements Augmentation.Step {
  private final double lo;
  private final double hi;

  /** @param lo lowest factor, {@code 0 <= lo <= hi <= 10} */
  public Contrast(double lo, double hi) {
    ConfigChecks.range("contrast", "range", lo, hi, 0, 10);
    this.lo = lo;
    this.hi = hi;
  }

  @Override
  public void apply(float[] x, int offset, int channels, int height, int width, Rng rng) {
    double f = lo == hi ? lo : rng.uniform(lo, hi);
    int plane = height * width;
    for (int ch = 0; ch < channels; ch++) {
      int base = offset + ch * plane;
      double sum = 0;
      for (int i = base; i < base + plane; i++) sum += x[i];
      double m = sum / plane;
      for (int i = base; i < base + plane; i++) x[i] = (float) (m + f * (x[i] - m));
    }
  }

  @Override
  public String toString() {
    return "contrast=" + ConfigChecks.fmt(lo) + ":" + ConfigChecks.fmt(hi);
  }
}
