package dev.cnn.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cnn.tensor.Conv2dSpec;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Pool2dSpec;
import dev.cnn.tensor.Pooling;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.Workspace;
import org.junit.jupiter.api.Test;

/** Forward and backward inside a {@link dev.cnn.tensor.Workspace} scope: the same numbers, and no silent reuse. */
class WorkspaceBackwardTest {
  private static final Tensor X = Tensor.uniform(new Rng(4), DType.FLOAT32, -1, 1, 2, 2, 6, 6);
  private static final Tensor W = Tensor.uniform(new Rng(5), DType.FLOAT32, -1, 1, 3, 2, 3, 3);

  /** conv, ReLU, max pool, sum; returns dL/dw. */
  private static float[] gradient() {
    Variable w = Variable.parameter(W.copy(), "w");
    Variable y = Ops.maxPool2d(Ops.relu(Ops.conv2d(Variable.constant(X), w, null, Conv2dSpec.of(1, 1))),
        Pool2dSpec.of(2));
    y.sum().backward();
    return w.grad().floatData().clone();
  }

  @Test
  void gradientsAreTheSameInsideAScopeStepAfterStep() {
    float[] expected = gradient();
    for (int step = 0; step < 3; step++) {
      try (Workspace ws = Workspace.open()) {
        assertArrayEquals(expected, gradient(), "step " + step);
      }
    }
  }

  @Test
  void maxPoolIndicesAreRecycledWithTheOutput() {
    assumeTrue(Workspace.enabled());
    Pooling.MaxPoolResult outside = Pooling.maxForward(X, Pool2dSpec.of(2));
    int[] first;
    try (Workspace ws = Workspace.open()) {
      first = Pooling.maxForward(X, Pool2dSpec.of(2)).indices();
    }
    try (Workspace ws = Workspace.open()) {
      Pooling.MaxPoolResult r = Pooling.maxForward(X, Pool2dSpec.of(2));
      assertSame(first, r.indices(), "the next scope reuses the index array");
      assertArrayEquals(outside.indices(), r.indices());
      assertArrayEquals(outside.output().floatData(), r.output().floatData());
    }
  }

  @Test
  void backwardAfterTheScopeClosedFailsLoudly() {
    assumeTrue(Workspace.enabled());
    Variable x = Variable.parameter(X.copy(), "x");
    Variable loss;
    try (Workspace ws = Workspace.open()) {
      loss = Ops.maxPool2d(x, Pool2dSpec.of(2)).sum();
    }
    IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
    assertTrue(e.getMessage().contains("Workspace"), e.getMessage());
  }

  @Test
  void anOutputGivenBackTakesItsIndicesAlongAndBackwardThenFailsLoudly() {
    assumeTrue(Workspace.enabled());
    Variable x = Variable.parameter(X.copy(), "x");
    try (Workspace ws = Workspace.open()) {
      Variable y = Ops.maxPool2d(x, Pool2dSpec.of(2));
      Variable loss = y.sum();
      Pooling.MaxPoolResult r = Pooling.maxForward(X, Pool2dSpec.of(2));
      int[] indices = r.indices();
      Workspace.giveBack(r.output());
      assertThrows(IllegalStateException.class, r::indices);
      assertSame(indices, Pooling.maxForward(X, Pool2dSpec.of(2)).indices(), "the indices went back with the output");
      Workspace.giveBack(y.value()); // what a careless caller could do to a recorded op's output
      IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
      assertTrue(e.getMessage().contains("Workspace"), e.getMessage());
    }
  }
}
