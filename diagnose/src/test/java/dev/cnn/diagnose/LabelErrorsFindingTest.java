package dev.cnn.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LabelErrorsFindingTest {
  /** 100 images of 2 classes, confidently right, except images 0..n-1 of class 0 that look confidently like class 1. */
  private static LabelErrors planted(int n) {
    double[][] p = new double[100][];
    int[] labels = new int[100];
    for (int i = 0; i < 100; i++) {
      labels[i] = i % 2;
      boolean wrong = i % 2 == 0 && i / 2 < n;
      p[i] = labels[i] == 0 ? (wrong ? new double[] {0.05, 0.95} : new double[] {0.9, 0.1}) : new double[] {0.1, 0.9};
    }
    return new LabelErrors(List.of("cat", "dog"), 100, 5, 3, ConfidentLearning.find(p, labels, 2), "run/label_errors.csv");
  }

  @Test
  void flaggedLabelsAboveTheirShareWarnAndNameTheCommonestConfusion() {
    Finding f = Diagnosis.labelErrors(planted(4));
    assertEquals(Severity.WARNING, f.severity(), "4 of 100 is above " + Diagnosis.LABEL_ERROR_SHARE);
    assertEquals("4 training images (4.0%) look mislabeled; most often dog labelled cat", f.title());
    assertEquals("dog labelled cat", f.evidence().get("most_common"));
    assertEquals(List.of("--exclude", "run/label_errors.csv"), f.tryFlags());
    assertEquals(Figures.LABEL_ERRORS, f.figure());
  }

  @Test
  void aFewAreInformationAndNoneIsNoFinding() {
    assertEquals(Severity.INFO, Diagnosis.labelErrors(planted(1)).severity());
    assertNull(Diagnosis.labelErrors(planted(0)));
    assertTrue(planted(4).estimatedNoiseRate() > 0.03);
  }
}
