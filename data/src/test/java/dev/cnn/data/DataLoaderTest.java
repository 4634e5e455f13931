package dev.cnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.tensor.Batch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Batching, seeded epochs, prefetch determinism, buffer reuse, stopping and error hand-over. */
class DataLoaderTest {
  private static final List<String> CLASSES = List.of("a", "b", "c");

  /** n samples [1, 2, 2] whose every value is the sample's index; label i mod 3. */
  private static Dataset indexed(int n) {
    float[] values = new float[n * 4];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      Arrays.fill(values, i * 4, i * 4 + 4, i);
      labels[i] = i % 3;
    }
    return new ArrayDataset(values, labels, new int[] {1, 2, 2}, CLASSES);
  }

  /** Copies of every batch of the loader's next epoch: inputs, then labels. */
  private static List<float[]> drain(DataLoader loader) {
    return drain(loader.iterator());
  }

  /** Copies of every remaining batch: inputs, then labels (as floats). */
  private static List<float[]> drain(java.util.Iterator<Batch> epoch) {
    List<float[]> out = new ArrayList<>();
    while (epoch.hasNext()) {
      Batch b = epoch.next();
      out.add(b.inputs().floatData().clone());
      float[] labels = new float[b.size()];
      for (int i = 0; i < b.size(); i++) labels[i] = b.labels()[i];
      out.add(labels);
    }
    return out;
  }

  private static Set<Thread> loaderThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("cnn-loader-") && t.isAlive())
        .collect(Collectors.toSet());
  }

  @Test
  void everySampleOnceWithTheRemainderLastOrDropped() {
    Dataset data = indexed(10);
    try (DataLoader loader = DataLoader.builder(data).batchSize(4).seed(3).build()) {
      DataLoader.Epoch e = loader.iterator();
      assertEquals(3, e.batches());
      List<Integer> sizes = new ArrayList<>();
      List<Integer> seen = new ArrayList<>();
      while (e.hasNext()) {
        Batch b = e.next();
        sizes.add(b.size());
        assertArrayEquals(new int[] {b.size(), 1, 2, 2}, b.inputs().shape());
        for (int k = 0; k < b.size(); k++) {
          int idx = (int) b.inputs().floatData()[k * 4];
          seen.add(idx);
          assertEquals(idx % 3, b.labels()[k]);
        }
      }
      assertEquals(List.of(4, 4, 2), sizes);
      seen.sort(null);
      assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), seen);
      assertThrows(NoSuchElementException.class, e::next);
    }
    try (DataLoader loader = DataLoader.builder(data).batchSize(4).dropLast(true).shuffle(false).build()) {
      List<float[]> batches = drain(loader);
      assertEquals(4, batches.size());
      assertArrayEquals(new float[] {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3}, batches.get(0));
      assertEquals(2, loader.batches(0));
      // the count a training loop reads through BatchSource, for its progress bar
      dev.cnn.tensor.BatchSource source = loader;
      int read = 0;
      for (java.util.Iterator<dev.cnn.tensor.Batch> it = source.iterator(); it.hasNext(); it.next()) read++;
      assertEquals(read, source.batches(1));
    }
  }

  @Test
  void epochOrdersAreAFunctionOfSeedAndEpochOnly() {
    Dataset data = indexed(50);
    Augmentation aug = Augmentation.builder().rotation(30).shift(0.2).erase(0.5).build();
    DataLoader a = DataLoader.builder(data).batchSize(8).seed(42).augmentation(aug).build();
    List<List<float[]>> uninterrupted = new ArrayList<>();
    for (int e = 0; e < 4; e++) uninterrupted.add(drain(a));
    assertFalse(Arrays.equals(a.order(0), a.order(1)), "epochs differ");
    // A new loader resumed at epoch 2 sees epochs 2 and 3 exactly as the first did.
    DataLoader b = DataLoader.builder(data).batchSize(8).seed(42).augmentation(aug).prefetch(0).build();
    b.setEpoch(2);
    assertEquals(2, b.nextEpoch());
    for (int e = 2; e < 4; e++) {
      List<float[]> got = drain(b);
      assertEquals(uninterrupted.get(e).size(), got.size());
      for (int i = 0; i < got.size(); i++) assertArrayEquals(uninterrupted.get(e).get(i), got.get(i), "epoch " + e + " item " + i);
    }
    DataLoader c = DataLoader.builder(data).batchSize(8).seed(43).build();
    assertFalse(Arrays.equals(a.order(0), c.order(0)), "another seed, another order");
    a.close();
    b.close();
  }

  @Test
  void prefetchDepthDoesNotChangeTheBatches() {
    Dataset data = indexed(37);
    Augmentation aug = Augmentation.parse("rotate=20,zoom=0.2,hflip,brightness=0.1,erase=0.5,erase-value=random");
    List<float[]> reference = null;
    for (int depth : new int[] {0, 1, 2, 5}) {
      try (DataLoader loader = DataLoader.builder(data).batchSize(5).seed(7).augmentation(aug).prefetch(depth).build()) {
        List<float[]> got = drain(loader.epoch(3));
        if (reference == null) reference = got;
        for (int i = 0; i < got.size(); i++) assertArrayEquals(reference.get(i), got.get(i), "depth " + depth + " item " + i);
      }
    }
  }

  @Test
  void aBatchStaysValidUntilTheNextCallWhileTheProducerRunsAhead() throws InterruptedException {
    Dataset data = indexed(40);
    for (int depth : new int[] {1, 2, 3}) {
      try (DataLoader loader = DataLoader.builder(data).batchSize(3).seed(1).prefetch(depth).build()) {
        DataLoader.Epoch e = loader.iterator();
        int[] order = e.indices();
        int pos = 0;
        while (e.hasNext()) {
          Batch b = e.next();
          Thread.sleep(3); // the producer fills every free buffer meanwhile
          for (int k = 0; k < b.size(); k++) {
            assertEquals(order[pos + k], b.inputs().floatData()[k * 4 + 3], "depth " + depth + " position " + (pos + k));
          }
          pos += b.size();
        }
      }
    }
  }

  @Test
  void theLastBatchOfAnEpochSurvivesTheStartOfTheNext() throws InterruptedException {
    Dataset data = indexed(5);
    try (DataLoader loader = DataLoader.builder(data).batchSize(8).prefetch(2).seed(5).build()) {
      DataLoader.Epoch first = loader.iterator();
      Batch last = first.next();
      float[] kept = last.inputs().floatData().clone();
      DataLoader.Epoch second = loader.iterator();
      Thread.sleep(20);
      assertArrayEquals(kept, last.inputs().floatData(), "not overwritten before the next epoch's first next()");
      assertEquals(5, second.next().size());
    }
  }

  @Test
  void closingAnEpochMidwayStopsItsThread() {
    Set<Thread> before = loaderThreads();
    DataLoader loader = DataLoader.builder(indexed(200)).batchSize(2).prefetch(2).build();
    DataLoader.Epoch e = loader.iterator();
    e.next();
    assertTrue(e.producerAlive(), "the producer waits for room in the queue");
    e.close();
    assertFalse(e.producerAlive());
    assertFalse(e.hasNext());
    assertThrows(NoSuchElementException.class, e::next);
    assertEquals(before, loaderThreads());
    // a finished epoch has no thread either
    drain(loader);
    assertEquals(before, loaderThreads());
  }

  @Test
  void startingAnotherEpochOrClosingTheLoaderStopsTheRunningOne() {
    for (int depth : new int[] {0, 2}) {
      DataLoader loader = DataLoader.builder(indexed(200)).batchSize(2).prefetch(depth).build();
      DataLoader.Epoch first = loader.iterator();
      first.next();
      DataLoader.Epoch second = loader.iterator();
      assertFalse(first.producerAlive());
      // its queued batches sit in buffers the second epoch fills: it must not hand them out
      IllegalStateException ex = assertThrows(IllegalStateException.class, first::next);
      assertTrue(ex.getMessage().contains("epoch 0 was stopped"), ex.getMessage());
      assertFalse(first.hasNext());
      second.next();
      loader.close();
      assertFalse(second.producerAlive());
      assertThrows(IllegalStateException.class, second::next);
    }
  }

  @Test
  void anAbandonedEpochIsStoppedWhenCollected() throws InterruptedException {
    Set<Thread> before = loaderThreads();
    DataLoader loader = DataLoader.builder(indexed(200)).batchSize(2).prefetch(2).build();
    startAndAbandon(loader);
    Set<Thread> started = loaderThreads();
    started.removeAll(before);
    assertEquals(1, started.size(), "one producer thread");
    Thread t = started.iterator().next();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (t.isAlive() && System.nanoTime() < deadline) {
      System.gc();
      t.join(50);
    }
    assertFalse(t.isAlive(), "the abandoned epoch's thread " + t.getName() + " still runs");
  }

  private static void startAndAbandon(DataLoader loader) {
    DataLoader.Epoch e = loader.iterator();
    assertNotNull(e.next());
  }

  @Test
  void aProducerExceptionSurfacesInTheConsumerWithItsCause() {
    RuntimeException boom = new IllegalStateException("disk on fire");
    Dataset base = indexed(20);
    Dataset failing = new Dataset() {
      @Override public int size() { return base.size(); }
      @Override public int[] sampleShape() { return base.sampleShape(); }
      @Override public List<String> classNames() { return base.classNames(); }
      @Override public int label(int i) { return base.label(i); }
      @Override public void read(int i, float[] dst, int offset) {
        if (i == 13) throw boom;
        base.read(i, dst, offset);
      }
    };
    for (int depth : new int[] {0, 2}) {
      DataLoader loader = DataLoader.builder(failing).batchSize(4).shuffle(false).prefetch(depth).build();
      DataLoader.Epoch e = loader.iterator();
      for (int b = 0; b < 3; b++) e.next(); // samples 0-11 are fine
      IllegalStateException ex = assertThrows(IllegalStateException.class, e::next);
      assertSame(boom, ex.getCause());
      assertTrue(ex.getMessage().contains("batch 3 of epoch 0") && ex.getMessage().contains("disk on fire"), ex.getMessage());
      assertFalse(e.producerAlive());
      assertFalse(e.hasNext());
    }
  }

  @Test
  void waitTimeIsMeasuredPerEpoch() {
    Dataset base = indexed(24);
    Dataset slow = new Dataset() {
      @Override public int size() { return base.size(); }
      @Override public int[] sampleShape() { return base.sampleShape(); }
      @Override public List<String> classNames() { return base.classNames(); }
      @Override public int label(int i) { return base.label(i); }
      @Override public void read(int i, float[] dst, int offset) {
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
        base.read(i, dst, offset);
      }
    };
    try (DataLoader loader = DataLoader.builder(slow).batchSize(8).prefetch(2).build()) {
      assertEquals(0, loader.waitNanos());
      DataLoader.Epoch e = loader.iterator();
      while (e.hasNext()) e.next();
      assertTrue(e.waitNanos() >= 8_000_000L, "24 reads of >= 1 ms each, the consumer doing nothing: waited " + e.waitNanos());
      assertEquals(e.waitNanos(), loader.waitNanos());
      loader.iterator();
      assertEquals(0, loader.waitNanos(), "a new epoch starts at 0");
    }
  }

  @Test
  void aSamplerDecidesTheEpochs() {
    int[] labels = {0, 0, 0, 0, 0, 0, 1, 1, 2};
    float[] values = new float[labels.length];
    for (int i = 0; i < values.length; i++) values[i] = i;
    Dataset data = new ArrayDataset(values, labels, new int[] {1, 1, 1}, CLASSES);
    WeightedSampler sampler = WeightedSampler.oversample(labels, 3, 11);
    try (DataLoader loader = DataLoader.builder(data).batchSize(4).sampler(sampler).build()) {
      DataLoader.Epoch e = loader.iterator();
      assertEquals(5, e.batches()); // 18 samples: 6 per class
      int[] counts = new int[3];
      while (e.hasNext()) for (int y : e.next().labels()) counts[y]++;
      assertArrayEquals(new int[] {6, 6, 6}, counts);
    }
    Sampler bad = epoch -> new int[] {0, 99};
    try (DataLoader loader = DataLoader.builder(data).sampler(bad).build()) {
      IllegalStateException ex = assertThrows(IllegalStateException.class, () -> loader.iterator().next());
      assertTrue(ex.getCause().getMessage().contains("index 99 at position 1 of epoch 0"), ex.getCause().getMessage());
    }
  }

  @Test
  void badSettingsAreRejectedWithTheirValues() {
    Dataset data = indexed(4);
    assertMessage(() -> DataLoader.builder(data).batchSize(0), "batch size = 0, expected >= 1");
    assertMessage(() -> DataLoader.builder(data).prefetch(-1), "prefetch = -1, expected a queue depth in [0, 64]");
    assertMessage(() -> DataLoader.builder(null), "dataset is null");
    assertMessage(() -> DataLoader.builder(data).build().epoch(-2), "epoch = -2, expected >= 0");
    Dataset flat = new ArrayDataset(new float[8], new int[2], new int[] {4}, CLASSES);
    assertMessage(() -> DataLoader.builder(flat).augmentation(Augmentation.parse("hflip")).build(),
        "augmentation needs image samples [C, H, W] or [H, W], the dataset's are [4]");
  }

  @Test
  void perSampleGeneratorsDoNotDependOnBatchBoundaries() {
    // The same epoch cut into batches of 3 or of 7: the same augmented samples in the same order.
    Dataset data = indexed(21);
    Augmentation aug = Augmentation.builder().rotation(45).erase(0.7).eraseRandom().build();
    float[][] flat = new float[2][];
    int[] sizes = {3, 7};
    for (int s = 0; s < 2; s++) {
      try (DataLoader loader = DataLoader.builder(data).batchSize(sizes[s]).seed(9).augmentation(aug).build()) {
        float[] all = new float[21 * 4];
        int pos = 0;
        for (Batch b : loader) {
          System.arraycopy(b.inputs().floatData(), 0, all, pos, b.size() * 4);
          pos += b.size() * 4;
        }
        flat[s] = all;
      }
    }
    assertArrayEquals(flat[0], flat[1]);
  }

  /**
   * A batch size far beyond the dataset (the command line's --batch-size 100000 on 300 images)
   * gives one batch of the whole dataset, and the buffers are sized by that batch: with buffers
   * of batchSize samples, Integer.MAX_VALUE samples could not even be allocated.
   */
  @Test
  void aHugeBatchSizeGivesOneBatchOfTheDatasetAndAllocatesOnlyForIt() {
    Dataset data = indexed(300);
    for (int prefetch : new int[] {0, 2}) {
      for (int batchSize : new int[] {100_000, Integer.MAX_VALUE}) {
        try (DataLoader loader = DataLoader.builder(data).batchSize(batchSize).prefetch(prefetch).seed(3).build()) {
          assertEquals(1, loader.batches(0));
          for (int epoch = 0; epoch < 3; epoch++) {
            DataLoader.Epoch e = loader.iterator();
            assertEquals(1, e.batches());
            Batch b = e.next();
            assertEquals(300, b.size());
            assertArrayEquals(new int[] {300, 1, 2, 2}, b.inputs().shape());
            assertEquals(300 * 4, b.inputs().floatData().length, "the buffer holds the batch, not batchSize samples");
            float[] seen = new float[300];
            for (int i = 0; i < 300; i++) seen[i] = b.inputs().floatData()[i * 4];
            Arrays.sort(seen);
            for (int i = 0; i < 300; i++) assertEquals(i, seen[i], "every sample once");
            assertTrue(!e.hasNext());
          }
        }
      }
    }
    try (DataLoader dropped = DataLoader.builder(data).batchSize(Integer.MAX_VALUE).dropLast(true).build()) {
      assertEquals(0, dropped.batches(0));
      assertTrue(!dropped.iterator().hasNext());
    }
  }

  private static void assertMessage(org.junit.jupiter.api.function.Executable call, String part) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(part), () -> "message '" + e.getMessage() + "' lacks '" + part + "'");
  }
}
