package dev.cnn.optim;

import dev.cnn.engine.Variable;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Tensor;
import java.util.Collection;

/**
 * Bounding gradients before an optimiser step (after backward), as PyTorch's
 * {@code clip_grad_norm_} and {@code clip_grad_value_}.
 */
public final class GradientClipping {
  private GradientClipping() {}

  /**
   * Scales all gradients together so that their global L2 norm
   * {@code sqrt(sum over parameters of sum g^2)} is at most maxNorm: when it is larger, every
   * gradient is multiplied by {@code maxNorm / (norm + 1e-6)}.
   *
   * @return the global norm before clipping (useful to log; NaN or infinite when a gradient is)
   */
  public static double byGlobalNorm(Collection<Variable> parameters, double maxNorm) {
    if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
      throw new IllegalArgumentException("clip by norm: max norm = " + maxNorm + "; expected a finite value > 0");
    }
    double sumSquares = 0;
    for (Variable p : parameters) {
      Tensor g = p.grad();
      if (g == null) continue;
      for (int i = 0; i < g.size(); i++) sumSquares += g.getFlat(i) * g.getFlat(i);
    }
    double norm = Math.sqrt(sumSquares);
    double coef = maxNorm / (norm + 1e-6);
    if (coef < 1) {
      for (Variable p : parameters) scale(p.grad(), coef);
    }
    return norm;
  }

  /** Clamps every gradient element to {@code [-clip, clip]}. */
  public static void byValue(Collection<Variable> parameters, double clip) {
    if (!(clip > 0) || Double.isInfinite(clip)) {
      throw new IllegalArgumentException("clip by value: clip = " + clip + "; expected a finite value > 0");
    }
    for (Variable p : parameters) {
      Tensor g = p.grad();
      if (g == null) continue;
      for (int i = 0; i < g.size(); i++) g.setFlat(i, Math.max(-clip, Math.min(clip, g.getFlat(i))));
    }
  }

  private static void scale(Tensor g, double coef) {
    if (g == null) return;
    if (g.dtype() == DType.FLOAT32) {
      float[] d = g.floatData();
      for (int i = 0; i < d.length; i++) d[i] = (float) (d[i] * coef);
    } else {
      double[] d = g.doubleData();
      for (int i = 0; i < d.length; i++) d[i] *= coef;
    }
  }
}
