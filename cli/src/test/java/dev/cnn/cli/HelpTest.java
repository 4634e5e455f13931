package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Each command's --help says what data it reads: which split of a dataset, or none. */
class HelpTest {
  private static String help(String... command) {
    String[] args = new String[command.length + 1];
    System.arraycopy(command, 0, args, 0, command.length);
    args[command.length] = "--help";
    CnnTest.Run r = CnnTest.run(args);
    assertEquals(0, r.exitCode(), r.err());
    return r.out().replaceAll("\\s+", " ");
  }

  @Test
  void theOverviewSaysWhichSplitEachCommandUses() {
    String h = help();
    assertTrue(h.contains("train learns from a dataset's training split and reports on its test split"), h);
    assertTrue(h.contains("evaluate scores a trained model on a test split"), h);
  }

  @Test
  void fetchGetsBothSplits() {
    assertTrue(help("fetch").contains("(both splits: training and test)"));
  }

  @Test
  void predictSummaryAndBenchReadNoDataset() {
    assertTrue(help("predict").contains("no dataset is used"));
    assertTrue(help("summary").contains("No data is read"));
    assertTrue(help("bench").contains("no dataset is read"));
    assertTrue(help("bench", "gemm").contains("No dataset is read"));
  }
}
