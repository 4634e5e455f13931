package dev.cnn.engine;

import dev.cnn.tensor.Conv2dSpec;
import dev.cnn.tensor.Pool2dSpec;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;

/**
 * The differentiable operations: each computes its result now and, when an input requires a
 * gradient, records itself so that {@link Variable#backward()} can run through it.
 *
 * <p>Shapes follow NumPy/PyTorch broadcasting for the element-wise binary ops: axes are aligned
 * from the right, and an axis of size 1 (or a missing one) repeats to match the other operand.
 * Each method's javadoc gives the forward formula; the derivative is documented on the op class
 * (the list is in {@link Op}) and in {@code engine/README.md}.
 *
 * <p>Inputs are never modified. float32 and float64 are both supported; the operands of one op
 * must share a dtype.
 */
public final class Ops {
  private Ops() {}

  // ------------------------------------------------------------------ arithmetic (broadcasting)

  /** {@code a + b}, broadcasting. */
  public static Variable add(Variable a, Variable b) {
    return AddOp.apply(a, b);
  }

  /** {@code a - b}, broadcasting. */
  public static Variable sub(Variable a, Variable b) {
    return SubOp.apply(a, b);
  }

  /** {@code a * b} element-wise, broadcasting. */
  public static Variable mul(Variable a, Variable b) {
    return MulOp.apply(a, b);
  }

  /** {@code a / b} element-wise, broadcasting. */
  public static Variable div(Variable a, Variable b) {
    return DivOp.apply(a, b);
  }

  /** {@code x + c} for a constant c (a composite: add with a scalar constant). */
  public static Variable add(Variable x, double c) {
    return add(x, constant(x, c));
  }

  /** {@code c * x} for a constant c (a composite: mul with a scalar constant). */
  public static Variable mul(Variable x, double c) {
    return mul(x, constant(x, c));
  }

  /** {@code -x}. */
  public static Variable neg(Variable x) {
    return NegOp.apply(x);
  }

  // ------------------------------------------------------------------ element-wise functions

  /** {@code e^x}. */
  public static Variable exp(Variable x) {
    return ExpOp.apply(x);
  }

  /** {@code ln x}. */
  public static Variable log(Variable x) {
    return LogOp.apply(x);
  }

  /** {@code sqrt(x)}. */
  public static Variable sqrt(Variable x) {
    return SqrtOp.apply(x);
  }

  /** {@code x^p} for a constant exponent p. */
  public static Variable pow(Variable x, double p) {
    return PowOp.apply(x, p);
  }

  /** {@code |x|}; its gradient at 0 is 0. */
  public static Variable abs(Variable x) {
    return AbsOp.apply(x);
  }

  /** {@code min(max(x, lo), hi)}; the gradient passes where {@code lo <= x <= hi}. */
  public static Variable clamp(Variable x, double lo, double hi) {
    return ClampOp.apply(x, lo, hi);
  }

  // ------------------------------------------------------------------ activations

  /** {@code max(x, 0)}. */
  public static Variable relu(Variable x) {
    return ReluOp.apply(x);
  }

  /** {@code x} for {@code x > 0}, else {@code slope * x} (PyTorch's default slope is 0.01). */
  public static Variable leakyRelu(Variable x, double slope) {
    return LeakyReluOp.apply(x, slope);
  }

  /** {@code x} for {@code x > 0}, else {@code alpha * (e^x - 1)} (PyTorch's default alpha is 1). */
  public static Variable elu(Variable x, double alpha) {
    return EluOp.apply(x, alpha);
  }

  /** {@code x * Phi(x)}, Phi the standard normal CDF (the exact GELU, PyTorch's default). */
  public static Variable gelu(Variable x) {
    return GeluOp.apply(x);
  }

  /** {@code x * sigmoid(x)} (SiLU, also called swish). */
  public static Variable silu(Variable x) {
    return SiluOp.apply(x);
  }

  /** {@code ln(1 + e^x)}, computed without overflow; its derivative is sigmoid(x). */
  public static Variable softplus(Variable x) {
    return SoftplusOp.apply(x);
  }

  /** {@code 1 / (1 + e^-x)}. */
  public static Variable sigmoid(Variable x) {
    return SigmoidOp.apply(x);
  }

  /** {@code tanh(x)}. */
  public static Variable tanh(Variable x) {
    return TanhOp.apply(x);
  }

  // ------------------------------------------------------------------ linear algebra

