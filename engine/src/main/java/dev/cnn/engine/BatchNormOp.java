package dev.cnn.engine;

import dev.cnn.tensor.Parallel;
import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;
import java.util.Arrays;

/**
 * Batch normalisation (Ioffe and Szegedy, 2015) per channel: x {@code [N, C]} or
 * {@code [N, C, H, W]}, gamma and beta {@code [C]}, y shaped like x. Channel c has
 * {@code m = N} (or {@code N*H*W}) values, normalised with a mean mu[c] and a variance var[c]:
 * <pre>
 *   rstd[c] = 1 / sqrt(var[c] + eps),   xhat = (x - mu[c]) * rstd[c],   y = gamma[c] * xhat + beta[c]
 * </pre>
 * <ul>
 *   <li>{@link Mode#TRAIN}: mu and var are the batch's mean and biased variance (sum of squared
 *       deviations / m), summed in double. The running statistics are then updated in place as
 *       PyTorch does: {@code running = (1 - momentum) * running + momentum * batch statistic},
 *       using the unbiased variance {@code var * m/(m - 1)} for {@code runningVar}.
 *   <li>{@link Mode#EVAL}: mu and var are {@code runningMean} and {@code runningVar} (read, not
 *       modified).
 * </ul>
 *
 * <p>Backward, with the per-channel sums {@code Sg = sum g} and {@code Sgx = sum g * xhat} over
 * the channel's m values:
 * <pre>
 *   dL/dbeta[c]  = Sg
 *   dL/dgamma[c] = Sgx
 *   dL/dx        = gamma * rstd / m * (m * g - Sg - xhat * Sgx)   (TRAIN: mu and var depend on x)
 *   dL/dx        = gamma * rstd * g                               (EVAL: mu and var are constants)
 * </pre>
 * Forward saves x, gamma and the per-channel mu and rstd (as llm.c does) and recomputes xhat.
 */
final class BatchNormOp implements Op {
  private Tensor x;
  private Tensor gamma;
  private double[] mean;
  private double[] rstd;
  private final Mode mode;
  private final double momentum;
  private final double eps;

  private BatchNormOp(Tensor x, Tensor gamma, double[] mean, double[] rstd, Mode mode, double momentum,
      double eps) {
    this.x = x;
    this.gamma = gamma;
    this.mean = mean;
    this.rstd = rstd;
    this.mode = mode;
    this.momentum = momentum;
    this.eps = eps;
  }

  static Variable apply(Variable x, Variable gamma, Variable beta, Tensor runningMean, Tensor runningVar,
      double momentum, double eps, Mode mode) {
    check(x, gamma, beta, runningMean, runningVar, momentum, eps, mode);
    Tensor xv = x.value(), gv = gamma.value(), bv = beta.value();
    int n = xv.dim(0), c = xv.dim(1), hw = xv.size() / (n * c), m = n * hw;
    double[] mean = new double[c], rstd = new double[c];
    Tensor y = Tensor.zeros(xv.dtype(), xv.shape());
    Parallel.forEach(c, ch -> { // channel ch holds x[i][ch][q] at (i*c + ch)*hw + q, i < n, q < hw
      double mu, var;
      if (mode == Mode.TRAIN) {
        double sum = 0, squares = 0;
        for (int i = 0; i < n; i++) {
          for (int p = (i * c + ch) * hw, end = p + hw; p < end; p++) sum += xv.getFlat(p);
        }
        mu = sum / m;
        for (int i = 0; i < n; i++) {
          for (int p = (i * c + ch) * hw, end = p + hw; p < end; p++) squares += square(xv.getFlat(p) - mu);
        }
        var = squares / m;
        runningMean.setFlat(ch, (1 - momentum) * runningMean.getFlat(ch) + momentum * mu);
        runningVar.setFlat(ch, (1 - momentum) * runningVar.getFlat(ch) + momentum * var * m / (m - 1));
      } else {
        mu = runningMean.getFlat(ch);
        var = runningVar.getFlat(ch);
      }
      mean[ch] = mu;
      rstd[ch] = 1 / Math.sqrt(var + eps);
      double scale = gv.getFlat(ch) * rstd[ch], shift = bv.getFlat(ch);
      for (int i = 0; i < n; i++) {
        for (int p = (i * c + ch) * hw, end = p + hw; p < end; p++) {
          y.setFlat(p, scale * (xv.getFlat(p) - mu) + shift);
        }
      }
    });
    return Graph.record(new BatchNormOp(xv, gv, mean, rstd, mode, momentum, eps), y, x, gamma, beta);
  }

  @Override
  public String name() {
    return "batchNorm";
  }

  @Override
  public String attributes() {
    return "mode=" + mode + ", momentum=" + momentum + ", eps=" + eps;
  }

