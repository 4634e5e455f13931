package dev.cnn.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.optim.Diagnostics;
import dev.cnn.optim.EpochMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/** Each finding fires on the history that shows its cause, and a clean run raises no warning. */
class DiagnosisTest {
  private static final List<String> NAMES = List.of("a", "b", "c", "d");

  /** A history of n epochs: loss, accuracy, val loss, val accuracy by epoch; lr 0.001. */
  private static List<EpochMetrics> history(int n, IntToDoubleFunction loss, IntToDoubleFunction acc,
      IntToDoubleFunction valLoss, IntToDoubleFunction valAcc) {
    List<EpochMetrics> h = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      h.add(new EpochMetrics(i, loss.applyAsDouble(i), acc.applyAsDouble(i), valLoss.applyAsDouble(i),
          valAcc.applyAsDouble(i), 1e-3, 1, 0));
    }
    return h;
  }

  /** A clean run: loss falls and flattens, validation follows, 90% everywhere. */
  private static List<EpochMetrics> clean() {
    return history(10, i -> 0.3 + 1.1 * Math.exp(-i), i -> 0.9 - 0.5 * Math.exp(-i),
        i -> 0.35 + 1.1 * Math.exp(-i), i -> 0.88 - 0.5 * Math.exp(-i));
  }

  /** A k x k confusion matrix with the given recall per class and n images each, errors spread to the next class. */
  private static int[][] confusion(int n, double... recall) {
    int k = recall.length;
    int[][] m = new int[k][k];
    for (int c = 0; c < k; c++) {
      m[c][c] = (int) Math.round(n * recall[c]);
      m[c][(c + 1) % k] = n - m[c][c];
    }
    return m;
  }

  private static int[][] spread(int n, double recall) {
    int[][] m = new int[4][4];
    for (int c = 0; c < 4; c++) {
      m[c][c] = (int) Math.round(n * recall);
      int wrong = n - m[c][c];
      for (int j = 1; j < 4; j++) m[c][(c + j) % 4] += wrong / 3 + (j <= wrong % 3 ? 1 : 0);
    }
    return m;
  }

  private static RunEvidence evidence(List<EpochMetrics> h, int[] counts, int[][] confusion) {
    return new RunEvidence(NAMES, h, h.size(), null, counts, confusion, List.of(), Double.NaN);
  }

  private static List<Finding.Kind> kinds(List<Finding> f) {
    return f.stream().map(Finding::kind).toList();
  }

  @Test
  void aCleanRunRaisesNoWarning() {
    List<Finding> f = Diagnosis.findings(evidence(clean(), new int[] {100, 100, 100, 100}, spread(50, 0.88)));
    assertTrue(f.stream().allMatch(x -> x.severity() == Severity.INFO), f.toString());
  }

  @Test
  void imbalanceNamesExactlyTheRareClassesAndTheirRecall() {
    List<Finding> f = Diagnosis.findings(evidence(clean(), new int[] {100, 5, 100, 6},
        confusion(50, 0.9, 0.2, 0.9, 0.3)));
    Finding imb = f.stream().filter(x -> x.kind() == Finding.Kind.CLASS_IMBALANCE).findFirst().orElseThrow();
    assertEquals(List.of("b", "d"), imb.evidence().get("rare_classes"));
    assertEquals(Severity.CRITICAL, imb.severity()); // 25% against 90%
    assertEquals(20.0, (double) imb.evidence().get("imbalance_ratio"), 1e-12);
    assertEquals(List.of("--class-weights", "balanced"), imb.tryFlags());
    assertEquals(Figures.CLASS_COUNTS, imb.figure());
    // Imbalanced counts whose rare classes are recognised as well as the others: context only.
    Finding mild = Diagnosis.classImbalance(evidence(clean(), new int[] {100, 5, 100, 6}, spread(50, 0.9)));
    assertEquals(Severity.INFO, mild.severity());
  }

  @Test
  void divergenceIsCriticalAndNamesItsCause() {
    List<EpochMetrics> grew = history(4, i -> 2 * Math.pow(5, i), i -> 0.25, i -> Double.NaN, i -> Double.NaN);
    List<Finding> f = Diagnosis.findings(evidence(grew, new int[] {100, 100, 100, 100}, spread(50, 0.25)));
    assertEquals(Finding.Kind.DIVERGENCE, f.get(0).kind());
    assertEquals(Severity.CRITICAL, f.get(0).severity());
    assertTrue(f.get(0).title().contains("grew"), f.get(0).title());
    assertEquals(List.of("--lr", "0.0001"), f.get(0).tryFlags());
    List<EpochMetrics> nan = history(2, i -> i == 0 ? 2 : Double.NaN, i -> 0.25, i -> Double.NaN, i -> Double.NaN);
    assertTrue(Diagnosis.divergence(evidence(nan, new int[] {9, 9, 9, 9}, spread(9, 0.25))).title().contains("NaN"));
    RunEvidence stopped = new RunEvidence(NAMES, history(1, i -> 3, i -> 0.25, i -> Double.NaN, i -> Double.NaN), 5,
        "the loss diverged: 20 batches in a row ...", new int[] {9, 9, 9, 9}, spread(9, 0.25), List.of(), Double.NaN);
    assertEquals(Finding.Kind.DIVERGENCE, Diagnosis.findings(stopped).get(0).kind());
  }

  @Test
  void aCrawlingRateIsTooLow() {
    List<EpochMetrics> h = history(6, i -> 1.386 - 0.001 * i, i -> 0.27, i -> Double.NaN, i -> Double.NaN);
    List<Finding> f = Diagnosis.findings(evidence(h, new int[] {100, 100, 100, 100}, spread(50, 0.27)));
    assertTrue(kinds(f).contains(Finding.Kind.LEARNING_RATE_TOO_LOW), f.toString());
    assertTrue(!kinds(f).contains(Finding.Kind.UNDERFITTING), "one cause, said once: " + f);
  }

  @Test
  void aFlatLowTrainingAccuracyIsUnderfitting() {
    List<EpochMetrics> h = history(8, i -> 1.4 - 0.5 * (1 - Math.exp(-i)), i -> 0.45 - 0.2 * Math.exp(-i),
        i -> Double.NaN, i -> Double.NaN);
    List<Finding> f = Diagnosis.findings(evidence(h, new int[] {100, 100, 100, 100}, spread(50, 0.45)));
    assertTrue(kinds(f).contains(Finding.Kind.UNDERFITTING), f.toString());
  }

  @Test
  void validationLossRisingAfterItsBestIsOverfitting() {
    List<EpochMetrics> h = history(12, i -> 1.2 * Math.exp(-0.5 * i), i -> Math.min(0.99, 0.6 + 0.05 * i),
        i -> 0.6 + 0.02 * (i - 4) * (i - 4), i -> 0.8);
    List<Finding> f = Diagnosis.findings(evidence(h, new int[] {100, 100, 100, 100}, spread(50, 0.8)));
    Finding o = f.stream().filter(x -> x.kind() == Finding.Kind.OVERFITTING).findFirst().orElseThrow();
    assertEquals(5, o.evidence().get("best_epoch"));
    // Without validation data: training far above test accuracy.
    List<EpochMetrics> noVal = history(12, i -> 0.05, i -> 0.99, i -> Double.NaN, i -> Double.NaN);
    assertTrue(kinds(Diagnosis.findings(evidence(noVal, new int[] {9, 9, 9, 9}, spread(50, 0.6))))
        .contains(Finding.Kind.OVERFITTING));
  }

  @Test
  void aLossStillFallingAtTheLastPlannedEpochIsTooLittleTraining() {
    List<EpochMetrics> h = history(2, i -> 1.4 - 0.5 * i, i -> 0.5 + 0.2 * i, i -> 1.3 - 0.4 * i, i -> 0.5 + 0.2 * i);
    Finding f = Diagnosis.tooLittleTraining(evidence(h, new int[] {9, 9, 9, 9}, spread(9, 0.7)));
    assertEquals(List.of("--epochs", "4"), f.tryFlags());
    // Stopped early by early stopping: it was not cut short.
    RunEvidence early = new RunEvidence(NAMES, h, 10, "early stopping", new int[] {9, 9, 9, 9}, spread(9, 0.7),
        List.of(), Double.NaN);
    assertEquals(null, Diagnosis.tooLittleTraining(early));
  }

  @Test
  void aLossThatSwingsUpAndDownIsARateTooHigh() {
    List<EpochMetrics> h = history(8, i -> i % 2 == 0 ? 1.0 : 1.6, i -> 0.7, i -> Double.NaN, i -> Double.NaN);
    assertTrue(kinds(Diagnosis.findings(evidence(h, new int[] {9, 9, 9, 9}, spread(9, 0.7))))
        .contains(Finding.Kind.LEARNING_RATE_TOO_HIGH));
  }

  @Test
  void deadReluVanishingAndExplodingGradientsNeedTheRecordedDiagnostics() {
    List<Diagnostics.Epoch> d = List.of(
        new Diagnostics.Epoch(0, Map.of("0.weight", 0.5, "3.weight", 0.2), Map.of("1", 0.4, "4", 0.5)),
        new Diagnostics.Epoch(1, Map.of("0.weight", 2e3, "3.weight", 1e-10), Map.of("1", 0.97, "4", 0.5)));
    RunEvidence e = new RunEvidence(NAMES, clean(), 10, null, new int[] {9, 9, 9, 9}, spread(9, 0.9), d, Double.NaN);
    List<Finding.Kind> k = kinds(Diagnosis.findings(e));
    assertTrue(k.containsAll(List.of(Finding.Kind.DEAD_RELUS, Finding.Kind.VANISHING_GRADIENTS,
        Finding.Kind.EXPLODING_GRADIENTS)), k.toString());
    Finding dead = Diagnosis.gradientFindings(e).get(0);
    assertEquals(List.of("1"), dead.evidence().get("layers"));
  }

  @Test
  void onePairHoldingMostErrorsIsNamedAsConfusable() {
    int[][] m = spread(50, 0.96);
    m[1][2] += 20;
    m[2][1] += 15;
    Finding f = Diagnosis.confusableClasses(evidence(clean(), new int[] {9, 9, 9, 9}, m));
    assertEquals(List.of("b", "c"), f.evidence().get("pair"));
    assertEquals(Severity.INFO, f.severity());
  }

  @Test
  void aHighCalibrationErrorIsPoorCalibration() {
    RunEvidence e = new RunEvidence(NAMES, clean(), 10, null, new int[] {9, 9, 9, 9}, spread(9, 0.9), List.of(), 0.2);
    assertTrue(kinds(Diagnosis.findings(e)).contains(Finding.Kind.POOR_CALIBRATION));
  }

  @Test
  void numbersAreWrittenAsFlagsTakeThem() {
    assertEquals("0.0001", Diagnosis.num(1e-4));
    assertEquals("5", Diagnosis.num(5.0));
    assertEquals("0.000333", Diagnosis.num(1e-3 / 3));
  }
}
