package dev.cnn.learn;

import dev.cnn.engine.CustomOp;
import dev.cnn.engine.GraphExport;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Tensor;
import java.util.Arrays;
import java.util.Locale;

/**
 * Lesson 2 (learn/02-variables.md): lesson 1's neuron on the engine. A {@link Variable} is a
 * tensor that records the op that made it; {@code backward()} walks that record in reverse
 * topological order; gradients add up until {@code zeroGrad()}.
 */
public final class Lesson02Variables {
  private Lesson02Variables() {}

  /** The identity, announcing when the backward pass reaches it: to watch the order. */
  static final class Trace extends CustomOp {
    private final String label;

    Trace(String label) {
      this.label = label;
    }

    @Override
    protected Tensor forward(Tensor... in) {
      return in[0].copy();
    }

    @Override
    public Tensor[] backward(Tensor g, boolean[] needsGrad) {
      System.out.println("  backward reaches " + label + ", gradient " + values(g));
      return new Tensor[] {g};
    }
  }

  public static void main(String[] args) {
    // w and b are parameters (leaves that want gradients); x is data (a constant).
    Variable w = Variable.parameter(Tensor.of(new float[] {0.8f, -1.2f}, 2), "w");
    Variable b = Variable.parameter(Tensor.of(new float[] {0.1f}, 1), "b");
    Variable x = Variable.constant(Tensor.of(new float[] {1.5f, -0.5f}, 2)).named("x");

    Variable o = neuron(w, x, b);
    System.out.println("o = tanh(sum(w * x) + b) = " + values(o.value()));
    System.out.println();
    System.out.print(GraphExport.toDot(o));
    o.backward();
    System.out.println();
    System.out.println("w.grad = " + values(w.grad()) + "   (do/dw1, do/dw2)");
    System.out.println("b.grad = " + values(b.grad()));

    // The order of the backward pass: each op after every op that used its output.
    System.out.println();
    System.out.println("the backward pass, traced:");
    w.zeroGrad();
    b.zeroGrad();
    Variable product = new Trace("w * x").apply(w.mul(x));
    Variable sum = new Trace("sum").apply(product.sum());
    Variable n = new Trace("n = sum + b").apply(sum.add(b));
    new Trace("o = tanh(n)").apply(Ops.tanh(n)).backward();

    // Gradients accumulate: a second forward and backward without zeroGrad adds to them.
    System.out.println();
    neuron(w, x, b).backward();
    System.out.println("after a second backward without zeroGrad: w.grad = " + values(w.grad()));
    w.zeroGrad();
    System.out.println("after zeroGrad: w.grad = " + values(w.grad()));
  }

  private static Variable neuron(Variable w, Variable x, Variable b) {
    return Ops.tanh(w.mul(x).sum().add(b));
  }

  private static String values(Tensor t) {
    if (t == null) return "null";
    float[] d = t.floatData();
    String[] s = new String[d.length];
    for (int i = 0; i < d.length; i++) s[i] = String.format(Locale.ROOT, "%.6f", d[i]);
    return Arrays.toString(s);
  }
}
