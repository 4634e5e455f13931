package dev.cnn.tensor;

/**
 * A seeded, splittable random number generator: the only source of randomness in the engine.
 *
 * <p>The algorithm is SplitMix64 (Steele, Lea and Flood, 2014), written out here so that its
 * whole state (two longs) can be saved in a checkpoint and restored ({@link #state()},
 * {@link #fromState}), which {@link java.util.SplittableRandom} does not allow. It produces
 * exactly the numbers of {@code new java.util.SplittableRandom(seed)} for {@link #nextLong()},
 * {@link #nextDouble()} and {@link #split()} (tests compare them), and its bounded
 * {@link #nextInt(int)} is defined here, so a seed gives the same stream on every JDK. Normal
 * variates use the Box-Muller transform written out below, not {@code nextGaussian()}, whose
 * algorithm changed between JDK releases.
 *
 * <p>{@link #split()} gives an independent child generator; handing each consumer (an
 * initialiser, a dropout layer, a data loader) its own child keeps their streams independent of
 * the order in which they draw. Not thread-safe: give each thread its own split.
 */
public final class Rng {
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
  private long seed;
  private final long gamma;

  /** A generator whose whole stream is determined by {@code seed}. */
  public Rng(long seed) {
    this(seed, GOLDEN_GAMMA);
  }

  private Rng(long seed, long gamma) {
    this.seed = seed;
    this.gamma = gamma;
  }

  /**
   * The generator's complete state, {@code {seed, gamma}}: {@link #fromState} with it continues
   * the stream exactly where this generator is.
   */
  public long[] state() {
    return new long[] {seed, gamma};
  }

  /**
   * The generator with this {@link #state()}.
   *
   * @throws IllegalArgumentException if the array is not two longs with an odd gamma (every
   *     gamma SplitMix64 makes is odd)
   */
  public static Rng fromState(long[] state) {
    if (state == null || state.length != 2 || (state[1] & 1) == 0) {
      throw new IllegalArgumentException("Rng.fromState: expected {seed, gamma} with an odd gamma, got "
          + java.util.Arrays.toString(state));
    }
    return new Rng(state[0], state[1]);
  }

  /** An independent child generator; this generator advances by two steps. */
  public Rng split() {
    return new Rng(nextLong(), mixGamma(nextSeed()));
  }

  /** 64 random bits. */
  public long nextLong() {
    return mix64(nextSeed());
  }

  /** Uniform in [0, 1), with 53 random bits. */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [lo, hi). */
  public double uniform(double lo, double hi) {
    return lo + (hi - lo) * nextDouble();
  }

  /**
   * Uniform integer in [0, bound), {@code bound > 0}, without modulo bias: 31 random bits are
   * drawn again when they fall in the incomplete last block of {@code bound} values.
   */
  public int nextInt(int bound) {
    if (bound <= 0) throw new IllegalArgumentException("Rng.nextInt: bound = " + bound + "; expected > 0");
    int r = mix32(nextSeed());
    int m = bound - 1;
    if ((bound & m) == 0) return r & m; // a power of two: the low bits are uniform
    for (int u = r >>> 1; u + m - (r = u % bound) < 0; u = mix32(nextSeed()) >>> 1) {
      // rejected: u fell in the last, incomplete block of bound values
    }
    return r;
  }

  /**
   * Standard normal variate by the Box-Muller transform: with U1 in (0, 1] and U2 in [0, 1),
   * {@code z = sqrt(-2 ln U1) * cos(2 pi U2)}. One variate per call (the sine twin is discarded
   * so that the stream does not depend on call parity).
   */
  public double nextGaussian() {
    double u1 = 1.0 - nextDouble(); // (0, 1]: log is finite
    double u2 = nextDouble();
    return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2);
  }

  private long nextSeed() {
    return seed += gamma;
  }

  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private static int mix32(long z) {
    z = (z ^ (z >>> 33)) * 0x62a9d9ed799705f5L;
    return (int) (((z ^ (z >>> 28)) * 0xcb24d0a5c88c35b3L) >>> 32);
  }

  /** An odd gamma for a child, with enough bit transitions to mix well (SplitMix64's rule). */
  private static long mixGamma(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    z = (z ^ (z >>> 33)) | 1L;
    int transitions = Long.bitCount(z ^ (z >>> 1));
    return transitions < 24 ? z ^ 0xaaaaaaaaaaaaaaaaL : z;
  }
}
