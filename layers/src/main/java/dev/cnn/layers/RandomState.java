package dev.cnn.layers;

/**
 * A layer that draws random numbers while it runs (not only when it is built), and so has a
 * generator whose position a checkpoint must save for a resumed run to draw the same numbers as
 * an uninterrupted one. {@link Dropout} is one: its masks come from its own generator.
 *
 * <p>The state is the generator's complete state ({@link dev.cnn.tensor.Rng#state()}, two longs);
 * {@link Sequential#randomStates()} collects it from every such layer by layer name and
 * {@link Sequential#restoreRandomStates} puts it back.
 */
public interface RandomState {
  /**
   * The generator's state ({@code {seed, gamma}}), or null while the layer has no generator yet
   * (before its model is built).
   */
  long[] randomState();

  /**
   * Continues from a saved {@link #randomState()}: the next draws are those the saved generator
   * would have made.
   *
   * @throws IllegalArgumentException if the state is not a valid generator state
   */
  void restoreRandomState(long[] state);
}
