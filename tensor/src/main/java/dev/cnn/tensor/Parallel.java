package dev.cnn.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
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
 * Nor do two threads of the application share the pool at once: a region started while another
 * thread's region is running runs on its own thread.
 *
 * <p><b>Why not a ForkJoinPool.</b> A training step runs a few hundred parallel regions of
 * 0.1-2 ms each (one per convolution chunk, GEMM k-block, element-wise kernel), with short serial
 * gaps between them in which the workers have nothing to do. A ForkJoinPool worker parks almost at
 * once, and waking a parked thread took about 100 us per region on these machines (8 us when it
 * was still awake): a tenth of a 1024^3 GEMM on two threads. The workers here spin for
 * {@code cnn.spinMicros} (default {@value #DEFAULT_SPIN_MICROS} us, system property) before they
 * park, as OpenMP runtimes do; the spin costs nothing when the next region comes soon, and at most
 * that much CPU time per gap when it does not.
 */
public final class Parallel {
  static final int DEFAULT_SPIN_MICROS = 200;
  private static final long SPIN_NANOS = 1000L * Math.max(0, Integer.getInteger("cnn.spinMicros", DEFAULT_SPIN_MICROS));
  private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> Boolean.FALSE);
  private static int threads = initialThreads();
  private static Pool pool;

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
      pool.retire(); // its workers end once a region that took it just before has finished
      pool = null;
    }
    threads = n;
  }

  private static synchronized Pool pool() {
    if (pool == null && threads > 1) pool = new Pool(threads - 1);
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
    Pool p;
    synchronized (Parallel.class) {
      p = Math.min(threads, n) > 1 && !INSIDE.get() ? pool() : null;
    }
    if (p == null || !p.lock.tryLock()) {
      runRange(n, body);
      return;
    }
    try {
      p.run(n, body);
    } finally {
      p.lock.unlock();
    }
  }

  /**
   * Like {@link #forEach}, but hands out the indices in blocks of {@code block} consecutive ones
   * ({@code [0, block)}, {@code [block, 2 block)}, ...), each run in index order by one thread.
   * For bodies of a microsecond or less (one 7x7 pooling plane), where handing out each index on
   * its own costs more than the work: 4096 such planes took 1.2 ms on two threads against 0.2 ms
   * on one. The blocks depend on n and block only, never on the thread count.
   *
   * @throws IllegalArgumentException if block < 1
   */
  public static void forEach(int n, int block, IntConsumer body) {
    if (block < 1) throw new IllegalArgumentException("block is " + block + ", expected >= 1");
    if (block == 1) {
      forEach(n, body);
      return;
    }
    forEach((n + block - 1) / block, b -> {
      for (int i = b * block, end = Math.min(n, i + block); i < end; i++) body.accept(i);
    });
  }

  /**
   * A block size for {@link #forEach(int, int, IntConsumer)} that gives each task about
   * {@code elements} elements when one index covers {@code perIndex} of them: at least 1.
   */
  public static int blockFor(int perIndex, int elements) {
    return Math.max(1, elements / Math.max(1, perIndex));
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

  /**
   * One parallel region: the indices are handed out by {@link #next}; {@link #active} counts the
   * threads inside {@link #work}. The region is over when every index has been handed out and no
   * thread is still working: a worker that arrives later finds {@code next >= n} and leaves.
   */
  private static final class Region {
    final int n;
    final IntConsumer body;
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger active = new AtomicInteger();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    final Thread caller = Thread.currentThread();
    volatile boolean callerParked;

    Region(int n, IntConsumer body) {
      this.n = n;
      this.body = body;
    }

    /** Takes indices until none is left; the first failure stops the others early. */
    void work() {
      try {
        for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) body.accept(i);
      } catch (RuntimeException | Error e) {
        failure.compareAndSet(null, e);
        next.set(n);
      }
    }

    boolean finished() {
      return next.get() >= n && active.get() == 0;
    }
  }

  /** Worker threads that spin, then park, between regions. */
  private static final class Pool {
    final ReentrantLock lock = new ReentrantLock();
    final Thread[] workers;
    final AtomicInteger parked = new AtomicInteger();
    volatile Region current;
    volatile boolean retired;

    Pool(int size) {
      workers = new Thread[size];
      for (int w = 0; w < size; w++) {
        Thread t = new Thread(this::loop, "cnn-worker-" + w);
        t.setDaemon(true);
        workers[w] = t;
      }
      for (Thread t : workers) t.start();
    }

    void run(int n, IntConsumer body) {
      Region r = new Region(n, body);
      current = r; // publish, then wake whoever parked (a worker re-checks after announcing it)
      if (parked.get() > 0) {
        for (Thread t : workers) LockSupport.unpark(t);
      }
      INSIDE.set(Boolean.TRUE);
      try {
        r.work();
        // Wait for the workers still inside: spin first (they usually finish within microseconds
        // of each other), then park until the last one out unparks this thread.
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (!r.finished()) {
          if (System.nanoTime() < spinUntil) {
            Thread.onSpinWait();
          } else {
            r.callerParked = true;
            if (!r.finished()) LockSupport.parkNanos(r, 1_000_000L);
          }
        }
      } finally {
        INSIDE.set(Boolean.FALSE);
      }
      Throwable f = r.failure.get();
      if (f instanceof RuntimeException) throw (RuntimeException) f;
      if (f instanceof Error) throw (Error) f;
    }

    void retire() {
      retired = true;
      for (Thread t : workers) LockSupport.unpark(t);
    }

    private void loop() {
      INSIDE.set(Boolean.TRUE); // a worker's own calls to forEach run sequentially
      Region seen = null;
      while (!retired) {
        Region r = current;
        if (r == seen) {
          r = await(seen);
          if (r == null) continue;
        }
        seen = r;
        r.active.incrementAndGet();
        r.work();
        if (r.active.decrementAndGet() == 0 && r.callerParked) LockSupport.unpark(r.caller);
      }
    }

    /** Spins, then parks, until a region other than {@code seen} is published (or retired). */
    private Region await(Region seen) {
      long spinUntil = System.nanoTime() + SPIN_NANOS;
      while (System.nanoTime() < spinUntil) {
        Region r = current;
        if (r != seen || retired) return r == seen ? null : r;
        Thread.onSpinWait();
      }
      parked.incrementAndGet();
      try {
        Region r = current; // re-check after announcing: run() reads 'parked' after publishing
        if (r != seen || retired) return r == seen ? null : r;
        LockSupport.park(this);
        return null; // look again (possibly a spurious wake-up)
      } finally {
        parked.decrementAndGet();
      }
    }
  }
}
