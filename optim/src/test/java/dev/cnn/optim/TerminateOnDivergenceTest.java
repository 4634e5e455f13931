package dev.cnn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.layers.Sequential;
import dev.cnn.tensor.Log;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A finite but exploding loss stops the run; a healthy one, or one noisy batch, does not. */
class TerminateOnDivergenceTest {
  @BeforeAll
  static void quiet() {
    Log.setOutput(new PrintStream(OutputStream.nullOutputStream()));
  }

  @AfterAll
  static void loud() {
    Log.setOutput(System.err);
  }

  /** Feeds a sequence of batch losses to the callback, as the trainer would, until it stops the run. */
  private static int feed(TerminateOnDivergence d, TrainingContext ctx, double... losses) {
    for (int i = 0; i < losses.length; i++) {
      d.onBatchLoss(ctx, 0, i, losses[i]);
      if (ctx.stopRequested()) return i;
    }
    return -1;
  }

  private static TrainingContext context() {
    Sequential model = Fixtures.mlp(4, 1);
    return new TrainingContext(model, Sgd.builder(50).build(model.parameters()), new java.util.ArrayList<>());
  }

  @Test
  void stopsAfterTwentyBatchesFarAboveTheStartAndSaysWhatToTry() {
    double[] losses = new double[60];
    losses[0] = 2.0;
    for (int i = 1; i < 60; i++) losses[i] = i < 5 ? 1e11 : 12; // a burst, then stuck at 6x the start
    TerminateOnDivergence d = new TerminateOnDivergence();
    TrainingContext ctx = context();
    assertEquals(TerminateOnDivergence.PATIENCE_BATCHES, feed(d, ctx, losses));
    assertNotNull(d.message());
    assertTrue(d.message().contains("over 5x the 2.000 of the first batch") && d.message().contains("--lr 5.00"),
        d.message());
  }

  @Test
  void oneSpikeOrASlowHealthyRunDoesNotStopIt() {
    double[] losses = new double[100];
    for (int i = 0; i < 100; i++) losses[i] = 2.0 / (1 + i * 0.05);
    for (int i = 30; i < 100; i += 7) losses[i] = 50; // isolated spikes
    for (int i = 1; i < 15; i++) losses[i] = 9; // an early bump that settles
    TerminateOnDivergence d = new TerminateOnDivergence();
    assertEquals(-1, feed(d, context(), losses));
    assertNull(d.message());
  }

  @Test
  void aResumedRunKeepsItsReferenceAndCount() {
    TerminateOnDivergence first = new TerminateOnDivergence();
    TrainingContext ctx = context();
    double[] start = new double[16];
    start[0] = 2.0;
    java.util.Arrays.fill(start, 1, 16, 1e3); // 15 batches above: not yet
    assertEquals(-1, feed(first, ctx, start));
    Map<String, Object> saved = first.saveState();
    TerminateOnDivergence resumed = new TerminateOnDivergence();
    resumed.restoreState(saved, Map.of(), null);
    assertEquals(4, feed(resumed, context(), 1e3, 1e3, 1e3, 1e3, 1e3, 1e3), "5 more batches make 20");
  }
}
