package dev.cnn.data;

import dev.cnn.tensor.Rng;
import java.util.Arrays;

/**
 * Per-channel standardisation {@code x' = (x - mean_c) / std_c}, with the mean and standard
 * deviation of each channel computed over every pixel of every training sample
 * ({@link #fit(Dataset)}; Keras' {@code featurewise_center} and
 * {@code featurewise_std_normalization} per channel, torchvision's {@code Normalize}). The
 * standard deviation is the population one (divide by the count, as {@code numpy.std}). A channel
 * whose standard deviation is 0 is only centred (dividing by 0 would give infinities). It draws
 * nothing from the generator. Output bounds: {@code (min - mean_c) / std_c <= x' <= (max - mean_c) / std_c}.
 */
public final class Normalization implements Augmentation.Step {
  private final double[] mean;
  private final double[] std;

  /**
   * @param mean one per channel, finite
   * @param std one per channel, finite and {@code >= 0} (0: centre only)
   */
  public Normalization(double[] mean, double[] std) {
    if (mean == null || std == null || mean.length == 0 || mean.length != std.length) {
      throw new IllegalArgumentException("normalization: mean " + Arrays.toString(mean) + " and std " + Arrays.toString(std)
          + ", expected one of each per channel (equal, nonzero lengths)");
    }
    for (int c = 0; c < mean.length; c++) {
      if (!Double.isFinite(mean[c]) || !Double.isFinite(std[c]) || std[c] < 0) {
        throw new IllegalArgumentException("normalization: channel " + c + " has mean " + mean[c] + " and std " + std[c]
            + ", expected a finite mean and a finite std >= 0");
      }
    }
    this.mean = mean.clone();
    this.std = std.clone();
  }

  /**
   * The mean and standard deviation of each channel over all samples of a dataset of images
   * {@code [C, H, W]} (or {@code [H, W]}, one channel): {@code mean_c = sum x / N},
   * {@code std_c = sqrt(sum (x - mean_c)^2 / N)} with N = samples * H * W, in double precision,
   * in two passes over the data.
   *
   * @throws IllegalArgumentException if the dataset is empty or its samples are not images
   */
  public static Normalization fit(Dataset data) {
    if (data.size() == 0) throw new IllegalArgumentException("normalization: the dataset is empty, expected at least one sample to fit");
    int[] chw = Augmentation.chw(data.sampleShape());
    int channels = chw[0];
    int plane = chw[1] * chw[2];
    float[] buf = new float[channels * plane];
    double[] sum = new double[channels];
    for (int i = 0; i < data.size(); i++) {
      data.read(i, buf, 0);
      for (int c = 0; c < channels; c++) {
        for (int p = c * plane; p < (c + 1) * plane; p++) sum[c] += buf[p];
      }
    }
    double count = (double) data.size() * plane;
    double[] mean = new double[channels];
    for (int c = 0; c < channels; c++) mean[c] = sum[c] / count;
    double[] sq = new double[channels];
    for (int i = 0; i < data.size(); i++) {
      data.read(i, buf, 0);
      for (int c = 0; c < channels; c++) {
        for (int p = c * plane; p < (c + 1) * plane; p++) {
          double d = buf[p] - mean[c];
          sq[c] += d * d;
        }
      }
    }
    double[] std = new double[channels];
    for (int c = 0; c < channels; c++) std[c] = Math.sqrt(sq[c] / count);
    return new Normalization(mean, std);
  }

  /** The per-channel means (a copy). */
  public double[] mean() {
    return mean.clone();
  }

  /** The per-channel standard deviations (a copy). */
  public double[] std() {
    return std.clone();
  }

  @Override
  public void apply(float[] x, int offset, int channels, int height, int width, Rng rng) {
    if (channels != mean.length) {
      throw new IllegalArgumentException("normalization: sample has " + channels + " channels, expected " + mean.length
          + " (the channels it was fitted on)");
    }
    int plane = height * width;
    for (int c = 0; c < channels; c++) {
      double m = mean[c];
      double s = std[c] > 0 ? std[c] : 1;
      int base = offset + c * plane;
      for (int i = base; i < base + plane; i++) x[i] = (float) ((x[i] - m) / s);
    }
  }

  @Override
  public String toString() {
    return "normalize(mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ")";
  }
}
