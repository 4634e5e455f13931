package dev.cnn.diagnose;

/**
 * How far a model's confidences are from how often it is right. The confidences are split into
 * equal-width bins over [0, 1]; in bin b with n_b images, mean confidence conf_b and accuracy
 * acc_b, the expected calibration error is
 * <pre>ECE = sum_b (n_b / N) |acc_b - conf_b|</pre>
 * (Guo et al. 2017, "On Calibration of Modern Neural Networks", eq. 3). 0 is perfect; a model
 * that says 90% and is right half the time has an ECE near 0.4.
 */
public final class Calibration {
  private Calibration() {}

  /**
   * A reliability diagram's data and its ECE.
   *
   * @param ece the expected calibration error, in [0, 1]
   * @param binConfidence mean confidence per bin (NaN for an empty bin)
   * @param binAccuracy accuracy per bin (NaN for an empty bin)
   * @param binCounts images per bin
   */
  public record Reliability(double ece, double[] binConfidence, double[] binAccuracy, int[] binCounts) {}

  /**
   * @param confidence the probability each image's prediction was given, in [0, 1]
   * @param correct whether each prediction was right
   * @param bins the number of equal-width bins, at least 1
   */
  public static Reliability of(double[] confidence, boolean[] correct, int bins) {
    if (bins < 1) throw new IllegalArgumentException("Calibration.of: bins = " + bins + "; expected at least 1");
    if (confidence.length != correct.length) {
      throw new IllegalArgumentException("Calibration.of: " + confidence.length + " confidences but " + correct.length
          + " outcomes; expected one per image");
    }
    if (confidence.length == 0) throw new IllegalArgumentException("Calibration.of: no images");
    double[] sumConf = new double[bins], sumRight = new double[bins];
    int[] counts = new int[bins];
    for (int i = 0; i < confidence.length; i++) {
      double p = confidence[i];
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("Calibration.of: confidence " + p + " of image " + i + " is outside [0, 1]");
      }
      int b = Math.min(bins - 1, (int) (p * bins)); // p = 1 goes to the last bin
      counts[b]++;
      sumConf[b] += p;
      if (correct[i]) sumRight[b]++;
    }
    double ece = 0;
    double[] conf = new double[bins], acc = new double[bins];
    for (int b = 0; b < bins; b++) {
      conf[b] = counts[b] == 0 ? Double.NaN : sumConf[b] / counts[b];
      acc[b] = counts[b] == 0 ? Double.NaN : sumRight[b] / counts[b];
      if (counts[b] > 0) ece += (double) counts[b] / confidence.length * Math.abs(acc[b] - conf[b]);
    }
    return new Reliability(ece, conf, acc, counts);
  }
}
