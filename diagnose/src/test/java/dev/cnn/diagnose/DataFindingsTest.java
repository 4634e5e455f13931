package dev.cnn.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The findings about the data: each fires on its evidence, at the severity its threshold says, and not otherwise. */
class DataFindingsTest {
  private static final List<String> NAMES = List.of("a", "b");
  private static final Shift.KolmogorovSmirnov SAME = new Shift.KolmogorovSmirnov(0.01, 0.9, 1000, 200, 0.5, 0.5);
  private static final Shift.WithinClass SAME_WITHIN = new Shift.WithinClass(0, SAME, 1, 2);

  private static Shift.Result shift(int[] train, int[] test, Shift.WithinClass brightness) {
    return new Shift.Result(Shift.chiSquare(train, test), SAME, SAME, brightness, SAME_WITHIN);
  }

  private static DataQuality quality(List<Duplicates.Pair> withinTrain, List<Duplicates.Pair> trainTest,
      List<Outliers.Blank> blank, Shift.Result shift) {
    return new DataQuality(1000, 200, new Duplicates.Result(6, 0.99, List.of(), withinTrain, trainTest), blank,
        List.of(), null, null, shift, List.of(), List.of(), null);
  }

  private static Finding find(List<Finding> fs, Finding.Kind kind) {
    return fs.stream().filter(f -> f.kind() == kind).findFirst().orElse(null);
  }

  @Test
  void cleanDataGivesNoFinding() {
    Shift.Result s = shift(new int[] {500, 500}, new int[] {100, 100}, SAME_WITHIN);
    assertEquals(List.of(), Diagnosis.dataFindings(quality(List.of(), List.of(), List.of(), s), NAMES));
  }

  @Test
  void leaksWarnAboveTheirShareAndDuplicatesWithAnotherLabelAlways() {
    Shift.Result s = shift(new int[] {500, 500}, new int[] {100, 100}, SAME_WITHIN);
    Duplicates.Pair leak = new Duplicates.Pair(3, 7, Duplicates.Kind.EXACT, 0, false);
    List<Finding> one = Diagnosis.dataFindings(quality(List.of(), List.of(leak), List.of(), s), NAMES);
    assertEquals(Severity.INFO, find(one, Finding.Kind.TRAIN_TEST_LEAK).severity(), "1 of 200 (0.5%) is information");
    assertEquals("1 test image (0.5%) is also in the training set", find(one, Finding.Kind.TRAIN_TEST_LEAK).title());
    List<Duplicates.Pair> three = List.of(leak, new Duplicates.Pair(4, 8, Duplicates.Kind.NEAR, 2, false),
        new Duplicates.Pair(5, 9, Duplicates.Kind.NEAR, 4, false));
    assertEquals(Severity.WARNING, find(Diagnosis.dataFindings(quality(List.of(), three, List.of(), s), NAMES),
        Finding.Kind.TRAIN_TEST_LEAK).severity(), "3 of 200 (1.5%) is above " + Diagnosis.LEAK_SHARE);
    Duplicates.Pair same = new Duplicates.Pair(1, 2, Duplicates.Kind.EXACT, 0, false);
    Duplicates.Pair other = new Duplicates.Pair(1, 2, Duplicates.Kind.EXACT, 0, true);
    assertEquals(Severity.INFO, find(Diagnosis.dataFindings(quality(List.of(same), List.of(), List.of(), s), NAMES),
        Finding.Kind.DUPLICATES).severity());
    Finding f = find(Diagnosis.dataFindings(quality(List.of(other), List.of(), List.of(), s), NAMES),
        Finding.Kind.DUPLICATES);
    assertEquals(Severity.WARNING, f.severity());
    assertTrue(f.title().contains("a duplicate with another label"), f.title());
  }

  @Test
  void blankImagesWarn() {
    Shift.Result s = shift(new int[] {500, 500}, new int[] {100, 100}, SAME_WITHIN);
    Finding f = find(Diagnosis.dataFindings(quality(List.of(), List.of(), List.of(new Outliers.Blank(4, 0, 0, 0)), s),
        NAMES), Finding.Kind.OUTLIERS);
    assertEquals(Severity.WARNING, f.severity());
    assertEquals("1 blank image", f.title());
  }

  @Test
  void anotherClassMixIsInformationButOtherImagesWarn() {
    Shift.Result mix = shift(new int[] {900, 100}, new int[] {100, 100}, SAME_WITHIN);
    Finding f = find(Diagnosis.dataFindings(quality(List.of(), List.of(), List.of(), mix), NAMES),
        Finding.Kind.DATASET_SHIFT);
    assertEquals(Severity.INFO, f.severity(), "class proportions alone");
    assertTrue(f.title().endsWith("class proportions"), f.title());
    Shift.WithinClass brighter = new Shift.WithinClass(1, new Shift.KolmogorovSmirnov(0.4, 1e-9, 500, 100, 0.3, 0.5),
        2e-9, 2);
    Shift.Result images = shift(new int[] {500, 500}, new int[] {100, 100}, brighter);
    f = find(Diagnosis.dataFindings(quality(List.of(), List.of(), List.of(), images), NAMES),
        Finding.Kind.DATASET_SHIFT);
    assertEquals(Severity.WARNING, f.severity());
    assertEquals("b", f.evidence().get("brightness_within_class_worst"));
    assertEquals(List.of("--augment", "brightness=0.2,contrast=0.2"), f.tryFlags());
  }
}