  /**
   * The dense layer's op with PyTorch's weight layout: {@code y = x W^T + b}, x {@code [N, in]},
   * W {@code [out, in]}, b {@code [out]} or null, y {@code [N, out]}.
   */
  public static Variable linear(Variable x, Variable w, Variable b) {
    return LinearOp.apply(x, w, b);
  }

  /**
   * Matrix product over the last two axes, broadcasting the others:
   * {@code a [..., m, k] @ b [..., k, n] -> [..., m, n]}. A dense layer is
   * {@code matmul(x [N, in], w [in, out])}.
   */
  public static Variable matmul(Variable a, Variable b) {
    return MatmulOp.apply(a, b);
  }

  // ------------------------------------------------------------------ convolution and pooling

  /**
   * 2-d convolution (cross-correlation) with an optional bias, NCHW:
   * {@code x [N, Cin, H, W]}, {@code w [Cout, Cin/groups, KH, KW]}, {@code bias [Cout]} or null,
   * to {@code [N, Cout, Hout, Wout]} with {@code Hout = floor((H + 2*padH - dilationH*(KH-1) - 1)
   * / strideH) + 1} (likewise Wout):
   * <pre>
   *   y[n][co][oh][ow] = bias[co] + sum_{c, i, j} w[co][c][i][j] * x[n][g*Cin/G + c][oh*S - P + i*D][ow*S - P + j*D]
   * </pre>
   * where g is co's group and x is zero outside the image. The inputs are recorded in the order
   * x, w, bias (bias left out when null).
   *
   * @param spec stride, padding, dilation and groups, e.g. {@code Conv2dSpec.of(1, 1)} for a
   *     "same" 3x3 convolution
   * @throws IllegalArgumentException when the shapes, dtypes or spec do not fit together
   */
  public static Variable conv2d(Variable x, Variable w, Variable bias, Conv2dSpec spec) {
    return Conv2dOp.apply(x, w, bias, spec);
  }

  /**
   * 2-d max pooling: {@code x [N, C, H, W] -> [N, C, Hout, Wout]},
   * {@code Hout = floor((H + 2P - KH)/S) + 1}, each output the maximum of its window (padding is
   * never the maximum). The gradient flows to each window's maximum only.
   *
   * @param spec window, stride and padding, e.g. {@code Pool2dSpec.of(2)} to halve H and W
   * @throws IllegalArgumentException when x is not rank 4 or the window does not fit
   */
  public static Variable maxPool2d(Variable x, Pool2dSpec spec) {
    return MaxPool2dOp.apply(x, spec);
  }

  /**
   * 2-d average pooling: {@code x [N, C, H, W] -> [N, C, Hout, Wout]}, each output the sum of its
   * window divided by {@code KH*KW}; padding counts as zeros in the divisor (PyTorch's default).
   *
   * @throws IllegalArgumentException when x is not rank 4 or the window does not fit
   */
  public static Variable avgPool2d(Variable x, Pool2dSpec spec) {
    return AvgPool2dOp.apply(x, spec);
  }

  /**
   * Global average pooling: {@code x [N, C, H, W] -> [N, C, 1, 1]}, the mean of each channel's
   * plane. The size-1 axes are kept; {@code flatten(y, 1)} gives {@code [N, C]}.
   *
   * @throws IllegalArgumentException when x is not rank 4
   */
  public static Variable globalAvgPool2d(Variable x) {
    return GlobalAvgPool2dOp.apply(x);
  }

  /**
   * Adaptive average pooling: {@code x [N, C, H, W] -> [N, C, outH, outW]} for any H and W, output
   * (oh, ow) the mean of rows {@code [floor(oh*H/outH), ceil((oh+1)*H/outH))} and the columns
   * likewise (PyTorch's {@code adaptive_avg_pool2d}); {@code (1, 1)} is global average pooling.
   *
   * @throws IllegalArgumentException when x is not rank 4 with H, W >= 1, or a size is below 1
   */
  public static Variable adaptiveAvgPool2d(Variable x, int outH, int outW) {
    return AdaptiveAvgPool2dOp.apply(x, outH, outW);
  }

  // ------------------------------------------------------------------ regularisation and normalisation

