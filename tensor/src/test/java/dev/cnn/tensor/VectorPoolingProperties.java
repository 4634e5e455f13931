package dev.cnn.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The SIMD max pooling ({@link VectorPooling}) at 128, 256 and 512 bits against the reference
 * loop ({@link ScalarPooling#maxPlane}), bit for bit, indices included (and without indices, the
 * maxima alone): 2x2 windows with stride 2 on
 * planes 2-40 pixels wide (rows narrower than a vector, exactly one vector, and with a partial last
 * run), several planes in one array, computed last plane first (the narrow path reads past a
 * plane's end and falls back at the array's end; it must never store past a plane's outputs), with values drawn to make ties, signed zeros, infinities and NaNs common.
 * Other window shapes must go to the reference unchanged.
 */
class VectorPoolingProperties {
  private static final List<VectorPooling> VECTORS =
      List.of(new VectorPooling(128), new VectorPooling(256), new VectorPooling(512));

  @Property(tries = 200)
  void twoByTwoMatchesTheReferenceExactly(@ForAll @IntRange(min = 2, max = 10) int h,
      @ForAll @IntRange(min = 2, max = 40) int w, @ForAll @IntRange(min = 1, max = 3) int planes,
      @ForAll @IntRange(max = 3) int mix, @ForAll long seed) {
    check(h, w, planes, Pool2dSpec.of(2), mix, seed);
  }

  @Property(tries = 60)
  void otherWindowsGoToTheReference(@ForAll @IntRange(min = 1, max = 3) int k,
      @ForAll @IntRange(min = 1, max = 3) int stride, @ForAll @IntRange(max = 1) int pad,
      @ForAll @IntRange(min = 3, max = 30) int size, @ForAll long seed) {
    check(size, size, 2, Pool2dSpec.of(k, stride, Math.min(pad, k / 2)), 1, seed);
  }

  private static void check(int h, int w, int planes, Pool2dSpec s, int mix, long seed) {
    int hOut = s.outputHeight(h), wOut = s.outputWidth(w);
    float[] x = values(new SplittableRandom(seed), planes * h * w, mix);
    int outs = planes * hOut * wOut;
    float[] want = new float[outs];
    int[] wantIdx = new int[outs];
    for (int p = 0; p < planes; p++) {
      ScalarPooling.maxPlane(x, p * h * w, h, w, s, hOut, wOut, want, wantIdx, p * hOut * wOut);
    }
    for (VectorPooling v : VECTORS) {
      float[] got = new float[outs];
      int[] gotIdx = new int[outs];
      for (int p = planes - 1; p >= 0; p--) { // last plane first: a store past a plane's outputs shows
        v.maxPlane(x, p * h * w, h, w, s, hOut, wOut, got, gotIdx, p * hOut * wOut);
      }
      String what = v + " on " + planes + " planes " + h + "x" + w + " with " + s;
      assertArrayEquals(wantIdx, gotIdx, what);
      for (int i = 0; i < outs; i++) {
        assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), what + ", output " + i);
      }
      // Without indices (inference): the same maxima, bit for bit.
      float[] values = new float[outs];
      for (int p = planes - 1; p >= 0; p--) {
        v.maxPlane(x, p * h * w, h, w, s, hOut, wOut, values, null, p * hOut * wOut);
      }
      for (int i = 0; i < outs; i++) {
        assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(values[i]), what + ", values only, output " + i);
      }
    }
  }

  /**
   * mix 0: uniform in [-1, 1); 1: ReLU outputs (half exactly 0: ties); 2: a few values (ties,
   * -0 and +0); 3: also infinities and NaNs.
   */
  private static float[] values(SplittableRandom r, int n, int mix) {
    float[] few = {-0f, 0f, 1f, -1f, 0.5f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      float u = (float) (r.nextDouble() * 2 - 1);
      switch (mix) {
        case 0 -> x[i] = u;
        case 1 -> x[i] = Math.max(u, 0f);
        case 2 -> x[i] = few[r.nextInt(5)];
        default -> x[i] = few[r.nextInt(few.length)];
      }
    }
    return x;
  }
}
