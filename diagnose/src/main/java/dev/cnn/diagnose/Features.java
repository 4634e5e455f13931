package dev.cnn.diagnose;

import dev.cnn.engine.Mode;
import dev.cnn.engine.NoGrad;
import dev.cnn.engine.Variable;
import dev.cnn.layers.Model;
import dev.cnn.tensor.Batch;
import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.Workspace;
import java.util.ArrayList;
import java.util.List;

/**
 * What the network sees in an image: its penultimate features, the input of the last layer (for
 * a classifier ending in a dense layer, the vector the class scores are a linear function of).
 * Images the network finds alike have close feature vectors, so they serve to find outliers
 * (images far from their class) and near-duplicates.
 */
public final class Features {
  private Features() {}

  /**
   * The output of layer {@code L - 2} (the last layer's input) for every image, flattened, in
   * batch order: {@code [n][d]} with d the product of that layer's output shape. Runs in
   * {@link Mode#EVAL} without recording gradients.
   *
   * @throws IllegalArgumentException when the model has fewer than two layers
   */
  public static float[][] penultimate(Model model, Iterable<Batch> batches) {
    int layers = model.layers().size();
    if (layers < 2) {
      throw new IllegalArgumentException("features: the model has " + layers + " layer; expected at least two (the"
          + " features are the last layer's input)");
    }
    int at = layers - 2;
    List<float[]> out = new ArrayList<>();
    try (NoGrad scope = NoGrad.enter()) {
      for (Batch b : batches) {
        try (Workspace step = Workspace.open()) {
          model.forward(Variable.constant(b.inputs()), Mode.EVAL, (h, i) -> {
            if (i != at) return;
            Tensor t = h.value();
            int n = t.shape()[0], d = t.size() / n;
            float[] all = t.floatData();
            for (int r = 0; r < n; r++) {
              float[] row = new float[d];
              for (int j = 0; j < d; j++) row[j] = all[r * d + j];
              out.add(row);
            }
          });
        }
      }
    }
    return out.toArray(new float[0][]);
  }
}
