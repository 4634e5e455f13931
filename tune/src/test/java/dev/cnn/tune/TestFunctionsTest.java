package dev.cnn.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.tensor.Rng;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestFunctionsTest {

  @Test
  void braninHasItsThreeMinima() {
    TestFunctions.TestFunction f = TestFunctions.BRANIN;
    assertEquals(0.397887, f.minimum(), 1e-6);
    assertEquals(f.minimum(), f.at(-Math.PI, 12.275), 1e-12);
    assertEquals(f.minimum(), f.at(Math.PI, 2.275), 1e-12);
    assertEquals(f.minimum(), f.at(9.42478, 2.475), 1e-9);
    Rng rng = new Rng(1);
    for (int i = 0; i < 1000; i++) {
      Map<String, String> p = f.space().sample(rng);
      assertTrue(f.noiseFree(p) >= f.minimum() - 1e-12);
    }
    assertEquals(f.at(1.5, 7), f.value(Map.of("x1", "1.5", "x2", "7"), rng), 0); // noise-free
  }

  @Test
  void hartmann6HasItsMinimum() {
    TestFunctions.TestFunction f = TestFunctions.HARTMANN6;
    assertEquals(-3.32237, f.minimum(), 1e-5);
    assertEquals(f.minimum(), f.at(0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573), 1e-5);
    Rng rng = new Rng(2);
    for (int i = 0; i < 1000; i++) assertTrue(f.noiseFree(f.space().sample(rng)) >= f.minimum());
  }

  @Test
  void noisy4IsTheScaledRosenbrockPlusNoise() {
    TestFunctions.TestFunction f = TestFunctions.NOISY4;
    assertEquals(-1.019174, f.minimum(), 1e-6);
    assertEquals(f.minimum(), f.at(0.4, 0.4, 0.4, 0.4), 1e-15);
    Rng rng = new Rng(3);
    double sum = 0, sumSq = 0, noiseSq = 0;
    int n = 4000;
    for (int i = 0; i < n; i++) {
      Map<String, String> p = f.space().sample(rng);
      double clean = f.noiseFree(p);
      assertTrue(clean >= f.minimum());
      sum += clean;
      sumSq += clean * clean;
      double noise = f.value(p, rng) - clean;
      noiseSq += noise * noise;
    }
    double mean = sum / n, sd = Math.sqrt(sumSq / n - mean * mean);
    // the scaling makes the function about standard over the cube (Picheny et al. 2013)
    assertEquals(0, mean, 0.1);
    assertEquals(1, sd, 0.15);
    assertEquals(TestFunctions.NOISY4_NOISE_SD, Math.sqrt(noiseSq / n), 0.01);
  }

  @Test
  void functionsAreFoundByName() {
    assertSame(TestFunctions.BRANIN, TestFunctions.byName("branin"));
    assertSame(TestFunctions.HARTMANN6, TestFunctions.byName("hartmann6"));
    assertSame(TestFunctions.NOISY4, TestFunctions.byName("noisy4"));
    assertThrows(IllegalArgumentException.class, () -> TestFunctions.byName("ackley"));
    assertThrows(IllegalArgumentException.class, () -> TestFunctions.BRANIN.noiseFree(Map.of("x1", "0")));
  }
}
