package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Tensor;

/**
 * What {@link BatchNorm1d} and {@link BatchNorm2d} share: validation of the options, the
 * parameters and buffers under PyTorch's names, and the call of the engine's op.
 */
final class BatchNorm {
  /** PyTorch's default weight of the batch statistic in the running averages. */
  static final double DEFAULT_MOMENTUM = 0.1;
  /** PyTorch's default constant added to the variance. */
  static final double DEFAULT_EPS = 1e-5;

  private BatchNorm() {}

  static void validate(String layer, String what, int channels, double momentum, double eps) {
    if (channels < 1) throw new IllegalArgumentException(layer + ": " + what + " = " + channels + "; expected >= 1");
    if (!(momentum >= 0 && momentum <= 1)) {
      throw new IllegalArgumentException(layer + ": momentum = " + momentum + "; expected a value in [0, 1]"
          + " (the weight of the batch statistic in the running average; PyTorch's default is 0.1)");
    }
    if (!(eps > 0) || Double.isInfinite(eps)) {
      throw new IllegalArgumentException(layer + ": eps = " + eps + "; expected a finite value > 0"
          + " (PyTorch's default is 1e-5)");
    }
  }

  /** weight (gamma) = 1, bias (beta) = 0, running_mean = 0, running_var = 1, each {@code [C]}. */
  static void create(Layer layer, int channels) {
    layer.addParameter("weight", Tensor.ones(DType.FLOAT32, channels));
    layer.addParameter("bias", Tensor.zeros(DType.FLOAT32, channels));
    layer.addBuffer("running_mean", Tensor.zeros(DType.FLOAT32, channels));
    layer.addBuffer("running_var", Tensor.ones(DType.FLOAT32, channels));
  }

  static Variable forward(Layer layer, Variable x, double momentum, double eps, Mode mode) {
    return Ops.batchNorm(x, layer.parameter("weight"), layer.parameter("bias"), layer.buffer("running_mean"),
        layer.buffer("running_var"), momentum, eps, mode);
  }
}
