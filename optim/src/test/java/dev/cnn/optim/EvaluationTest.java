package dev.cnn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.Sequential;
import dev.cnn.tensor.Batch;
import dev.cnn.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Evaluation on a hand-made prediction set. The model has no layers, so its logits are its
 * inputs: each sample's input is 2.0 at the class it should be predicted as and 0 elsewhere.
 * <pre>
 *   true:      0 0 0 0 | 1 1 1 | 2 2 2
 *   predicted: 0 0 1 2 | 1 1 0 | 2 2 1
 *
 *   confusion (rows true, columns predicted)   precision  recall  F1           support
 *     0: 2 1 1                                  2/3        2/4     4/7 = .5714  4
 *     1: 1 2 0                                  2/4        2/3     4/7          3
 *     2: 0 1 2                                  2/3        2/3     2/3          3
 * </pre>
 * Accuracy 6/10. The samples come in two batches (6 and 4) to check that the batches are pooled.
 */
class EvaluationTest {
  private static final int[] TRUE = {0, 0, 0, 0, 1, 1, 1, 2, 2, 2};
  private static final int[] PREDICTED = {0, 0, 1, 2, 1, 1, 0, 2, 2, 1};

  private static List<Batch> batches() {
    float[] logits = new float[TRUE.length * 3];
    for (int i = 0; i < TRUE.length; i++) logits[3 * i + PREDICTED[i]] = 2f;
    Tensor all = Tensor.of(logits, TRUE.length, 3);
    float[] a = java.util.Arrays.copyOfRange(all.floatData(), 0, 18);
    float[] b = java.util.Arrays.copyOfRange(all.floatData(), 18, 30);
    return List.of(new Batch(Tensor.of(a, 6, 3), java.util.Arrays.copyOfRange(TRUE, 0, 6)),
        new Batch(Tensor.of(b, 4, 3), java.util.Arrays.copyOfRange(TRUE, 6, 10)));
  }

  private static Evaluation evaluate() {
    Sequential identity = Sequential.builder(3).build(0);
    return Evaluator.evaluate(identity, CrossEntropyLoss.of(), batches(), List.of("cat", "dog", "bird"));
  }

  @Test
  void scoresEveryClassFromTheConfusionMatrix() {
    Evaluation e = evaluate();
    assertArrayEquals(new int[] {2, 1, 1}, e.confusion()[0]);
    assertArrayEquals(new int[] {1, 2, 0}, e.confusion()[1]);
    assertArrayEquals(new int[] {0, 1, 2}, e.confusion()[2]);
    assertEquals(10, e.samples());
    assertEquals(0.6, e.accuracy(), 1e-12);
    double[] precision = {2.0 / 3, 0.5, 2.0 / 3}, recall = {0.5, 2.0 / 3, 2.0 / 3}, f1 = {4.0 / 7, 4.0 / 7, 2.0 / 3};
    int[] support = {4, 3, 3};
    for (int c = 0; c < 3; c++) {
      assertEquals(precision[c], e.precision(c), 1e-12, "precision " + c);
      assertEquals(recall[c], e.recall(c), 1e-12, "recall " + c);
      assertEquals(f1[c], e.f1(c), 1e-12, "f1 " + c);
      assertEquals(support[c], e.support(c), "support " + c);
      Evaluation.ClassScore s = e.perClass().get(c);
      assertEquals(List.of("cat", "dog", "bird").get(c), s.name());
      assertEquals(f1[c], s.f1(), 1e-12);
    }
    // Cross-entropy of logits (2, 0, 0): -log(e^2 / (e^2 + 2)) when right, -log(1 / (e^2 + 2)) when wrong.
    double z = Math.exp(2) + 2, right = -Math.log(Math.exp(2) / z), wrong = Math.log(z);
    assertEquals((6 * right + 4 * wrong) / 10, e.loss(), 1e-6);
  }

  @Test
  void tableShowsTheNumbers() {
    String t = evaluate().table();
    for (String s : new String[] {"precision", "recall", "f1", "support", "cat", "dog", "bird", "0.6667", "0.5000",
        "0.5714", "accuracy 0.6000 on 10 samples", "confusion matrix (rows: true class, columns: predicted)"}) {
      assertTrue(t.contains(s), "table lacks '" + s + "':\n" + t);
    }
    String[] lines = t.split("\n");
    assertTrue(lines[1].startsWith("cat") && lines[1].trim().endsWith("4"), lines[1]);
    assertTrue(t.matches("(?s).*cat\\s+2\\s+1\\s+1\\n.*"), t);
    assertTrue(t.matches("(?s).*bird\\s+0\\s+1\\s+2\\n.*"), t);
  }

