package dev.cnn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Variable;
import dev.cnn.layers.Architectures;
import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.Sequential;
import dev.cnn.tensor.Batch;
import dev.cnn.tensor.Parallel;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.Workspace;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The same seed and data give the same training, bit for bit: weights and every history field
 * except the timings ({@code seconds}, {@code data_wait_seconds}). The model is the fashionnet
 * architecture (convolutions, max pooling, dense layers, dropout with its own seeded generator)
 * on 8x8 images, with AdamW, clipping, a schedule and validation, so that the parallel
 * convolution and GEMM paths, the dropout masks and the optimiser state are all involved. Runs
 * with 1, 2 and 8 threads must also agree bit for bit: the kernels split work at boundaries that
 * do not depend on the thread count (tensor's Parallel and GemmConv say how). With 8 threads the
 * last batch (4 images) has fewer images than threads, so its convolutions run image by image with
 * GEMM parallel inside, the other path of GemmConv.
 */
class DeterminismTest {
  private static List<Batch> images(long seed, int n, int batch) {
    Rng rng = new Rng(seed);
    List<Batch> out = new ArrayList<>();
    for (int start = 0; start < n; start += batch) {
      int m = Math.min(batch, n - start);
      Tensor x = Tensor.uniform(rng, DType.FLOAT32, 0, 1, m, 1, 8, 8);
      int[] y = new int[m];
      for (int i = 0; i < m; i++) {
        y[i] = rng.nextInt(3);
        // A class-dependent bright square, so that there is something to learn.
        for (int r = 0; r < 3; r++) for (int c = 0; c < 3; c++) x.set(1.5, i, 0, 2 * y[i] + r, 2 * y[i] + c);
      }
      out.add(new Batch(x, y));
    }
    return out;
  }

  private record Run(Sequential model, Trainer.Result result) {}

  private static Run fit(int threads) {
    int saved = Parallel.threads();
    Parallel.setThreads(threads);
    try {
      Sequential model = Architectures.fashionnet(new int[] {1, 8, 8}, 3, 2024);
      Trainer trainer = Trainer.builder(model, CrossEntropyLoss.of(), Adam.adamW(3e-3).build(model.parameters()))
          .epochs(2).clipGradientNorm(5).schedule(LrSchedule.cosine(2, 0.1)).build();
      return new Run(model, trainer.fit(images(7, 100, 32), images(8, 36, 32)));
    } finally {
      Parallel.setThreads(saved);
    }
  }

  private static void assertSameHistoryExceptTimings(List<EpochMetrics> a, List<EpochMetrics> b) {
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      EpochMetrics x = a.get(i), y = b.get(i);
      assertEquals(new EpochMetrics(x.epoch(), x.loss(), x.accuracy(), x.valLoss(), x.valAccuracy(), x.learningRate(),
          0, 0), new EpochMetrics(y.epoch(), y.loss(), y.accuracy(), y.valLoss(), y.valAccuracy(), y.learningRate(),
          0, 0), "epoch " + i);
    }
  }

  @Test
  void theSameSeedGivesBitIdenticalWeightsAndHistory() {
    Run a = fit(2), b = fit(2);
    assertTrue(Fixtures.sameWeights(a.model(), b.model()), "two runs with the same seed differ");
    assertSameHistoryExceptTimings(a.result().history(), b.result().history());
    assertTrue(a.result().history().get(1).loss() < a.result().history().get(0).loss() * 1.5,
        "the run should train, not diverge: " + a.result().history());
  }

  @Test
  void oneTwoAndEightThreadsGiveBitIdenticalWeights() {
    Run one = fit(1), two = fit(2), eight = fit(8);
    assertTrue(Fixtures.sameWeights(one.model(), two.model()), "1 and 2 threads give different weights");
    assertTrue(Fixtures.sameWeights(one.model(), eight.model()), "1 and 8 threads give different weights");
    assertSameHistoryExceptTimings(one.result().history(), two.result().history());
    assertSameHistoryExceptTimings(one.result().history(), eight.result().history());
  }

  /**
   * A {@link Workspace} around each step changes where arrays come from, never a number: the same
   * hand-written loop (the example's five lines, with the Trainer's extras: clipping, AdamW) gives
   * bit-identical losses and weights with and without scopes, and with scopes reuses the arrays.
   */
  @Test
  void stepsInsideWorkspaceScopesGiveBitIdenticalTrainingAndReuseTheirArrays() {
    List<Batch> data = images(7, 100, 32); // batches of 32, 32, 32 and 4
    Loop plain = handLoop(data, false);
    Loop scoped = handLoop(data, true);
    assertArrayEquals(plain.losses(), scoped.losses());
    assertTrue(Fixtures.sameWeights(plain.model(), scoped.model()), "the workspace changed the weights");
    assumeTrue(Workspace.enabled(), "cnn.workspace=off: nothing is reused");
    // A step after one of the same batch size allocates nothing: steps 2, 3 (epoch 1) and 6, 7
    // (epoch 2). The first step, the batch of 4 and the step after it allocate.
    long[] a = scoped.allocated();
    for (int step : new int[] {1, 2, 5, 6}) assertEquals(0, a[step], "step " + (step + 1) + " allocated");
    assertTrue(a[0] > 0 && a[3] > 0 && a[4] > 0, java.util.Arrays.toString(a));
  }

  /** Losses, allocated array elements per step (from the workspace's counters) and the trained model. */
  private record Loop(Sequential model, double[] losses, long[] allocated) {}

  private static Loop handLoop(List<Batch> data, boolean scoped) {
    Sequential model = Architectures.fashionnet(new int[] {1, 8, 8}, 3, 2024);
    Optimizer opt = Adam.adamW(3e-3).build(model.parameters());
    CrossEntropyLoss lossFn = CrossEntropyLoss.of();
    double[] losses = new double[2 * data.size()];
    long[] allocated = new long[losses.length];
    int i = 0;
    for (int epoch = 0; epoch < 2; epoch++) {
      for (Batch b : data) {
        long before = Workspace.stats().allocatedElements();
        Workspace ws = scoped ? Workspace.open() : null;
        try {
          opt.zeroGrad();
          Variable loss = lossFn.compute(model.forward(Variable.constant(b.inputs()), Mode.TRAIN), b.labels());
          loss.backward();
          GradientClipping.byGlobalNorm(model.parameters().values(), 5);
          opt.step();
          losses[i] = loss.value().getFlat(0);
        } finally {
          if (ws != null) ws.close();
        }
        allocated[i++] = Workspace.stats().allocatedElements() - before;
      }
    }
    return new Loop(model, losses, allocated);
  }
}
