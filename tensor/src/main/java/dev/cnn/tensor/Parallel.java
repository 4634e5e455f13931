package dev.cnn.tensor;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * The engine's one thread pool.
 *
 * <p>Its size comes from {@link #setThreads}, else the system property {@code cnn.threads}, else
 * the environment variable {@code CNN_THREADS}, else {@link Runtime#availableProcessors()}. It is
 * at most {@value #MAX_THREADS_PER_PROCESSOR} x the available processors: more threads than that
 * only compete for the cores, and a typo such as 10000 would start ten thousand spinning threads.
 * {@link #setThreads} refuses a larger count with an {@link IllegalArgumentException}; a bad
 * {@code cnn.threads} / {@code CNN_THREADS} value (not a whole number, below 1, above the bound)
 * is reported once as a warning and the default is used, since it is read while this class
 * initialises, where an exception would make the class unusable.
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
 * <p><b>Why not a ForkJoinPool.</b> A training step runs a few hundred short parallel
 * regions (one per convolution chunk, GEMM k-block, element-wise kernel), with short serial
 * gaps between them in which the workers have nothing to do. A ForkJoinPool worker parks almost at
 * once, and waking a parked thread costs more than ten times as much as handing work to one that
 * is still awake: a tenth of a 1024^3 GEMM on two threads (bench/README.md, "Figures behind the
 * kernel choices"). The workers here spin for
 * {@code cnn.spinMicros} (default {@value #DEFAULT_SPIN_MICROS} us, at most
 * {@value #MAX_SPIN_MICROS} us, system property) before they park, as OpenMP runtimes do; the spin
 * costs nothing when the next region comes soon, and at most that much CPU time per gap when it
 * does not.
 *
 * <p><b>Idle workers park.</b> A worker spins once per gap between regions: when the spin ends
 * without a new region it parks, and a wake-up that brings no new region (a spurious one, or an
 * unpark meant for an earlier region) parks it again at once, without spinning again. So within
 * {@code cnn.spinMicros} of the end of a region every worker is parked ({@link Thread.State#WAITING})
 * until the next region, whatever happens meanwhile. The caller of a region spins as long while it
 * waits for the last worker, then parks in steps of a millisecond.
 */
public final class Parallel {
  static final int DEFAULT_SPIN_MICROS = 200;
  /** Upper bound on {@code cnn.spinMicros}: idle workers never keep a core busy for longer. */
  static final int MAX_SPIN_MICROS = 1000;
  /** Threads allowed per available processor. */
  static final int MAX_THREADS_PER_PROCESSOR = 4;
  private static final long SPIN_NANOS = 1000L * spinMicros(System.getProperty("cnn.spinMicros"));
  private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> Boolean.FALSE);
  private static int threads = initialThreads();
  private static Pool pool;

  private Parallel() {}

  private static int initialThreads() {
    String property = System.getProperty("cnn.threads");
    String value = property != null ? property : System.getenv("CNN_THREADS");
    int processors = Runtime.getRuntime().availableProcessors();
    if (value == null || value.isBlank()) return processors;
    try {
      return parseThreads(value, property != null ? "-Dcnn.threads" : "CNN_THREADS", processors);
    } catch (IllegalArgumentException e) {
      Log.warn(e.getMessage() + "; using " + processors);
      return processors;
    }
  }

  /**
   * The thread count a setting asks for.
   *
   * @param value the setting, e.g. "4"
   * @param source where it came from, for the message: {@code -Dcnn.threads} or {@code CNN_THREADS}
   * @param processors the available processors
   * @throws IllegalArgumentException when the value is not a whole number in
   *     {@code [1, MAX_THREADS_PER_PROCESSOR x processors]}, naming the value, the bound and the fix
   */
  static int parseThreads(String value, String source, int processors) {
    int n;
    try {
      n = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(source + "=" + value + " is not a whole number; set it to N with 1 <= N <= "
          + maxThreads(processors) + " (" + MAX_THREADS_PER_PROCESSOR + " x " + processors + " processors), or unset it");
    }
    checkThreads(n, processors, source + "=" + value.trim(), source + "=N with N");
    return n;
  }

  /** The largest thread count allowed with this many processors. */
  static int maxThreads(int processors) {
    return MAX_THREADS_PER_PROCESSOR * Math.max(1, processors);
  }

  /** Throws unless 1 <= n <= maxThreads; {@code what} names the setting, {@code fix} the way to change it. */
  private static void checkThreads(int n, int processors, String what, String fix) {
    if (n < 1) {
      throw new IllegalArgumentException(what + ": expected >= 1; use " + fix + " >= 1");
    }
    int max = maxThreads(processors);
    if (n > max) {
      throw new IllegalArgumentException(what + ": at most " + max + " (" + MAX_THREADS_PER_PROCESSOR
          + " x " + processors + " processors); use " + fix + " <= " + max);
    }
  }

  /** The spin before parking, in microseconds, from the {@code cnn.spinMicros} setting (or null). */
  static int spinMicros(String value) {
    if (value == null || value.isBlank()) return DEFAULT_SPIN_MICROS;
    try {
      int us = Integer.parseInt(value.trim());
      if (us >= 0 && us <= MAX_SPIN_MICROS) return us;
    } catch (NumberFormatException ignored) {
      // fall through to the warning
    }
    Log.warn("-Dcnn.spinMicros=" + value + " is not a whole number of microseconds in [0, " + MAX_SPIN_MICROS
        + "]; using " + DEFAULT_SPIN_MICROS);
    return DEFAULT_SPIN_MICROS;
  }

  /** The most threads {@link #setThreads} accepts on this machine: 4 x the available processors. */
  public static int maxThreads() {
    return MAX_THREADS_PER_PROCESSOR * Runtime.getRuntime().availableProcessors();
  }

  /** Number of threads a parallel region uses (the caller counts as one). */
  public static synchronized int threads() {
    return threads;
  }

  /**
   * Sets the number of threads. Takes effect for the next parallel region.
   *
   * @throws IllegalArgumentException when n is below 1 or above {@value #MAX_THREADS_PER_PROCESSOR}
   *     x {@link Runtime#availableProcessors()}, naming n, the bound and the fix
   */
  public static synchronized void setThreads(int n) {
    checkThreads(n, Runtime.getRuntime().availableProcessors(), "threads " + n, "--threads N or CNN_THREADS with N");
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

  /** The worker threads of the current pool (none before the first parallel region); for tests. */
  static synchronized List<Thread> workers() {
    return pool == null ? List.of() : List.of(pool.workers);
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
   * its own costs more than the work (on two threads, many tiny planes handed out one by one ran
   * several times slower than on one thread; bench/README.md). The blocks depend on n and block only, never on the thread count.
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

    /**
     * Spins (once, for at most SPIN_NANOS), then parks, until a region other than {@code seen} is
     * published; null when the pool was retired meanwhile. A wake-up without a new region parks
     * again at once: the spin is never repeated within one gap.
     */
    private Region await(Region seen) {
      long spinUntil = System.nanoTime() + SPIN_NANOS;
      while (System.nanoTime() < spinUntil) {
        Region r = current;
        if (r != seen || retired) return r == seen ? null : r;
        Thread.onSpinWait();
      }
      parked.incrementAndGet();
      try {
        while (true) {
          Region r = current; // re-check after announcing: run() reads 'parked' after publishing
          if (r != seen || retired) return r == seen ? null : r;
          LockSupport.park(this);
        }
      } finally {
        parked.decrementAndGet();
      }
    }
  }
}
