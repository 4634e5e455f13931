package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.engine.CustomOp;
import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;
import org.junit.jupiter.api.Test;

/**
 * {@code cnn gradcheck --op CLASS} on ops as a user writes them: a right one passes every check,
 * a wrong backward fails naming the worst element, and a class that is not an op is refused.
 */
class GradcheckCommandTest {
  /** softsign(x) = x / (1 + |x|); d/dx = 1 / (1 + |x|)^2. */
  public static class Softsign extends CustomOp {
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

  /** Softsign with the square forgotten in backward. */
  public static class WrongSoftsign extends Softsign {
    @Override
    public Tensor[] backward(Tensor g, boolean[] needsGrad) {
      return new Tensor[] {TensorMath.div(g, TensorMath.scaleShift(TensorMath.abs(x), 1, 1))};
    }
  }

  /** a * b with b's gradient wrong (g b instead of g a): only input 1 fails. */
  public static class WrongSecondInput extends CustomOp {
    private Tensor a;
    private Tensor b;

    @Override
    protected Tensor forward(Tensor... in) {
      a = in[0];
      b = in[1];
      return TensorMath.mul(a, b);
    }

    @Override
    public Tensor[] backward(Tensor g, boolean[] needsGrad) {
      return new Tensor[] {TensorMath.mul(g, b), TensorMath.mul(g, b)};
    }
  }

  @Test
  void aRightOpPassesEveryCheck() {
    CnnTest.Run r = CnnTest.run("gradcheck", "--op", Softsign.class.getName());
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().contains("input 0, shape [5]") && r.out().contains("input 0, shape [2, 3, 4, 5]"), r.out());
    assertTrue(r.out().endsWith("Softsign: 3 checks passed\n"), r.out());
  }

  @Test
  void aWrongBackwardFailsNamingTheWorstElement() {
    CnnTest.Run r = CnnTest.run("gradcheck", "--op", WrongSoftsign.class.getName());
    assertEquals(1, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().contains("FAILED"), r.out());
    assertTrue(r.err().contains("WrongSoftsign's backward is wrong in 3 of 3 checks; the worst, input 0, shape")
        && r.err().contains("analytical") && r.err().contains("numerical"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void eachInputIsCheckedOnItsOwn() {
    CnnTest.Run r = CnnTest.run("gradcheck", "--op", WrongSecondInput.class.getName(), "--inputs", "2",
        "--shape", "2,3");
    assertEquals(1, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().matches("(?s)input 0, shape \\[2, 3] +ok .*input 1, shape \\[2, 3] +FAILED.*"), r.out());
    assertTrue(r.err().contains("wrong in 1 of 2 checks; the worst, input 1, shape [2, 3]: gradient check (FULL_JACOBIAN"),
        r.err());
  }

  @Test
  void whatIsNotAnOpIsRefused() {
    CnnTest.Run r = CnnTest.run("gradcheck", "--op", "com.example.Missing");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("--op com.example.Missing: no such class on the class path"), r.err());
    r = CnnTest.run("gradcheck", "--op", String.class.getName());
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("is not a dev.cnn.engine.CustomOp"), r.err());
    r = CnnTest.run("gradcheck", "--op", Softsign.class.getName(), "--inputs", "0");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--inputs 0: expected 1 to 8 inputs"), r.err());
  }
}
