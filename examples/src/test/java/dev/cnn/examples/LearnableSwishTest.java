package dev.cnn.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.engine.Mode;
import dev.cnn.layers.LayerGradCheck;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The custom layer of the examples, checked as a user would check their own: a jqwik property
 * runs {@link LayerGradCheck} (float64 central differences, input and slope) over random shapes
 * and slopes, and {@link CustomLayerExample} trains a model with it, saves it and loads it back
 * through the factory registered as a service.
 */
class LearnableSwishTest {
  @TempDir Path dir;

  @Property(tries = 30)
  void gradientsMatchCentralDifferences(@ForAll @IntRange(min = 1, max = 2) int n,
      @ForAll @IntRange(min = 1, max = 3) int c, @ForAll @IntRange(min = 1, max = 4) int h,
      @ForAll @IntRange(min = 1, max = 4) int w, @ForAll long seed) {
    Rng rng = new Rng(seed);
    double beta = rng.nextDouble() * 4 - 2;
    LayerGradCheck.of(() -> new LearnableSwish(beta), c, h, w).mode(Mode.TRAIN)
        .input(Tensor.uniform(rng, DType.FLOAT64, -3, 3, n, c, h, w)).check(seed);
  }

  @Test
  void aModelWithTheLayerTrainsSavesAndLoadsBackTheSame() throws Exception {
    CustomLayerExample.Result r = CustomLayerExample.run(dir, 1, 3);
    assertEquals(r.before().accuracy(), r.after().accuracy(), 0.0, "the loaded model is the saved one");
    assertEquals(r.before().loss(), r.after().loss(), 0.0);
    assertTrue(r.before().accuracy() > 0.5, "one epoch learns the shapes well past chance (1/8): " + r.before().accuracy());
    assertTrue(Files.readString(dir.resolve("swish-model.json")).contains("\"learnable_swish\""));
    assertTrue(r.slopes().split(" ").length == 32, r.slopes());
  }
}