  @Test
  void theMatrixColumnsAreNamed() {
    String t = evaluate().table();
    // short names head their columns in full, and no legend is needed
    assertTrue(t.matches("(?s).*\\n\\s+cat\\s+dog\\s+bird\\ncat\\s+2\\s+1\\s+1\\n.*"), t);
    assertTrue(!t.contains("column key:"), t);
  }

  /** Fashion-MNIST's names: the long ones are cut to 5 characters and a dot, with a legend. */
  @Test
  void longNamesAreAbbreviatedWithALegend() {
    List<String> names = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
        "Bag", "Ankle boot");
    int[][] confusion = new int[10][10];
    for (int c = 0; c < 10; c++) confusion[c][c] = 1000 + c;
    confusion[6][0] = 123;
    String t = new Evaluation(0.3, 0.9, confusion, names).table();
    String[] lines = t.split("\n");
    int header = java.util.Arrays.asList(lines).indexOf("confusion matrix (rows: true class, columns: predicted)") + 1;
    assertEquals(List.of("T-shi.", "Trous.", "Pullo.", "Dress", "Coat", "Sandal", "Shirt", "Sneak.", "Bag", "Ankle."),
        List.of(lines[header].trim().split("\\s+")), lines[header]);
    // every column header ends where its numbers end
    String shirtRow = lines[header + 7];
    assertTrue(shirtRow.startsWith("Shirt "), shirtRow);
    assertEquals(lines[header].indexOf("T-shi.") + "T-shi.".length(), shirtRow.indexOf("123") + 3, t);
    assertEquals(lines[header].length(), lines[header + 1].length(), t);
    assertTrue(lines[header + 1].startsWith("T-shirt/top "), "rows keep the full names:\n" + t);
    String legend = t.substring(t.indexOf("column key:"));
    for (String s : new String[] {"T-shi. = T-shirt/top", "Trous. = Trouser", "Pullo. = Pullover",
        "Sneak. = Sneaker", "Ankle. = Ankle boot"}) {
      assertTrue(legend.contains(s), "legend lacks '" + s + "':\n" + t);
    }
    assertTrue(!legend.contains("Dress") && !legend.contains("Bag"), "names shown in full are not in the legend:\n" + t);
  }

  @Test
  void abbreviationsThatCollideFallBackToLabels() {
    List<String> names = List.of("airplane_small", "airplane_large", "cat");
    String t = new Evaluation(0, 1, new int[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, names).table();
    assertTrue(t.matches("(?s).*\\n\\s+0\\s+1\\s+2\\nairplane_small .*"), t);
    assertTrue(t.contains("column key: 0 = airplane_small, 1 = airplane_large, 2 = cat"), t);
  }

  @Test
  void withoutNamesTheColumnsAreLabels() {
    String t = new Evaluation(0, 1, new int[][] {{5, 0}, {0, 7}}, null).table();
    assertTrue(t.matches("(?s).*\\n\\s+0\\s+1\\n0\\s+5\\s+0\\n1\\s+0\\s+7\\n"), t);
    assertTrue(!t.contains("column key:"), t);
  }

  @Test
  void abbreviate() {
    assertEquals("Sandal", Evaluation.abbreviate("Sandal"));
    assertEquals("Ankle.", Evaluation.abbreviate("Ankle boot"));
    assertEquals("a b.", Evaluation.abbreviate("a b  xyz"));
    assertEquals("?", Evaluation.abbreviate(" "));
  }

  @Test
  void aClassNeverPredictedOrAbsentScoresZero() {
    Evaluation e = new Evaluation(0, 0.5, new int[][] {{1, 0, 0}, {1, 0, 0}, {0, 0, 0}}, null);
    assertEquals(0, e.precision(1));
    assertEquals(0, e.recall(1));
    assertEquals(0, e.f1(1));
    assertEquals(0, e.recall(2));
    assertEquals(0, e.support(2));
    assertEquals(0.5, e.precision(0));
    assertTrue(e.table().contains("2"), "classes without names are shown by label");
  }

  @Test
  void rejectsLabelsOutsideTheModelsClassesAndEmptyData() {
    Sequential identity = Sequential.builder(3).build(0);
    Batch bad = new Batch(Tensor.zeros(1, 3), new int[] {3});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Evaluator.evaluate(identity, CrossEntropyLoss.of(), List.of(bad), null));
    assertTrue(e.getMessage().contains("label 3") && e.getMessage().contains("3 classes"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Evaluator.evaluate(identity, CrossEntropyLoss.of(), List.of(), null));
    assertTrue(e.getMessage().contains("no samples"), e.getMessage());
  }
}
