package dev.cnn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link GraphModel}: a node's output reaches every node that takes it, merges add or concatenate,
 * gradients flow through every path, shapes are checked with errors that name the node, and the
 * summary lists each node's inputs.
 */
class GraphModelTest {
  private static Tensor batch(long seed, int... shape) {
    return Tensor.uniform(new Rng(seed), DType.FLOAT32, -1, 1, shape);
  }

  /** input -> dense -> add(dense, input) -> relu: the graph computes what the same layers do by hand. */
  @Test
  void aSkipConnectionComputesTheSumAndItsGradientsFlowThroughBothPaths() {
    GraphModel.Builder b = GraphModel.builder(4);
    String d = b.add("dense", Dense.of(4, 4), GraphModel.INPUT);
    String s = b.merge("sum", GraphModel.Merge.ADD, d, GraphModel.INPUT);
    GraphModel m = b.build(b.add("relu", new ReLU(), s), 7);

    Tensor x = batch(1, 3, 4);
    Variable in = Variable.leaf(x.copy(), true);
    Variable y = m.forward(in, Mode.TRAIN);
    Ops.sum(y).backward();

    Variable in2 = Variable.leaf(x.copy(), true);
    Layer dense = m.layers().get(0);
    Variable byHand = Ops.relu(Ops.add(dense.forward(in2, Mode.TRAIN), in2));
    assertArrayEquals(byHand.value().floatData(), y.value().floatData());
    Variable w = m.parameters().get("dense.weight");
    Tensor gw = w.grad().copy();
    w.zeroGrad();
    Ops.sum(byHand).backward();
    assertArrayEquals(in2.grad().floatData(), in.grad().floatData(), "the input's gradient: both paths summed");
    assertArrayEquals(gw.floatData(), w.grad().floatData());
    assertEquals(List.of("dense", "relu"), m.layerNames());
    assertEquals(List.of("dense.weight", "dense.bias"), List.copyOf(m.parameters().keySet()));
  }

  @Test
  void concatJoinsChannelsAndTheSummaryShowsTheConnections() {
    GraphModel.Builder b = GraphModel.builder(2, 6, 6);
    String a = b.add("a", Conv2d.builder(2, 3).kernel(3).padding(1).build(), GraphModel.INPUT);
    String c = b.add("c", Conv2d.builder(2, 5).kernel(1).build(), GraphModel.INPUT);
    String cat = b.merge("cat", GraphModel.Merge.CONCAT, a, c);
    String pool = b.add("pool", new GlobalMaxPool2d(), cat);
    GraphModel m = b.build(b.add("fc", Dense.of(8, 2), pool), 3);
    assertArrayEquals(new int[] {2}, m.outputShape());
    Tensor x = batch(2, 2, 2, 6, 6);
    Tensor y = m.forward(Variable.constant(x), Mode.EVAL).value();
    assertArrayEquals(new int[] {2, 2}, y.shape());
    String table = m.summary().toString();
    assertTrue(table.contains("Connected to") && table.contains("cat (concat)") && table.contains("[N, 8, 6, 6]")
        && table.contains("a, c"), table);
    assertEquals(m.parameterCount(), m.summary().trainableParameters());
  }

  @Test
  void badGraphsAreRefusedNamingTheNode() {
    GraphModel.Builder b = GraphModel.builder(2, 6, 6);
    String a = b.add("a", Conv2d.builder(2, 3).kernel(3).padding(1).build(), GraphModel.INPUT);
    String bad = b.merge("sum", GraphModel.Merge.ADD, a, GraphModel.INPUT);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.build(bad, 1));
    assertTrue(e.getMessage().contains("node 'sum' (add) does not fit its inputs 'a' [3, 6, 6], 'input' [2, 6, 6]")
        && e.getMessage().contains("a 1x1 Conv2d"), e.getMessage());

    GraphModel.Builder c = GraphModel.builder(4);
    e = assertThrows(IllegalArgumentException.class, () -> c.add("x", new ReLU(), "nowhere"));
    assertTrue(e.getMessage().contains("node 'x' takes 'nowhere', which is not a node added before it"), e.getMessage());
    c.add("r", new ReLU(), GraphModel.INPUT);
    e = assertThrows(IllegalArgumentException.class, () -> c.add("r", new ReLU(), GraphModel.INPUT));
    assertTrue(e.getMessage().contains("'r' is taken"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> c.add(GraphModel.INPUT, new ReLU(), "r"));
    assertTrue(e.getMessage().contains("taken by the model's input"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> c.add("a.b", new ReLU(), "r"));
    assertTrue(e.getMessage().contains("without dots"), e.getMessage());
    c.add("t", new Tanh(), GraphModel.INPUT);
    e = assertThrows(IllegalArgumentException.class, () -> c.build("t", 1));
    assertTrue(e.getMessage().contains("node 'r' feeds no other node and is not the output 't'"), e.getMessage());
    GraphModel.Builder d = GraphModel.builder(4);
    d.add("fc", Dense.of(5, 2), GraphModel.INPUT);
    e = assertThrows(IllegalArgumentException.class, () -> d.build("fc", 1));
    assertTrue(e.getMessage().contains("node 'fc' (dense) does not fit its input 'input' [4]"), e.getMessage());
  }

  @Test
  void resnetSmallHasProjectionsWhereTheShapeChangesAndTheSameSeedGivesTheSameWeights() {
    GraphModel m = Architectures.resnetSmall(new int[] {1, 28, 28}, 10, 5);
    assertArrayEquals(new int[] {10}, m.outputShape());
    assertTrue(m.connections().containsKey("res2_proj") && m.connections().containsKey("res3_proj")
        && !m.connections().containsKey("res1_proj"), "1x1 projections where channels or size change");
    assertEquals(List.of("res2_bn2", "res2_proj_bn"), m.connections().get("res2_add"));
    assertEquals(List.of("res1_bn2", "stem_relu"), m.connections().get("res1_add"), "an identity shortcut");
    Tensor x = batch(3, 2, 1, 28, 28);
    GraphModel same = Architectures.resnetSmall(new int[] {1, 28, 28}, 10, 5);
    assertArrayEquals(m.forward(Variable.constant(x), Mode.EVAL).value().floatData(),
        same.forward(Variable.constant(x), Mode.EVAL).value().floatData());
    GraphModel other = Architectures.resnetSmall(new int[] {1, 28, 28}, 10, 6);
    other.loadStateDict(m.stateDict(), "test");
    assertArrayEquals(m.forward(Variable.constant(x), Mode.EVAL).value().floatData(),
        other.forward(Variable.constant(x), Mode.EVAL).value().floatData(), "the state dict is the whole model");
    assertEquals(10, m.predict(new float[784]).length);
  }
}
