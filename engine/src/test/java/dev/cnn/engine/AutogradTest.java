package dev.cnn.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The engine's behaviour: recording, backward order and accumulation, freeing, scopes, errors. */
class AutogradTest {
  private static Tensor t(double... v) {
    return Tensor.of(v, v.length);
  }

  @Test
  void aHandWorkedGraph() {
    // L = sum((a * b + a)^2) with a = [1, 2], b = [3, -1]:
    // u = a*b + a = [4, 0];  dL/du = 2u = [8, 0]
    // dL/da = dL/du * (b + 1) = [32, 0];  dL/db = dL/du * a = [8, 0]
    Variable a = Variable.parameter(t(1, 2), "a");
    Variable b = Variable.parameter(t(3, -1), "b");
    Variable u = a.mul(b).add(a);
    Variable loss = Ops.pow(u, 2).sum();
    assertEquals(16.0, loss.value().getFlat(0));
    loss.backward();
    assertArrayEquals(new double[] {32, 0}, a.grad().toDoubleArray());
    assertArrayEquals(new double[] {8, 0}, b.grad().toDoubleArray());
  }

  @Test
  void aVariableUsedTwiceReceivesBothContributions() {
    Variable x = Variable.parameter(t(3), "x");
    x.add(x).mul(x).sum().backward(); // (x + x) * x = 2x^2, derivative 4x = 12
    assertArrayEquals(new double[] {12}, x.grad().toDoubleArray());
  }

  @Test
  void gradientsAccumulateAcrossBackwardsUntilZeroed() {
    Variable x = Variable.parameter(t(1, 2), "x");
    Ops.mul(x, 3.0).sum().backward();
    Ops.mul(x, 3.0).sum().backward();
    assertArrayEquals(new double[] {6, 6}, x.grad().toDoubleArray());
    x.zeroGrad();
    assertArrayEquals(new double[] {0, 0}, x.grad().toDoubleArray());
  }

  @Test
  void broadcastInputsCollectTheGradientOfEveryCopy() {
    Variable col = Variable.parameter(Tensor.of(new double[] {1, 2, 3}, 3, 1), "col");
    Variable row = Variable.parameter(Tensor.of(new double[] {1, 2, 3, 4}, 1, 4), "row");
    Variable y = col.add(row); // [3, 4]
    assertArrayEquals(new int[] {3, 4}, y.shape());
    y.backward(Tensor.full(DType.FLOAT64, 1.0, 3, 4), false);
    assertArrayEquals(new double[] {4, 4, 4}, col.grad().toDoubleArray());
    assertArrayEquals(new double[] {3, 3, 3, 3}, row.grad().toDoubleArray());
  }

  @Test
  void backwardFreesTheGraphUnlessRetained() {
    Variable x = Variable.parameter(t(1, 2), "x");
    Variable loss = x.mul(x).sum();
    loss.backward(Tensor.full(DType.FLOAT64, 1.0), true);
    loss.backward(); // retained: runs again and accumulates
    assertArrayEquals(new double[] {4, 8}, x.grad().toDoubleArray());
    IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
    assertTrue(e.getMessage().contains("already freed") && e.getMessage().contains("retainGraph"),
        e.getMessage());
  }

  @Test
  void noGradScopesRecordNothing() {
    Variable w = Variable.parameter(t(1, 2), "w");
    Variable y;
    try (NoGrad scope = NoGrad.enter()) {
      assertTrue(NoGrad.active());
      y = w.mul(w).sum();
    }
    assertFalse(NoGrad.active());
    assertFalse(y.requiresGrad());
    assertTrue(y.isLeaf());
    IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
    assertTrue(e.getMessage().contains("NoGrad"), e.getMessage());
    assertNull(w.grad());
  }

  @Test
  void opsOnConstantsRecordNothing() {
    Variable c = Variable.constant(t(1, 2));
    Variable y = c.mul(c);
    assertTrue(y.isLeaf());
    assertFalse(y.requiresGrad());
  }

  @Test
  void detachCutsTheGraph() {
    Variable x = Variable.parameter(t(2), "x");
    x.mul(x.detach()).sum().backward(); // d/dx (x * const) = const = 2
    assertArrayEquals(new double[] {2}, x.grad().toDoubleArray());
  }

