package dev.cnn.data;

import dev.cnn.tensor.Batch;
import dev.cnn.tensor.BatchSource;
import dev.cnn.tensor.Log;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import java.lang.ref.Cleaner;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns a {@link Dataset} into batches {@code [N, C, H, W]} plus labels, one epoch per
 * {@link #iterator()}, with seeded shuffling, optional per-sample augmentation and background
 * prefetch.
 *
 * <p><b>Epochs are stateless.</b> Epoch e's order is {@code sampler.indices(e)}; the default
 * sampler shuffles with {@code new Rng(mix(seed, SHUFFLE, e))} ({@link Sampler#shuffled}), and
 * the sample at position k of epoch e is augmented with {@code new Rng(mix(seed, AUGMENT, e, k))}.
 * Both are functions of (seed, e, k) only, so a run resumed at epoch k ({@link #setEpoch(int)})
 * sees the same batches as an uninterrupted one, and nothing depends on thread timing. Each call
 * of {@link #iterator()} starts the next epoch (0, 1, 2, ...); {@link #epoch(int)} starts a given
 * one.
 *
 * <p><b>Batches.</b> {@code batchSize} samples each; the last batch of an epoch holds the
 * remainder, or is dropped with {@code dropLast}. Labels come from {@link Dataset#label}. A batch
 * size larger than an epoch's samples gives one batch of the whole epoch (none with
 * {@code dropLast}).
 *
 * <p><b>Prefetch.</b> With {@code prefetch = d > 0} (default 2), a daemon thread of this loader
 * (not the engine's {@code Parallel} pool) reads and augments batches ahead of the consumer into a
 * queue of d batches, so reading and augmentation overlap training. With d = 0 each batch is made
 * in the consumer's {@code next()} call. {@link Epoch#waitNanos()} (and {@link #waitNanos()} for
 * the latest epoch) is the time the consumer spent inside {@code next()} waiting for data, so a
 * training loop can report "waited on data for X% of the epoch".
 *
 * <p><b>Buffers are reused</b>: the loader owns a fixed ring of d + 2 batch buffers, each made
 * on first use with the size of the batch it holds, so memory follows the batches actually made:
 * a batch size of 100000 over 300 samples allocates buffers of 300 samples. A batch
 * returned by {@code next()} stays valid until the following {@code next()} call (or the first
 * {@code next()} of a later epoch); a consumer that keeps a batch longer must copy it
 * ({@code batch.inputs().copy()}, {@code batch.labels().clone()}). d + 2 is enough because the
 * producer fills buffer j only after handing over buffer j - 1, which needs the queue to have room,
 * which means the consumer has taken batch j - 1 - d and so released batch j - 2 - d = j - (d + 2).
 *
 * <p><b>Stopping.</b> An epoch that is read to the end ends its thread. {@link Epoch#close()}
 * stops it mid-way (the thread is interrupted and joined); starting another epoch or
 * {@link #close()} stops the running one; an epoch iterator that is dropped without closing is
 * stopped when it is garbage-collected (a {@link Cleaner}). An exception thrown while reading or
 * augmenting is handed to the consumer: its {@code next()} throws an
 * {@link IllegalStateException} naming the epoch and batch, with the exception as its cause.
 *
 * <p>{@link Dataset#read} and {@link Dataset#label} are called from the loader's thread. One
 * consumer thread per loader; the loader is not thread-safe.
 */
public final class DataLoader implements BatchSource, AutoCloseable {
  private static final Cleaner CLEANER = Cleaner.create();
  private static final AtomicInteger IDS = new AtomicInteger();
  private static final long JOIN_MILLIS = 5000;

  private final Dataset dataset;
  private final int batchSize;
  private final boolean dropLast;
  private final Augmentation augmentation;
  private final int prefetch;
  private final Sampler sampler;
  private final long seed;
  private final int[] sampleShape;
  private final int sampleSize;
  private final int[] chw;
  private final Slot[] ring;
  private final String name;

  private int nextEpoch;
  private int generation; // bumped by every epoch start and close(): older Epochs are stale
  private long lastTaken = -1; // ring sequence number of the batch the consumer holds
  private Producer active;
  private Stats lastStats;

  private DataLoader(Builder b) {
    this.dataset = b.dataset;
    this.batchSize = b.batchSize;
    this.dropLast = b.dropLast;
    this.augmentation = b.augmentation;
    this.prefetch = b.prefetch;
    this.seed = b.seed;
    this.sampler = b.sampler != null ? b.sampler
        : b.shuffle ? Sampler.shuffled(dataset.size(), seed) : Sampler.sequential(dataset.size());
    this.sampleShape = dataset.sampleShape();
    this.sampleSize = dataset.sampleSize();
    this.chw = augmentation.isIdentity() ? null : Augmentation.chw(sampleShape);
    this.ring = new Slot[prefetch + 2];
    for (int i = 0; i < ring.length; i++) ring[i] = new Slot();
    this.name = "cnn-loader-" + IDS.incrementAndGet();
  }

  /** A builder for a loader over {@code dataset}. */
  public static Builder builder(Dataset dataset) {
    if (dataset == null) throw new IllegalArgumentException("data loader: dataset is null, expected a Dataset");
    return new Builder(dataset);
  }

  /** Starts the next epoch (0 for the first call, then 1, 2, ...; see {@link #setEpoch}). */
  @Override
  public Epoch iterator() {
    return epoch(nextEpoch);
  }

  /**
   * Starts epoch {@code e}; any epoch still running is stopped first, and the next
   * {@link #iterator()} call starts {@code e + 1}.
   */
  public Epoch epoch(int e) {
    if (e < 0) throw new IllegalArgumentException("data loader: epoch = " + e + ", expected >= 0");
    stopActive();
    generation++;
    int[] indices = sampler.indices(e);
    if (indices == null) throw new IllegalStateException("data loader: the sampler returned null for epoch " + e);
    int batches = batchCount(indices.length);
    nextEpoch = e + 1;
    lastStats = new Stats();
    return new Epoch(e, indices, batches, lastTaken + 1, lastStats);
  }

  /** Sets the epoch the next {@link #iterator()} call starts (to resume a run at epoch k). */
  public void setEpoch(int e) {
    if (e < 0) throw new IllegalArgumentException("data loader: epoch = " + e + ", expected >= 0");
    nextEpoch = e;
  }

  /** The epoch the next {@link #iterator()} call starts. */
  public int nextEpoch() {
    return nextEpoch;
  }

  /** The nanoseconds the consumer has waited for data in the latest epoch started (0 before any). */
  public long waitNanos() {
    return lastStats == null ? 0 : lastStats.waitNanos;
  }

  /**
   * The number of batches epoch {@code e} has: its sampler's sample count divided by the batch
   * size, rounded up (down with {@code dropLast}). Starts nothing.
   */
  @Override
  public int batches(int e) {
    if (e < 0) throw new IllegalArgumentException("data loader: epoch = " + e + ", expected >= 0");
    return batchCount(sampler.indices(e).length);
  }

  /** The batches of an epoch of n samples (without overflow for any batch size). */
  private int batchCount(int n) {
    int full = n / batchSize;
    return dropLast || n % batchSize == 0 ? full : full + 1;
  }

  /** The dataset indices epoch {@code e} visits, in order. */
  public int[] order(int e) {
    return sampler.indices(e);
  }

  public Dataset dataset() {
    return dataset;
  }

  public int batchSize() {
    return batchSize;
  }

  public Augmentation augmentation() {
    return augmentation;
  }

  /** Stops the running epoch's thread, if any. The loader can still start new epochs. */
  @Override
  public void close() {
    stopActive();
    generation++;
  }

  private void stopActive() {
    Producer p = active;
    active = null;
    if (p != null) p.stopAndJoin();
  }

  // ---------------------------------------------------------------- making batches

  /**
   * One reusable batch buffer, allocated when first needed with the size of the batch it holds
   * (never {@code batchSize} samples up front: a batch size beyond the epoch's samples must not
   * allocate for samples that do not exist). Full batches reuse one pair of arrays; a batch of
   * another size (an epoch's short last batch, or a whole epoch smaller than a batch) another.
   */
  private final class Slot {
    Batch full;
    Batch other;

    Batch batch(int n) {
      if (n == batchSize) {
        if (full == null) full = newBatch(n);
        return full;
      }
      if (other == null || other.size() != n) other = newBatch(n);
      return other;
    }
  }

  private Batch newBatch(int n) {
    long floats = (long) n * sampleSize;
    if (floats > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("data loader: a batch of " + n + " samples of " + sampleSize + " values needs "
          + floats + " floats, more than one Java array holds; use a smaller batch size");
    }
    return new Batch(Tensor.wrap(new float[(int) floats], batchShape(n)), new int[n]);
  }

  private int[] batchShape(int n) {
    int[] s = new int[sampleShape.length + 1];
    s[0] = n;
    System.arraycopy(sampleShape, 0, s, 1, sampleShape.length);
    return s;
  }

  /** Reads and augments batch b of an epoch into a ring slot; null if cancelled part-way. */
  private Batch fill(long seq, int epoch, int[] indices, int b, Producer owner) {
    Batch batch = ring[(int) Math.floorMod(seq, (long) ring.length)].batch(Math.min(batchSize, indices.length - b * batchSize));
    float[] x = batch.inputs().floatData();
    int[] y = batch.labels();
    for (int k = 0; k < y.length; k++) {
      if (owner != null && owner.cancelled) return null;
      int pos = b * batchSize + k;
      int idx = indices[pos];
      if (idx < 0 || idx >= dataset.size()) {
        throw new IllegalStateException("data loader: the sampler gave index " + idx + " at position " + pos
            + " of epoch " + epoch + ", outside the dataset's [0, " + dataset.size() + ")");
      }
      dataset.read(idx, x, k * sampleSize);
      y[k] = dataset.label(idx);
      if (chw != null) {
        augmentation.apply(x, k * sampleSize, chw[0], chw[1], chw[2], new Rng(Seeds.mix(seed, Seeds.AUGMENT, epoch, pos)));
      }
    }
    return batch;
  }

  private static final class Stats {
    volatile long waitNanos;
  }

  private static final class Failure {
    final int batch;
    final Throwable cause;

    Failure(int batch, Throwable cause) {
      this.batch = batch;
      this.cause = cause;
    }
  }

  /**
   * The background side of one epoch. It holds no reference to its {@link Epoch}, so an abandoned
   * Epoch can be collected and its Cleaner can stop this producer.
   */
  private final class Producer implements Runnable {
    final BlockingQueue<Object> queue;
    final int epoch;
    final int[] indices;
    final int batches;
    final long startSeq;
    final Thread thread;
    volatile boolean cancelled;

    Producer(int epoch, int[] indices, int batches, long startSeq) {
      this.queue = new ArrayBlockingQueue<>(prefetch);
      this.epoch = epoch;
      this.indices = indices;
      this.batches = batches;
      this.startSeq = startSeq;
      this.thread = new Thread(this, name + "-epoch-" + epoch);
      thread.setDaemon(true);
    }

    @Override
    public void run() {
      int b = 0;
      try {
        for (; b < batches; b++) {
          if (cancelled) return;
          Batch batch = fill(startSeq + b, epoch, indices, b, this);
          if (batch == null) return;
          queue.put(batch);
        }
      } catch (InterruptedException e) {
        // cancelled while waiting for room in the queue: just end
      } catch (Throwable t) {
        if (cancelled) return;
        try {
          queue.put(new Failure(b, t));
        } catch (InterruptedException e) {
          // cancelled: the consumer is gone
        }
      }
    }

    /** Asks the thread to stop (the Cleaner's action; must not block). */
    void cancel() {
      cancelled = true;
      thread.interrupt();
    }

    void stopAndJoin() {
      cancel();
      try {
        thread.join(JOIN_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) Log.warn("data loader: thread " + thread.getName() + " did not stop within " + JOIN_MILLIS + " ms");
    }
  }

  /**
   * One epoch's batches. Not thread-safe; close it to stop reading early (reading it to the end
   * closes it too). After {@link #close()} {@link #hasNext()} is false.
   */
  public final class Epoch implements Iterator<Batch>, AutoCloseable {
    private final int epoch;
    private final int[] indices;
    private final int batches;
    private final long startSeq;
    private final Stats stats;
    private final int gen;
    private final Producer producer; // null when prefetch = 0
    private final Cleaner.Cleanable cleanable;
    private int taken;
    private long waitNanos;
    private boolean closed;

    private Epoch(int epoch, int[] indices, int batches, long startSeq, Stats stats) {
      this.epoch = epoch;
      this.indices = indices;
      this.batches = batches;
      this.startSeq = startSeq;
      this.stats = stats;
      this.gen = generation;
      if (prefetch > 0 && batches > 0) {
        Producer p = new Producer(epoch, indices, batches, startSeq);
        this.producer = p;
        this.cleanable = CLEANER.register(this, p::cancel);
        active = p;
        p.thread.start();
      } else {
        this.producer = null;
        this.cleanable = null;
      }
    }

    /** This epoch's number. */
    public int epoch() {
      return epoch;
    }

    /** The number of batches in this epoch. */
    public int batches() {
      return batches;
    }

    /** The dataset indices this epoch visits, in order (a copy). */
    public int[] indices() {
      return indices.clone();
    }

    /** Nanoseconds spent in {@link #next()} waiting for data so far in this epoch. */
    public long waitNanos() {
      return waitNanos;
    }

    /** Whether this epoch's background thread is running (false when prefetch is 0). */
    public boolean producerAlive() {
      return producer != null && producer.thread.isAlive();
    }

    @Override
    public boolean hasNext() {
      return !closed && taken < batches;
    }

    /**
     * The next batch, valid until the following call (see {@link DataLoader}).
     *
     * @throws IllegalStateException with the producer's exception as its cause if reading or
     *     augmenting failed, or if the epoch was stopped from elsewhere while waiting
     */
    @Override
    public Batch next() {
      if (!hasNext()) {
        throw new NoSuchElementException("data loader: epoch " + epoch + " has " + (closed ? "been closed" : "no more batches")
            + " (" + taken + " of " + batches + " taken)");
      }
      if (gen != generation || (producer != null && producer.cancelled)) {
        closed = true;
        throw stopped();
      }
      long t0 = System.nanoTime();
      Object item;
      try {
        item = producer == null ? makeHere() : take();
      } finally {
        waitNanos += System.nanoTime() - t0;
        stats.waitNanos = waitNanos;
      }
      if (item instanceof Failure) {
        Failure f = (Failure) item;
        close();
        throw new IllegalStateException("data loader: batch " + f.batch + " of epoch " + epoch + " failed: " + f.cause, f.cause);
      }
      lastTaken = startSeq + taken;
      taken++;
      if (taken == batches) close();
      return (Batch) item;
    }

    private Object makeHere() {
      try {
        return fill(startSeq + taken, epoch, indices, taken, null);
      } catch (RuntimeException | Error e) {
        return new Failure(taken, e);
      }
    }

    private Object take() {
      try {
        while (true) {
          // Checked first: a stopped epoch's queued batches live in buffers a later epoch now fills.
          if (producer.cancelled) {
            closed = true;
            throw stopped();
          }
          Object item = producer.queue.poll(100, TimeUnit.MILLISECONDS);
          if (item != null) return item;
          if (!producer.thread.isAlive() && producer.queue.isEmpty()) {
            closed = true;
            throw new IllegalStateException("data loader: the thread of epoch " + epoch + " ended before batch " + taken);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new IllegalStateException("data loader: interrupted while waiting for batch " + taken + " of epoch " + epoch, e);
      }
    }

    /**
     * A stopped epoch's batches live in buffers that a later epoch now fills, so it must not hand
     * out any more.
     */
    private IllegalStateException stopped() {
      return new IllegalStateException("data loader: epoch " + epoch + " was stopped (a later epoch started or the loader"
          + " was closed) before batch " + taken + " of " + batches);
    }

    /** Stops this epoch's thread (if running) and waits for it to end. Idempotent. */
    @Override
    public void close() {
      closed = true;
      if (producer != null) {
        cleanable.clean(); // runs cancel() once
        if (active == producer) active = null;
        producer.stopAndJoin();
      }
    }

    @Override
    public String toString() {
      return "epoch " + epoch + " (" + taken + " of " + batches + " batches)";
    }
  }

  /** Loader options, checked as they are set. */
  public static final class Builder {
    private final Dataset dataset;
    private int batchSize = 32;
    private boolean shuffle = true;
    private long seed;
    private boolean dropLast;
    private Augmentation augmentation = Augmentation.identity();
    private int prefetch = 2;
    private Sampler sampler;

    private Builder(Dataset dataset) {
      this.dataset = dataset;
    }

    /** Samples per batch, >= 1 (default 32). */
    public Builder batchSize(int n) {
      if (n < 1) throw new IllegalArgumentException("data loader: batch size = " + n + ", expected >= 1");
      batchSize = n;
      return this;
    }

    /** Whether each epoch visits the samples in a new random order (default true). */
    public Builder shuffle(boolean on) {
      shuffle = on;
      return this;
    }

    /** The seed of the shuffling and the augmentation (default 0). */
    public Builder seed(long s) {
      seed = s;
      return this;
    }

    /** Whether a short last batch is dropped (default false). */
    public Builder dropLast(boolean on) {
      dropLast = on;
      return this;
    }

    /** The augmentation applied to each sample (default none). */
    public Builder augmentation(Augmentation a) {
      if (a == null) throw new IllegalArgumentException("data loader: augmentation is null, expected Augmentation.identity() for none");
      augmentation = a;
      return this;
    }

    /** Batches made ahead of the consumer, in [0, 64] (default 2; 0: made in the consumer's thread). */
    public Builder prefetch(int depth) {
      if (depth < 0 || depth > 64) throw new IllegalArgumentException("data loader: prefetch = " + depth + ", expected a queue depth in [0, 64]");
      prefetch = depth;
      return this;
    }

    /**
     * Which indices each epoch visits (e.g. a {@link WeightedSampler}); replaces the shuffle
     * setting.
     */
    public Builder sampler(Sampler s) {
      if (s == null) throw new IllegalArgumentException("data loader: sampler is null, expected a Sampler");
      sampler = s;
      return this;
    }

    public DataLoader build() {
      if (!augmentation.isIdentity()) {
        int[] shape = dataset.sampleShape();
        if (shape.length != 2 && shape.length != 3) {
          throw new IllegalArgumentException("data loader: augmentation needs image samples [C, H, W] or [H, W], the dataset's are "
              + Arrays.toString(shape));
        }
      }
      return new DataLoader(this);
    }
  }
}
