package dev.cnn.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A scope whose float32 tensors give their storage back when it closes, so that the next
 * training step reuses the same arrays instead of allocating new ones (ND4J calls this a
 * workspace, DJL an {@code NDManager}).
 *
 * <p>Why: one FashionNet training step creates about 49 MB of activations and gradients, nearly
 * all dead by the next step. Left to the garbage collector, that rate (about 2 GB/s) makes the
 * heap, and the process's resident memory, grow to several times the step's working set. With a
 * workspace around each step the arrays of step k are the arrays of step k + 1.
 *
 * <pre>
 * for (Batch b : batches) {
 *   try (Workspace step = Workspace.open()) {
 *     optimizer.zeroGrad();
 *     Variable loss = lossFn.compute(model.forward(Variable.constant(b.inputs()), Mode.TRAIN), b.labels());
 *     loss.backward();
 *     optimizer.step();
 *     total += loss.value().getFlat(0);      // read what you need inside the scope
 *   }                                        // every tensor created inside is recycled here
 * }
 * </pre>
 *
 * <p>The rules:
 * <ul>
 *   <li>Inside an open scope, {@link Tensor#zeros} (and everything built on it: the kernels'
 *       results, {@link Tensor#full}, ...) takes a float32 array of the exact length from the
 *       thread's pool when one is free, zeroed, or allocates one; either way the array is on loan
 *       until the scope closes. {@link Tensor#copy}, {@link Tensor#of} and {@link Tensor#wrap} never
 *       borrow, so a copy made inside the scope outlives it; so do leaf gradients, parameters and
 *       optimiser state, which are made that way.
 *   <li>{@link #close()} returns every loan to the pool. A tensor created inside the scope is
 *       dead afterwards: reading or writing it ({@link Tensor#floatData}, {@link Tensor#getFlat},
 *       ...) throws an {@link IllegalStateException} that says so, instead of silently seeing the
 *       next step's numbers. (An array fetched with {@code floatData()} before the close cannot be
 *       checked: do not keep one past it.)
 *   <li>A scope belongs to the thread that opened it, and only that thread's tensors borrow:
 *       a data-loading thread or the kernels' worker threads allocate as usual.
 *   <li>Scopes do not nest: {@code open()} inside an open scope joins it, and only the outermost
 *       {@code close()} recycles, so nothing is ever recycled early.
 *   <li>The pool keeps exactly the arrays of the last scope: an array that a whole scope did not
 *       ask for (a shape seen only in the previous step, such as a smaller last batch) is left to
 *       the garbage collector. The memory held between steps is therefore one step's working set.
 * </ul>
 *
 * <p>float64 tensors (gradient checks) are not pooled. The system property {@code cnn.workspace}
 * (or the environment variable {@code CNN_WORKSPACE}) set to {@code off} turns pooling off, so
 * that scopes do nothing; it exists to measure what the pool saves.
 */
public final class Workspace implements AutoCloseable {
  /** Whether scopes pool at all ({@code cnn.workspace=off} turns them into no-ops). */
  static final boolean ENABLED = enabled();

  private static final ThreadLocal<Workspace> OF_THREAD = ThreadLocal.withInitial(Workspace::new);

  private final Thread owner = Thread.currentThread();
  /** Free arrays by length: those of the last closed scope, and those given back in this one. */
  private Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
  /**
   * While a scope is open: the arrays of the scope before it that were not lent again yet. Lent
   * after {@code free}; what is left of them when the scope closes goes to the garbage collector.
   */
  private Map<Integer, ArrayDeque<float[]>> stale = new HashMap<>();
  /** The loans of the open scope, in order. */
  private final List<Lease> leases = new ArrayList<>();
  private int depth;
  private long reused;
  private long allocated;

  private Workspace() {}

  /**
   * Opens a scope on this thread (or joins the one already open); close it with
   * try-with-resources.
   */
  public static Workspace open() {
    Workspace w = OF_THREAD.get();
    if (w.depth++ == 0) { // the last scope's arrays become stale: lent again, or dropped at close
      Map<Integer, ArrayDeque<float[]>> t = w.stale;
      w.stale = w.free;
      w.free = t;
    }
    return w;
  }

  /** Whether a scope is open on this thread. */
  public static boolean active() {
    return OF_THREAD.get().depth > 0;
  }

  /**
   * Ends the scope; when it is the outermost one, every array lent inside it goes back to the
   * pool and the tensors that used them become unusable.
   *
   * @throws IllegalStateException when called from another thread than the one that opened it, or
   *     more often than {@link #open()}
   */
  @Override
  public void close() {
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException("Workspace.close: called on thread '" + Thread.currentThread().getName()
          + "', but the scope was opened on '" + owner.getName() + "'; close it on the thread that opened it");
    }
    if (depth == 0) {
      throw new IllegalStateException("Workspace.close: no scope is open on this thread (closed twice?);"
          + " expected one close() per open(), best through try-with-resources");
    }
    if (--depth > 0) return;
    // Arrays the whole scope did not ask for go to the garbage collector; the scope's own come back
    // (those given back early are in the free lists already).
    stale.clear();
    for (Lease l : leases) {
      if (l.recycled) continue;
      l.recycled = true;
      free.computeIfAbsent(l.array.length, k -> new ArrayDeque<>()).addLast(l.array);
    }
    leases.clear();
  }

  /**
   * Gives {@code t}'s storage back before the scope closes, so that a later tensor of the same
   * size in the same scope reuses it: for code that knows nothing else refers to t or to a view of
   * it (in inference, a layer's input once the next layer's output exists). t, and every view of
   * it, is unusable afterwards. Does nothing when t did not borrow from this thread's open scope
   * or was given back already.
   */
  public static void giveBack(Tensor t) {
    Lease l = t.lease();
    if (l == null || l.recycled || l.owner != OF_THREAD.get() || l.owner.depth == 0) return;
    l.recycled = true;
    l.owner.free.computeIfAbsent(l.array.length, k -> new ArrayDeque<>()).addLast(l.array);
  }

  /**
   * Lends a zeroed float array of length n when a scope is open on this thread, null otherwise
   * (the caller then allocates as usual).
   */
  static Lease lend(int n) {
    if (!ENABLED) return null;
    Workspace w = OF_THREAD.get();
    if (w.depth == 0) return null;
    float[] a = take(w.free, n);
    if (a == null) a = take(w.stale, n);
    if (a == null) {
      a = new float[n];
      w.allocated += n;
    } else {
      Arrays.fill(a, 0f);
      w.reused += n;
    }
    Lease l = new Lease(a, w);
    w.leases.add(l);
    return l;
  }

  private static float[] take(Map<Integer, ArrayDeque<float[]>> lists, int n) {
    ArrayDeque<float[]> q = lists.get(n);
    return q == null ? null : q.pollFirst();
  }

  /**
   * What this thread's pool has done so far, in floats.
   *
   * @param reusedFloats lent from recycled arrays
   * @param allocatedFloats lent from newly allocated arrays
   * @param freeFloats held free now, for the next scope
   */
  public record Stats(long reusedFloats, long allocatedFloats, long freeFloats) {}

  /** This thread's pool's counters (for benchmarks and tests). */
  public static Stats stats() {
    Workspace w = OF_THREAD.get();
    long free = 0;
    for (ArrayDeque<float[]> q : w.free.values()) for (float[] a : q) free += a.length;
    return new Stats(w.reused, w.allocated, free);
  }

  /** This thread's pool in words: on or off, and {@link #stats()} in MB. */
  public static String describe() {
    Stats s = stats();
    return String.format(Locale.ROOT, "workspace %s: %.1f MB reused, %.1f MB allocated, %.1f MB free",
        ENABLED ? "on" : "off", s.reusedFloats() * 4e-6, s.allocatedFloats() * 4e-6, s.freeFloats() * 4e-6);
  }

  private static boolean enabled() {
    String v = System.getProperty("cnn.workspace", System.getenv("CNN_WORKSPACE"));
    if (v == null) return true;
    switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "off":
      case "false":
      case "0":
        return false;
      case "on":
      case "true":
      case "1":
        return true;
      default:
        throw new IllegalArgumentException("cnn.workspace is '" + v + "', expected on or off");
    }
  }

  /** One array on loan; shared by a tensor and its views, and marked when the scope closes. */
  static final class Lease {
    final float[] array;
    final Workspace owner;
    boolean recycled;

    Lease(float[] array, Workspace owner) {
      this.array = array;
      this.owner = owner;
    }
  }
}
