package dev.cnn.learn;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Lesson 1 (learn/01-scalars.md): backpropagation on single numbers. A {@link Value} remembers
 * how it was made; {@link Value#backward()} applies the chain rule from the output back to every
 * input. One neuron, {@code o = tanh(w1 x1 + w2 x2 + b)}, differentiated by hand and by code.
 */
public final class Lesson01Scalars {
  private Lesson01Scalars() {}

  /**
   * A number that remembers the operation that made it, so that its gradient can be passed back
   * to the numbers it was made from. Self-contained: no part of the engine is used.
   */
  static final class Value {
    final double data;
    double grad; // d(output)/d(this), filled in by backward()
    private final Value[] parents;
    private Runnable passBack = () -> {}; // adds this.grad times the local derivative to each parent

    Value(double data, Value... parents) {
      this.data = data;
      this.parents = parents;
    }

    Value plus(Value o) {
      Value out = new Value(data + o.data, this, o);
      out.passBack = () -> { // d(a + b)/da = 1, d(a + b)/db = 1
        grad += out.grad;
        o.grad += out.grad;
      };
      return out;
    }

    Value times(Value o) {
      Value out = new Value(data * o.data, this, o);
      out.passBack = () -> { // d(a b)/da = b, d(a b)/db = a
        grad += o.data * out.grad;
        o.grad += data * out.grad;
      };
      return out;
    }

    Value tanh() {
      double t = Math.tanh(data);
      Value out = new Value(t, this);
      out.passBack = () -> grad += (1 - t * t) * out.grad; // d tanh(a)/da = 1 - tanh(a)^2
      return out;
    }

    /** Sets d(this)/d(this) = 1, then passes gradients back, each value after every value it feeds. */
    void backward() {
      List<Value> order = new ArrayList<>();
      visit(this, new HashSet<>(), order); // inputs first, this last
      grad = 1;
      for (int i = order.size() - 1; i >= 0; i--) order.get(i).passBack.run();
    }

    private static void visit(Value v, Set<Value> seen, List<Value> order) {
      if (!seen.add(v)) return;
      for (Value p : v.parents) visit(p, seen, order);
      order.add(v);
    }
  }

  public static void main(String[] args) {
    double x1 = 1.5, x2 = -0.5, w1 = 0.8, w2 = -1.2, b = 0.1;

    System.out.println("x1 = " + x1 + ", x2 = " + x2 + ", w1 = " + w1 + ", w2 = " + w2 + ", b = " + b);

    // By code: build the expression, then one backward pass.
    Value vx1 = new Value(x1), vx2 = new Value(x2), vw1 = new Value(w1), vw2 = new Value(w2), vb = new Value(b);
    Value n = vw1.times(vx1).plus(vw2.times(vx2)).plus(vb);
    Value o = n.tanh();
    o.backward();

    // By hand: o = tanh(n), n = w1 x1 + w2 x2 + b, so do/dn = 1 - o^2 and do/dw1 = (1 - o^2) x1, ...
    double dn = 1 - o.data * o.data;
    System.out.println("n = w1*x1 + w2*x2 + b = " + f(n.data));
    System.out.println("o = tanh(n) = " + f(o.data));
    System.out.println("do/dn = 1 - o^2 = " + f(dn));
    System.out.println();
    System.out.println("          by hand      by backward()");
    row("do/dw1", dn * x1, vw1.grad);
    row("do/dw2", dn * x2, vw2.grad);
    row("do/db", dn, vb.grad);
    row("do/dx1", dn * w1, vx1.grad);
    row("do/dx2", dn * w2, vx2.grad);

    // A value used twice: its gradient is the sum of what each use passes back.
    Value a = new Value(3);
    Value sq = a.times(a);
    sq.backward();
    System.out.println();
    System.out.println("a*a at a = 3: d(a*a)/da = " + f(a.grad) + " (2a: each of the two uses passes back a)");
  }

  private static void row(String name, double hand, double code) {
    System.out.printf(Locale.ROOT, "%-8s  %11s  %15s%n", name, f(hand), f(code));
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.6f", v);
  }
}
