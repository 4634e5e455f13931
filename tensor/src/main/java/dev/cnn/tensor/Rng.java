package dev.cnn.tensor;

import java.util.SplittableRandom;

/**
 * A seeded, splittable random number generator: the only source of randomness in the engine.
 *
 * <p>It wraps {@link SplittableRandom}, whose algorithm (SplitMix64) is fixed by its
 * specification, so a seed gives the same numbers on every JDK. Normal variates use the
 * Box-Muller transform written out here, not {@code nextGaussian()}, whose algorithm changed
 * between JDK releases (JDK 17 uses the polar method on some generators, JDK 19+ a ziggurat).
 *
 * <p>{@link #split()} gives an independent child generator; handing each consumer (an
 * initialiser, a dropout layer, a data loader) its own child keeps their streams independent of
 * the order in which they draw. Not thread-safe: give each thread its own split.
 */
public final class Rng {
  private final SplittableRandom random;

  /** A generator whose whole stream is determined by {@code seed}. */
  public Rng(long seed) {
    this(new SplittableRandom(seed));
  }

  private Rng(SplittableRandom random) {
    this.random = random;
  }

  /** An independent child generator; this generator advances by one step. */
  public Rng split() {
    return new Rng(random.split());
  }

  /** Uniform in [0, 1), with 53 random bits. */
  public double nextDouble() {
    return random.nextDouble();
  }

  /** Uniform in [lo, hi). */
  public double uniform(double lo, double hi) {
    return lo + (hi - lo) * random.nextDouble();
  }

  /** Uniform integer in [0, bound); {@code bound > 0}. */
  public int nextInt(int bound) {
    return random.nextInt(bound);
  }

  /** 64 random bits. */
  public long nextLong() {
    return random.nextLong();
  }

  /**
   * Standard normal variate by the Box-Muller transform: with U1 in (0, 1] and U2 in [0, 1),
   * {@code z = sqrt(-2 ln U1) * cos(2 pi U2)}. One variate per call (the sine twin is discarded
   * so that the stream does not depend on call parity).
   */
  public double nextGaussian() {
    double u1 = 1.0 - random.nextDouble(); // (0, 1]: log is finite
    double u2 = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }
}
