package dev.cnn.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
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

  @Test
  void aThreadCountAboveFourPerProcessorIsRefusedWithTheBoundAndTheFix() {
    int processors = Runtime.getRuntime().availableProcessors();
    int max = 4 * processors;
    var e = assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(10_000 + max));
    assertEquals("threads " + (10_000 + max) + ": at most " + max + " (4 x " + processors + " processors); use"
        + " --threads N or CNN_THREADS with N <= " + max, e.getMessage());
    int saved = Parallel.threads();
    try {
      Parallel.setThreads(max); // the bound itself is allowed
      assertEquals(max, Parallel.threads());
    } finally {
      Parallel.setThreads(saved);
    }
  }

  @Test
  void threadSettingsAreParsedWithMessagesThatNameTheSource() {
    assertEquals(3, Parallel.parseThreads(" 3 ", "CNN_THREADS", 2));
    assertEquals(8, Parallel.parseThreads("8", "CNN_THREADS", 2));
    var tooMany = assertThrows(IllegalArgumentException.class, () -> Parallel.parseThreads("10000", "CNN_THREADS", 2));
    assertEquals("CNN_THREADS=10000: at most 8 (4 x 2 processors); use CNN_THREADS=N with N <= 8", tooMany.getMessage());
    var zero = assertThrows(IllegalArgumentException.class, () -> Parallel.parseThreads("0", "-Dcnn.threads", 2));
    assertTrue(zero.getMessage().startsWith("-Dcnn.threads=0: expected >= 1"), zero.getMessage());
    var word = assertThrows(IllegalArgumentException.class, () -> Parallel.parseThreads("many", "CNN_THREADS", 2));
    assertTrue(word.getMessage().contains("CNN_THREADS=many is not a whole number"), word.getMessage());
    assertTrue(word.getMessage().contains("1 <= N <= 8"), word.getMessage());
  }

  @Test
  void theSpinSettingIsBounded() {
    assertEquals(Parallel.DEFAULT_SPIN_MICROS, Parallel.spinMicros(null));
    assertEquals(50, Parallel.spinMicros("50"));
    assertEquals(0, Parallel.spinMicros("0"));
    assertEquals(Parallel.DEFAULT_SPIN_MICROS, Parallel.spinMicros("1000000")); // warned, default
    assertEquals(Parallel.DEFAULT_SPIN_MICROS, Parallel.spinMicros("-5"));
    assertEquals(Parallel.DEFAULT_SPIN_MICROS, Parallel.spinMicros("soon"));
  }

  /**
   * After a region the workers park (a spinning worker is RUNNABLE). No wall-clock assertion:
   * the poll allows seconds, the spin is 200 us. A stray unpark (a permit left for a worker that
   * was spinning) must not set it spinning again for long either.
   */
  @Test
  void idleWorkersPark() throws InterruptedException {
    int saved = Parallel.threads();
    try {
      Parallel.setThreads(3);
      AtomicInteger sum = new AtomicInteger();
      for (int round = 0; round < 50; round++) Parallel.forEach(64, sum::addAndGet);
      assertEquals(2, Parallel.workers().size());
      awaitAllParked();
      for (Thread t : Parallel.workers()) java.util.concurrent.locks.LockSupport.unpark(t);
      awaitAllParked();
    } finally {
      Parallel.setThreads(saved);
    }
  }

  private static void awaitAllParked() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      boolean allParked = true;
      StringBuilder states = new StringBuilder();
      for (Thread t : Parallel.workers()) {
        Thread.State st = t.getState();
        states.append(t.getName()).append('=').append(st).append(' ');
        allParked &= st == Thread.State.WAITING || st == Thread.State.TIMED_WAITING;
      }
      if (allParked) return;
      if (System.nanoTime() > deadline) {
        throw new AssertionError("workers still not parked after 20 s: " + states);
      }
      Thread.sleep(1);
    }
  }
}