  @Test
  void retainGradKeepsAnIntermediateGradient() {
    Variable x = Variable.parameter(t(1, -2), "x");
    Variable h = Ops.mul(x, 3.0).retainGrad();
    Variable plain = Ops.tanh(h);
    Ops.pow(plain, 2).sum().backward();
    assertEquals(2, h.grad().size());
    assertNull(plain.grad()); // intermediate results keep no gradient by default
    // dL/dx = 3 * dL/dh
    assertEquals(3 * h.grad().getFlat(1), x.grad().getFlat(1), 1e-12);
  }

  @Test
  void aGraphAHundredThousandOpsDeepNeedsNoDeepStack() throws InterruptedException {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReference<Double> grad = new AtomicReference<>();
    // A small stack (256 KB): a recursive walk would overflow long before 100000 levels.
    Thread t = new Thread(null, () -> {
      try {
        Variable x = Variable.parameter(t(1), "x");
        Variable y = x;
        for (int i = 0; i < 100_000; i++) y = Ops.mul(y, 1.0);
        y.sum().backward();
        grad.set(x.grad().getFlat(0));
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "deep-graph", 256 * 1024);
    t.start();
    t.join();
    if (failure.get() != null) throw new AssertionError(failure.get());
    assertEquals(1.0, grad.get());
  }

  @Test
  void backwardIsBitIdenticalRunAfterRun() {
    Tensor[] grads = new Tensor[2];
    for (int run = 0; run < 2; run++) {
      Rng rng = new Rng(7);
      Variable x = Variable.parameter(Tensor.uniform(rng, DType.FLOAT32, -1, 1, 16, 32), "x");
      Variable w = Variable.parameter(Tensor.uniform(rng, DType.FLOAT32, -1, 1, 32, 8), "w");
      Variable h = Ops.tanh(x.matmul(w));
      h.mul(h).add(h).mean().backward();
      grads[run] = w.grad();
    }
    assertArrayEquals(grads[0].floatData(), grads[1].floatData());
  }

  @Test
  void errorsNameTheProblem() {
    Variable a = Variable.parameter(Tensor.zeros(DType.FLOAT64, 2, 3), "a");
    Variable b = Variable.parameter(Tensor.zeros(DType.FLOAT64, 4, 5), "b");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.matmul(b));
    assertTrue(e.getMessage().contains("matmul") && e.getMessage().contains("[2, 3]")
        && e.getMessage().contains("[4, 5]"), e.getMessage());
    IllegalArgumentException notScalar = assertThrows(IllegalArgumentException.class, a::backward);
    assertTrue(notScalar.getMessage().contains("single element"), notScalar.getMessage());
    Variable y = a.mul(a);
    IllegalArgumentException seed = assertThrows(IllegalArgumentException.class,
        () -> y.backward(Tensor.zeros(DType.FLOAT64, 3, 2), false));
    assertTrue(seed.getMessage().contains("[3, 2]") && seed.getMessage().contains("[2, 3]"), seed.getMessage());
    IllegalArgumentException axis = assertThrows(IllegalArgumentException.class, () -> Ops.sum(a, false, 2));
    assertTrue(axis.getMessage().contains("axis 2"), axis.getMessage());
    IllegalArgumentException clamp = assertThrows(IllegalArgumentException.class, () -> Ops.clamp(a, 1, 0));
    assertTrue(clamp.getMessage().contains("lo <= hi"), clamp.getMessage());
  }

  @Test
  void float32AndFloat64AgreeOnTheSameGraph() {
    Rng rng = new Rng(3);
    Tensor x64 = Tensor.uniform(rng, DType.FLOAT64, -1, 1, 4, 5);
    Tensor w64 = Tensor.uniform(rng, DType.FLOAT64, -1, 1, 5, 3);
    double[][] results = new double[2][];
    DType[] types = {DType.FLOAT32, DType.FLOAT64};
    for (int i = 0; i < 2; i++) {
      Variable x = Variable.constant(x64.to(types[i]));
      Variable w = Variable.parameter(w64.to(types[i]), "w");
      Ops.gelu(x.matmul(w)).sum().backward();
      results[i] = w.grad().toDoubleArray();
    }
    assertArrayEquals(results[1], results[0], 1e-5);
  }
}
