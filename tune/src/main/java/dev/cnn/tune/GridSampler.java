package dev.cnn.tune;

import dev.cnn.tensor.Rng;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Grid search: the points of {@link SearchSpace#grid} in its order, each once. A point already in
 * the history (in any state) is skipped, so a resumed study goes on where it stopped, and a point
 * that failed is not run again.
 */
public final class GridSampler implements Sampler {
  private final int pointsPerContinuous;

  /** @param pointsPerContinuous values per real range (and at most per integer range), at least 1 */
  public GridSampler(int pointsPerContinuous) {
    if (pointsPerContinuous < 1) {
      throw new IllegalArgumentException("grid sampler: pointsPerContinuous = " + pointsPerContinuous
          + "; expected at least 1 (e.g. 5)");
    }
    this.pointsPerContinuous = pointsPerContinuous;
  }

  /** The values per real range. */
  public int pointsPerContinuous() {
    return pointsPerContinuous;
  }

  /**
   * The first grid point not in the history; {@code rng} is not used.
   *
   * @throws IllegalStateException when every grid point is in the history
   */
  @Override
  public Map<String, String> suggest(SearchSpace space, List<Trial> history, Direction direction, Rng rng) {
    Set<Map<String, String>> visited = new HashSet<>();
    for (Trial t : history) visited.add(t.params());
    List<Map<String, String>> grid = space.grid(pointsPerContinuous);
    for (Map<String, String> point : grid) {
      if (!visited.contains(point)) return point;
    }
    throw new IllegalStateException("grid sampler: all " + grid.size() + " points of the grid ("
        + pointsPerContinuous + " per range) have been tried; the grid has " + grid.size()
        + " points, so stop the search at that budget or give more points per range");
  }

  @Override
  public String toString() {
    return "grid(" + pointsPerContinuous + ")";
  }
}
