package dev.cnn.optim;

import dev.cnn.layers.Model;
import dev.cnn.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Putting a loaded checkpoint's state back into the objects of a resumed run: the model's weights
 * and random generators, the optimiser's buffers, the callbacks' counters. Everything that can be
 * checked before anything changes (the optimiser's name and settings, which callbacks have state)
 * is checked first. What {@link Checkpoint.Loaded#restore} runs.
 */
final class CheckpointRestore {
  private CheckpointRestore() {}

  /** See {@link Checkpoint.Loaded#restore}. */
  static void restore(Checkpoint.Loaded loaded, Model model, Optimizer optimizer,
      List<? extends Callback> callbacks) {
    Path directory = loaded.directory();
    Path stateFile = directory.resolve(Checkpoint.STATE);
    Path optimizerFile = directory.resolve(Checkpoint.OPTIMIZER);
    CheckpointState saved = loaded.state();
    checkOptimizer(saved, optimizer, stateFile, optimizerFile);
    Map<String, StatefulCallback> given = CheckpointState.keyed(callbacks);
    checkCallbacks(saved.callbackStates().keySet(), given.keySet(), stateFile);

    if (model != loaded.model()) {
      model.loadStateDict(loaded.model().stateDict(), directory.resolve(Checkpoint.MODEL).toString());
    }
    model.restoreRandomStates(loaded.randomStates(), stateFile.toString());
    try {
      optimizer.loadState(loaded.optimizerState());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(optimizerFile + ": " + e.getMessage(), e);
    }
    Path cbFile = directory.resolve(Checkpoint.CALLBACKS);
    given.forEach((key, c) -> {
      try {
        c.restoreState(saved.callbackStates().get(key), loaded.callbackTensors().getOrDefault(key, Map.of()), model);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(stateFile + " (and " + cbFile.getFileName() + "): callback '" + key
            + "': " + e.getMessage(), e);
      }
    });
  }

  /** The optimiser must be the saved one's kind, with the same hyperparameters, bit for bit. */
  private static void checkOptimizer(CheckpointState saved, Optimizer optimizer, Path stateFile, Path optimizerFile) {
    String savedName = saved.optimizerName();
    if (!optimizer.name().equals(savedName)) {
      throw new IllegalArgumentException(optimizerFile + ": the checkpoint's optimiser is " + savedName
          + ", the one given is " + optimizer.name() + "; resume with the optimiser of the saved run");
    }
    Map<String, Object> savedHyper = saved.optimizerHyperparameters();
    List<String> differences = new ArrayList<>();
    optimizer.hyperparameters().forEach((k, v) -> {
      Object s = savedHyper.get(k);
      boolean same;
      if (v instanceof Boolean) {
        same = v.equals(s);
      } else {
        double d = ((Number) v).doubleValue();
        try {
          same = s != null && Double.compare(d, StatefulCallback.number(savedHyper, k)) == 0;
        } catch (IllegalArgumentException e) {
          same = false;
        }
      }
      if (!same) differences.add(k + " " + (s == null ? "(missing)" : s) + " -> " + v);
    });
    for (String k : savedHyper.keySet()) {
      if (!optimizer.hyperparameters().containsKey(k)) differences.add(k + " " + savedHyper.get(k) + " -> (none)");
    }
    if (!differences.isEmpty()) {
      throw new IllegalArgumentException(stateFile + ": the optimiser " + savedName + " was saved with other"
          + " settings than the one given (saved -> given: " + String.join(", ", differences)
          + "); resume with the settings of the saved run");
    }
  }

  /** Every saved callback state must have its callback, and every stateful callback its state. */
  private static void checkCallbacks(Set<String> saved, Set<String> given, Path stateFile) {
    for (String key : saved) {
      if (!given.contains(key)) {
        throw new IllegalArgumentException(stateFile + ": the checkpoint holds the state of callback '" + key
            + "', but no such callback is given (given: " + given + "); resume with the callbacks of the"
            + " saved run");
      }
    }
    for (String key : given) {
      if (!saved.contains(key)) {
        throw new IllegalArgumentException(stateFile + ": callback '" + key + "' is given, but the checkpoint has"
            + " no state for it (saved: " + saved + "); it would start afresh. Resume with the"
            + " callbacks of the saved run");
      }
    }
  }
}
