package dev.cnn.tensor;

/**
 * An {@code Iterable} of {@link Batch}es, one pass per epoch, that can say how many batches an
 * epoch holds before the epoch is read. A training loop uses the count for its progress display
 * (batches done out of the total, and the time left); the batches themselves still come from
 * {@link #iterator()}. It lives next to {@link Batch} for the same reason: {@code data}'s loader
 * implements it and {@code optim}'s trainer reads it, and neither knows the other.
 *
 * <p>A plain {@code Iterable<Batch>} that is also a {@code java.util.Collection} needs no such
 * interface (its size is the count); this one is for sources whose batches are made on demand.
 */
public interface BatchSource extends Iterable<Batch> {
  /**
   * The number of batches the pass over epoch {@code epoch} (0-based) yields, {@code >= 0}, or -1
   * when it is not known in advance. A source whose epochs all have the same length may ignore
   * {@code epoch}. Asking must not start, advance or otherwise change any pass.
   *
   * @param epoch the 0-based epoch, {@code >= 0}
   */
  int batches(int epoch);
}
