package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.data.SyntheticShapes;
import dev.cnn.engine.Mode;
import dev.cnn.engine.NoGrad;
import dev.cnn.engine.Variable;
import dev.cnn.layers.Architectures;
import dev.cnn.layers.Sequential;
import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cnn explain}: a row per layer with its statistics and gradients, the numbers right (the
 * last layer's gradient is the softmax cross-entropy's p - y, lesson 7), one layer's numbers, the
 * graphs written, and bad arguments named.
 */
class ExplainCommandTest {
  @TempDir Path dir;

  @Test
  void everyLayerHasARowAndTheLastGradientIsPMinusY() {
    CnnTest.Run r = CnnTest.run("explain", "--model", "fashionnet");
    assertEquals(0, r.exitCode(), r.err());
    Sequential m = Architectures.fashionnet(new int[] {1, 28, 28}, 10, 42);
    for (int i = 0; i < m.layers().size(); i++) {
      assertTrue(r.out().contains("\n" + String.format("%-14s %-14s", m.layerNames().get(i), m.layers().get(i).typeName())),
          "no row for layer " + i + ":\n" + r.out());
    }
    assertTrue(r.out().matches("(?s).*\\n1 +relu .* \\d+\\.\\d% pass\\n.*"), r.out());

    // The same image and model here: |dL/dlogits| = |p - y| for the predicted class y.
    float[] image = new float[28 * 28];
    SyntheticShapes.builder().seed(42).trainSize(1).testSize(1).build().test().read(0, image, 0);
    Tensor logits;
    try (NoGrad g = NoGrad.enter()) {
      logits = m.forward(Variable.constant(Tensor.of(image, 1, 1, 28, 28)), Mode.EVAL).value();
    }
    float[] p = TensorMath.softmax(logits, 1).floatData();
    int y = TensorMath.argmax(logits);
    double norm = 0;
    for (int c = 0; c < p.length; c++) norm += Math.pow(p[c] - (c == y ? 1 : 0), 2);
    Matcher last = Pattern.compile("\\n10 +dense +\\[1, 10\\](?: +-?\\d+\\.\\d+){4} +([0-9.e-]+) ").matcher(r.out());
    assertTrue(last.find(), r.out());
    assertEquals(Math.sqrt(norm), Double.parseDouble(last.group(1)), 1e-3 * Math.sqrt(norm), r.out());
    assertTrue(r.out().contains("predicted " + y + " (" + y + ")"), r.out());
  }

  @Test
  void oneLayersNumbersAndTheGraphs() throws IOException {
    CnnTest.Run r = CnnTest.run("explain", "--model", "resnet-small", "--layer", "res1_conv1", "--label", "3",
        "--out", dir.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("loss against class 3 (3)"), r.out());
    assertTrue(r.out().contains("layer res1_conv1 (conv2d): output [1, 16, 28, 28]")
        && r.out().contains("  dL/d weight, first slice:"), r.out());
    String model = Files.readString(dir.resolve("model.dot"));
    assertTrue(model.contains("\"res1_relu1\" -> \"res1_conv2\" [label=\"[16, 28, 28]\"]")
        && model.contains("\"res2_out\" -> \"res3_conv1\" [label=\"[32, 14, 14]\"]"), model);
    assertTrue(Files.readString(dir.resolve("autograd.dot")).startsWith("digraph autograd {"));
  }

  @Test
  void aTrainedRunAndAnImageFile() throws IOException {
    Path run = Files.createDirectories(dir.resolve("run"));
    Sequential m = Sequential.builder(1, 8, 8).add(new dev.cnn.layers.Flatten()).add(dev.cnn.layers.Dense.of(64, 3)).build(7);
    dev.cnn.layers.io.ModelFiles.save(m, run.resolve(ModelDir.WEIGHTS));
    ModelDir.saveClassNames(run, java.util.List.of("circle", "square", "triangle"));
    Path png = dir.resolve("dot.png");
    java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(12, 10, java.awt.image.BufferedImage.TYPE_INT_RGB);
    img.setRGB(3, 4, 0xffffff);
    javax.imageio.ImageIO.write(img, "png", png.toFile());
    CnnTest.Run r = CnnTest.run("explain", "--model", run.toString(), "--image", png.toString(), "--label", "2");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("model: the trained model in " + run) && r.out().contains("input: " + png
        + ", shape [1, 1, 8, 8], loss against class 2 (triangle)"), r.out());
  }

  @Test
  void badArgumentsAreNamed() {
    CnnTest.Run r = CnnTest.run("explain", "--model", "fashionnet", "--layer", "conv9");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--layer conv9: the model has no such layer; its layers are [0, 1, 2"), r.err());
    r = CnnTest.run("explain", "--model", "alexnet");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--model alexnet: not a directory and not a built-in architecture"), r.err());
    r = CnnTest.run("explain", "--model", "lenet5", "--label", "10");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--label 10: expected a class from 0 to 9"), r.err());
  }
}
