package dev.cnn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.engine.Mode;
import dev.cnn.engine.NoGrad;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.Workspace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Names of parameters and buffers, and determinism of the weights. */
class SequentialTest {

  @Test
  void parametersAreNamedLikePyTorchsSequential() {
    Sequential m = Architectures.fashionnet(new int[] {1, 28, 28}, 10, 1);
    assertEquals(List.of("0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "10.weight", "10.bias"),
        new ArrayList<>(m.parameters().keySet()));
    assertEquals("7.weight", m.parameters().get("7.weight").name(), "the variable carries its model-wide name");
    assertArrayEquals(new int[] {128, 64 * 7 * 7}, m.parameters().get("7.weight").shape());
    assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"), m.layerNames());
  }

  @Test
  void buffersAreNamedLikePyTorchs() {
    Sequential m = Sequential.builder(3, 4, 4).add(Conv2d.of(3, 2, 1)).add(BatchNorm2d.of(2)).add(new Flatten())
        .add(Dense.of(32, 5)).add(BatchNorm1d.of(5)).build(1);
    assertEquals(List.of("1.running_mean", "1.running_var", "4.running_mean", "4.running_var"),
        new ArrayList<>(m.buffers().keySet()));
    assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias", "4.weight", "4.bias",
        "1.running_mean", "1.running_var", "4.running_mean", "4.running_var"), new ArrayList<>(m.stateDict().keySet()));
  }

  @Test
  void namedLayersNameTheirParameters() {
    Sequential m = Sequential.builder(4).add("hidden", Dense.of(4, 3)).add("act", new ReLU())
        .add("out", Dense.of(3, 2)).build(1);
    assertEquals(List.of("hidden.weight", "hidden.bias", "out.weight", "out.bias"),
        new ArrayList<>(m.parameters().keySet()));
    assertEquals("Sequential: two layers are named 'a'", assertThrows(IllegalArgumentException.class,
        () -> Sequential.builder(4).add("a", new ReLU()).add("a", new Tanh()).build(1)).getMessage());
    assertEquals("Sequential: layer name 'a.b' for layer 0; expected a non-empty name without dots",
        assertThrows(IllegalArgumentException.class, () -> Sequential.builder(4).add("a.b", new ReLU())).getMessage());
  }

  @Test
  void aLayerBelongsToOneModel() {
    ReLU shared = new ReLU();
    Sequential.builder(3).add(shared).build(1);
    assertThrows(IllegalStateException.class, () -> Sequential.builder(3).add(shared).build(1));
  }

  @Test
  void theSameSeedGivesBitIdenticalWeights() {
    for (String name : Architectures.NAMES) {
      Map<String, Tensor> a = Architectures.byName(name, new int[] {1, 28, 28}, 10, 42).stateDict();
      Map<String, Tensor> b = Architectures.byName(name, new int[] {1, 28, 28}, 10, 42).stateDict();
      assertEquals(a.keySet(), b.keySet());
      a.forEach((k, t) -> assertArrayEquals(t.floatData(), b.get(k).floatData(), name + " " + k));
    }
  }

  @Test
  void aDifferentSeedGivesDifferentWeights() {
    for (String name : Architectures.NAMES) {
      Map<String, Tensor> a = Architectures.byName(name, new int[] {1, 28, 28}, 10, 42).stateDict();
      Map<String, Tensor> b = Architectures.byName(name, new int[] {1, 28, 28}, 10, 43).stateDict();
      int randomTensors = 0;
      for (String k : a.keySet()) {
        if (!k.endsWith(".weight") || a.get(k).floatData().length < 2 || isConstant(a.get(k))) continue;
        randomTensors++;
        assertFalse(Arrays.equals(a.get(k).floatData(), b.get(k).floatData()), name + " " + k + " is the same");
      }
      assertEquals(true, randomTensors >= 3, name + ": only " + randomTensors + " random weight tensors");
    }
  }

  /** Batch norm's weight starts at 1 whatever the seed. */
  private static boolean isConstant(Tensor t) {
    float[] d = t.floatData();
    for (float v : d) if (v != d[0]) return false;
    return true;
  }

  /** Each layer draws from its own child generator: one layer's draws do not shift the next one's. */
  @Test
  void eachLayerHasItsOwnStream() {
    Sequential a = Sequential.builder(4).add(Dense.of(4, 3)).add(Dense.of(3, 2)).build(7);
    Sequential b = Sequential.builder(4).add(Dense.builder(3).in(4).weightInit(Init.heNormal()).build())
        .add(Dense.of(3, 2)).build(7);
    assertFalse(Arrays.equals(a.parameters().get("0.weight").value().floatData(),
        b.parameters().get("0.weight").value().floatData()));
    assertArrayEquals(a.parameters().get("1.weight").value().floatData(),
        b.parameters().get("1.weight").value().floatData());
  }

  /** The gradient checks' substitution: checked by name and shape, and undone after the pass. */
  @Test
  void forwardWithSubstitutesForOnePassOnly() {
    Dense dense = Dense.of(2, 1);
    Sequential.builder(2).add(dense).build(1);
    Variable ownWeight = dense.parameters().get("weight");
    Variable x = Variable.constant(Tensor.of(new double[] {1, 2}, 1, 2));
    Variable y = dense.forwardWith(Map.of("weight", Variable.constant(Tensor.of(new double[] {3, 4}, 1, 2)),
        "bias", Variable.constant(Tensor.of(new double[] {0.5}, 1))), Map.of(), x, Mode.EVAL);
    assertEquals(1 * 3 + 2 * 4 + 0.5, y.value().getFlat(0));
    assertSame(ownWeight, dense.parameters().get("weight"));
    assertEquals("dense: no parameter named 'kernel'; the layer has [weight, bias]",
        assertThrows(IllegalArgumentException.class, () -> dense.forwardWith(Map.of("kernel", ownWeight), Map.of(), x,
            Mode.EVAL)).getMessage());
    assertEquals("dense: substitute parameter 'bias' has shape [2], expected [1]",
        assertThrows(IllegalArgumentException.class, () -> dense.forwardWith(
            Map.of("bias", Variable.constant(Tensor.of(new double[] {1, 2}, 2))), Map.of(), x, Mode.EVAL)).getMessage());
  }

  /**
   * Inference inside a {@link Workspace} scope gives the same outputs as outside; each hidden
   * layer's input goes back to the pool once the next output exists, so a model whose activations
   * repeat a size (conv-ReLU-conv-ReLU at one resolution) reuses them within one batch, and later
   * batches allocate nothing. ReLU works in place. Layers that return their input (dropout in
   * EVAL) or a view of it (flatten) keep it.
   */
  @Test
  void inferenceInsideAWorkspaceGivesTheSameOutputsAndReusesActivations() {
    Sequential m = Sequential.builder(2, 6, 6).add(Conv2d.builder(2, 4).kernel(3).padding(1).build())
        .add(BatchNorm2d.of(4)).add(new ReLU()).add(new Dropout(0.5))
        .add(Conv2d.builder(4, 4).kernel(3).padding(1).build()).add(new ReLU())
        .add(Conv2d.builder(4, 4).kernel(3).padding(1).build()).add(new ReLU()).add(new Flatten())
        .add(Dense.of(144, 3)).build(5);
    Tensor input = Tensor.uniform(new Rng(3), DType.FLOAT32, -1, 1, 5, 2, 6, 6);
    float[] expected;
    try (NoGrad g = NoGrad.enter()) {
      expected = m.forward(Variable.constant(input), Mode.EVAL).value().floatData().clone();
    }
    int activation = 5 * 4 * 6 * 6; // conv, batch norm, ReLU, conv, ReLU, conv, ReLU: seven of this size
    Workspace.Stats s0 = Workspace.stats();
    for (int batch = 0; batch < 3; batch++) {
      try (NoGrad g = NoGrad.enter(); Workspace ws = Workspace.open()) {
        Tensor x = Tensor.zeros(5, 2, 6, 6); // made inside the scope: borrowed, and still not given back
        System.arraycopy(input.floatData(), 0, x.floatData(), 0, x.size());
        Variable y = m.forward(Variable.constant(x), Mode.EVAL);
        assertArrayEquals(expected, y.value().floatData(), "batch " + batch);
        assertTrue(x.isLive(), "the model's input is not given back");
      }
      Workspace.Stats s = Workspace.stats();
      if (!Workspace.enabled()) continue;
      if (batch == 0) {
        assertTrue(s.allocatedElements() - s0.allocatedElements() <= 3L * activation + 15 + 5 * 72,
            "one batch allocated " + (s.allocatedElements() - s0.allocatedElements()) + " floats; without giving"
                + " inputs back it would take " + 7 * activation);
        s0 = s;
      } else {
        assertEquals(s0.allocatedElements(), s.allocatedElements(), "batch " + batch + " allocated");
      }
    }
  }

  /** In inference a ReLU after a convolution overwrites the convolution's output instead of allocating. */
  @Test
  void inferenceAppliesReluInPlaceOnAHiddenActivation() {
    Sequential m = Sequential.builder(2, 6, 6).add(Conv2d.builder(2, 4).kernel(3).padding(1).build())
        .add(new ReLU()).add(new Flatten()).add(Dense.of(144, 3)).build(5);
    Tensor x = Tensor.uniform(new Rng(3), DType.FLOAT32, -1, 1, 5, 2, 6, 6);
    float[] expected;
    try (NoGrad g = NoGrad.enter()) {
      expected = m.forward(Variable.constant(x), Mode.EVAL).value().floatData().clone();
    }
    try (Workspace empty = Workspace.open()) {
      // a scope that borrows nothing leaves the pool empty: what follows must allocate
    }
    Workspace.Stats s0 = Workspace.stats();
    try (NoGrad g = NoGrad.enter(); Workspace ws = Workspace.open()) {
      assertArrayEquals(expected, m.forward(Variable.constant(x), Mode.EVAL).value().floatData());
    }
    long allocated = Workspace.stats().allocatedElements() - s0.allocatedElements();
    if (Workspace.enabled()) {
      assertTrue(allocated < 2 * 5 * 4 * 6 * 6, "allocated " + allocated + " elements: the ReLU made its own array");
    }
    // A ReLU first: the model's input is never overwritten, even when it was borrowed too.
    Sequential reluFirst = Sequential.builder(2, 6, 6).add(new ReLU()).add(new ReLU()).add(new Flatten()).build(1);
    try (NoGrad g = NoGrad.enter(); Workspace ws = Workspace.open()) {
      Tensor borrowed = Tensor.zeros(5, 2, 6, 6);
      System.arraycopy(x.floatData(), 0, borrowed.floatData(), 0, x.size());
      Variable y = reluFirst.forward(Variable.constant(borrowed), Mode.EVAL);
      assertArrayEquals(x.floatData(), borrowed.floatData(), "the input changed");
      for (int i = 0; i < x.size(); i++) assertEquals(Math.max(x.getFlat(i), 0), y.value().getFlat(i));
    }
  }

  /**
   * In TRAIN mode only what no recorded op saved goes back early or changes in place: the
   * parameter-free layers before the first convolution act on a constant, so nothing records them
   * (the first ReLU's output goes back after the pool, the second ReLU works in place on the
   * pool's output, which the convolution then saves); backward gives the gradients of a run
   * without a scope.
   */
  @Test
  void trainingGivesBackOnlyWhatNoGraphHolds() {
    Sequential m = Sequential.builder(1, 4, 4).add(new ReLU()).add(MaxPool2d.of(2)).add(new ReLU())
        .add(Conv2d.builder(1, 2).kernel(1).build()).add(new ReLU()).add(new Flatten()).add(Dense.of(8, 2)).build(1);
    Sequential twin = Sequential.builder(1, 4, 4).add(new ReLU()).add(MaxPool2d.of(2)).add(new ReLU())
        .add(Conv2d.builder(1, 2).kernel(1).build()).add(new ReLU()).add(new Flatten()).add(Dense.of(8, 2)).build(1);
    Tensor x = Tensor.uniform(new Rng(1), DType.FLOAT32, -1, 1, 3, 1, 4, 4);
    twin.forward(Variable.constant(x), Mode.TRAIN).sum().backward();
    try (Workspace ws = Workspace.open()) {
      Variable y = m.forward(Variable.constant(x), Mode.TRAIN);
      y.sum().backward(); // would fail on a recycled activation saved for backward
      assertTrue(y.value().isLive());
    }
    for (String name : m.parameters().keySet()) {
      assertArrayEquals(twin.parameters().get(name).grad().floatData(), m.parameters().get(name).grad().floatData(),
          name);
    }
  }

  /**
   * A ReLU before a max pool runs after it when no observer watches (Sequential.runOrder): the
   * output, the input gradient and every parameter gradient are bit-identical to the strict order
   * (forced here by an observer). The input is quantised to a few values, so windows tie, hold
   * exact zeros and are wholly negative; the second pool has padding and overlapping windows.
   */
  @Test
  void reluBeforeMaxPoolRunsAfterItWithIdenticalResultsAndGradients() {
    Sequential m = Sequential.builder(2, 8, 8).add(new ReLU()).add(MaxPool2d.of(2))
        .add(Conv2d.builder(2, 3).kernel(3).padding(1).build()).add(new ReLU()).add(MaxPool2d.of(3, 2, 1))
        .add(new Flatten()).add(Dense.of(3 * 2 * 2, 4)).build(7);
    assertArrayEquals(new int[] {1, 0, 2, 4, 3, 5, 6}, Sequential.runOrder(m.layers()));
    Tensor x = Tensor.uniform(new Rng(11), DType.FLOAT32, -1, 1, 6, 2, 8, 8);
    for (int i = 0; i < x.size(); i++) x.setFlat(i, Math.round(x.getFlat(i) * 2) / 2f); // -1, -0.5, 0, 0.5, 1
    Map<String, float[]> grads = new java.util.HashMap<>();
    float[][] outputs = new float[2][], inputGrads = new float[2][];
    for (int run = 0; run < 2; run++) {
      for (Variable p : m.parameters().values()) p.zeroGrad();
      Variable in = Variable.leaf(x, true);
      Variable y = run == 0 ? m.forward(in, Mode.TRAIN) : m.forward(in, Mode.TRAIN, (h, i) -> {});
      y.mul(y).sum().backward();
      outputs[run] = y.value().floatData().clone();
      inputGrads[run] = in.grad().floatData().clone();
      for (Map.Entry<String, Variable> e : m.parameters().entrySet()) {
        float[] g = e.getValue().grad().floatData().clone();
        if (run == 0) grads.put(e.getKey(), g);
        else assertArrayEquals(grads.get(e.getKey()), g, e.getKey());
      }
    }
    assertArrayEquals(outputs[1], outputs[0]);
    assertArrayEquals(inputGrads[1], inputGrads[0]);
    long zeros = 0;
    for (float g : inputGrads[0]) if (g == 0) zeros++;
    assertTrue(zeros > 0 && zeros < inputGrads[0].length, "some gradients are cut by pool or ReLU: " + zeros);
  }
}
