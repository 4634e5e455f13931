package dev.cnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Counts, the imbalance ratio, balanced and explicit class weights, and the rebalancing samplers. */
class ClassBalanceTest {
  // 8 of class 0, 2 of class 1, none of class 2, 1 of class 3
  private static final int[] LABELS = {0, 0, 1, 0, 0, 3, 0, 1, 0, 0, 0};
  private static final List<String> NAMES = List.of("cat", "dog", "owl", "7");

  @Test
  void countsAndImbalanceRatio() {
    assertArrayEquals(new int[] {8, 2, 0, 1}, ClassBalance.counts(LABELS, 4));
    assertEquals(8.0, ClassBalance.imbalanceRatio(ClassBalance.counts(LABELS, 4)));
    assertEquals(1.0, ClassBalance.imbalanceRatio(new int[] {5, 5}));
    assertMessage(() -> ClassBalance.counts(LABELS, 3), "label 3 of sample 5 is outside [0, 3)");
    assertMessage(() -> ClassBalance.imbalanceRatio(new int[] {0, 0}), "expected at least one nonzero");
  }

  @Test
  void balancedWeightsAreSamplesOverClassesTimesCount() {
    double[] w = ClassBalance.balancedWeights(LABELS, 4);
    // n / (k * count): 11 / (4 * 8), 11 / (4 * 2), empty -> 0, 11 / (4 * 1)
    assertArrayEquals(new double[] {11 / 32.0, 11 / 8.0, 0, 11 / 4.0}, w, 1e-15);
    // every nonempty class then carries the same total weight n / k
    int[] counts = ClassBalance.counts(LABELS, 4);
    for (int c : new int[] {0, 1, 3}) assertEquals(11 / 4.0, w[c] * counts[c], 1e-12);
  }

  @Test
  void explicitWeightsByIndexOrName() {
    assertArrayEquals(new double[] {1, 3.5, 1, 0.5}, ClassBalance.parseWeights("dog=3.5, 3=0.5", NAMES));
    // a class named "7" is found by name, not read as index 7
    assertArrayEquals(new double[] {2, 1, 1, 4}, ClassBalance.parseWeights("0=2,7=4", NAMES));
    assertMessage(() -> ClassBalance.parseWeights("horse=2", NAMES), "'horse' is neither a class index in [0, 4) nor a class name; the classes are [cat, dog, owl, 7]");
    assertMessage(() -> ClassBalance.parseWeights("5=2", NAMES), "class index 5 is outside [0, 4)");
    assertMessage(() -> ClassBalance.parseWeights("cat=-1", NAMES), "value -1.0 for class cat, expected a value in [0, ");
    assertMessage(() -> ClassBalance.parseWeights("cat=heavy", NAMES), "value 'heavy' for class cat is not a number");
    assertMessage(() -> ClassBalance.parseWeights("cat=1,0=2", NAMES), "class 0 (index 0) is given twice");
    assertMessage(() -> ClassBalance.parseWeights("cat", NAMES), "item 'cat' in 'cat', expected LABEL=VALUE");
    assertMessage(() -> ClassBalance.parseWeights(" ", NAMES), "spec is empty");
  }

