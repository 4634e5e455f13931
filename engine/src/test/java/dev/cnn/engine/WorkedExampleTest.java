package dev.cnn.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cnn.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The worked example of engine/README.md, step by step: every number the README quotes is
 * asserted here, and the graph's DOT text must equal engine/docs/worked-example.dot (the picture
 * worked-example.png is rendered from it with {@code dot -Tpng}).
 */
class WorkedExampleTest {
  private static final double TOL = 1e-12;

  @Test
  void theReadmesNumbersAndPicture() throws IOException {
    Variable x = Variable.constant(Tensor.of(new double[] {1, 2}, 1, 2)).named("x");
    Variable w = Variable.parameter(Tensor.of(new double[] {0.5, -0.25}, 2, 1), "w");
    Variable b = Variable.parameter(Tensor.of(new double[] {0.1}, 1), "b");
    Variable t = Variable.constant(Tensor.of(new double[] {1}, 1, 1)).named("t");

    Variable xw = x.matmul(w).named("xw").retainGrad();
    Variable z = xw.add(b).named("z").retainGrad();
    Variable h = Ops.tanh(z).named("h").retainGrad();
    Variable d = h.sub(t).named("d").retainGrad();
    Variable sq = Ops.pow(d, 2).named("sq").retainGrad();
    Variable loss = sq.sum().named("L");

    // forward
    assertEquals(0.0, xw.value().getFlat(0), TOL);
    assertEquals(0.1, z.value().getFlat(0), TOL);
    assertEquals(0.0996679946, h.value().getFlat(0), 1e-10);
    assertEquals(-0.9003320054, d.value().getFlat(0), 1e-10);
    assertEquals(0.8105977199, loss.value().getFlat(0), 1e-10);

    Path dot = Path.of("docs", "worked-example.dot");
    String now = GraphExport.toDot(loss);
    if (!now.equals(Files.readString(dot))) {
      Path fresh = Path.of("target", "worked-example.dot");
      Files.createDirectories(fresh.getParent());
      Files.writeString(fresh, now);
      throw new AssertionError("the worked example's graph no longer matches " + dot + "; the new"
          + " DOT text is in engine/" + fresh + ": copy it over and render the picture with"
          + " 'dot -Tpng docs/worked-example.dot -o docs/worked-example.png'");
    }

    // backward, one op at a time from the loss down
    loss.backward();
    assertEquals(1.0, sq.grad().getFlat(0), TOL);                 // sum: passes 1 through
    assertEquals(-1.8006640108, d.grad().getFlat(0), 1e-10);      // pow: 2d * 1
    assertEquals(-1.8006640108, h.grad().getFlat(0), 1e-10);      // sub: +g to h
    assertEquals(-1.7827767382, z.grad().getFlat(0), 1e-10);      // tanh: g * (1 - h^2)
    assertEquals(-1.7827767382, xw.grad().getFlat(0), 1e-10);     // add: g to both inputs
    assertArrayEquals(new double[] {-1.7827767382}, b.grad().toDoubleArray(), 1e-10);
    assertArrayEquals(new double[] {-1.7827767382, -3.5655534764}, w.grad().toDoubleArray(), 1e-10); // x^T g
  }
}
