package dev.cnn.tune;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MedianPrunerTest {
  private static Trial done(int n, Double... curve) {
    double best = Double.NEGATIVE_INFINITY;
    for (double v : curve) best = Math.max(best, v);
    return Trial.complete(n, Map.of("lr", "0.1"), best, List.of(curve));
  }

  private static final List<Trial> HISTORY = List.of(done(0, 0.5, 0.7, 0.8), done(1, 0.6, 0.8, 0.85),
      done(2, 0.4, 0.75, 0.9));

  @Test
  void aTrialBehindTheMedianAtTheSameEpochStops() {
    // At epoch 1 the completed trials' best so far are 0.7, 0.8, 0.75: median 0.75.
    assertTrue(MedianPruner.shouldPrune(HISTORY, List.of(0.3, 0.6), Direction.MAXIMIZE));
    assertFalse(MedianPruner.shouldPrune(HISTORY, List.of(0.3, 0.76), Direction.MAXIMIZE));
    assertTrue(MedianPruner.shouldPrune(HISTORY, List.of(0.3, Double.NaN), Direction.MAXIMIZE), "NaN is behind");
  }

  @Test
  void noTrialStopsInTheWarmUpOrWithoutEnoughReference() {
    assertFalse(MedianPruner.shouldPrune(HISTORY, List.of(0.0), Direction.MAXIMIZE), "epoch 0 is warm-up");
    assertFalse(MedianPruner.shouldPrune(HISTORY.subList(0, 2), List.of(0.1, 0.1), Direction.MAXIMIZE),
        "two completed trials are no reference");
    List<Trial> pruned = List.of(Trial.pruned(0, Map.of(), List.of(0.9, 0.9)), Trial.pruned(1, Map.of(),
        List.of(0.9, 0.9)), Trial.pruned(2, Map.of(), List.of(0.9, 0.9)));
    assertFalse(MedianPruner.shouldPrune(pruned, List.of(0.1, 0.1), Direction.MAXIMIZE), "only completed trials");
  }

  @Test
  void forALossSmallerIsBetter() {
    List<Trial> losses = List.of(Trial.complete(0, Map.of(), 0.3, List.of(1.0, 0.5)),
        Trial.complete(1, Map.of(), 0.3, List.of(1.0, 0.4)), Trial.complete(2, Map.of(), 0.3, List.of(1.0, 0.6)));
    assertTrue(MedianPruner.shouldPrune(losses, List.of(1.2, 0.9), Direction.MINIMIZE));
    assertFalse(MedianPruner.shouldPrune(losses, List.of(1.2, 0.45), Direction.MINIMIZE));
  }
}
