package dev.cnn.tune;

import dev.cnn.tensor.Rng;
import java.util.List;
import java.util.Map;

/**
 * Proposes the next point to evaluate, from the space and the trials so far. A sampler keeps no
 * state between calls: everything it knows is in its arguments, so a study can be stopped and
 * resumed from its history, and the same history and generator state give the same suggestion.
 */
public interface Sampler {

  /**
   * The next point to evaluate.
   *
   * @param space the search space
   * @param history the trials so far, in any state, each with a point of {@code space}
   * @param direction whether larger or smaller values are better
   * @param rng the only source of randomness
   * @return a value for every parameter of {@code space}, as strings
   */
  Map<String, String> suggest(SearchSpace space, List<Trial> history, Direction direction, Rng rng);
}
