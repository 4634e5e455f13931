package dev.cnn.optim;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Variable;
import dev.cnn.layers.ClassificationLoss;
import dev.cnn.layers.Model;
import dev.cnn.tensor.Batch;
import dev.cnn.tensor.Workspace;
import java.util.Arrays;
import java.util.Iterator;

/**
 * The learning-rate range test (L. Smith, "Cyclical Learning Rates for Training Neural Networks",
 * 2017; fastai's {@code lr_find}): train for a few hundred batches while the learning rate grows
 * exponentially, and watch the loss. Where it falls fastest is a good rate to train at; where it
 * blows up is too high.
 *
 * <p>Step t of T uses {@code lr_t = start (end / start)^(t / (T - 1))}. The raw batch losses are
 * noisy, so they are smoothed by an exponential moving average with bias correction,
 * <pre>a_t = beta a_(t-1) + (1 - beta) loss_t,   s_t = a_t / (1 - beta^(t+1)),   beta = {@value #BETA}</pre>
 * and the test stops early when {@code s_t > }{@value #DIVERGED}{@code  min_(u <= t) s_u} or a loss
 * is not finite. The suggestion is the rate of the steepest descent of s against log lr (the most
 * negative central difference {@code (s_(t+1) - s_(t-1)) / (log lr_(t+1) - log lr_(t-1))}, among the
 * steps before the minimum of s), with {@code lr at min s / 10} beside it, the older rule of thumb.
 *
 * <p>The test trains: it changes the model's weights and the optimizer's state. Run it on a fresh
 * model and optimizer and throw them away ({@code cnn lr-find} does).
 */
public final class LrRangeTest {
  /** Smoothing of the loss curve: about the last 1 / (1 - beta) = 50 batches count. */
  public static final double BETA = 0.98;
  /** The smoothed loss this many times its minimum so far means the rate is far too high. */
  public static final double DIVERGED = 4;

  private LrRangeTest() {}

  /**
   * What the test measured, one entry per step taken.
   *
   * @param lr the learning rate of each step
   * @param loss the raw batch loss of each step
   * @param smoothed the bias-corrected moving average of the loss
   * @param suggested the rate of steepest descent of the smoothed loss, or NaN when too few steps
   * @param minimumOver10 the rate at the smoothed loss's minimum, divided by 10
   * @param stopReason why it stopped before the last step, or null
   */
  public record Result(double[] lr, double[] loss, double[] smoothed, double suggested, double minimumOver10,
      String stopReason) {}

  /**
   * Runs the test: {@code steps} batches (the batches are cycled if there are fewer), rate from
   * {@code start} to {@code end}.
   *
   * @throws IllegalArgumentException when {@code 0 < start < end} or {@code steps >= 5} does not hold
   */
  public static Result run(Model model, ClassificationLoss lossFunction, Optimizer optimizer,
      Iterable<Batch> batches, double start, double end, int steps) {
    if (!(start > 0 && end > start && Double.isFinite(end))) {
      throw new IllegalArgumentException("lr range test: from " + start + " to " + end + "; expected 0 < start < end,"
          + " e.g. 1e-7 to 10");
    }
    if (steps < 5) throw new IllegalArgumentException("lr range test: " + steps + " steps; expected at least 5");
    double[] lr = new double[steps], raw = new double[steps], smooth = new double[steps];
    double average = 0, best = Double.POSITIVE_INFINITY;
    String stop = null;
    int taken = 0;
    Iterator<Batch> it = batches.iterator();
    for (int t = 0; t < steps; t++) {
      if (!it.hasNext()) it = batches.iterator();
      if (!it.hasNext()) throw new IllegalArgumentException("lr range test: the data gave no batches");
      Batch batch = it.next();
      lr[t] = start * Math.pow(end / start, t / (double) (steps - 1));
      optimizer.setLearningRate(lr[t]);
      double value;
      try (Workspace step = Workspace.open()) {
        optimizer.zeroGrad();
        Variable l = lossFunction.compute(model.forward(Variable.constant(batch.inputs()), Mode.TRAIN), batch.labels());
        value = l.value().getFlat(0);
        if (Double.isFinite(value)) {
          l.backward();
          optimizer.step();
        }
      }
      raw[t] = value;
      taken = t + 1;
      if (!Double.isFinite(value)) {
        stop = String.format(java.util.Locale.ROOT, "the loss became %s at lr %.3g", value, lr[t]);
        smooth[t] = Double.NaN;
        break;
      }
      average = BETA * average + (1 - BETA) * value;
      smooth[t] = average / (1 - Math.pow(BETA, t + 1));
      best = Math.min(best, smooth[t]);
      if (smooth[t] > DIVERGED * best) {
        stop = String.format(java.util.Locale.ROOT, "the smoothed loss grew past %.0f times its minimum at lr %.3g",
            DIVERGED, lr[t]);
        break;
      }
    }
    lr = Arrays.copyOf(lr, taken);
    raw = Arrays.copyOf(raw, taken);
    smooth = Arrays.copyOf(smooth, taken);
    return new Result(lr, raw, smooth, steepest(lr, smooth), minimum(lr, smooth) / 10, stop);
  }

  /** The rate at the most negative central slope of s against log lr, before s's minimum; NaN with under 3 points. */
  static double steepest(double[] lr, double[] s) {
    int min = argMin(s);
    double bestSlope = Double.POSITIVE_INFINITY, at = Double.NaN;
    for (int t = 1; t + 1 <= min && t + 1 < s.length; t++) {
      double slope = (s[t + 1] - s[t - 1]) / (Math.log(lr[t + 1]) - Math.log(lr[t - 1]));
      if (slope < bestSlope) {
        bestSlope = slope;
        at = lr[t];
      }
    }
    return at;
  }

  /** The rate at the smallest finite s. */
  static double minimum(double[] lr, double[] s) {
    int i = argMin(s);
    return i < 0 ? Double.NaN : lr[i];
  }

  private static int argMin(double[] s) {
    int best = -1;
    for (int t = 0; t < s.length; t++) if (Double.isFinite(s[t]) && (best < 0 || s[t] < s[best])) best = t;
    return best;
  }
}
