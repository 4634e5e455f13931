package dev.cnn.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WorkspaceTest {
  @BeforeEach
  void pooling() {
    assumeTrue(Workspace.enabled(), "cnn.workspace=off: scopes do not pool");
    assertFalse(Workspace.active(), "a test left a scope open");
  }

  @AfterEach
  void noScopeLeftOpen() {
    assertFalse(Workspace.active(), "the test left a scope open");
  }

  @Test
  void theNextScopeReusesTheArraysOfTheLastOneZeroed() {
    float[] first;
    try (Workspace ws = Workspace.open()) {
      Tensor t = Tensor.zeros(3, 5);
      Arrays.fill(t.floatData(), 7f);
      first = t.floatData();
    }
    try (Workspace ws = Workspace.open()) {
      Tensor u = Tensor.zeros(5, 3); // same length, another shape
      assertSame(first, u.floatData());
      assertArrayEquals(new float[15], u.floatData(), "a reused array is zeroed");
      Tensor v = Tensor.full(DType.FLOAT32, 2, 15); // a second one of the same length is new
      assertNotSame(first, v.floatData());
      assertEquals(2f, v.floatData()[14]);
    }
  }

  /**
   * The kernels that borrow arrays without zeroing them ({@link Tensor#forOverwrite}) write every
   * element: with the pool full of NaN-filled arrays of every size they borrow, each result equals
   * the one computed outside any scope, bit for bit.
   */
  @Test
  void kernelsThatBorrowUnzeroedArraysOverwriteEveryElement() {
    Rng rng = new Rng(11);
    Tensor x = Tensor.zeros(2, 1, 9, 20), w = Tensor.zeros(4, 1, 3, 3), b = Tensor.zeros(4);
    Tensor x2 = Tensor.zeros(2, 3, 6, 6), w2 = Tensor.zeros(5, 3, 3, 3);
    for (Tensor t : new Tensor[] {x, w, b, x2, w2}) {
      float[] d = t.floatData();
      for (int i = 0; i < d.length; i++) d[i] = (float) rng.uniform(-1, 1);
    }
    Conv2dSpec pad1 = Conv2dSpec.of(1, 1);
    java.util.function.Supplier<Tensor[]> ops = () -> {
      Tensor y = Convolution.forward(x, w, b, pad1); // the direct kernel (vector mode)
      Tensor y2 = Convolution.forward(x2, w2, null, pad1); // im2col + GEMM
      Tensor relu = TensorMath.relu(y);
      Pooling.MaxPoolResult pool = Pooling.maxForward(relu, Pool2dSpec.of(2));
      return new Tensor[] {y, y2, relu, pool.output(), Pooling.avgForward(y, Pool2dSpec.of(2)),
          Convolution.backwardInput(y2, w2, x2.shape(), pad1), Convolution.backwardWeight(x, y, w.shape(), pad1),
          TensorMath.add(y, relu), TensorMath.binary(BinaryOp.MUL, y, 0.5), TensorMath.binary(BinaryOp.SUB, 1.0, y),
          TensorMath.scaleShift(y, 2, 1), TensorMath.wherePositive(y, relu)};
    };
    Tensor[] expected = ops.get();
    try (Workspace ws = Workspace.open()) {
      for (Tensor t : expected) Arrays.fill(Tensor.zeros(t.shape()).floatData(), Float.NaN);
    }
    try (Workspace ws = Workspace.open()) {
      Tensor[] got = ops.get();
      for (int i = 0; i < got.length; i++) {
        assertArrayEquals(expected[i].floatData(), got[i].floatData(), "result " + i + " " + Shapes.format(got[i].shape()));
      }
    }
  }

  @Test
  void aTensorFromAClosedScopeFailsLoudlyInsteadOfShowingOtherNumbers() {
    Tensor t;
    Tensor view;
    try (Workspace ws = Workspace.open()) {
      t = Tensor.zeros(2, 4);
      view = t.reshape(8);
      assertTrue(t.isLive());
    }
    assertFalse(t.isLive());
    assertFalse(view.isLive(), "a view dies with its storage");
    IllegalStateException e = assertThrows(IllegalStateException.class, t::floatData);
    assertTrue(e.getMessage().contains("FLOAT32 [2, 4]"), e.getMessage());
    assertTrue(e.getMessage().contains("Workspace scope that has closed"), e.getMessage());
    assertTrue(e.getMessage().contains("copy()"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> view.getFlat(0));
    assertThrows(IllegalStateException.class, () -> t.setFlat(0, 1));
    assertThrows(IllegalStateException.class, t::copy);
    assertTrue(t.toString().contains("recycled"), t.toString());
  }

  @Test
  void copiesWrapsAndTensorsMadeOutsideOutliveTheScope() {
    Tensor outside = Tensor.zeros(4);
    float[] mine = {1, 2, 3};
    Tensor copy;
    Tensor wrapped;
    Tensor doubles;
    try (Workspace ws = Workspace.open()) {
      Tensor t = Tensor.full(DType.FLOAT32, 5, 4);
      copy = t.copy();
      wrapped = Tensor.wrap(mine, 3);
      doubles = Tensor.zeros(DType.FLOAT64, 4); // float64 is not pooled
      outside.floatData()[0] = 1;
    }
    assertTrue(outside.isLive() && copy.isLive() && wrapped.isLive() && doubles.isLive());
    assertEquals(5.0, copy.getFlat(3));
    assertEquals(1.0, outside.getFlat(0));
    assertSame(mine, wrapped.floatData());
  }

  @Test
  void scopesDoNotNestTheInnerCloseRecyclesNothing() {
    Tensor t;
    try (Workspace outer = Workspace.open()) {
      try (Workspace inner = Workspace.open()) {
        t = Tensor.zeros(6);
      }
      assertTrue(t.isLive(), "only the outermost close recycles");
      assertTrue(Workspace.active());
    }
    assertFalse(t.isLive());
    assertFalse(Workspace.active());
  }

  @Test
  void closingOnAnotherThreadIsAnErrorAndClosingTwiceDoesNothing() throws Exception {
    Tensor t;
    Workspace outer = Workspace.open();
    try {
      AtomicReference<Throwable> fromOther = new AtomicReference<>();
      Thread other = new Thread(() -> {
        try {
          outer.close();
        } catch (Throwable e) {
          fromOther.set(e);
        }
      }, "other");
      other.start();
      other.join();
      assertTrue(fromOther.get() instanceof IllegalStateException, String.valueOf(fromOther.get()));
      assertTrue(fromOther.get().getMessage().contains("opened on"), fromOther.get().getMessage());
      assertTrue(Workspace.active(), "the failed close closed nothing");

      Workspace inner = Workspace.open();
      t = Tensor.zeros(7);
      inner.close();
      inner.close(); // a redundant close of the inner handle must not end the outer scope
      assertTrue(Workspace.active());
      assertTrue(t.isLive());
    } finally {
      outer.close();
    }
    assertFalse(t.isLive());
    outer.close(); // again: nothing happens
    assertFalse(Workspace.active());
  }

  @Test
  void otherThreadsAllocateAsUsualWhileAScopeIsOpen() throws Exception {
    AtomicReference<Tensor> made = new AtomicReference<>();
    try (Workspace ws = Workspace.open()) {
      Thread loader = new Thread(() -> made.set(Tensor.full(DType.FLOAT32, 3, 10)));
      loader.start();
      loader.join();
    }
    assertTrue(made.get().isLive());
    assertEquals(3.0, made.get().getFlat(9));
  }

  @Test
  void arraysAWholeScopeDidNotAskForAreDropped() {
    float[] ten;
    float[] twenty;
    try (Workspace ws = Workspace.open()) {
      ten = Tensor.zeros(10).floatData();
      twenty = Tensor.zeros(20).floatData();
    }
    try (Workspace ws = Workspace.open()) { // e.g. the smaller last batch of an epoch
      assertSame(ten, Tensor.zeros(10).floatData());
    }
    assertEquals(10, Workspace.stats().freeElements(), "the pool holds the last scope's arrays only");
    try (Workspace ws = Workspace.open()) {
      assertNotSame(twenty, Tensor.zeros(20).floatData());
    }
  }

  @Test
  void anArrayGivenBackEarlyIsLentAgainInTheSameScope() {
    try (Workspace ws = Workspace.open()) {
      Tensor a = Tensor.full(DType.FLOAT32, 1, 32);
      float[] storage = a.floatData();
      Workspace.giveBack(a);
      assertFalse(a.isLive());
      Workspace.giveBack(a); // twice: nothing more happens
      Tensor b = Tensor.zeros(32);
      Tensor c = Tensor.zeros(32);
      assertSame(storage, b.floatData());
      assertNotSame(storage, c.floatData(), "given back once, lent once");
      assertEquals(0.0, b.getFlat(31));
      Workspace.giveBack(a); // after the array was lent again: b keeps it
      assertNotSame(storage, Tensor.zeros(32).floatData(), "a's late give-back must not free b's array");
      assertTrue(b.isLive());
    }
    Tensor outside = Tensor.zeros(32);
    Workspace.giveBack(outside); // not borrowed: nothing happens
    assertTrue(outside.isLive());
  }

  @Test
  void givingBackAViewGivesBackItsStorage() {
    try (Workspace ws = Workspace.open()) {
      Tensor base = Tensor.zeros(4, 6);
      Workspace.giveBack(base.reshape(24));
      assertFalse(base.isLive(), "the base shares the storage");
      assertSame(base.lease().array, Tensor.zeros(24).lease().array);
    }
  }

  @Test
  void anotherThreadCannotGiveBackThisThreadsTensor() throws Exception {
    try (Workspace ws = Workspace.open()) {
      Tensor t = Tensor.zeros(11);
      Thread other = new Thread(() -> Workspace.giveBack(t));
      other.start();
      other.join();
      assertTrue(t.isLive());
    }
  }

  @Test
  void statsCountReusedAndAllocatedFloats() {
    Workspace.Stats s0 = Workspace.stats();
    for (int step = 0; step < 3; step++) {
      try (Workspace ws = Workspace.open()) {
        Tensor.zeros(1009); // lengths no other test uses
        Tensor.zeros(503);
      }
    }
    Workspace.Stats s = Workspace.stats();
    assertEquals(1512, s.allocatedElements() - s0.allocatedElements(), "the first scope allocates");
    assertEquals(3024, s.reusedElements() - s0.reusedElements(), "the next two reuse");
    assertEquals(1512, s.freeElements());
    assertTrue(Workspace.describe().startsWith("workspace on: "), Workspace.describe());
  }

  @Test
  void intsBesideATensorAreBorrowedAndReturnedWithIt() {
    int[] plain = Workspace.intsBeside(Tensor.zeros(6), 6); // outside a scope: a new array
    assertEquals(6, plain.length);
    int[] first;
    try (Workspace ws = Workspace.open()) {
      Tensor out = Tensor.zeros(1013);
      first = Workspace.intsBeside(out, 1013);
      Arrays.fill(first, 9);
      assertNotSame(first, Workspace.intsBeside(out, 1013), "one int array per tensor; a second is a new one");
      assertNotSame(first, Workspace.intsBeside(Tensor.wrap(new float[3], 3), 1013), "not borrowed: new");
    }
    assertEquals(2 * 1013, Workspace.stats().freeElements(), "the float array and its ints are free");
    try (Workspace ws = Workspace.open()) {
      Tensor out = Tensor.zeros(1013);
      int[] again = Workspace.intsBeside(out, 1013);
      assertSame(first, again);
      assertEquals(0, again[1012], "zeroed");
      Workspace.giveBack(out);
      assertSame(again, Workspace.intsBeside(Tensor.zeros(1013), 1013), "given back with its tensor");
    }
    try (Workspace ws = Workspace.open()) {
      // a scope that asks for nothing
    }
    assertEquals(0, Workspace.stats().freeElements(), "unused for a whole scope: dropped");
  }
}
