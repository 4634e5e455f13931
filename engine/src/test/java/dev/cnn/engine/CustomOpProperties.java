package dev.cnn.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * A template to copy for testing an op of your own ({@link CustomOp}): two ops written as a user
 * would write them, and jqwik properties that check their backward against float64 central
 * differences over random shapes and values.
 *
 * <p>How the properties are built:
 * <ul>
 *   <li><b>Generators.</b> jqwik draws the sizes ({@code @IntRange}) and a seed ({@code @ForAll
 *       long}); the values come from the engine's {@link Rng} with that seed, so a failure is
 *       reproduced by its seed alone. Keep tensors small (the full Jacobian costs two forward
 *       passes per input element) and draw values away from kinks (|x| at 0, max at ties) by more
 *       than the finite-difference step.
 *   <li><b>float64.</b> The check runs in double precision: float32's 1e-7 relative rounding,
 *       divided by the step, would swamp the truncation error the check measures.
 *   <li><b>Tolerance.</b> With step eps = 1e-6, the central difference is off by about eps^2 =
 *       1e-12 (truncation) plus 1e-16 / eps = 1e-10 (rounding), relative to values of order one,
 *       so GradCheck's default (1e-6 relative, 1e-9 absolute) leaves a wide margin for a right
 *       backward and none for a wrong one (a missing factor is off by order one).
 *   <li><b>Shrinking.</b> When a property fails, jqwik shrinks the sizes and the seed towards the
 *       smallest failing case and prints it; the report names the input and element that
 *       disagree most.
 * </ul>
 */
class CustomOpProperties {
  /** softsign(x) = x / (1 + |x|); d/dx = 1 / (1 + |x|)^2. One input. */
  static class Softsign extends CustomOp {
    protected Tensor x;

    @Override
    protected Tensor forward(Tensor... in) {
      x = in[0];
      return TensorMath.div(x, TensorMath.scaleShift(TensorMath.abs(x), 1, 1));
    }

    @Override
    public Tensor[] backward(Tensor g, boolean[] needsGrad) {
      Tensor d = TensorMath.scaleShift(TensorMath.abs(x), 1, 1);
      return new Tensor[] {TensorMath.div(g, TensorMath.mul(d, d))};
    }
  }

  /** hypot(a, b) = sqrt(a^2 + b^2), same shapes; d/da = a / y, d/db = b / y. Two inputs. */
  static final class Hypot extends CustomOp {
    private Tensor a, b, y;

    @Override
    protected Tensor forward(Tensor... in) {
      a = in[0];
      b = in[1];
      y = TensorMath.sqrt(TensorMath.add(TensorMath.mul(a, a), TensorMath.mul(b, b)));
      return y;
    }

    @Override
    public Tensor[] backward(Tensor g, boolean[] needsGrad) {
      Tensor gy = TensorMath.div(g, y);
      return new Tensor[] {needsGrad[0] ? TensorMath.mul(gy, a) : null, needsGrad[1] ? TensorMath.mul(gy, b) : null};
    }

    @Override
    public void release() {
      a = b = y = null;
    }
  }

  /** Softsign with the square forgotten in backward: the check must catch it. */
  static final class WrongSoftsign extends Softsign {
    @Override
    public Tensor[] backward(Tensor g, boolean[] needsGrad) {
      return new Tensor[] {TensorMath.div(g, TensorMath.scaleShift(TensorMath.abs(x), 1, 1))};
    }
  }

  /** Values in [-2, -0.05] and [0.05, 2]: away from softsign's kink at 0 by more than the step. */
  private static Tensor awayFromZero(Rng rng, int... shape) {
    Tensor t = Tensor.uniform(rng, DType.FLOAT64, -2, 2, shape);
    double[] d = t.doubleData();
    for (int i = 0; i < d.length; i++) d[i] = Math.copySign(0.05 + Math.abs(d[i]) * 0.975, d[i]);
    return t;
  }

  @Property(tries = 50)
  @Covers(CustomOp.class)
  void softsignBackwardMatchesCentralDifferences(@ForAll @IntRange(min = 1, max = 3) int n,
      @ForAll @IntRange(min = 1, max = 12) int width, @ForAll long seed) {
    Tensor x = awayFromZero(new Rng(seed), n, width);
    CustomOp.gradCheck(Softsign::new, x).seed(seed).check().assertPassed();
  }

  @Property(tries = 50)
  @Covers(CustomOp.class)
  void hypotBackwardMatchesCentralDifferencesForBothInputs(@ForAll @IntRange(min = 1, max = 4) int h,
      @ForAll @IntRange(min = 1, max = 40) int w, @ForAll long seed) {
    Rng rng = new Rng(seed);
    Tensor a = awayFromZero(rng, h, w), b = awayFromZero(rng, h, w); // y >= 0.07: no kink at the origin
    CustomOp.gradCheck(Hypot::new, a, b).seed(seed).check().assertPassed(); // > 96 elements: random probes
  }

  @Property(tries = 20)
  void aWrongBackwardIsCaught(@ForAll @IntRange(min = 1, max = 8) int width, @ForAll @DoubleRange(min = 0.3, max = 2) double scale,
      @ForAll long seed) {
    Tensor x = TensorMath.scaleShift(awayFromZero(new Rng(seed), 1, width), scale, 0);
    GradCheck.Report r = CustomOp.gradCheck(WrongSoftsign::new, x).seed(seed).check();
    assertFalse(r.passed(), "the forgotten square must be caught: " + r);
    assertThrows(AssertionError.class, r::assertPassed);
  }

  @Test
  void anOpObjectIsAppliedOnceAndItsGradientsFlowThroughTheGraph() {
    Variable x = Variable.parameter(Tensor.of(new double[] {-1, 0.5, 3}, 3), "x");
    Softsign op = new Softsign();
    Variable y = op.apply(x);
    assertEquals(0.75, y.value().getFlat(2), 1e-12); // 3 / (1 + 3)
    IllegalStateException twice = assertThrows(IllegalStateException.class, () -> op.apply(x));
    assertTrue(twice.getMessage().contains("Softsign: this op object was applied already"), twice.getMessage());
    Ops.sum(y).backward();
    assertEquals(1 / 16.0, x.grad().getFlat(2), 1e-12);
    assertEquals("Softsign", op.name());
  }

  /** A backward that returns a gradient of the wrong shape is named by the engine, with the shapes. */
  @Test
  void aBackwardOfTheWrongShapeIsNamed() {
    final class Broken extends CustomOp {
      @Override
      protected Tensor forward(Tensor... in) {
        return in[0].copy();
      }

      @Override
      public Tensor[] backward(Tensor g, boolean[] needsGrad) {
        return new Tensor[] {Tensor.zeros(DType.FLOAT64, 2)};
      }
    }
    Variable x = Variable.parameter(Tensor.of(new double[] {1, 2, 3}, 3), "x");
    Variable y = new Broken().apply(x);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Ops.sum(y).backward());
    assertTrue(e.getMessage().contains("op 'Broken' returned a gradient of FLOAT64 [2] for input 0 of FLOAT64 [3]"),
        e.getMessage());
  }
}