  @Test
  void withReplacementDrawsInProportionToTheClassWeights() {
    double[] w = ClassBalance.balancedWeights(LABELS, 4);
    WeightedSampler s = WeightedSampler.withReplacement(LABELS, w, 30_000, 5);
    int[] idx = s.indices(0);
    assertEquals(30_000, idx.length);
    int[] perClass = new int[4];
    for (int i : idx) perClass[LABELS[i]]++;
    // balanced weights: each of the three nonempty classes about 1/3 (binomial sd ~ 82)
    for (int c : new int[] {0, 1, 3}) assertEquals(10_000, perClass[c], 400, "class " + c + ": " + Arrays.toString(perClass));
    assertEquals(0, perClass[2]);
    assertArrayEquals(idx, s.indices(0), "a function of (seed, epoch)");
    assertFalse(Arrays.equals(idx, s.indices(1)));
    // a zero weight is never drawn, wherever the sample sits
    int[] counts = new int[4];
    for (int i : WeightedSampler.withReplacement(LABELS, new double[] {0, 1, 0, 0}, 500, 1).indices(3)) counts[LABELS[i]]++;
    assertArrayEquals(new int[] {0, 500, 0, 0}, counts);
    assertMessage(() -> WeightedSampler.withReplacement(LABELS, new double[] {0, 0, 1, 0}, 5, 1), "every sample has weight 0");
    assertMessage(() -> WeightedSampler.withReplacement(LABELS, new double[] {1, -1, 1, 1}, 5, 1), "weight of class 1 is -1.0");
    assertMessage(() -> WeightedSampler.withReplacement(LABELS, new double[] {1, 1, 1}, 5, 1), "label 3 of sample 5 is outside [0, 3)");
  }

  @Test
  void oversamplingRepeatsEachMinorityClassUpToTheMajority() {
    WeightedSampler s = WeightedSampler.oversample(LABELS, 4, 3);
    assertEquals(24, s.samplesPerEpoch());
    for (int epoch = 0; epoch < 5; epoch++) {
      int[] idx = s.indices(epoch);
      int[] perSample = new int[LABELS.length];
      int[] perClass = new int[4];
      for (int i : idx) {
        perSample[i]++;
        perClass[LABELS[i]]++;
      }
      assertArrayEquals(new int[] {8, 8, 0, 8}, perClass);
      for (int i = 0; i < LABELS.length; i++) {
        int expected = LABELS[i] == 0 ? 1 : LABELS[i] == 1 ? 4 : 8;
        assertEquals(expected, perSample[i], "sample " + i);
      }
    }
    // 3 of a class of 2 against 5: each twice, one of them a third time
    int[] labels = {0, 0, 0, 0, 0, 1, 1};
    int[] perSample = new int[7];
    for (int i : WeightedSampler.oversample(labels, 2, 8).indices(0)) perSample[i]++;
    assertEquals(5, perSample[5] + perSample[6]);
    assertTrue(Math.abs(perSample[5] - perSample[6]) == 1, Arrays.toString(perSample));
  }

  @Test
  void undersamplingCutsEachClassToTheMinority() {
    WeightedSampler s = WeightedSampler.undersample(LABELS, 4, 3);
    assertEquals(3, s.samplesPerEpoch());
    boolean varied = false;
    int[] first = s.indices(0);
    for (int epoch = 0; epoch < 20; epoch++) {
      int[] idx = s.indices(epoch);
      int[] perClass = new int[4];
      for (int i : idx) perClass[LABELS[i]]++;
      assertArrayEquals(new int[] {1, 1, 0, 1}, perClass);
      assertEquals(3, Arrays.stream(idx).distinct().count(), "without replacement");
      varied |= !Arrays.equals(first, idx);
    }
    assertTrue(varied, "a new choice each epoch");
  }

  @Test
  void subsampleFractionsParseByIndexOrName() {
    Map<Integer, Double> f = Splits.parseFractions("cat=0.25,1=0", NAMES);
    assertEquals(Map.of(0, 0.25, 1, 0.0), f);
    int[] kept = Splits.subsample(LABELS, f, new dev.cnn.tensor.Rng(1));
    int[] perClass = new int[4];
    for (int i : kept) perClass[LABELS[i]]++;
    assertArrayEquals(new int[] {2, 0, 0, 1}, perClass);
    assertMessage(() -> Splits.parseFractions("cat=1.5", NAMES), "value 1.5 for class cat, expected a value in [0, 1]");
  }

  private static void assertMessage(org.junit.jupiter.api.function.Executable call, String part) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(part), () -> "message '" + e.getMessage() + "' lacks '" + part + "'");
  }
}
