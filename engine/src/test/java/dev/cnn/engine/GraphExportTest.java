package dev.cnn.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.tensor.DType;
import dev.cnn.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphExportTest {
  private static Variable smallGraph() {
    Variable x = Variable.constant(Tensor.zeros(DType.FLOAT32, 2, 3)).named("x");
    Variable w = Variable.parameter(Tensor.zeros(DType.FLOAT32, 3, 4), "dense.weight");
    Variable b = Variable.parameter(Tensor.zeros(DType.FLOAT32, 4), "dense.bias");
    return Ops.relu(x.matmul(w).add(b)).sum();
  }

  @Test
  void dotShowsOpsShapesAndParameterNames() {
    String dot = GraphExport.toDot(smallGraph());
    assertTrue(dot.startsWith("digraph autograd {"), dot);
    for (String s : new String[] {"matmul", "add", "relu", "sum", "dense.weight", "dense.bias",
        "float32 [2, 3]", "float32 [3, 4]", "float32 [2, 4]", "float32 []"}) {
      assertTrue(dot.contains(s), "missing " + s + " in\n" + dot);
    }
    assertEquals(4, dot.split("shape=ellipse").length - 1, dot); // four ops
    assertEquals(GraphExport.toDot(smallGraph()), dot); // the same text every time
  }

  @Test
  void writesDotAndRendersPngWhenGraphvizIsInstalled(@TempDir Path dir) throws IOException {
    Path dotFile = dir.resolve("g.dot");
    GraphExport.writeDot(smallGraph(), dotFile);
    assertTrue(Files.readString(dotFile).contains("dense.weight"));
    Assumptions.assumeTrue(GraphExport.dotAvailable(), "Graphviz' dot is not installed");
    Path png = dir.resolve("g.png");
    GraphExport.renderPng(smallGraph(), png);
    byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(png), 4);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, head);
  }
}
