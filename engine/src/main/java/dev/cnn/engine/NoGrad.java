package dev.cnn.engine;

/**
 * A scope in which ops record nothing: their results are constants, no buffers are saved for
 * backward. For evaluation and for parameter updates.
 *
 * <pre>
 * try (NoGrad scope = NoGrad.enter()) {
 *   Variable logits = model.forward(x);   // no graph is built
 * }
 * </pre>
 *
 * Scopes nest and belong to the thread that opened them.
 */
public final class NoGrad implements AutoCloseable {
  private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);
  private boolean closed;

  private NoGrad() {}

  /** Opens a scope on this thread; close it (try-with-resources) to record again. */
  public static NoGrad enter() {
    DEPTH.get()[0]++;
    return new NoGrad();
  }

  /** Whether a no-grad scope is open on this thread. */
  public static boolean active() {
    return DEPTH.get()[0] > 0;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      DEPTH.get()[0]--;
    }
  }
}
