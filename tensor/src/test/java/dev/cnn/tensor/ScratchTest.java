package dev.cnn.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The kernels' per-thread scratch buffers: reused, bounded, and visible. */
class ScratchTest {
  @Test
  void aSlotHandsTheSameArrayBackAndGrowsToTheLargestRequest() throws Exception {
    Scratch.Slot slot = new Scratch.Slot("test reuse");
    // On a fresh thread, so that what other tests left on this one does not count.
    AtomicLong[] held = {new AtomicLong(), new AtomicLong(), new AtomicLong()};
    Thread t = new Thread(() -> {
      float[] a = slot.floats(100);
      assertSame(a, slot.floats(50), "a smaller request reuses the array");
      held[0].set(Scratch.heldBytes());
      float[] b = slot.floats(1000);
      assertNotSame(a, b);
      assertSame(b, slot.floats(1000));
      held[1].set(Scratch.heldBytes());
      held[2].set(Scratch.heldBytesByThread().get(Thread.currentThread().getName()));
    }, "scratch-test-reuse");
    t.start();
    t.join();
    assertEquals(400, held[0].get());
    assertEquals(4000, held[1].get());
    assertEquals(4000, held[2].get());
  }

  @Test
  void requestsAboveTheBoundAreNotKept() throws Exception {
    Scratch.Slot slot = new Scratch.Slot("test bound");
    long[] held = new long[2];
    Thread t = new Thread(() -> {
      float[] small = slot.floats(10);
      float[] big = slot.floats(Scratch.MAX_KEPT_FLOATS + 1);
      assertEquals(Scratch.MAX_KEPT_FLOATS + 1, big.length);
      assertNotSame(big, slot.floats(Scratch.MAX_KEPT_FLOATS + 1), "each call gets its own");
      held[0] = Scratch.heldBytes(); // still the small one only
      assertSame(small, slot.floats(10));
      slot.floats(Scratch.MAX_KEPT_FLOATS); // at the bound: kept
      held[1] = Scratch.heldBytes();
    }, "scratch-test-bound");
    t.start();
    t.join();
    assertEquals(40, held[0]);
    assertEquals(4L * Scratch.MAX_KEPT_FLOATS, held[1]);
  }

  /** A real convolution and GEMM leave each thread with at most (slots x bound) bytes, and say so. */
  @Test
  void kernelsReportWhatTheirThreadsHold() {
    Rng rng = new Rng(7);
    Tensor x = Tensor.zeros(DType.FLOAT32, 8, 4, 12, 12);
    Tensor w = Tensor.zeros(DType.FLOAT32, 8, 4, 3, 3);
    for (int i = 0; i < x.size(); i++) x.setFlat(i, rng.nextDouble());
    for (int i = 0; i < w.size(); i++) w.setFlat(i, rng.nextDouble());
    Tensor y = Convolution.forward(x, w, null, Conv2dSpec.of(1, 1));
    Convolution.backwardWeight(x, y, w.shape(), Conv2dSpec.of(1, 1));
    Map<String, Long> held = Scratch.heldBytesByThread();
    if (Kernels.mode() == KernelMode.VECTOR) {
      assertTrue(Scratch.heldBytes() > 0 || held.keySet().stream().anyMatch(n -> n.startsWith("cnn-worker")),
          Scratch.describe());
    }
    for (Map.Entry<String, Long> e : held.entrySet()) {
      assertTrue(e.getValue() <= 16L * 4 * Scratch.MAX_KEPT_FLOATS, e.getKey() + " holds " + e.getValue());
    }
    assertTrue(Scratch.describe().startsWith("scratch buffers"), Scratch.describe());
  }
}
