package dev.cnn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link AffineTransform} against scipy.ndimage.affine_transform(order=1), the resampler Keras'
 * ImageDataGenerator uses, on Keras' own matrix construction: 55 cases over the four fill modes
 * (random rotation, shift, shear and zoom; whole-pixel shifts; a zoom out), written by
 * {@code data/src/test/python/affine_golden.py}. Our outputs are float32, so 1e-5.
 */
class AffineGoldenTest {
  @Test
  void matchesScipyAffineTransformWithKerasMatrices() throws IOException {
    InputStream in = getClass().getResourceAsStream("/golden/affine.txt");
    assertNotNull(in, "golden/affine.txt is missing: run data/src/test/python/affine_golden.py");
    int cases = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("#") || line.isBlank()) continue;
        String[] head = line.split(" ");
        assertEquals("case", head[0]);
        String name = head[1];
        FillMode mode = FillMode.parse(head[2]);
        float cval = Float.parseFloat(head[3]);
        int h = Integer.parseInt(head[4]);
        int w = Integer.parseInt(head[5]);
        double[] p = new double[6];
        for (int i = 0; i < 6; i++) p[i] = Double.parseDouble(head[6 + i]);
        float[] x = floats(r.readLine(), "input", h * w);
        float[] expected = floats(r.readLine(), "output", h * w);
        double[] a = AffineTransform.inverseMap(p[0], p[1], p[2], p[3], p[4], p[5], h, w);
        AffineTransform.warp(x, 0, 1, h, w, a, mode, cval);
        for (int i = 0; i < x.length; i++) {
          assertEquals(expected[i], x[i], 1e-5, name + " pixel " + i + ": expected " + Arrays.toString(expected)
              + " got " + Arrays.toString(x));
        }
        cases++;
      }
    }
    assertTrue(cases >= 50, "only " + cases + " cases read");
  }

  private static float[] floats(String line, String tag, int n) {
    String[] parts = line.split(" ");
    assertEquals(tag, parts[0]);
    assertEquals(n + 1, parts.length);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) out[i] = (float) Double.parseDouble(parts[i + 1]);
    return out;
  }
}
