package dev.cnn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.Dense;
import dev.cnn.layers.ReLU;
import dev.cnn.layers.Sequential;
import dev.cnn.tensor.Batch;
import dev.cnn.tensor.Log;
import dev.cnn.tensor.Tensor;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A learning rate far too high makes a three-layer ReLU network diverge: each step multiplies the
 * weights' scale, the logits overflow float32 and the loss becomes NaN or infinite within a few
 * epochs. TerminateOnNaN stops there, names the epoch and batch, suggests a lower rate, and leaves
 * the last weights that gave a finite loss.
 */
class TerminateOnNaNTest {
  @BeforeAll
  static void quiet() {
    Log.setOutput(new PrintStream(OutputStream.nullOutputStream()));
  }

  @AfterAll
  static void loud() {
    Log.setOutput(System.err);
  }

  /** Records where the first non-finite loss came and the weights of the last finite one. */
  static final class Watch implements Callback {
    int badEpoch = -1;
    int badBatch = -1;
    int finiteBatches;
    Map<String, Tensor> lastFinite;

    @Override
    public void onBatchLoss(TrainingContext ctx, int epoch, int batch, double loss) {
      if (badEpoch >= 0) throw new AssertionError("the loop went on after the failure");
      if (Double.isFinite(loss)) {
        lastFinite = Weights.snapshot(ctx.model());
        finiteBatches++;
      } else {
        badEpoch = epoch;
        badBatch = batch;
      }
    }

    @Override
    public void onBatchEnd(TrainingContext ctx, int epoch, int batch, double loss) {
      assertTrue(Double.isFinite(loss), "a step was taken with a non-finite loss");
    }
  }

  @Test
  void stopsAtTheFirstNonFiniteLossNamingWhereAndRestoresTheWeightsFromBefore() {
    Sequential model = Sequential.builder(2)
        .add(Dense.of(2, 32)).add(new ReLU())
        .add(Dense.of(32, 32)).add(new ReLU())
        .add(Dense.of(32, 2)).build(4);
    List<Batch> data = Fixtures.batches(Fixtures.blobs(9, 64, 64, 2), 16);
    Watch watch = new Watch();
    TerminateOnNaN nan = new TerminateOnNaN();
    Trainer.Result result = Trainer.builder(model, CrossEntropyLoss.of(), Sgd.builder(50).build(model.parameters()))
        .epochs(20).callbacks(watch, nan).build().fit(data, null);

    assertTrue(watch.badEpoch >= 0, "the rate 50 was expected to diverge within 20 epochs; it did not");
    assertTrue(watch.finiteBatches > 0, "diverged at the first batch: nothing to restore");
    String msg = nan.message();
    System.out.println("TerminateOnNaNTest: " + msg);
    assertNotNull(msg);
    assertEquals(msg, result.stopReason());
    assertTrue(msg.contains("epoch " + (watch.badEpoch + 1) + ", batch " + (watch.badBatch + 1)), msg);
    assertTrue(msg.contains("learning rate (50.0)") && msg.contains("lower"), msg);
    for (Tensor t : model.stateDict().values()) {
      for (float v : t.floatData()) assertTrue(Float.isFinite(v), "a weight is " + v);
    }
    Fixtures.assertSameWeights(watch.lastFinite, model);
    // The failed epoch is recorded only if some of its batches completed.
    assertEquals(watch.badBatch > 0 ? watch.badEpoch + 1 : watch.badEpoch, result.history().size());
  }

  @Test
  void staysQuietWhileTheLossIsFinite() {
    Sequential model = Fixtures.mlp(4, 1);
    TerminateOnNaN nan = new TerminateOnNaN();
    Trainer.Result result = Trainer.builder(model, CrossEntropyLoss.of(), Sgd.builder(0.1).build(model.parameters()))
        .epochs(2).callbacks(nan).build().fit(Fixtures.batches(Fixtures.blobs(1, 16, 16, 2), 8), null);
    assertNull(nan.message());
    assertNull(result.stopReason());
    assertEquals(2, result.history().size());
  }
}
