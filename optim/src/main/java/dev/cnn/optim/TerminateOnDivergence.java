package dev.cnn.optim;

import dev.cnn.layers.Model;
import dev.cnn.tensor.Log;
import dev.cnn.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Stops training whose loss has grown far past where it started and stays there: a run that
 * diverges with finite losses (a rate of 50 keeps the loss finite but useless), which
 * {@link TerminateOnNaN} does not see.
 *
 * <p>The reference is the loss of the run's first batch, computed before any step: the untrained
 * model's loss (ln k for cross-entropy over k classes). A later batch cannot serve, since a rate
 * of 50 has blown the loss up by the second. The run stops when {@value #PATIENCE_BATCHES}
 * batches in a row each have a loss above {@value #GROWTH_FACTOR} x the reference. A healthy
 * run's loss does not go back to five times its untrained value, and twenty batches in a row rule
 * out the spikes of a noisy batch. The reference and the count are saved in checkpoints, so a
 * resumed run stops where the uninterrupted one would.
 */
public final class TerminateOnDivergence implements StatefulCallback {
  /** How far above the untrained loss a batch loss counts as diverged. */
  public static final double GROWTH_FACTOR = 5;
  /** Diverged batches in a row that stop the run (one bad batch is noise, twenty are a trend). */
  public static final int PATIENCE_BATCHES = 20;

  private double reference = Double.NaN;
  private int above;
  private String message;

  @Override
  public void onBatchLoss(TrainingContext ctx, int epoch, int batch, double loss) {
    if (!Double.isFinite(loss)) return; // TerminateOnNaN's case
    if (Double.isNaN(reference)) {
      reference = loss;
      return;
    }
    above = loss > GROWTH_FACTOR * reference ? above + 1 : 0;
    if (above < PATIENCE_BATCHES) return;
    double lr = ctx.optimizer().learningRate();
    message = String.format(Locale.ROOT, "the loss diverged: %d batches in a row (to epoch %d, batch %d) had a loss"
        + " over %.0fx the %.4g of the first batch (the last: %.4g); training stopped. With the learning"
        + " rate at %.3g, try one ten times lower (--lr %.3g) or clip the gradients", above, epoch + 1, batch + 1,
        GROWTH_FACTOR, reference, loss, lr, lr / 10);
    Log.warn(message);
    ctx.requestStop(message);
  }

  /** The message of the stop, or null if the loss did not diverge. */
  public String message() {
    return message;
  }

  @Override
  public String stateKey() {
    return "terminate_on_divergence";
  }

  @Override
  public Map<String, Object> saveState() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("reference", reference);
    m.put("above", above);
    return m;
  }

  @Override
  public void restoreState(Map<String, Object> scalars, Map<String, Tensor> tensors, Model model) {
    reference = StatefulCallback.number(scalars, "reference");
    above = StatefulCallback.integer(scalars, "above");
  }
}
