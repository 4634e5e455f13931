package dev.cnn.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * The engine's one thread pool.
 *
 * <p>Its size comes from {@link #setThreads}, else the system property {@code cnn.threads}, else
 * the environment variable {@code CNN_THREADS}, else {@link Runtime#availableProcessors()}.
 *
 * <p><b>Determinism.</b> {@link #forEach} runs {@code body(i)} once for each index; which thread
 * runs which index is up to the scheduler. Kernels therefore split work into tasks whose
 * boundaries do not depend on the thread count, and each task writes only its own outputs, so
 * results are bit-identical run after run and across thread counts.
 *
 * <p><b>No nesting.</b> A parallel region started from inside another runs sequentially on the
 * calling thread, so that kernels can call each other freely without oversubscribing the cores.
 */
public final class Parallel {
  private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> Boolean.FALSE);
  private static int threads = initialThreads();
  private static ForkJoinPool pool;

  private Parallel() {}

  private static int initialThreads() {
    String v = System.getProperty("cnn.threads", System.getenv("CNN_THREADS"));
    if (v == null || v.isBlank()) return Runtime.getRuntime().availableProcessors();
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= 1) return n;
    } catch (NumberFormatException ignored) {
      // fall through to the warning
    }
    Log.warn("cnn.threads / CNN_THREADS is '" + v + "', expected an integer >= 1; using "
        + Runtime.getRuntime().availableProcessors());
    return Runtime.getRuntime().availableProcessors();
  }

  /** Number of threads a parallel region uses (the caller counts as one). */
  public static synchronized int threads() {
    return threads;
  }

  /** Sets the number of threads (>= 1). Takes effect for the next parallel region. */
  public static synchronized void setThreads(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("threads is " + n + ", expected >= 1");
    }
    if (n != threads && pool != null) {
      // Not shut down: a region that took the old pool just before may still be submitting to
      // it. Its idle workers are daemons and end after the pool's keep-alive (60 s).
      pool = null;
    }
    threads = n;
  }

  private static synchronized ForkJoinPool pool() {
    if (pool == null && threads > 1) {
      // threads - 1 workers: the calling thread does its share too.
      pool = new ForkJoinPool(threads - 1, p -> {
        var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
        t.setName("cnn-worker-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
      }, null, false);
    }
    return pool;
  }

  /** True when called from inside a parallel region (nested regions run sequentially). */
  public static boolean inParallelRegion() {
    return INSIDE.get();
  }

  /**
   * Runs {@code body.accept(i)} for every {@code i} in [0, n), on up to {@link #threads()}
   * threads, and returns when all have finished. Exceptions from the body are rethrown.
   */
  public static void forEach(int n, IntConsumer body) {
    int t;
    ForkJoinPool p;
    synchronized (Parallel.class) {
      t = Math.min(threads, n);
      p = t > 1 && !INSIDE.get() ? pool() : null;
    }
    if (p == null) {
      runRange(n, body);
      return;
    }
    AtomicInteger next = new AtomicInteger();
    // The first failure, from whichever thread: rethrown as is (a ForkJoinTask would rethrow a
    // copy made by reflection, whose message differs), and it stops the other threads early.
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Runnable worker = () -> {
      INSIDE.set(Boolean.TRUE);
      try {
        for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) body.accept(i);
      } catch (RuntimeException | Error e) {
        failure.compareAndSet(null, e);
        next.set(n);
      } finally {
        INSIDE.set(Boolean.FALSE);
      }
    };
    ForkJoinTask<?>[] helpers = new ForkJoinTask<?>[t - 1];
    for (int i = 0; i < helpers.length; i++) helpers[i] = p.submit(worker);
    worker.run();
    for (ForkJoinTask<?> h : helpers) h.join();
    Throwable f = failure.get();
    if (f instanceof RuntimeException) throw (RuntimeException) f;
    if (f instanceof Error) throw (Error) f;
  }

  private static void runRange(int n, IntConsumer body) {
    boolean outer = !INSIDE.get();
    if (outer) INSIDE.set(Boolean.TRUE);
    try {
      for (int i = 0; i < n; i++) body.accept(i);
    } finally {
      if (outer) INSIDE.set(Boolean.FALSE);
    }
  }
}
