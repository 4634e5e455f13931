package dev.cnn.bench;

import dev.cnn.engine.Mode;
import dev.cnn.engine.NoGrad;
import dev.cnn.engine.Variable;
import dev.cnn.layers.Architectures;
import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.Sequential;
import dev.cnn.optim.Adam;
import dev.cnn.optim.Optimizer;
import dev.cnn.tensor.Kernels;
import dev.cnn.tensor.Parallel;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.Workspace;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * How fast this engine trains the reference FashionNet: the training step that an epoch repeats
 * 938 times, and inference. {@code bench/torch_train_speed.py} is its PyTorch twin (same model,
 * loss, optimiser, batch, data shape and measurement), and {@code bench/train-speed.sh} runs both
 * one after the other and prints the ratio.
 *
 * <p>One training step, written out as in the examples: assemble a batch of 64 images (bytes to
 * floats / 255) in a shuffled order, {@code zeroGrad}, forward in TRAIN mode (dropout on), the
 * mean cross-entropy, backward, Adam (lr 1e-3), all inside a {@link Workspace} scope (so that each
 * step reuses the last step's arrays; {@code -Dcnn.workspace=off} measures without). The model is
 * {@link Architectures#fashionnet} for 1x28x28 images and 10 classes; the images are
 * {@link TrainingImages#synthetic} (60,000, as Fashion-MNIST's training set).
 *
 * <p>Measurement: {@code --warmup} steps (the JIT compiles the kernels), then {@code --steps}
 * timed steps, each timed on its own; reported are the median and mean time per step, images/s
 * over the timed steps (batch x steps / their total time, garbage collection included) and the
 * epoch time that rate gives for 60,000 images. With {@code --epoch} the timed steps are one whole
 * epoch (937 batches of 64 and one of 32), and its wall time is reported too. Then inference:
 * batches of {@code --infer-batch} (256) in EVAL mode under {@link NoGrad}, images/s. Also
 * reported: the bytes all threads allocated per timed step and the collector's time, from the
 * JVM's management beans.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.cnn.bench.TrainSpeed \
 *     --threads 2 --steps 200 [--epoch] [--json]
 * </pre>
 */
public final class TrainSpeed {
  /** Images in one epoch (Fashion-MNIST's training set). */
  static final int EPOCH_IMAGES = 60_000;

  private TrainSpeed() {}

  /**
   * What to measure.
   *
   * @param threads the engine's pool size ({@link Parallel#setThreads})
   * @param batch training batch size
   * @param warmup untimed training steps first
   * @param steps timed training steps (ignored with {@code epoch})
   * @param epoch time one whole epoch of the data instead of {@code steps} steps
   * @param inferBatch inference batch size
   * @param inferBatches timed inference batches (after a few untimed ones)
   * @param seed for the data, the weights, dropout and the shuffling
   */
  record Options(int threads, int batch, int warmup, int steps, boolean epoch, int inferBatch,
      int inferBatches, long seed, boolean json) {
    static Options parse(String[] args) {
      int threads = Parallel.threads(), batch = 64, warmup = 40, steps = 200, inferBatch = 256, inferBatches = 40;
      boolean epoch = false, json = false;
      long seed = 1;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--threads": threads = positive(a, value(args, ++i)); break;
          case "--batch": batch = positive(a, value(args, ++i)); break;
          case "--warmup": warmup = Integer.parseInt(value(args, ++i)); break;
          case "--steps": steps = positive(a, value(args, ++i)); break;
          case "--epoch": epoch = true; break;
          case "--infer-batch": inferBatch = positive(a, value(args, ++i)); break;
          case "--infer-batches": inferBatches = positive(a, value(args, ++i)); break;
          case "--seed": seed = Long.parseLong(value(args, ++i)); break;
          case "--json": json = true; break;
          case "--help":
            System.out.println("TrainSpeed [--threads T] [--batch 64] [--warmup 40] [--steps 200 | --epoch]"
                + " [--infer-batch 256] [--infer-batches 40] [--seed 1] [--json]");
            System.exit(0);
            break;
          default:
            throw new IllegalArgumentException("TrainSpeed: unknown option '" + a + "'; see --help");
        }
      }
      if (warmup < 0) throw new IllegalArgumentException("TrainSpeed: --warmup is " + warmup + ", expected >= 0");
      return new Options(threads, batch, warmup, steps, epoch, inferBatch, inferBatches, seed, json);
    }

    private static String value(String[] args, int i) {
      if (i >= args.length) throw new IllegalArgumentException("TrainSpeed: " + args[i - 1] + " needs a value");
      return args[i];
    }

    private static int positive(String name, String v) {
      int n = Integer.parseInt(v);
      if (n < 1) throw new IllegalArgumentException("TrainSpeed: " + name + " is " + n + ", expected >= 1");
      return n;
    }
  }

  public static void main(String[] args) {
    Options o = Options.parse(args);
    Parallel.setThreads(o.threads());
    TrainingImages data = TrainingImages.synthetic(EPOCH_IMAGES, new int[] {1, 28, 28}, 10, o.seed());
    Report r = run(o, data);
    System.out.println(o.json() ? r.toJson() : r.toText());
  }

  /** The measurements; times in milliseconds. */
  record Report(Options options, String data, double[] stepMillis, double totalSeconds, double epochSeconds,
      double inferImagesPerSecond, double allocatedMbPerStep, double gcMillisPerStep, long gcCount,
      double firstLoss, double lastLoss) {
    double imagesPerSecond() {
      return trainedImages() / totalSeconds;
    }

    long trainedImages() {
      return options.epoch() ? EPOCH_IMAGES : (long) options.batch() * stepMillis.length;
    }

    /** The time of a 60,000-image epoch at the measured rate. */
    double epochEstimateSeconds() {
      return EPOCH_IMAGES / imagesPerSecond();
    }

    String toJson() {
      StringJoiner j = new StringJoiner(", ", "{", "}");
      j.add("\"engine\": \"java\"");
      j.add("\"version\": " + Json.string(System.getProperty("java.version")));
      j.add("\"kernels\": " + Json.string(Kernels.describe()));
      j.add("\"workspace\": " + Json.string(Workspace.describe()));
      j.add("\"data\": " + Json.string(data));
      j.add("\"threads\": " + options.threads());
      j.add("\"batch\": " + options.batch());
      j.add("\"warmup_steps\": " + options.warmup());
      j.add("\"steps\": " + stepMillis.length);
      j.add("\"ms_per_step_median\": " + Json.number(percentile(stepMillis, 50)));
      j.add("\"ms_per_step_mean\": " + Json.number(Arrays.stream(stepMillis).average().orElse(Double.NaN)));
      j.add("\"ms_per_step_p10\": " + Json.number(percentile(stepMillis, 10)));
      j.add("\"ms_per_step_p90\": " + Json.number(percentile(stepMillis, 90)));
      j.add("\"images_per_s\": " + Json.number(imagesPerSecond()));
      j.add("\"epoch_s_estimate\": " + Json.number(epochEstimateSeconds()));
      j.add("\"epoch_s\": " + Json.number(options.epoch() ? epochSeconds : null));
      j.add("\"infer_batch\": " + options.inferBatch());
      j.add("\"infer_images_per_s\": " + Json.number(inferImagesPerSecond));
      j.add("\"alloc_mb_per_step\": " + Json.number(allocatedMbPerStep));
      j.add("\"gc_ms_per_step\": " + Json.number(gcMillisPerStep));
      j.add("\"gc_count\": " + gcCount);
      j.add("\"first_loss\": " + Json.number(firstLoss));
      j.add("\"last_loss\": " + Json.number(lastLoss));
      return j.toString();
    }

    String toText() {
      StringBuilder sb = new StringBuilder();
      sb.append("FashionNet training, Java ").append(System.getProperty("java.version")).append(", ")
          .append(options.threads()).append(" thread(s), batch ").append(options.batch()).append('\n');
      sb.append("kernels: ").append(Kernels.describe()).append('\n');
      sb.append(Workspace.describe()).append('\n');
      sb.append("data: ").append(data).append('\n');
      sb.append(String.format(Locale.ROOT, "step: median %.2f ms, mean %.2f ms (p10 %.2f, p90 %.2f) over %d steps"
              + " after %d warm-up steps%n", percentile(stepMillis, 50), Arrays.stream(stepMillis).average().orElse(0),
          percentile(stepMillis, 10), percentile(stepMillis, 90), stepMillis.length, options.warmup()));
      sb.append(String.format(Locale.ROOT, "training: %.0f images/s, epoch of %d images: %.1f s%s%n",
          imagesPerSecond(), EPOCH_IMAGES, epochEstimateSeconds(),
          options.epoch() ? String.format(Locale.ROOT, " (measured: %.1f s)", epochSeconds) : " (estimate)"));
      sb.append(String.format(Locale.ROOT, "inference, batch %d: %.0f images/s%n", options.inferBatch(),
          inferImagesPerSecond));
      sb.append(String.format(Locale.ROOT, "allocated: %.1f MB per step; GC: %.2f ms per step (%d collections)%n",
          allocatedMbPerStep, gcMillisPerStep, gcCount));
      sb.append(String.format(Locale.ROOT, "loss: %.4f first timed step, %.4f last", firstLoss, lastLoss));
      return sb.toString();
    }
  }

  /** Trains and measures as the class comment says. */
  static Report run(Options o, TrainingImages data) {
    int[] shape = data.imageShape();
    int pixels = shape[0] * shape[1] * shape[2];
    Rng rng = new Rng(o.seed());
    Sequential model = Architectures.fashionnet(shape, data.classes(), rng.nextLong());
    Optimizer adam = Adam.adam(1e-3).build(model.parameters());
    CrossEntropyLoss loss = CrossEntropyLoss.of();
    Epochs epochs = new Epochs(data.size(), o.batch(), rng.split());

    for (int s = 0; s < o.warmup(); s++) {
      int n = epochs.next();
      trainStep(model, loss, adam, data, epochs, n, pixels, shape);
    }
    int steps = o.epoch() ? (data.size() + o.batch() - 1) / o.batch() : o.steps();
    if (o.epoch()) epochs.restart();
    double[] millis = new double[steps];
    double firstLoss = Double.NaN, lastLoss = Double.NaN;
    long allocated0 = allocatedBytes();
    long[] gc0 = gc();
    long start = System.nanoTime();
    for (int s = 0; s < steps; s++) {
      long t0 = System.nanoTime();
      int n = epochs.next();
      double value = trainStep(model, loss, adam, data, epochs, n, pixels, shape);
      millis[s] = (System.nanoTime() - t0) / 1e6;
      if (s == 0) firstLoss = value;
      lastLoss = value;
    }
    double total = (System.nanoTime() - start) / 1e9;
    long[] gc1 = gc();
    double allocatedMb = (allocatedBytes() - allocated0) / 1e6 / steps;

    double infer = inferenceRate(model, data, o, pixels, shape);
    return new Report(o, data.describe(), millis, total, total, infer, allocatedMb,
        (double) (gc1[1] - gc0[1]) / steps, gc1[0] - gc0[0], firstLoss, lastLoss);
  }

  /** One training step on the next {@code n} images of the epoch; returns the batch's loss. */
  private static double trainStep(Sequential model, CrossEntropyLoss loss, Optimizer optimizer,
      TrainingImages data, Epochs epochs, int n, int pixels, int[] shape) {
    float[] x = new float[n * pixels];
    int[] labels = new int[n];
    data.batch(epochs.order, epochs.position - n, n, x, labels);
    Tensor inputs = Tensor.wrap(x, n, shape[0], shape[1], shape[2]);

    try (Workspace step = Workspace.open()) {
      optimizer.zeroGrad();
      Variable logits = model.forward(Variable.constant(inputs), Mode.TRAIN);
      Variable batchLoss = loss.compute(logits, labels);
      batchLoss.backward();
      optimizer.step();
      return batchLoss.value().getFlat(0);
    }
  }

  /** Images per second in EVAL mode, batches of {@code o.inferBatch()}, no graph recorded. */
  private static double inferenceRate(Sequential model, TrainingImages data, Options o, int pixels, int[] shape) {
    int b = Math.min(o.inferBatch(), data.size());
    int[] order = new int[data.size()];
    Arrays.setAll(order, i -> i);
    float[] x = new float[b * pixels];
    int[] labels = new int[b];
    int batches = data.size() / b;
    long start = 0;
    int warm = 5;
    for (int i = 0; i < warm + o.inferBatches(); i++) {
      if (i == warm) start = System.nanoTime();
      data.batch(order, (i % batches) * b, b, x, labels);
      try (NoGrad scope = NoGrad.enter(); Workspace batch = Workspace.open()) {
        model.forward(Variable.constant(Tensor.wrap(x, b, shape[0], shape[1], shape[2])), Mode.EVAL);
      }
    }
    return (double) b * o.inferBatches() / ((System.nanoTime() - start) / 1e9);
  }

  /**
   * The order in which batches visit the images: a fresh seeded shuffle every epoch, the last
   * batch of an epoch smaller when the batch size does not divide the set (PyTorch's DataLoader
   * with {@code shuffle=True, drop_last=False}).
   */
  private static final class Epochs {
    final int[] order;
    final int batch;
    final Rng rng;
    int position;

    Epochs(int size, int batch, Rng rng) {
      this.order = new int[size];
      this.batch = batch;
      this.rng = rng;
      restart();
    }

    /** Starts a new epoch in a new order. */
    void restart() {
      for (int i = 0; i < order.length; i++) order[i] = i;
      for (int i = order.length - 1; i > 0; i--) { // Fisher-Yates
        int j = rng.nextInt(i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      position = 0;
    }

    /** Advances by one batch and returns its size; its images are order[position - size, position). */
    int next() {
      if (position == order.length) restart();
      int n = Math.min(batch, order.length - position);
      position += n;
      return n;
    }
  }

  /** Bytes allocated so far by all live threads (HotSpot's per-thread counters), or 0 if unknown. */
  private static long allocatedBytes() {
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    if (!(bean instanceof com.sun.management.ThreadMXBean)) return 0;
    com.sun.management.ThreadMXBean hs = (com.sun.management.ThreadMXBean) bean;
    if (!hs.isThreadAllocatedMemorySupported() || !hs.isThreadAllocatedMemoryEnabled()) return 0;
    long sum = 0;
    for (long bytes : hs.getThreadAllocatedBytes(bean.getAllThreadIds())) sum += Math.max(bytes, 0);
    return sum;
  }

  /** {collections, milliseconds} of all collectors so far. */
  private static long[] gc() {
    long count = 0, millis = 0;
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(b.getCollectionCount(), 0);
      millis += Math.max(b.getCollectionTime(), 0);
    }
    return new long[] {count, millis};
  }

  /** The p-th percentile, by linear interpolation between the closest ranks. */
  static double percentile(double[] values, double p) {
    double[] s = values.clone();
    Arrays.sort(s);
    double rank = p / 100 * (s.length - 1);
    int lo = (int) Math.floor(rank), hi = (int) Math.ceil(rank);
    return s[lo] + (s[hi] - s[lo]) * (rank - lo);
  }
}
