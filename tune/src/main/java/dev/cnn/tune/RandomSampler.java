package dev.cnn.tune;

import dev.cnn.tensor.Rng;
import java.util.List;
import java.util.Map;

/**
 * Random search (Bergstra and Bengio, "Random Search for Hyper-Parameter Optimization", JMLR 13,
 * 2012): every suggestion is {@link SearchSpace#sample}, uniform in the unit cube (log-uniform on
 * log ranges), whatever the history. It ignores the history, so it is the baseline a model-based
 * sampler must beat, and with a few important parameters among many it already beats a grid.
 */
public final class RandomSampler implements Sampler {

  /** Draws {@link SearchSpace#dimensions()} numbers from {@code rng}; the history is not read. */
  @Override
  public Map<String, String> suggest(SearchSpace space, List<Trial> history, Direction direction, Rng rng) {
    return space.sample(rng);
  }

  @Override
  public String toString() {
    return "random";
  }
}