  /**
   * Inverted dropout. In {@link Mode#TRAIN} each element of x is kept with probability
   * {@code 1 - p} and scaled by {@code 1/(1 - p)}, or set to 0; the result has x's shape and, in
   * expectation, x's value. The mask takes one {@code rng.nextDouble()} per element, in row-major
   * order, and keeps the element when it is {@code >= p}: it depends only on the generator's
   * state, so the same seed gives the same mask. In {@link Mode#EVAL}, or when {@code p == 0},
   * dropout is the identity: x itself is returned, nothing is recorded and nothing is drawn.
   *
   * @param p the probability of dropping an element, {@code 0 <= p < 1}
   * @param rng the generator the mask is drawn from (advanced by {@code x.size()} draws in
   *     TRAIN mode with {@code p > 0}); may be null otherwise
   * @throws IllegalArgumentException when p is outside [0, 1), or mode (or, when needed, rng) is null
   */
  public static Variable dropout(Variable x, double p, Mode mode, Rng rng) {
    return DropoutOp.apply(x, p, mode, rng);
  }

  /**
   * Batch normalisation per channel (axis 1) of {@code x [N, C]} or {@code x [N, C, H, W]}: with
   * mu and var a mean and a variance per channel,
   * {@code y = gamma * (x - mu) / sqrt(var + eps) + beta}, shaped like x.
   * <ul>
   *   <li>{@link Mode#TRAIN}: mu and var are the batch's mean and biased variance over the
   *       channel's {@code m = N} (or {@code N*H*W}) values, and {@code runningMean} and
   *       {@code runningVar} are <b>modified</b> in place as in PyTorch:
   *       {@code running = (1 - momentum) * running + momentum * batch statistic}, with the
   *       unbiased variance {@code var * m/(m - 1)} for {@code runningVar}. Needs {@code m >= 2}.
   *   <li>{@link Mode#EVAL}: mu and var are {@code runningMean} and {@code runningVar}, which are
   *       not modified.
   * </ul>
   * Gradients flow to x, gamma and beta; the running statistics are buffers, not inputs.
   *
   * @param gamma scale {@code [C]}
   * @param beta shift {@code [C]}
   * @param runningMean {@code [C]}, x's dtype (start with zeros)
   * @param runningVar {@code [C]}, x's dtype (start with ones)
   * @param momentum weight of the batch statistic in the running average, in [0, 1] (PyTorch: 0.1)
   * @param eps added to the variance, {@code > 0} (PyTorch: 1e-5)
   * @throws IllegalArgumentException naming the argument whose shape, dtype or value is wrong
   */
  public static Variable batchNorm(Variable x, Variable gamma, Variable beta, Tensor runningMean,
      Tensor runningVar, double momentum, double eps, Mode mode) {
    return BatchNormOp.apply(x, gamma, beta, runningMean, runningVar, momentum, eps, mode);
  }

  // ------------------------------------------------------------------ reductions

  /** The sum of all elements, a scalar of shape {@code []}. */
  public static Variable sum(Variable x) {
    return SumOp.apply(x, false);
  }

  /**
   * The sum over {@code axes} (negative axes count from the end), which are kept as size 1 when
   * {@code keepDims}, dropped otherwise.
   */
  public static Variable sum(Variable x, boolean keepDims, int... axes) {
    requireAxes("sum", axes);
    return SumOp.apply(x, keepDims, axes);
  }

  /** The mean of all elements, a scalar of shape {@code []}. */
  public static Variable mean(Variable x) {
    return MeanOp.apply(x, false);
  }

  /** The mean over {@code axes}, kept as size 1 when {@code keepDims}. */
  public static Variable mean(Variable x, boolean keepDims, int... axes) {
    requireAxes("mean", axes);
    return MeanOp.apply(x, keepDims, axes);
  }

  // ------------------------------------------------------------------ shapes

  /** x viewed with a new shape of the same size (one axis may be -1, inferred). */
  public static Variable reshape(Variable x, int... shape) {
    return ReshapeOp.apply(x, shape);
  }

  /**
   * Axes {@code startAxis..} merged into one: {@code [N, C, H, W] -> [N, C*H*W]} for
   * {@code startAxis = 1} (a composite of reshape).
   */
  public static Variable flatten(Variable x, int startAxis) {
    int[] s = x.shape();
    int start = startAxis < 0 ? startAxis + s.length : startAxis;
    if (start < 0 || start >= Math.max(1, s.length)) {
      throw Shapes.error("flatten", "startAxis " + startAxis + " for shape " + Shapes.format(s),
          "an axis in [" + -s.length + ", " + (s.length - 1) + "]");
    }
    int[] out = new int[start + 1];
    System.arraycopy(s, 0, out, 0, start);
    int rest = 1;
    for (int i = start; i < s.length; i++) rest *= s[i];
    out[start] = rest;
    return reshape(x, out);
  }

  // ------------------------------------------------------------------ max, layout, softmax

