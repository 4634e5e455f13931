package dev.cnn.optim;

import dev.cnn.tensor.Log;
import dev.cnn.tensor.Tensor;
import java.util.Locale;
import java.util.Map;

/**
 * Stops training at the first NaN or infinite batch loss, says where (epoch and batch) and what
 * to try, and puts back the weights from before the failure: the last weights that gave a finite
 * loss (a copy is kept before every step, about one model's worth of memory).
 */
public final class TerminateOnNaN implements Callback {
  private Map<String, Tensor> lastGood;
  private String message;

  @Override
  public void onBatchLoss(TrainingContext ctx, int epoch, int batch, double loss) {
    if (Double.isFinite(loss)) {
      if (lastGood == null) lastGood = Weights.snapshot(ctx.model());
      else Weights.update(lastGood, ctx.model());
      return;
    }
    if (lastGood != null) Weights.restore(ctx.model(), lastGood);
    message = String.format(Locale.ROOT, "the loss became %s at epoch %d, batch %d; training stopped and the"
        + " weights from before the failure were restored. The learning rate (%.3g) is probably too high:"
        + " try one a few times lower, or clip the gradients", loss, epoch + 1, batch + 1,
        ctx.optimizer().learningRate());
    Log.warn(message);
    ctx.requestStop(message);
  }

  /** The message of the stop, or null if the loss stayed finite. */
  public String message() {
    return message;
  }
}
