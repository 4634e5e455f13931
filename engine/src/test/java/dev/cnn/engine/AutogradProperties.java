package dev.cnn.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** Algebraic properties of backward that hold for any graph. */
class AutogradProperties {
  /** A small graph using broadcasting, matmul, non-linearities and a reused input. */
  private static Variable graph(Variable x, Variable w, Variable b) {
    Variable h = Ops.tanh(x.matmul(w).add(b));
    return h.mul(h).add(Ops.sigmoid(h)).mul(x.matmul(w));
  }

  private static Tensor[] gradients(Tensor xv, Tensor wv, Tensor bv, Tensor seed) {
    Variable x = Variable.parameter(xv, "x"), w = Variable.parameter(wv, "w"), b = Variable.parameter(bv, "b");
    graph(x, w, b).backward(seed, false);
    return new Tensor[] {x.grad(), w.grad(), b.grad()};
  }

  @Property(tries = 50)
  void backwardIsLinearInTheOutputGradient(@ForAll @IntRange(min = 1, max = 4) int n,
      @ForAll @IntRange(min = 1, max = 4) int k, @ForAll @IntRange(min = 1, max = 4) int m,
      @ForAll @DoubleRange(min = -3, max = 3) double alpha, @ForAll @DoubleRange(min = -3, max = 3) double beta,
      @ForAll long seed) {
    Rng rng = new Rng(seed);
    Tensor x = Check.uniform(rng, n, k), w = Check.uniform(rng, k, m), b = Check.uniform(rng, m);
    Tensor u = Check.uniform(rng, n, m), v = Check.uniform(rng, n, m);
    Tensor mixed = TensorMath.add(TensorMath.scaleShift(u, alpha, 0), TensorMath.scaleShift(v, beta, 0));
    Tensor[] gu = gradients(x, w, b, u), gv = gradients(x, w, b, v), gm = gradients(x, w, b, mixed);
    for (int i = 0; i < 3; i++) {
      Tensor expected = TensorMath.add(TensorMath.scaleShift(gu[i], alpha, 0), TensorMath.scaleShift(gv[i], beta, 0));
      assertArrayEquals(expected.doubleData(), gm[i].doubleData(), 1e-12 * (1 + Math.abs(alpha) + Math.abs(beta)) * 10);
    }
  }

  @Property(tries = 50)
  void aBroadcastInputsGradientIsTheOutputGradientSummedOverTheBroadcastAxes(
      @ForAll @IntRange(min = 1, max = 4) int rank, @ForAll long seed) {
    Rng rng = new Rng(seed);
    int[] big = Check.shape(rng, rank, 4), small = Check.broadcastPartner(rng, big);
    Variable a = Variable.parameter(Check.uniform(rng, big), "a");
    Variable s = Variable.parameter(Check.uniform(rng, small), "s");
    Tensor seedGrad = Check.uniform(rng, big);
    a.add(s).backward(seedGrad, false);
    assertArrayEquals(TensorMath.sumTo(seedGrad, small).doubleData(), s.grad().doubleData(), 1e-12);
    assertArrayEquals(seedGrad.doubleData(), a.grad().doubleData(), 0.0);
  }

  @Property(tries = 50)
  void reusingAVariableAddsTheGradientsOfEachUse(@ForAll @IntRange(min = 1, max = 5) int n, @ForAll long seed) {
    Rng rng = new Rng(seed);
    Tensor xv = Check.uniform(rng, n);
    // together: L = sum(tanh(x) * exp(x)), x used by two branches
    Variable x = Variable.parameter(xv, "x");
    Ops.tanh(x).mul(Ops.exp(x)).sum().backward();
    // separately: the two paths' contributions, each with the other branch held constant
    Variable x1 = Variable.parameter(xv, "x1");
    Ops.tanh(x1).mul(Ops.exp(Variable.constant(xv))).sum().backward();
    Variable x2 = Variable.parameter(xv, "x2");
    Ops.tanh(Variable.constant(xv)).mul(Ops.exp(x2)).sum().backward();
    assertArrayEquals(TensorMath.add(x1.grad(), x2.grad()).doubleData(), x.grad().doubleData(), 1e-12);
  }

  @Property(tries = 30)
  void noGradScopesRecordNothingWhateverTheOps(@ForAll @IntRange(min = 1, max = 4) int n, @ForAll long seed) {
    Rng rng = new Rng(seed);
    Variable w = Variable.parameter(Check.uniform(rng, n, n), "w");
    try (NoGrad scope = NoGrad.enter()) {
      Variable y = Ops.mean(Ops.relu(w.matmul(w)).add(Ops.exp(w)).mul(w));
      assertFalse(y.requiresGrad());
      assertFalse(!y.isLeaf());
    }
    assertFalse(w.grad() != null);
  }

  @Property(tries = 20)
  void float32BackwardIsDeterministic(@ForAll @IntRange(min = 1, max = 40) int n, @ForAll long seed) {
    float[][] out = new float[2][];
    for (int run = 0; run < 2; run++) {
      Rng rng = new Rng(seed);
      Variable x = Variable.parameter(Tensor.uniform(rng, DType.FLOAT32, -1, 1, n, 33), "x");
      Variable w = Variable.parameter(Tensor.uniform(rng, DType.FLOAT32, -1, 1, 33, 17), "w");
      graph(x, w, Variable.constant(Tensor.zeros(DType.FLOAT32, 17))).sum().backward();
      out[run] = w.grad().floatData();
    }
    assertArrayEquals(out[0], out[1]);
  }
}
