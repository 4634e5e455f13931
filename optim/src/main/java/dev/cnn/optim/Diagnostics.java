package dev.cnn.optim;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Variable;
import dev.cnn.layers.Layer;
import dev.cnn.layers.LayerType;
import dev.cnn.layers.Model;
import dev.cnn.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the diagnosis of a training run needs from inside the loop, recorded per epoch when the
 * trainer is asked to ({@link Trainer.Builder#diagnostics}):
 * <ul>
 *   <li>the L2 norm of each parameter's gradient, averaged over the epoch's batches, measured
 *       before any gradient clipping (vanishing or exploding gradients show here first);
 *   <li>for each ReLU layer, the fraction of its outputs that are exactly zero, averaged over the
 *       epoch's batches (a layer near 1.0 has "dead units").
 * </ul>
 * When off, the trainer runs {@link Model#forward} and none of this code.
 */
public final class Diagnostics {
  /** One epoch's record: by parameter name, and by ReLU layer name. */
  public record Epoch(int epoch, Map<String, Double> gradientNorms, Map<String, Double> reluZeroFractions) {}

  private final Model model;
  private final Map<String, Double> normSums = new LinkedHashMap<>();
  private final Map<String, Double> zeroSums = new LinkedHashMap<>();
  private int batches;

  Diagnostics(Model model) {
    this.model = model;
  }

  void epochBegin() {
    normSums.clear();
    zeroSums.clear();
    batches = 0;
  }

  /** The model's forward pass in TRAIN mode, measuring every ReLU layer's output. */
  Variable forward(Variable x) {
    List<Layer> layers = model.layers();
    List<String> names = model.layerNames();
    Variable out = model.forward(x, Mode.TRAIN, (h, i) -> {
      if (layers.get(i).type() == LayerType.RELU) zeroSums.merge(names.get(i), zeroFraction(h.value()), Double::sum);
    });
    batches++;
    return out;
  }

  /** After backward: adds each parameter's gradient norm. */
  void afterBackward() {
    model.parameters().forEach((name, p) -> {
      Tensor g = p.grad();
      double s = 0;
      if (g != null) for (int i = 0; i < g.size(); i++) s += g.getFlat(i) * g.getFlat(i);
      normSums.merge(name, Math.sqrt(s), Double::sum);
    });
  }

  Epoch epochEnd(int epoch) {
    Map<String, Double> norms = new LinkedHashMap<>(), zeros = new LinkedHashMap<>();
    int n = Math.max(1, batches);
    normSums.forEach((k, v) -> norms.put(k, v / n));
    zeroSums.forEach((k, v) -> zeros.put(k, v / n));
    return new Epoch(epoch, Collections.unmodifiableMap(norms), Collections.unmodifiableMap(zeros));
  }

  private static double zeroFraction(Tensor t) {
    int zeros = 0;
    for (int i = 0; i < t.size(); i++) if (t.getFlat(i) == 0) zeros++;
    return t.size() == 0 ? 0 : (double) zeros / t.size();
  }
}
