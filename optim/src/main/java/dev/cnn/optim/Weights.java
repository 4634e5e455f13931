package dev.cnn.optim;

import dev.cnn.layers.Model;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/** Copies of a model's state (parameters and buffers), for restoring the best or last good weights. */
final class Weights {
  private Weights() {}

  /** A deep copy of the model's state dict. */
  static Map<String, Tensor> snapshot(Model model) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    model.stateDict().forEach((k, v) -> out.put(k, v.copy()));
    return out;
  }

  /** Copies the model's current state into an existing snapshot (no allocation). */
  static void update(Map<String, Tensor> snapshot, Model model) {
    model.stateDict().forEach((k, v) -> copy(v, snapshot.get(k)));
  }

  /** Puts a snapshot back into the model. */
  static void restore(Model model, Map<String, Tensor> snapshot) {
    model.stateDict().forEach((k, v) -> copy(snapshot.get(k), v));
  }

  static void copy(Tensor from, Tensor to) {
    if (to.dtype() == DType.FLOAT32) System.arraycopy(from.floatData(), 0, to.floatData(), 0, to.size());
    else System.arraycopy(from.doubleData(), 0, to.doubleData(), 0, to.size());
  }
}