  /**
   * The largest element, a scalar of shape {@code []}. Its gradient goes to the first maximum
   * (smallest row-major index) on a tie.
   *
   * @throws IllegalArgumentException if x has no elements
   */
  public static Variable max(Variable x) {
    return MaxOp.apply(x, false);
  }

  /**
   * The largest element over {@code axes} (negative axes count from the end), reduced together:
   * each output is the maximum of all the elements that share its coordinates on the other axes.
   * The axes are kept as size 1 when {@code keepDims}, dropped otherwise. On a tie the gradient
   * goes to the first maximum (smallest row-major index in x), as PyTorch's {@code max(dim)}.
   *
   * @throws IllegalArgumentException if no axis is given, an axis is out of range or repeated,
   *     or a reduced axis is empty
   */
  public static Variable max(Variable x, boolean keepDims, int... axes) {
    requireAxes("max", axes);
    return MaxOp.apply(x, keepDims, axes);
  }

  /**
   * x with its axes reordered (a copy): axis i of the result is axis {@code order[i]} of x, e.g.
   * {@code permute(x, 0, 2, 3, 1)} turns {@code [N, C, H, W]} into {@code [N, H, W, C]}.
   * Negative axes count from the end.
   *
   * @throws IllegalArgumentException unless order names every axis of x exactly once
   */
  public static Variable permute(Variable x, int... order) {
    return PermuteOp.apply(x, order);
  }

  /**
   * x with two axes swapped (a copy; a composite of {@link #permute}): {@code transpose(x, -2, -1)}
   * turns {@code [..., m, n]} into {@code [..., n, m]}. Negative axes count from the end.
   *
   * @throws IllegalArgumentException if an axis is out of range
   */
  public static Variable transpose(Variable x, int axis1, int axis2) {
    int rank = x.shape().length;
    int a = axis1 < 0 ? axis1 + rank : axis1;
    int b = axis2 < 0 ? axis2 + rank : axis2;
    if (a < 0 || a >= rank || b < 0 || b >= rank) {
      throw Shapes.error("transpose", "axes " + axis1 + " and " + axis2 + " for shape "
          + Shapes.format(x.shape()), "two axes in [" + -rank + ", " + (rank - 1) + "]");
    }
    int[] order = new int[rank];
    for (int i = 0; i < rank; i++) order[i] = i;
    order[a] = b;
    order[b] = a;
    return permute(x, order);
  }

  /**
   * The inputs joined along {@code axis} (negative counts from the end), in argument order:
   * {@code [2, 3]} and {@code [2, 5]} along axis 1 give {@code [2, 8]}.
   *
   * @throws IllegalArgumentException if there are no inputs, the axis is out of range, or the
   *     inputs differ in dtype, rank, or length along any other axis
   */
  public static Variable concat(int axis, Variable... xs) {
    return ConcatOp.apply(axis, xs);
  }

  /**
   * The indices {@code start <= k < end} of x along {@code axis}, as Python's
   * {@code x[..., start:end, ...]} (step 1): the result has length {@code end - start} there.
   * Negative axis, start and end count from the end; bounds outside the axis are rejected, not
   * clamped.
   *
   * @throws IllegalArgumentException if the axis is out of range, or unless
   *     {@code 0 <= start <= end <= length} once negative values have the length added
   */
  public static Variable slice(Variable x, int axis, int start, int end) {
    return SliceOp.apply(x, axis, start, end);
  }

  /**
   * Softmax along {@code axis} (negative counts from the end):
   * {@code y_k = e^(x_k) / sum_j e^(x_j)}, computed stably; each slice along the axis sums to 1.
   *
   * @throws IllegalArgumentException if the axis is out of range
   */
  public static Variable softmax(Variable x, int axis) {
    return SoftmaxOp.apply(x, axis);
  }

  /**
   * Log-softmax along {@code axis} (negative counts from the end):
   * {@code y_k = x_k - ln(sum_j e^(x_j))}, by the log-sum-exp trick, so it stays finite where
   * {@code log(softmax(x))} would underflow to {@code -Infinity}.
   *
   * @throws IllegalArgumentException if the axis is out of range
   */
  public static Variable logSoftmax(Variable x, int axis) {
    return LogSoftmaxOp.apply(x, axis);
  }

  // ------------------------------------------------------------------ helpers

  private static Variable constant(Variable like, double c) {
    return Variable.constant(Tensor.scalar(like.dtype(), c));
  }

  private static void requireAxes(String op, int[] axes) {
    if (axes == null || axes.length == 0) {
      throw new IllegalArgumentException(op + ": no axes given; pass at least one axis, or call "
          + op + "(x) to reduce over all of them");
    }
  }
}
