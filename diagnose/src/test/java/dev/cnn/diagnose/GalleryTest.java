package dev.cnn.diagnose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.data.ArrayDataset;
import dev.cnn.data.Dataset;
import java.util.List;
import org.junit.jupiter.api.Test;

class GalleryTest {
  /** Six 1 x 2 x 2 images, image i filled with i / 10, of classes a a b b c c. */
  private static final Dataset IMAGES;

  static {
    float[] x = new float[6 * 4];
    for (int i = 0; i < x.length; i++) x[i] = (i / 4) / 10f;
    IMAGES = new ArrayDataset(x, new int[] {0, 0, 1, 1, 2, 2}, new int[] {1, 2, 2}, List.of("a", "b", "c"));
  }

  /** Images 1 (a) and 3 (b) swap classes, image 5 (c) is taken for a; the rest are right. */
  private static Predictions predictions() {
    return new Predictions(new int[] {0, 0, 1, 1, 2, 2}, new int[] {0, 1, 1, 0, 2, 0},
        new double[] {0.9, 0.6, 0.8, 0.7, 0.95, 0.55}, new double[] {0.1, 3.0, 0.2, 2.0, 0.05, 1.0}, 3);
  }

  @Test
  void highestLossComesFirstWithItsPixelsAndProbabilities() {
    Gallery g = Gallery.highestLoss(predictions(), IMAGES, 2);
    assertEquals(Figures.HIGHEST_LOSS, g.id());
    assertEquals(2, g.examples().size());
    Gallery.Example worst = g.examples().get(0);
    assertEquals(1, worst.index());
    assertEquals(0, worst.label());
    assertEquals(1, worst.predicted());
    assertEquals(Math.exp(-3.0), worst.labelProbability(), 1e-12);
    assertArrayEquals(new float[] {0.1f, 0.1f, 0.1f, 0.1f}, worst.pixels());
    assertEquals(3, g.examples().get(1).index());
  }

  @Test
  void confusedPairsRankByErrorsBothWaysAndSkipPairsWithoutErrors() {
    List<Gallery> rows = Gallery.confusedPairs(predictions(), IMAGES, 5, 4);
    assertEquals(2, rows.size(), "a-b (2 errors) and a-c (1); b-c has none");
    assertEquals(Figures.confusedPair(0, 1), rows.get(0).id());
    assertEquals("a and b: 2 errors", rows.get(0).title());
    assertEquals(List.of(1, 3), rows.get(0).examples().stream().map(Gallery.Example::index).toList(),
        "a taken for b, then b taken for a");
    assertEquals(Figures.confusedPair(0, 2), rows.get(1).id());
    assertEquals(List.of(5), rows.get(1).examples().stream().map(Gallery.Example::index).toList());
  }

  @Test
  void predictionsOfOtherImagesAreRefused() {
    Predictions p = predictions();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Gallery.highestLoss(p, IMAGES.subset(new int[] {0, 1, 2}), 1));
    assertTrue(e.getMessage().contains("6 predictions for a dataset of 3 images"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Gallery.highestLoss(p, IMAGES.subset(new int[] {0, 2, 1, 3, 4, 5}), 1));
    assertTrue(e.getMessage().contains("image 1 is labelled 1 in the dataset but 0 in the predictions"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Gallery("Bad Id", "t", "c", List.of()));
    assertTrue(e.getMessage().contains("'Bad Id'"), e.getMessage());
  }
}
