package dev.cnn.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorTest {
  @Test
  void creationAndRowMajorAccess() {
    Tensor t = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
    assertEquals(DType.FLOAT32, t.dtype());
    assertEquals(2, t.rank());
    assertEquals(6, t.size());
    assertEquals(5.0, t.get(1, 2));
    assertEquals(3, t.dim(-1));
    t.set(9, 0, 1);
    assertEquals(9f, t.floatData()[1]);
    assertArrayEquals(new double[] {1, 1, 1, 1}, Tensor.ones(DType.FLOAT64, 2, 2).doubleData());
    assertEquals(0, Tensor.zeros(DType.FLOAT64, 3, 0).size());
    assertEquals(1, Tensor.scalar(DType.FLOAT32, 4).size());
  }

  @Test
  void reshapeIsAViewAndCopyIsNot() {
    Tensor t = Tensor.zeros(2, 3, 4);
    Tensor v = t.reshape(6, -1);
    assertArrayEquals(new int[] {6, 4}, v.shape());
    v.set(7, 5, 3);
    assertEquals(7.0, t.get(1, 2, 3), "writes through a view are seen by the original");
    Tensor c = t.copy();
    c.set(1, 0, 0, 0);
    assertEquals(0.0, t.get(0, 0, 0));
    assertNotSame(t.floatData(), c.floatData());
  }

  @Test
  void conversionBetweenTypes() {
    Tensor d = Tensor.of(new double[] {0.1, -2.5}, 2).to(DType.FLOAT32);
    assertEquals(0.1f, d.floatData()[0]);
    assertEquals(DType.FLOAT64, d.to(DType.FLOAT64).dtype());
  }

  @Test
  void seededRandomTensorsAreReproducible() {
    Tensor a = Tensor.normal(new Rng(42), DType.FLOAT32, 0, 1, 1000);
    Tensor b = Tensor.normal(new Rng(42), DType.FLOAT32, 0, 1, 1000);
    assertArrayEquals(a.floatData(), b.floatData());
    double mean = 0, var = 0;
    for (float x : a.floatData()) mean += x / 1000.0;
    for (float x : a.floatData()) var += (x - mean) * (x - mean) / 1000.0;
    assertTrue(Math.abs(mean) < 0.15 && Math.abs(var - 1) < 0.15, "mean " + mean + " var " + var);
    Tensor u = Tensor.uniform(new Rng(1), DType.FLOAT64, -2, 3, 500);
    for (double x : u.doubleData()) assertTrue(x >= -2 && x < 3);
  }

  @Test
  void splitStreamsAreIndependentAndFixed() {
    Rng parent = new Rng(7);
    Rng c1 = parent.split(), c2 = parent.split();
    double x1 = c1.nextDouble(), x2 = c2.nextDouble();
    assertTrue(x1 != x2);
    Rng again = new Rng(7);
    assertEquals(x1, again.split().nextDouble());
  }

  @Test
  void badShapesAndIndicesAreNamed() {
    var e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
    assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("5"), e.getMessage());
    var r = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).reshape(4, 2));
    assertTrue(r.getMessage().contains("[4, 2]"), r.getMessage());
    var i = assertThrows(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 3).get(1, 3));
    assertTrue(i.getMessage().contains("axis 1"), i.getMessage());
    var n = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(-1, 3));
    assertTrue(n.getMessage().contains("negative"), n.getMessage());
    var d = assertThrows(IllegalStateException.class, () -> Tensor.zeros(DType.FLOAT64, 2).floatData());
    assertTrue(d.getMessage().contains("FLOAT64"), d.getMessage());
  }
}
