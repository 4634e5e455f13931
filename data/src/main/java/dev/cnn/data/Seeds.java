package dev.cnn.data;

/**
 * Derives independent seeds from a base seed and a few integers (a stream tag, an epoch, a
 * position), so that every random choice the loaders and augmentations make is a pure function
 * of {@code (seed, epoch, position)} and does not depend on which thread draws first.
 *
 * <p>{@code mix(seed, p1, ..., pk)}: {@code h = seed}, then for each part
 * {@code h = mix64(h + GAMMA * (p + 1))}, where mix64 is SplitMix64's finaliser (Stafford's
 * variant 13) and GAMMA the golden-ratio constant 0x9e3779b97f4a7c15.
 */
final class Seeds {
  /** Stream tags: one per kind of randomness, so two kinds never share a seed. */
  static final long SHUFFLE = 0x5348554646L;
  static final long AUGMENT = 0x4155474dL;
  static final long SAMPLER = 0x53414d50L;
  static final long PREVIEW = 0x50524556L;

  private static final long GAMMA = 0x9e3779b97f4a7c15L;

  private Seeds() {}

  static long mix(long seed, long... parts) {
    long h = seed;
    for (long p : parts) h = mix64(h + GAMMA * (p + 1));
    return h;
  }

  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
