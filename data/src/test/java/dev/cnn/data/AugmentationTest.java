package dev.cnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.tensor.Rng;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-checked cases of the augmentation steps, their validation, and the text syntax. */
class AugmentationTest {

  private static float[] ramp(int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = i;
    return x;
  }

  @Test
  void fillModesExtendARowAsKerasDocuments() {
    // abcd with four pixels either side
    String[] expected = {
      "NEAREST aaaaabcddddd", "REFLECT dcbaabcddcba", "WRAP abcdabcdabcd", "CONSTANT ----abcd----"};
    for (String e : expected) {
      FillMode m = FillMode.valueOf(e.split(" ")[0]);
      StringBuilder s = new StringBuilder();
      for (int i = -4; i < 8; i++) {
        int k = m.map(i, 4);
        s.append(k < 0 ? '-' : (char) ('a' + k));
      }
      assertEquals(e.split(" ")[1], s.toString(), m.name());
    }
    assertEquals(0, FillMode.REFLECT.map(-1000001, 1));
    assertEquals(FillMode.WRAP, FillMode.parse("Wrap"));
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> FillMode.parse("mirror"));
    assertTrue(ex.getMessage().contains("'mirror'") && ex.getMessage().contains("nearest, constant, reflect, wrap"), ex.getMessage());
  }

  @Test
  void wholePixelShiftMovesPixelsExactly() {
    int h = 4;
    int w = 5;
    float[] x = ramp(2 * h * w);
    float[] y = x.clone();
    // tr = 1, tc = -2: the output (r, c) takes the input at (r + 1, c - 2).
    AffineTransform.warp(y, 0, 2, h, w, AffineTransform.inverseMap(0, 1, -2, 0, 1, 1, h, w), FillMode.CONSTANT, -1f);
    for (int ch = 0; ch < 2; ch++)
      for (int r = 0; r < h; r++)
        for (int c = 0; c < w; c++) {
          int sr = r + 1;
          int sc = c - 2;
          float want = sr >= h || sc < 0 ? -1f : x[(ch * h + sr) * w + sc];
          assertEquals(want, y[(ch * h + r) * w + c], "(" + ch + ", " + r + ", " + c + ")");
        }
  }

  @Test
  void quarterTurnOfASquareIsExactAboutTheCentre() {
    int n = 5;
    float[] x = ramp(n * n);
    float[] y = x.clone();
    AffineTransform.warp(y, 0, 1, n, n, AffineTransform.inverseMap(90, 0, 0, 0, 1, 1, n, n), FillMode.CONSTANT, -1f);
    // Rot(90) = [[0, -1], [1, 0]] about o = (n - 1) / 2: the output (r, c) reads the input at (n - 1 - c, r).
    for (int r = 0; r < n; r++)
      for (int c = 0; c < n; c++) assertEquals(x[(n - 1 - c) * n + r], y[r * n + c], "(" + r + ", " + c + ")");
  }

  @Test
  void zoomAboveOneShrinksTheContentAsKerasDoes() {
    int n = 4;
    float[] x = ramp(n * n);
    float[] y = x.clone();
    AffineTransform.warp(y, 0, 1, n, n, AffineTransform.inverseMap(0, 0, 0, 0, 2, 2, n, n), FillMode.CONSTANT, -1f);
    // o = 1.5; output (0, 0) reads (1.5 - 3, 1.5 - 3), outside; output (1, 1) reads (0.5, 0.5), the mean of the top-left block.
    assertEquals(-1f, y[0]);
    assertEquals((0 + 1 + 4 + 5) / 4f, y[n + 1]);
  }

  @Test
  void bilinearInterpolationBetweenFourPixels() {
    float[] x = {0, 1, 2, 3}; // [[0, 1], [2, 3]]
    // A pure shift by (0.25, 0.5): output (0, 0) reads (0.25, 0.5): rows 0.75*0.5 + 0.25*2.5.
    float[] y = x.clone();
    AffineTransform.warp(y, 0, 1, 2, 2, new double[] {1, 0, 0.25, 0, 1, 0.5}, FillMode.NEAREST, 0);
    assertEquals(0.75 * 0.5 + 0.25 * 2.5, y[0], 1e-7);
  }

  @Test
  void randomCropShiftsByWholePixelsWithinThePadding() {
    int h = 6;
    int w = 6;
    float[] x = ramp(h * w);
    RandomCrop crop = new RandomCrop(2, FillMode.CONSTANT, -1);
    for (long seed = 0; seed < 50; seed++) {
      float[] y = x.clone();
      crop.apply(y, 0, 1, h, w, new Rng(seed));
      // find the shift: some output pixel holds an input pixel; all must agree with one (dy, dx) in [-2, 2].
      boolean matched = false;
      for (int dy = -2; dy <= 2 && !matched; dy++)
        for (int dx = -2; dx <= 2 && !matched; dx++) {
          boolean ok = true;
          for (int r = 0; r < h && ok; r++)
            for (int c = 0; c < w && ok; c++) {
              int sr = r + dy;
              int sc = c + dx;
              float want = sr < 0 || sr >= h || sc < 0 || sc >= w ? -1 : x[sr * w + sc];
              ok = y[r * w + c] == want;
            }
          matched = ok;
        }
      assertTrue(matched, "seed " + seed);
    }
  }

  @Test
  void randomErasingErasesOneRectangleInEveryChannel() {
    int c = 2;
    int h = 10;
    int w = 12;
    RandomErasing erase = new RandomErasing(1, 0.1, 0.3, 0.5, 2, -5);
    for (long seed = 0; seed < 30; seed++) {
      float[] x = new float[c * h * w];
      java.util.Arrays.fill(x, 1);
      erase.apply(x, 0, c, h, w, new Rng(seed));
      int count = 0;
      int top = h, left = w, bottom = -1, right = -1;
      for (int r = 0; r < h; r++)
        for (int col = 0; col < w; col++) {
          assertEquals(x[r * w + col], x[h * w + r * w + col], "the same rectangle in both channels");
          if (x[r * w + col] == -5) {
            count++;
            top = Math.min(top, r);
            bottom = Math.max(bottom, r);
            left = Math.min(left, col);
            right = Math.max(right, col);
          }
        }
      int area = (bottom - top + 1) * (right - left + 1);
      assertEquals(area, count, "a filled rectangle, seed " + seed);
      // area within the range up to rounding of h and w (each by at most 1/2)
      assertTrue(count >= 1 && count <= 0.3 * h * w + Math.sqrt(0.3 * h * w) * 3 + 1, "area " + count);
    }
    float[] x = ramp(h * w);
    new RandomErasing(0, 0.1, 0.3, 0.5, 2, -5).apply(x, 0, 1, h, w, new Rng(1));
    assertArrayEquals(ramp(h * w), x, "probability 0 erases nothing");
  }

  @Test
  void builderNamesTheSettingTheValueAndTheRange() {
    assertMessage(() -> Augmentation.builder().rotation(200), "rotation = 200.0 degrees, expected a value in [0, 180]");
    assertMessage(() -> Augmentation.builder().widthShift(1), "width shift = 1.0, expected a value in [0, 1)");
    assertMessage(() -> Augmentation.builder().heightShift(-0.1), "height shift = -0.1, expected a value in [0, 1)");
    assertMessage(() -> Augmentation.builder().shear(90), "shear = 90.0 degrees, expected a value in [0, 90)");
    assertMessage(() -> Augmentation.builder().zoom(1.5), "zoom = 1.5, expected a value in [0, 1)");
    assertMessage(() -> Augmentation.builder().zoom(1.2, 0.8), "zoom range = [1.2, 0.8], expected 0 < lo <= hi <= 10");
    assertMessage(() -> Augmentation.builder().brightness(-1, 1), "brightness range = [-1.0, 1.0], expected lo <= hi with both in [0, 10]");
    assertMessage(() -> Augmentation.builder().contrast(1, Double.NaN), "contrast range = [1.0, NaN]");
    assertMessage(() -> Augmentation.builder().crop(-1), "crop padding = -1.0 pixels, expected a value in [0, 1024]");
    assertMessage(() -> Augmentation.builder().erase(1.5), "erase probability = 1.5, expected a value in [0, 1]");
    assertMessage(() -> Augmentation.builder().eraseArea(0, 0.5), "erase area range = [0.0, 0.5], expected 0 < lo <= hi <= 1");
    assertMessage(() -> Augmentation.builder().fillValue(Double.POSITIVE_INFINITY), "fill value = Infinity, expected a finite number");
    assertMessage(() -> Augmentation.builder().fill(null), "fill mode is null");
    assertMessage(() -> new Flip(Flip.Axis.VERTICAL, 2), "flip: probability = 2.0, expected a value in [0, 1]");
    assertMessage(() -> new Normalization(new double[] {0}, new double[] {-1}), "channel 0 has mean 0.0 and std -1.0");
    float[] x = new float[12];
    assertMessage(() -> new Normalization(new double[] {0, 0}, new double[] {1, 1}).apply(x, 0, 3, 2, 2, new Rng(0)),
        "sample has 3 channels, expected 2");
    assertMessage(() -> Augmentation.builder().rotation(5).build().apply(x, 4, 1, 3, 4, new Rng(0)),
        "sample of 12 floats at offset 4 does not fit an array of 12");
  }

  @Test
  void specSyntaxBuildsTheSameAugmentationAsTheBuilder() {
    Augmentation parsed = Augmentation.parse("rotate=10, shift=0.1,zoom=0.1,hflip,fill=reflect,erase=0.25,crop=4");
    Augmentation built = Augmentation.builder().rotation(10).shift(0.1).zoom(0.1).horizontalFlip().fill(FillMode.REFLECT)
        .erase(0.25).crop(4).build();
    assertEquals(built.toString(), parsed.toString());
    // the builder's fixed order: affine, flip, crop, erase
    assertEquals(4, parsed.steps().size());
    assertInstanceOf(AffineTransform.class, parsed.steps().get(0));
    assertInstanceOf(Flip.class, parsed.steps().get(1));
    assertInstanceOf(RandomCrop.class, parsed.steps().get(2));
    assertInstanceOf(RandomErasing.class, parsed.steps().get(3));
    float[] a = ramp(2 * 8 * 8);
    float[] b = a.clone();
    parsed.apply(a, 0, 2, 8, 8, new Rng(9));
    built.apply(b, 0, 2, 8, 8, new Rng(9));
    assertArrayEquals(b, a);
    assertFalse(java.util.Arrays.equals(ramp(2 * 8 * 8), a), "something changed");

    Augmentation ranges = Augmentation.parse("brightness=0.8:1.2,contrast=0.3,zoom=0.9:1.1,wshift=0.2,vflip,fill=constant,cval=0.5,"
        + "erase=1,erase-area=0.1:0.2,erase-ratio=0.5:2,erase-value=random");
    assertEquals("wshift=0.2,zoom=0.9:1.1,fill=constant,cval=0.5", ranges.steps().get(0).toString());
    assertEquals("vflip", ranges.steps().get(1).toString());
    assertEquals("brightness=0.8:1.2", ranges.steps().get(2).toString());
    assertEquals("contrast=0.7:1.3", ranges.steps().get(3).toString());
    assertEquals("erase=1,erase-area=0.1:0.2,erase-ratio=0.5:2,erase-value=random", ranges.steps().get(4).toString());
    assertTrue(Augmentation.parse(" none ").isIdentity());
  }

  @Test
  void specErrorsNameTheItemAndListTheKeys() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Augmentation.parse("rotate=10,rotat=5"));
    assertTrue(e.getMessage().contains("unknown key 'rotat'") && e.getMessage().contains("valid keys: rotate, shift"), e.getMessage());
    assertMessage(() -> Augmentation.parse("rotate=ten"), "--augment: rotate=ten: 'ten' is not a number, expected degrees");
    assertMessage(() -> Augmentation.parse("rotate=200"), "--augment: rotate=200: augmentation: rotation = 200.0 degrees, expected a value in [0, 180]");
    assertMessage(() -> Augmentation.parse("zoom=1:2:3"), "'1:2:3' is not a range, expected LO:HI");
    assertMessage(() -> Augmentation.parse("hflip=1"), "'hflip' is a flag and takes no value");
    assertMessage(() -> Augmentation.parse("crop"), "'crop' needs a value, as in 'crop=4'");
    assertMessage(() -> Augmentation.parse("crop=2.5"), "'2.5' is not a whole number of pixels");
    assertMessage(() -> Augmentation.parse("hflip,,vflip"), "empty item");
    assertMessage(() -> Augmentation.parse("hflip,hflip"), "key 'hflip' given twice");
    assertMessage(() -> Augmentation.parse("none,hflip"), "'none' cannot be combined");
    assertMessage(() -> Augmentation.parse("fill=mirror"), "fill mode 'mirror' is unknown");
    assertMessage(() -> Augmentation.parse("normalize"), "needs the training set");
  }

  @Test
  void normalizeInTheSpecFitsOnTheTrainingSet() {
    // two samples [2, 1, 2]: channel 0 values 0, 2, 4, 6 (mean 3, std sqrt(5)); channel 1 all 1 (std 0: centred only)
    float[] values = {0, 2, 1, 1, 4, 6, 1, 1};
    Dataset data = new ArrayDataset(values, new int[] {0, 1}, new int[] {2, 1, 2}, List.of("a", "b"));
    Augmentation a = AugmentationSpec.parse("normalize", data);
    Normalization n = (Normalization) a.steps().get(0);
    assertArrayEquals(new double[] {3, 1}, n.mean(), 1e-12);
    assertArrayEquals(new double[] {Math.sqrt(5), 0}, n.std(), 1e-12);
    float[] x = {6, 0, 1, 3};
    a.apply(x, 0, 2, 1, 2, new Rng(0));
    assertArrayEquals(new float[] {(float) (3 / Math.sqrt(5)), (float) (-3 / Math.sqrt(5)), 0, 2}, x, 1e-6f);
    assertFalse(a.isIdentity());
  }

  private static void assertMessage(org.junit.jupiter.api.function.Executable call, String part) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(part), () -> "message '" + e.getMessage() + "' lacks '" + part + "'");
  }
}
