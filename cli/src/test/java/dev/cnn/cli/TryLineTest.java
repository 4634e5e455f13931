package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The suggested command lines repeat a run's own options and put the finding's flags in. */
class TryLineTest {
  private static Map<String, Object> saved(String... args) {
    return PresetTest.config(args).asMap();
  }

  @Test
  void defaultsAreLeftOutAndTheSuggestionReplacesTheFlagItChanges() {
    assertEquals("cnn train --lr 0.01", TryLine.of(saved("--out", "x", "--threads", "1"), List.of("--lr", "0.01")));
    assertEquals("cnn train --seed 3 --epochs 18", TryLine.of(saved("--epochs", "9", "--seed", "3"),
        List.of("--epochs", "18")));
    assertEquals("cnn train --seed 3", TryLine.of(saved("--seed", "3"), List.of()));
  }

  @Test
  void aPresetIsNamedAndItsOwnSettingsAreNotRepeated() {
    assertEquals("cnn train --preset imbalance --class-weights balanced",
        TryLine.of(saved("--preset", "imbalance"), List.of("--class-weights", "balanced")));
  }

  @Test
  void exclusiveFlagsReplaceEachOtherAndOddValuesAreQuoted() {
    Map<String, Object> run = new LinkedHashMap<>(saved("--oversample"));
    run.put("subsample", "circle=0.1 ");
    assertEquals("cnn train --subsample 'circle=0.1 ' --class-weights balanced",
        TryLine.of(run, List.of("--class-weights", "balanced")));
    assertEquals("cnn train --oversample", TryLine.of(saved("--class-weights", "balanced"), List.of("--oversample")));
  }

  @Test
  void theReportsBaseLineLeavesOutTheFlagsTheFindingsSet() {
    Map<String, Object> run = saved("--oversample", "--epochs", "9", "--lr", "0.01");
    assertEquals("cnn train --epochs 9", TryLine.without(run, List.of("--class-weights", "balanced", "--lr", "0.001")));
  }
}