  @Override
  public Tensor[] backward(Tensor g, boolean[] needsGrad) {
    int n = x.dim(0), c = x.dim(1), hw = x.size() / (n * c), m = n * hw;
    boolean train = mode == Mode.TRAIN;
    Tensor dx = needsGrad[0] ? Tensor.zeros(x.dtype(), x.shape()) : null;
    Tensor dGamma = needsGrad[1] ? Tensor.zeros(x.dtype(), c) : null;
    Tensor dBeta = needsGrad[2] ? Tensor.zeros(x.dtype(), c) : null;
    boolean sums = dGamma != null || dBeta != null || (train && dx != null);
    Parallel.forEach(c, ch -> {
      double mu = mean[ch], r = rstd[ch], sg = 0, sgx = 0;
      if (sums) {
        for (int i = 0; i < n; i++) {
          for (int p = (i * c + ch) * hw, end = p + hw; p < end; p++) {
            sg += g.getFlat(p);
            sgx += g.getFlat(p) * (x.getFlat(p) - mu) * r;
          }
        }
      }
      if (dBeta != null) dBeta.setFlat(ch, sg);
      if (dGamma != null) dGamma.setFlat(ch, sgx);
      if (dx == null) return;
      // TRAIN: xhat depends on x directly and through mu and var; differentiating
      // xhat_k = (x_k - mu) * rstd with dmu/dx_j = 1/m and dvar/dx_j = 2 (x_j - mu)/m gives
      // dL/dx_j = rstd/m * (m * dxhat_j - sum_k dxhat_k - xhat_j * sum_k dxhat_k * xhat_k),
      // with dxhat = gamma * g.
      double k = gamma.getFlat(ch) * r;
      for (int i = 0; i < n; i++) {
        for (int p = (i * c + ch) * hw, end = p + hw; p < end; p++) {
          double xhat = (x.getFlat(p) - mu) * r;
          dx.setFlat(p, train ? k / m * (m * g.getFlat(p) - sg - xhat * sgx) : k * g.getFlat(p));
        }
      }
    });
    return new Tensor[] {dx, dGamma, dBeta};
  }

  @Override
  public void release() {
    x = null;
    gamma = null;
    mean = null;
    rstd = null;
  }

  private static double square(double v) {
    return v * v;
  }

  /** Every argument, with a message naming what was received and what was expected. */
  private static void check(Variable x, Variable gamma, Variable beta, Tensor runningMean, Tensor runningVar,
      double momentum, double eps, Mode mode) {
    String op = "batchNorm";
    Shapes.requireNonNull(op, "x", x, "a variable [N, C] or [N, C, H, W]");
    Shapes.requireNonNull(op, "mode", mode, "Mode.TRAIN or Mode.EVAL");
    int[] s = x.shape();
    if (s.length != 2 && s.length != 4) {
      throw Shapes.error(op, "x has shape " + Shapes.format(s), "rank 2 [N, C] or rank 4 [N, C, H, W]");
    }
    if (x.value().size() == 0) {
      throw Shapes.error(op, "x has shape " + Shapes.format(s), "every dimension >= 1");
    }
    int m = x.value().size() / s[1];
    if (mode == Mode.TRAIN && m < 2) {
      throw Shapes.error(op, "x " + Shapes.format(s) + " has " + m + " value per channel in TRAIN mode",
          "at least 2 (the unbiased variance of one value, for the running statistics, is undefined);"
              + " use a larger batch or Mode.EVAL");
    }
    int[] channel = {s[1]};
    String why = x.dtype() + " " + Shapes.format(channel) + " (one value per channel C of x " + x.dtype() + " "
        + Shapes.format(s) + ")";
    perChannel(op, "gamma", gamma == null ? null : gamma.value(), x, channel, why);
    perChannel(op, "beta", beta == null ? null : beta.value(), x, channel, why);
    perChannel(op, "runningMean", runningMean, x, channel, why);
    perChannel(op, "runningVar", runningVar, x, channel, why);
    if (!(momentum >= 0 && momentum <= 1)) {
      throw new IllegalArgumentException(op + ": momentum = " + momentum + "; expected a value in [0, 1]"
          + " (the weight of the batch statistic in the running average; PyTorch's default is 0.1)");
    }
    if (!(eps > 0) || Double.isInfinite(eps)) {
      throw new IllegalArgumentException(op + ": eps = " + eps + "; expected a finite value > 0"
          + " (added to the variance before the square root; PyTorch's default is 1e-5)");
    }
  }

  private static void perChannel(String op, String name, Tensor t, Variable x, int[] channel, String why) {
    Shapes.requireNonNull(op, name, t, "a tensor " + why);
    if (!Arrays.equals(t.shape(), channel) || t.dtype() != x.dtype()) {
      throw Shapes.error(op, name + " is " + t.dtype() + " " + Shapes.format(t.shape()), why);
    }
  }
}
