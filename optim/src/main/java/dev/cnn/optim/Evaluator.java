package dev.cnn.optim;

import dev.cnn.engine.Mode;
import dev.cnn.engine.NoGrad;
import dev.cnn.engine.Variable;
import dev.cnn.layers.ClassificationLoss;
import dev.cnn.layers.Model;
import dev.cnn.tensor.Batch;
import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;
import dev.cnn.tensor.Workspace;
import java.util.List;

/** Runs a model over labelled batches in inference mode and measures it ({@link Evaluation}). */
public final class Evaluator {
  private Evaluator() {}

  /**
   * The model in {@link Mode#EVAL}, without recording gradients, over every batch.
   *
   * @param loss the loss to report (its mean over samples: each batch's value weighted by the
   *     batch's size)
   * @param classNames names by label, or null
   */
  public static Evaluation evaluate(Model model, ClassificationLoss loss, Iterable<Batch> batches,
      List<String> classNames) {
    if (Workspace.active()) {
      throw new IllegalStateException("evaluate: called inside an open Workspace scope, which would keep"
          + " every batch's arrays until it closes; call it outside the scope (it opens one per batch itself)");
    }
    int classes = model.outputShape()[0];
    int[][] confusion = new int[classes][classes];
    double lossSum = 0;
    int n = 0, correct = 0;
    try (NoGrad scope = NoGrad.enter()) {
      for (Batch b : batches) {
        for (int t : b.labels()) { // checked first: the loss would fail with a less direct message
          if (t < 0 || t >= classes) {
            throw new IllegalArgumentException("evaluate: label " + t + " of a batch is outside the model's "
                + classes + " classes [0, " + classes + ")");
          }
        }
        int[] predicted;
        try (Workspace batch = Workspace.open()) { // the next batch reuses this one's arrays
          Variable logits = model.forward(Variable.constant(b.inputs()), Mode.EVAL);
          lossSum += loss.compute(logits, b.labels()).value().getFlat(0) * b.size();
          predicted = predictions(logits.value());
        }
        for (int i = 0; i < b.size(); i++) {
          int t = b.labels()[i];
          confusion[t][predicted[i]]++;
          if (predicted[i] == t) correct++;
        }
        n += b.size();
      }
    }
    if (n == 0) throw new IllegalArgumentException("evaluate: no samples (the batches were empty)");
    return new Evaluation(lossSum / n, (double) correct / n, confusion, classNames);
  }

  /** The arg-max class of each row of logits {@code [N, K]}. */
  static int[] predictions(Tensor logits) {
    return TensorMath.argmax(logits, 1);
  }
}
