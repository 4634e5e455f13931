package dev.cnn.data;

import dev.cnn.tensor.Rng;

/**
 * Random erasing (Zhong, Zheng, Kang, Li and Yang, "Random Erasing Data Augmentation", AAAI
 * 2020), drawn as torchvision's {@code RandomErasing} draws it: with probability p, up to ten
 * attempts each draw a target area {@code A = H W u}, u uniform in {@code [areaLo, areaHi]}, and
 * an aspect ratio {@code r = exp(v)}, v uniform in {@code [ln ratioLo, ln ratioHi]}; the
 * rectangle is {@code h = round(sqrt(A r))} by {@code w = round(sqrt(A / r))}. The first attempt
 * with {@code h < H} and {@code w < W} is placed with its top-left corner uniform in
 * {@code {0..H-h} x {0..W-w}} and erased in every channel; if none fits, nothing is erased.
 *
 * <p>The erased pixels get a constant (default 0: "the mean" after normalisation), or, with
 * {@link #randomFill}, independent values uniform in the sample's own {@code [min, max]} (the
 * paper's random values, kept inside the sample's range). Defaults as torchvision: area
 * {@code [0.02, 0.33]}, ratio {@code [0.3, 3.3]}.
 */
public final class RandomErasing implements Augmentation.Step {
  static final double DEFAULT_AREA_LO = 0.02;
  static final double DEFAULT_AREA_HI = 0.33;
  static final double DEFAULT_RATIO_LO = 0.3;
  static final double DEFAULT_RATIO_HI = 3.3;
  private static final int ATTEMPTS = 10;

  private final double probability;
  private final double areaLo;
  private final double areaHi;
  private final double ratioLo;
  private final double ratioHi;
  private final float value;
  private final boolean random;

  /**
   * @param probability of erasing a sample, in [0, 1]
   * @param areaLo smallest erased fraction of the area, {@code 0 < areaLo <= areaHi <= 1}
   * @param areaHi largest erased fraction of the area
   * @param ratioLo smallest aspect ratio h / w, {@code 0 < ratioLo <= ratioHi <= 100}
   * @param ratioHi largest aspect ratio
   * @param value the constant written into the rectangle (finite)
   */
  public RandomErasing(double probability, double areaLo, double areaHi, double ratioLo, double ratioHi, double value) {
    this(probability, areaLo, areaHi, ratioLo, ratioHi, value, false);
  }

  /** Random erasing with torchvision's defaults and this probability, filling with 0. */
  public static RandomErasing withProbability(double probability) {
    return new RandomErasing(probability, DEFAULT_AREA_LO, DEFAULT_AREA_HI, DEFAULT_RATIO_LO, DEFAULT_RATIO_HI, 0);
  }

  /** As the constructor, but filling with values uniform in the sample's own [min, max]. */
  public static RandomErasing randomFill(double probability, double areaLo, double areaHi, double ratioLo, double ratioHi) {
    return new RandomErasing(probability, areaLo, areaHi, ratioLo, ratioHi, 0, true);
  }

  private RandomErasing(double probability, double areaLo, double areaHi, double ratioLo, double ratioHi, double value,
      boolean random) {
    String who = "random erasing";
    this.probability = ConfigChecks.inClosed(who, "probability", probability, 0, 1, "");
    ConfigChecks.positiveRange(who, "area range", areaLo, areaHi, 1);
    ConfigChecks.positiveRange(who, "aspect ratio range", ratioLo, ratioHi, 100);
    if (!Double.isFinite(value)) throw new IllegalArgumentException(who + ": value = " + value + ", expected a finite number");
    this.areaLo = areaLo;
    this.areaHi = areaHi;
    this.ratioLo = ratioLo;
    this.ratioHi = ratioHi;
    this.value = (float) value;
    this.random = random;
  }

  @Override
  public void apply(float[] x, int offset, int channels, int height, int width, Rng rng) {
    if (!(rng.nextDouble() < probability)) return;
    double area = (double) height * width;
    double logLo = Math.log(ratioLo);
    double logHi = Math.log(ratioHi);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      double target = area * rng.uniform(areaLo, areaHi);
      double ratio = Math.exp(logLo == logHi ? logLo : rng.uniform(logLo, logHi));
      int h = (int) Math.round(Math.sqrt(target * ratio));
      int w = (int) Math.round(Math.sqrt(target / ratio));
      if (!(h < height && w < width)) continue;
      int top = rng.nextInt(height - h + 1);
      int left = rng.nextInt(width - w + 1);
      erase(x, offset, channels, height, width, top, left, h, w, rng);
      return;
    }
  }

  private void erase(float[] x, int offset, int channels, int height, int width, int top, int left, int h, int w, Rng rng) {
    int n = channels * height * width;
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    if (random) {
      for (int i = offset; i < offset + n; i++) {
        min = Math.min(min, x[i]);
        max = Math.max(max, x[i]);
      }
    }
    for (int ch = 0; ch < channels; ch++) {
      int base = offset + ch * height * width;
      for (int r = top; r < top + h; r++) {
        for (int c = left; c < left + w; c++) {
          // min + u (max - min) with u in [0, 1) stays in [min, max]; the clamp guards rounding.
          x[base + r * width + c] = random ? (float) Math.min(max, min + rng.nextDouble() * ((double) max - min)) : value;
        }
      }
    }
  }

  @Override
  public String toString() {
    return "erase=" + ConfigChecks.fmt(probability) + ",erase-area=" + ConfigChecks.fmt(areaLo) + ":" + ConfigChecks.fmt(areaHi)
        + ",erase-ratio=" + ConfigChecks.fmt(ratioLo) + ":" + ConfigChecks.fmt(ratioHi)
        + ",erase-value=" + (random ? "random" : ConfigChecks.fmt(value));
  }
}
