package dev.cnn.tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The kernels' per-thread scratch buffers, in one place, bounded and visible.
 *
 * <p>Several kernels need a temporary float array on every call: GEMM's packed panels of A and B,
 * convolution's im2col matrix, its chunk of output (or output gradient) and its weight-gradient
 * partial sums, the direct convolution's zero-bordered images, a few vectors' worth of lanes for
 * pooling and the direct convolution. Allocating them per call made a training step allocate tens
 * of megabytes; so each has a {@link Slot}, and each thread keeps, per slot, the largest array it
 * was asked for, to hand out again on the next call.
 *
 * <p><b>Who owns what.</b> An array handed out by {@link Slot#floats} belongs to the calling
 * thread until that thread asks the same slot again; a kernel uses it within one call (it may let
 * the pool's workers read or write it during that call, as long as it waits for them). Its
 * contents are whatever the last user left: the caller overwrites what it reads.
 *
 * <p><b>Bound.</b> A thread keeps an array only up to {@link #MAX_KEPT_FLOATS} floats (16 MB). A
 * larger request gets a new array for that call alone, which the garbage collector reclaims
 * afterwards; the layers of the networks this engine trains stay well below it. So a thread holds
 * at most (number of slots) x 16 MB, and in practice what its largest layer needed. Buffers are
 * not shrunk when a smaller request comes: the layers of one network ask in turn for very
 * different sizes, and shrinking would reallocate on every layer of every step. A thread's buffers
 * go when the thread ends (the pool's workers end when {@link Parallel#setThreads} changes the
 * count).
 *
 * <p><b>Visible.</b> {@link #heldBytes()} is what the calling thread holds, and
 * {@link #heldBytesByThread()} what every live thread holds, slot by slot in {@link #describe()}.
 */
public final class Scratch {
  /** The largest array a thread keeps in a slot between calls, in floats (2^22, 16 MB). */
  public static final int MAX_KEPT_FLOATS = 1 << 22;

  private static final AtomicInteger SLOTS = new AtomicInteger();
  private static final List<Slot> ALL = new ArrayList<>();
  /** Every thread that has used a slot, while it lives (weak keys: a dead thread's entry goes). */
  private static final Map<Thread, Buffers> THREADS = new WeakHashMap<>();
  private static final ThreadLocal<Buffers> OF_THREAD = ThreadLocal.withInitial(Scratch::register);

  private Scratch() {}

  /** One named buffer per thread, e.g. GEMM's packed B panels. */
  static final class Slot {
    final String name;
    final int index;

    /** @param name what the buffer holds, for {@link #describe()} */
    Slot(String name) {
      this.name = name;
      this.index = SLOTS.getAndIncrement();
      synchronized (Scratch.class) {
        ALL.add(this);
      }
    }

    /**
     * This thread's array of at least {@code size} floats, contents stale: the one kept from an
     * earlier call when it is large enough; else a new one, kept for later calls when
     * {@code size <= MAX_KEPT_FLOATS}, used for this call only when larger.
     *
     * @throws IllegalArgumentException if size is negative
     */
    float[] floats(int size) {
      if (size < 0) throw new IllegalArgumentException("scratch " + name + ": size " + size + ", expected >= 0");
      Buffers b = OF_THREAD.get();
      float[] a = b.get(index);
      if (a != null && a.length >= size) return a;
      if (size > MAX_KEPT_FLOATS) return new float[size]; // this call's alone; the GC reclaims it
      a = new float[size];
      b.set(index, a);
      return a;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** A thread's arrays, by slot index. Written by its thread only; read by the reports. */
  private static final class Buffers {
    private volatile float[][] arrays = new float[0][];

    float[] get(int slot) {
      float[][] a = arrays;
      return slot < a.length ? a[slot] : null;
    }

    void set(int slot, float[] array) {
      float[][] a = arrays;
      if (slot >= a.length) a = java.util.Arrays.copyOf(a, Math.max(slot + 1, SLOTS.get()));
      a[slot] = array;
      arrays = a; // publish (the reports may read from another thread)
    }

    long bytes() {
      long n = 0;
      for (float[] a : arrays) n += a == null ? 0 : 4L * a.length;
      return n;
    }
  }

  private static Buffers register() {
    Buffers b = new Buffers();
    synchronized (Scratch.class) {
      THREADS.put(Thread.currentThread(), b);
    }
    return b;
  }

  /** Bytes of scratch the calling thread holds now, over all slots. */
  public static long heldBytes() {
    return OF_THREAD.get().bytes();
  }

  /**
   * Bytes of scratch each live thread holds now, by thread name (threads that never used a slot
   * are absent). A snapshot: another thread may be growing a buffer meanwhile.
   */
  public static synchronized Map<String, Long> heldBytesByThread() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (Map.Entry<Thread, Buffers> e : THREADS.entrySet()) {
      if (e.getKey().isAlive()) m.merge(e.getKey().getName(), e.getValue().bytes(), Long::sum);
    }
    return m;
  }

  /** Every live thread's scratch, slot by slot, in MB: one line per thread that holds any. */
  public static synchronized String describe() {
    StringBuilder sb = new StringBuilder("scratch buffers (kept up to " + MAX_KEPT_FLOATS * 4L / (1 << 20) + " MB each):");
    for (Map.Entry<Thread, Buffers> e : THREADS.entrySet()) {
      Buffers b = e.getValue();
      if (!e.getKey().isAlive() || b.bytes() == 0) continue;
      sb.append("\n  ").append(e.getKey().getName()).append(':');
      for (Slot s : ALL) {
        float[] a = b.get(s.index);
        if (a != null) sb.append(String.format(java.util.Locale.ROOT, " %s %.1f MB,", s.name, a.length * 4e-6));
      }
      sb.setLength(sb.length() - 1);
    }
    return sb.toString();
  }
}
