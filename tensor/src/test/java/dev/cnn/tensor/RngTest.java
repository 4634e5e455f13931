package dev.cnn.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Rng is SplitMix64: the same stream as SplittableRandom, with a state that can be saved. */
class RngTest {
  @Property(tries = 50)
  void drawsTheSameNumbersAsSplittableRandom(@ForAll long seed) {
    Rng ours = new Rng(seed);
    SplittableRandom jdk = new SplittableRandom(seed);
    for (int i = 0; i < 100; i++) {
      assertEquals(jdk.nextLong(), ours.nextLong());
      assertEquals(jdk.nextDouble(), ours.nextDouble());
    }
    Rng child = ours.split();
    SplittableRandom jdkChild = jdk.split();
    for (int i = 0; i < 100; i++) assertEquals(jdkChild.nextLong(), child.nextLong());
  }

  @Property(tries = 50)
  void boundedIntsAreInRangeAndMatchSplittableRandomOnJdk17(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = Integer.MAX_VALUE) int bound) {
    Rng ours = new Rng(seed);
    SplittableRandom jdk = new SplittableRandom(seed);
    for (int i = 0; i < 50; i++) {
      int v = ours.nextInt(bound);
      assertTrue(v >= 0 && v < bound);
      // JDK 17 and 25 both use this algorithm (RandomSupport.boundedNextInt); ours is fixed here
      assertEquals(jdk.nextInt(bound), v);
    }
  }

  @Property(tries = 30)
  void aSavedStateContinuesTheStreamExactly(@ForAll long seed, @ForAll @IntRange(min = 0, max = 50) int drawn) {
    Rng a = new Rng(seed);
    for (int i = 0; i < drawn; i++) a.nextDouble();
    Rng b = Rng.fromState(a.state());
    for (int i = 0; i < 20; i++) assertEquals(a.nextLong(), b.nextLong());
    assertArrayEquals(a.split().state(), b.split().state());
  }

  @Property(tries = 10)
  void boundedIntsAreUniform(@ForAll long seed) {
    Rng rng = new Rng(seed);
    int[] counts = new int[6];
    for (int i = 0; i < 60_000; i++) counts[rng.nextInt(6)]++;
    for (int c : counts) assertTrue(Math.abs(c - 10_000) < 500, java.util.Arrays.toString(counts));
  }

  @org.junit.jupiter.api.Test
  void badArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new Rng(1).nextInt(0));
    assertThrows(IllegalArgumentException.class, () -> Rng.fromState(new long[] {1, 2}));
  }
}
