package dev.cnn.learn;

import dev.cnn.engine.CustomOp;
import dev.cnn.engine.GradCheck;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;
import java.util.Locale;

/**
 * Lesson 3 (learn/03-gradient-checks.md): how to know a backward is right. Central differences,
 * their error against the step in float64 and float32, and {@link GradCheck} on a function the
 * student writes, and on an op whose backward is wrong.
 */
public final class Lesson03GradientChecks {
  private Lesson03GradientChecks() {}

  /** f(x) = x tanh(x), in double. */
  static double f(double x) {
    return x * Math.tanh(x);
  }

  /** The same function in float arithmetic, as a float32 engine computes it. */
  static float f32(float x) {
    return x * (float) Math.tanh(x);
  }

  /** f'(x) = tanh(x) + x (1 - tanh(x)^2), by the product rule. */
  static double df(double x) {
    double t = Math.tanh(x);
    return t + x * (1 - t * t);
  }

  /** y = x / (1 + x^2), with a backward that forgets the quotient rule's second term. */
  static final class WrongRational extends CustomOp {
    private Tensor x;

    @Override
    protected Tensor forward(Tensor... in) {
      x = in[0];
      return TensorMath.div(x, TensorMath.scaleShift(TensorMath.mul(x, x), 1, 1));
    }

    @Override
    public Tensor[] backward(Tensor g, boolean[] needsGrad) { // should be (1 - x^2) / (1 + x^2)^2
      return new Tensor[] {TensorMath.div(g, TensorMath.scaleShift(TensorMath.mul(x, x), 1, 1))};
    }
  }

  public static void main(String[] args) {
    double x = 0.7;
    System.out.printf(Locale.ROOT, "f(x) = x tanh(x) at x = %.1f: f'(x) = %.12f by the product rule%n", x, df(x));
    System.out.println();
    System.out.println("     eps   |error| float64   |error| float32");
    for (int k = 1; k <= 10; k++) {
      double eps = Math.pow(10, -k);
      double central64 = (f(x + eps) - f(x - eps)) / (2 * eps);
      float e32 = (float) eps, x32 = (float) x;
      double central32 = (f32(x32 + e32) - f32(x32 - e32)) / (2 * (double) e32);
      System.out.printf(Locale.ROOT, "  1e-%02d   %15.3e   %15.3e%n", k, Math.abs(central64 - df(x)),
          Math.abs(central32 - df(x)));
    }

    // GradCheck on a function written with the engine's ops: every op differentiates itself.
    Rng rng = new Rng(3);
    Tensor at = Tensor.uniform(rng, DType.FLOAT64, -2, 2, 3, 4);
    GradCheck.Report mine = GradCheck.of(in -> Ops.mul(in[0], Ops.tanh(in[0])), at).bySize().check();
    System.out.println();
    System.out.println("x * tanh(x) on a 3x4 input: " + mine);

    // GradCheck on an op whose backward is wrong: it fails, and names the worst element.
    GradCheck.Report wrong = CustomOp.gradCheck(WrongRational::new, at).check();
    System.out.println("WrongRational: " + wrong);
  }
}
