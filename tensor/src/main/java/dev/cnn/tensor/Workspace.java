package dev.cnn.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

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
 *       until the scope closes (max pooling's argmax indices borrow an int array that goes back with
 *       its output's). Kernels that write every element of their result (convolutions, pooling,
 *       element-wise ops) borrow without the zeroing ({@code Tensor.forOverwrite}). {@link Tensor#copy}, {@link Tensor#of} and {@link Tensor#wrap} never
 *       borrow, so a copy made inside the scope outlives it; the engine makes leaf gradients and
 *       optimiser state that way. Build models and load weights outside any scope: a model built
 *       inside one would have borrowed weights, dead (loudly) once it closes.
 *   <li>{@link #close()} returns every loan to the pool. A tensor created inside the scope is
 *       dead afterwards: reading or writing it ({@link Tensor#floatData}, {@link Tensor#getFlat},
 *       ...) throws an {@link IllegalStateException} that says so, instead of silently seeing the
 *       next step's numbers. (An array fetched with {@code floatData()} before the close, or a
 *       tensor {@link Tensor#wrap wrapped} around it, cannot be checked: do not keep one past it.)
 *   <li>A scope belongs to the thread that opened it, and only that thread's tensors borrow:
 *       a data-loading thread or the kernels' worker threads allocate as usual.
 *   <li>Scopes do not nest: {@code open()} inside an open scope joins it, and only the outermost
 *       {@code close()} recycles, so nothing is ever recycled early. Closing a scope twice does
 *       nothing the second time. Code that opens a scope per step ({@code Trainer.fit},
 *       {@code Evaluator.evaluate}) refuses to run inside another scope, which would keep every
 *       step's arrays until it closed.
 *   <li>The pool keeps exactly the arrays of the last scope: an array that a whole scope did not
 *       ask for (a shape seen only in the previous step, such as a smaller last batch) is left to
 *       the garbage collector. The memory held between steps is therefore one step's working set
 *       (per thread that opened a scope, for as long as the thread lives).
 * </ul>
 *
 * <p>float64 tensors (gradient checks) are not pooled. The system property {@code cnn.workspace}
 * (or the environment variable {@code CNN_WORKSPACE}) set to {@code off} turns pooling off, so
 * that scopes do nothing; it exists to measure what the pool saves.
 */
public final class Workspace implements AutoCloseable {
  /** Whether scopes pool at all ({@code cnn.workspace=off} turns them into no-ops). */
  private static final boolean ENABLED = readEnabled();

  private static final ThreadLocal<Pool> OF_THREAD = ThreadLocal.withInitial(Pool::new);

  /** This thread's pool and its open scope, if any. */
  private final Pool pool;
  private boolean closed;

  private Workspace(Pool pool) {
    this.pool = pool;
  }

  /**
   * Opens a scope on this thread (or joins the one already open); close it with
   * try-with-resources.
   */
  public static Workspace open() {
    Pool p = OF_THREAD.get();
    if (p.depth++ == 0) p.startScope();
    return new Workspace(p);
  }

  /** Whether a scope is open on this thread. */
  public static boolean active() {
    return OF_THREAD.get().depth > 0;
  }

  /** Whether scopes pool at all: false when {@code cnn.workspace} is {@code off}. */
  public static boolean enabled() {
    return ENABLED;
  }

  /**
   * Ends the scope; when it is the outermost one, every array lent inside it goes back to the
   * pool and the tensors that used them become unusable. A second call does nothing.
   *
   * @throws IllegalStateException when called from another thread than the one that opened it
   */
  @Override
  public void close() {
    if (Thread.currentThread() != pool.owner) {
      throw new IllegalStateException("Workspace.close: called on thread '" + Thread.currentThread().getName()
          + "', but the scope was opened on '" + pool.owner.getName() + "'; close it on the thread that opened it");
    }
    if (closed) return;
    closed = true;
    if (--pool.depth == 0) pool.endScope();
  }

  /** Whether t's storage is on loan from a scope open on this thread (and not given back). */
  public static boolean lent(Tensor t) {
    Lease l = t.lease();
    return l != null && !l.recycled && l.owner == OF_THREAD.get() && l.owner.depth > 0;
  }

  /**
   * Gives {@code t}'s storage back before the scope closes, so that a later tensor of the same
   * size in the same scope reuses it: for code that knows nothing else refers to t or to a view of
   * it (in inference, a layer's input once the next layer's output exists). t, and every view of
   * it, is unusable afterwards. Does nothing when t did not borrow from this thread's open scope
   * or was given back already.
   */
  public static void giveBack(Tensor t) {
    if (lent(t)) t.lease().owner.giveBack(t.lease());
  }

  /**
   * Lends a float array of length n when a scope is open on this thread, null otherwise (the
   * caller then allocates as usual): zeroed, or when {@code zeroed} is false with whatever its
   * last borrower left in it (for {@link Tensor#forOverwrite}).
   */
  static Lease lend(int n, boolean zeroed) {
    if (!ENABLED) return null;
    Pool p = OF_THREAD.get();
    if (p.depth == 0) return null;
    Lease l = new Lease(p.floats.borrow(n, p, zeroed), p);
    p.leases.add(l);
    return l;
  }

  /**
   * A zeroed int array of length n that lives and dies with {@code owner}'s storage: borrowed
   * from the pool, and returned with owner's array, when owner's storage is on loan from this
   * thread's open scope; a new array otherwise. For what a kernel computes beside its result and
   * backward reads later (max pooling's argmax indices): whoever keeps it checks
   * {@link Tensor#isLive() owner.isLive()} before reading it again.
   */
  static int[] intsBeside(Tensor owner, int n) {
    Lease l = owner.lease();
    if (l == null || l.recycled || l.ints != null || l.owner != OF_THREAD.get()) return new int[n];
    l.ints = l.owner.ints.borrow(n, l.owner, true);
    return l.ints;
  }

  /**
   * What this thread's pool has done so far, in array elements (floats, and the int indices that
   * max pooling keeps beside its output; 4 bytes each).
   *
   * @param reusedElements lent from recycled arrays
   * @param allocatedElements lent from newly allocated arrays
   * @param freeElements held free now, for the next scope
   */
  public record Stats(long reusedElements, long allocatedElements, long freeElements) {}

  /** This thread's pool's counters (for benchmarks and tests). */
  public static Stats stats() {
    Pool p = OF_THREAD.get();
    return new Stats(p.reused, p.allocated, p.floats.freeElements() + p.ints.freeElements());
  }

  /** This thread's pool in words: on or off, and {@link #stats()} in MB. */
  public static String describe() {
    Stats s = stats();
    return String.format(Locale.ROOT, "workspace %s: %.1f MB reused, %.1f MB allocated, %.1f MB free",
        ENABLED ? "on" : "off", s.reusedElements() * 4e-6, s.allocatedElements() * 4e-6, s.freeElements() * 4e-6);
  }

  private static boolean readEnabled() {
    String v = System.getProperty("cnn.workspace", System.getenv("CNN_WORKSPACE"));
    if (v == null || v.isBlank()) return true;
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
        Log.warn("cnn.workspace / CNN_WORKSPACE is '" + v + "', expected on or off; using on");
        return true;
    }
  }

  /** A thread's arrays: the free ones by type and length, and the loans of its open scope. */
  private static final class Pool {
    final Thread owner = Thread.currentThread();
    final FreeLists<float[]> floats = new FreeLists<>(float[]::new, a -> a.length, a -> Arrays.fill(a, 0f));
    final FreeLists<int[]> ints = new FreeLists<>(int[]::new, a -> a.length, a -> Arrays.fill(a, 0));
    /** The loans of the open scope, in order. */
    final List<Lease> leases = new ArrayList<>();
    int depth;
    long reused;
    long allocated;

    void startScope() {
      floats.startScope();
      ints.startScope();
    }

    /** At the outermost close: every loan not given back yet comes back, the stale arrays go. */
    void endScope() {
      floats.endScope();
      ints.endScope();
      for (Lease l : leases) {
        if (!l.recycled) giveBack(l);
      }
      leases.clear();
    }

    void giveBack(Lease l) {
      l.recycled = true;
      floats.add(l.array);
      if (l.ints != null) ints.add(l.ints);
    }
  }

  /** Free arrays of one element type, by length. */
  private static final class FreeLists<A> {
    private final IntFunction<A> create;
    private final ToIntFunction<A> length;
    private final Consumer<A> zero;
    /** Those of the last closed scope, and those given back in the open one. */
    private Map<Integer, ArrayDeque<A>> free = new HashMap<>();
    /**
     * While a scope is open: the arrays of the scope before it not lent again yet. They are lent
     * after {@code free}'s; what is left of them when the scope closes goes to the garbage collector.
     */
    private Map<Integer, ArrayDeque<A>> stale = new HashMap<>();

    FreeLists(IntFunction<A> create, ToIntFunction<A> length, Consumer<A> zero) {
      this.create = create;
      this.length = length;
      this.zero = zero;
    }

    /**
     * An array of length n, zeroed if asked (a new one always is): a free one, else a new one;
     * counted in the pool's figures.
     */
    A borrow(int n, Pool p, boolean zeroed) {
      A a = take(n);
      if (a == null) {
        p.allocated += n;
        return create.apply(n);
      }
      if (zeroed) zero.accept(a);
      p.reused += n;
      return a;
    }

    void startScope() {
      Map<Integer, ArrayDeque<A>> t = stale;
      stale = free;
      free = t;
    }

    void endScope() {
      stale.clear();
    }

    A take(int n) {
      A a = poll(free, n);
      return a != null ? a : poll(stale, n);
    }

    void add(A a) {
      free.computeIfAbsent(length.applyAsInt(a), k -> new ArrayDeque<>()).addLast(a);
    }

    long freeElements() {
      long n = 0;
      for (ArrayDeque<A> q : free.values()) for (A a : q) n += length.applyAsInt(a);
      return n;
    }

    private static <A> A poll(Map<Integer, ArrayDeque<A>> lists, int n) {
      ArrayDeque<A> q = lists.get(n);
      return q == null ? null : q.pollFirst();
    }
  }

  /** One array on loan; shared by a tensor and its views, and marked when the scope closes. */
  static final class Lease {
    final float[] array;
    final Pool owner;
    /** An int array lent with it ({@link #intsBeside}), returned with it; or null. */
    int[] ints;
    boolean recycled;

    Lease(float[] array, Pool owner) {
      this.array = array;
      this.owner = owner;
    }
  }
}
