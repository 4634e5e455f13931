package dev.cnn.spark;

import dev.cnn.data.Dataset;
import dev.cnn.data.StandardDatasets;
import dev.cnn.data.SyntheticShapes;
import dev.cnn.engine.Mode;
import dev.cnn.engine.Variable;
import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.Model;
import dev.cnn.layers.io.FileFormatException;
import dev.cnn.layers.io.ModelFiles;
import dev.cnn.optim.Adam;
import dev.cnn.optim.Optimizer;
import dev.cnn.optim.Sgd;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Data-parallel training on Spark by periodic parameter averaging ("local SGD"): N workers start
 * each round from the same parameters and optimiser state, each takes K steps on its own batches,
 * and the driver averages what they return (parameters, batch-norm statistics and optimiser
 * state, element by element) into the next round's start.
 *
 * <p><b>Batches.</b> Batch b is images {@code order(e)[p*B, (p+1)*B)} with
 * {@code e = b / P}, {@code p = b mod P}, {@code P = floor(n / B)} batches per epoch and
 * {@code order(e)} a permutation drawn from the seed ({@link #order}). At global step t worker w
 * takes batch {@code t*N + w}: the N workers' batches of a step are the consecutive batches of one
 * shuffled epoch.
 *
 * <p><b>K = 1 and plain SGD equals one process with batch N*B.</b> Each worker's step is
 * {@code w - lr * g_w}, and their mean {@code w - lr * mean_w(g_w)}, where each g_w is the gradient of
 * the mean loss over its B images; the mean of N such gradients is the gradient of the mean loss over
 * the N*B images, which is the single-process step on the union. When N*B divides n the union is
 * exactly the single-process batch of the same step (DataParallelTest checks 20 steps to 1e-5,
 * the difference being summation order). Not with batch norm in training mode: each worker
 * normalises by its own batch's statistics (PyTorch's DistributedDataParallel has the same
 * difference, which SyncBatchNorm removes). With K > 1 the workers drift apart between averages and
 * the result is an approximation that trades accuracy for fewer synchronisations.
 *
 * <p><b>Why a job per round, and not barrier mode.</b> Each round is one Spark job of N tasks
 * (broadcast the state, map, collect): the driver holds the only copy of the state between rounds,
 * so a lost executor costs one retried task, not the run; and a collect of N states of a small CNN
 * (a few MB) is cheap next to K training steps. Barrier execution would keep the workers alive
 * across rounds, but it needs all N slots at once and restarts the whole stage on any failure. The
 * workers keep their model, optimiser and dataset objects between rounds in a per-JVM cache, so a
 * round reloads only the state.
 */
public final class DataParallel {
  private DataParallel() {}

  /**
   * What every worker builds the same way.
   *
   * @param architecture the model's architecture JSON ({@code ModelFiles.architectureJson})
   * @param dataset {@code shapes:SEED:SIZE} (the built-in generator), or {@code fashion-mnist},
   *     {@code mnist}, optionally {@code :DIR} (a directory every node can read); a suffix
   *     {@code @N} keeps the first N images
   * @param optimizer {@code sgd} or {@code adam}
   * @param lr the learning rate
   * @param workers N, the number of workers (Spark tasks per round)
   * @param batchSize B, each worker's batch
   * @param syncEvery K, steps between averages
   * @param steps total steps (a multiple of K)
   * @param seed the seed of the weights and the shuffles
   */
  public record Job(String architecture, String dataset, String optimizer, double lr, int workers, int batchSize,
      int syncEvery, int steps, long seed) {
    public Job {
      if (architecture == null || architecture.isBlank()) throw bad("architecture", architecture, "a model's JSON");
      if (dataset == null || dataset.isBlank()) throw bad("dataset", dataset, "shapes:SEED:SIZE, fashion-mnist or mnist");
      if (!"sgd".equals(optimizer) && !"adam".equals(optimizer)) throw bad("optimizer", optimizer, "sgd or adam");
      if (!(lr > 0) || Double.isInfinite(lr)) throw bad("lr", lr, "a finite rate > 0");
      if (workers < 1) throw bad("workers", workers, "at least 1");
      if (batchSize < 1) throw bad("batch size", batchSize, "at least 1");
      if (syncEvery < 1) throw bad("sync every", syncEvery, "at least 1 step");
      if (steps < syncEvery || steps % syncEvery != 0) {
        throw bad("steps", steps, "a positive multiple of sync every (" + syncEvery + ")");
      }
    }

    private static IllegalArgumentException bad(String what, Object value, String expected) {
      return new IllegalArgumentException("DataParallel: " + what + " = " + value + "; expected " + expected);
    }

    /** The job as text, for the executors. */
    String encode() {
      return String.join("\u0001", architecture, dataset, optimizer, Double.toString(lr), Integer.toString(workers),
          Integer.toString(batchSize), Integer.toString(syncEvery), Integer.toString(steps), Long.toString(seed));
    }

    static Job decode(String text) {
      String[] f = text.split("\u0001", -1);
      return new Job(f[0], f[1], f[2], Double.parseDouble(f[3]), Integer.parseInt(f[4]), Integer.parseInt(f[5]),
          Integer.parseInt(f[6]), Integer.parseInt(f[7]), Long.parseLong(f[8]));
    }
  }

  /** One round: its steps, the workers' mean training loss, and where the time went (driver's view). */
  public record Round(int round, int steps, double loss, double seconds, double syncSeconds) {}

  /** The trained model (on the driver) and the rounds. */
  public record Result(Model model, List<Round> rounds) {}

  /**
   * Trains on the cluster behind {@code sc}: {@code steps / K} rounds of N tasks.
   *
   * @throws IllegalArgumentException for an architecture or dataset the driver cannot build
   */
  public static Result train(JavaSparkContext sc, Job job) {
    Worker driver = new Worker(job);
    String text = job.encode();
    List<Round> rounds = new ArrayList<>();
    for (int r = 0; r < job.steps() / job.syncEvery(); r++) {
      long start = System.nanoTime();
      Broadcast<byte[]> state = sc.broadcast(driver.state());
      long first = (long) r * job.syncEvery();
      List<Integer> workers = IntStream.range(0, job.workers()).boxed().toList();
      List<byte[]> results = sc.parallelize(workers, job.workers())
          .map(w -> Worker.cached(text, w).round(state.value(), w, first)).collect();
      long computed = System.nanoTime();
      List<Map<String, Tensor>> states = new ArrayList<>();
      double loss = 0;
      for (byte[] b : results) {
        Map<String, Tensor> s = StateCodec.decode(b);
        loss += s.remove(LOSS).getFlat(0);
        states.add(s);
      }
      driver.load(StateCodec.mean(states));
      state.destroy();
      long end = System.nanoTime();
      rounds.add(new Round(r, job.syncEvery(), loss / results.size(), (end - start) / 1e9,
          (end - computed) / 1e9));
    }
    return new Result(driver.model, rounds);
  }

  /**
   * The same training in this process, without Spark, with one worker taking batches of
   * {@code N*B}: the reference that {@link #train} with K = 1 and SGD reproduces.
   */
  public static Model trainSingleProcess(Job job) {
    Job one = new Job(job.architecture(), job.dataset(), job.optimizer(), job.lr(), 1,
        job.batchSize() * job.workers(), 1, job.steps(), job.seed());
    Worker w = new Worker(one);
    for (long t = 0; t < one.steps(); t++) w.step(0, t);
    return w.model;
  }

  /** The shuffle of epoch e: a permutation of {@code 0..n-1} drawn from the seed (Fisher-Yates). */
  public static int[] order(int n, long seed, int epoch) {
    Rng rng = new Rng(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1)));
    int[] p = new int[n];
    for (int i = 0; i < n; i++) p[i] = i;
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** The training split a dataset spec names (see {@link Job}). */
  public static Dataset dataset(String spec) {
    int at = spec.lastIndexOf('@');
    if (at > 0) {
      Dataset all = dataset(spec.substring(0, at));
      int n;
      try {
        n = Integer.parseInt(spec.substring(at + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("dataset " + spec + ": expected @N, a number of images, at the end", e);
      }
      if (n < 1 || n >= all.size()) return all;
      return all.subset(IntStream.range(0, n).toArray());
    }
    String[] f = spec.split(":", 3);
    try {
      if (f[0].equals("shapes")) {
        if (f.length != 3) throw new IllegalArgumentException("dataset " + spec + ": expected shapes:SEED:SIZE");
        return SyntheticShapes.builder().seed(Long.parseLong(f[1])).trainSize(Integer.parseInt(f[2])).testSize(1).build()
            .train();
      }
      Path dir = f.length > 1 ? Path.of(spec.substring(f[0].length() + 1)) : null;
      return StandardDatasets.load(f[0], StandardDatasets.Split.TRAIN, dir);
    } catch (IOException e) {
      throw new UncheckedIOException("dataset " + spec + ": " + e.getMessage(), e);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("dataset " + spec + ": expected shapes:SEED:SIZE with numbers", e);
    }
  }

  static final String LOSS = "__loss";

  /** A worker's model, optimiser and data: built once per JVM and job, reused every round. */
  static final class Worker {
    private static final Map<String, Worker> CACHE = new ConcurrentHashMap<>();
    final Job job;
    final Model model;
    final Optimizer optimizer;
    final Dataset data;
    private final CrossEntropyLoss loss = CrossEntropyLoss.of();
    private int[] order;
    private int orderEpoch = -1;

    Worker(Job job) {
      this.job = job;
      try {
        this.model = ModelFiles.modelFromArchitecture(job.architecture(), "the driver's model", job.seed());
      } catch (FileFormatException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      this.optimizer = job.optimizer().equals("sgd") ? Sgd.builder(job.lr()).build(model.parameters())
          : Adam.adam(job.lr()).build(model.parameters());
      this.data = dataset(job.dataset());
      int[] in = model.inputShape();
      if (!java.util.Arrays.equals(in, data.sampleShape())) {
        throw new IllegalArgumentException("the model takes samples of shape " + java.util.Arrays.toString(in) + ", but "
            + job.dataset() + " has " + java.util.Arrays.toString(data.sampleShape()));
      }
      if (data.size() < job.batchSize()) {
        throw new IllegalArgumentException(job.dataset() + " has " + data.size() + " images, fewer than a batch of "
            + job.batchSize());
      }
    }

    /** This JVM's worker w for the job (one per worker: tasks of one JVM may run at once). */
    static Worker cached(String job, int w) {
      return CACHE.computeIfAbsent(w + "\u0002" + job, k -> new Worker(Job.decode(job)));
    }

    /** The model's state dict and the optimiser's state, as bytes. */
    byte[] state() {
      return StateCodec.encode(stateMap());
    }

    private Map<String, Tensor> stateMap() {
      Map<String, Tensor> s = new LinkedHashMap<>();
      model.stateDict().forEach((k, v) -> s.put("model." + k, v));
      optimizer.state().forEach((k, v) -> s.put("optimizer." + k, v));
      return s;
    }

    void load(Map<String, Tensor> state) {
      Map<String, Tensor> m = new LinkedHashMap<>(), o = new LinkedHashMap<>();
      state.forEach((k, v) -> {
        if (k.startsWith("model.")) m.put(k.substring(6), v);
        else o.put(k.substring(10), v);
      });
      model.loadStateDict(m, "the averaged state");
      optimizer.loadState(o);
    }

    /** From the broadcast state, K steps as worker w from global step {@code first}; the new state and the mean loss. */
    byte[] round(byte[] state, int w, long first) {
      load(StateCodec.decode(state));
      double sum = 0;
      for (long t = first; t < first + job.syncEvery(); t++) sum += step(w, t);
      Map<String, Tensor> out = stateMap();
      out.put(LOSS, Tensor.of(new double[] {sum / job.syncEvery()}, 1));
      return StateCodec.encode(out);
    }

    /** One training step on batch {@code t*N + w}; its loss. */
    double step(int w, long t) {
      int b = job.batchSize(), perEpoch = data.size() / b;
      long batch = t * job.workers() + w;
      int epoch = (int) (batch / perEpoch), p = (int) (batch % perEpoch);
      if (epoch != orderEpoch) {
        order = order(data.size(), job.seed(), epoch);
        orderEpoch = epoch;
      }
      int size = data.sampleSize();
      float[] x = new float[b * size];
      int[] labels = new int[b];
      for (int i = 0; i < b; i++) {
        int index = order[p * b + i];
        data.read(index, x, i * size);
        labels[i] = data.label(index);
      }
      int[] shape = new int[model.inputShape().length + 1];
      shape[0] = b;
      System.arraycopy(model.inputShape(), 0, shape, 1, shape.length - 1);
      optimizer.zeroGrad();
      Variable l = loss.compute(model.forward(Variable.constant(Tensor.of(x, shape)), Mode.TRAIN), labels);
      l.backward();
      optimizer.step();
      return l.value().getFlat(0);
    }
  }

  /** A one-line description of a round, for logs. */
  public static String describe(Round r) {
    return String.format(Locale.ROOT, "round %d: %d steps, loss %.4f, %.3f s (%.3f s synchronising)", r.round() + 1,
        r.steps(), r.loss(), r.seconds(), r.syncSeconds());
  }
}
