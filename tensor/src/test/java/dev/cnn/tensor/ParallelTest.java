package dev.cnn.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {
  @Test
  void everyIndexRunsExactlyOnce() {
    int saved = Parallel.threads();
    try {
      for (int threads : new int[] {1, 2, 4}) {
        Parallel.setThreads(threads);
        AtomicIntegerArray hits = new AtomicIntegerArray(1000);
        Parallel.forEach(1000, hits::incrementAndGet);
        for (int i = 0; i < 1000; i++) assertEquals(1, hits.get(i), "index " + i);
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }

  @Test
  void nestedRegionsRunOnTheCallingThread() {
    int saved = Parallel.threads();
    try {
      Parallel.setThreads(2);
      AtomicInteger nestedOnOtherThread = new AtomicInteger();
      Parallel.forEach(8, i -> {
        assertTrue(Parallel.inParallelRegion());
        Thread outer = Thread.currentThread();
        Parallel.forEach(4, j -> {
          if (Thread.currentThread() != outer) nestedOnOtherThread.incrementAndGet();
        });
      });
      assertEquals(0, nestedOnOtherThread.get());
      assertFalse(Parallel.inParallelRegion());
    } finally {
      Parallel.setThreads(saved);
    }
  }

  @Test
  void exceptionsPropagateAndBadSettingsAreRejected() {
    int saved = Parallel.threads();
    try {
      for (int threads : new int[] {1, 2, 4}) {
        Parallel.setThreads(threads);
        // Whichever thread runs index 7, the caller sees the original exception.
        for (int round = 0; round < 20; round++) {
          var e = assertThrows(IllegalStateException.class, () -> Parallel.forEach(10, i -> {
            if (i == 7) throw new IllegalStateException("boom at 7");
          }));
          assertEquals("boom at 7", e.getMessage());
        }
      }
    } finally {
      Parallel.setThreads(saved);
    }
    assertFalse(Parallel.inParallelRegion());
    var bad = assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
    assertTrue(bad.getMessage().contains("expected >= 1"));
  }
}
