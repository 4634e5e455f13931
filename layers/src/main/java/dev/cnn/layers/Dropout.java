package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Rng;
import java.util.Map;

/**
 * Inverted dropout, any per-sample shape (output shape = input shape). In {@link Mode#TRAIN}
 * each element is kept with probability {@code 1 - p} and scaled to {@code x / (1 - p)}, or set
 * to 0, so the expected output is x; in {@link Mode#EVAL} the layer is the identity. No
 * parameters.
 *
 * <p>The mask comes from this layer's own generator: the child of the model's seed that
 * {@link Sequential} hands it when the model is built. The same seed therefore gives the same
 * sequence of masks, batch after batch, independently of other layers' draws. Each TRAIN pass
 * takes one {@code nextDouble()} per element, in row-major order, keeping the element when the
 * draw is {@code >= p} (see {@code Ops.dropout}).
 *
 * <p>The generator's position is part of a training checkpoint ({@link RandomState}): a run
 * resumed from one draws the masks the uninterrupted run would have drawn.
 *
 * <p>Default as PyTorch's {@code nn.Dropout}: p = 0.5.
 */
public final class Dropout extends Layer implements RandomState {
  private final double p;
  private Rng rng;

  /** Dropout with PyTorch's default probability, p = 0.5. */
  public Dropout() {
    this(0.5);
  }

  /**
   * Dropout that zeroes each element with probability p.
   *
   * @throws IllegalArgumentException unless {@code 0 <= p < 1}
   */
  public Dropout(double p) {
    if (!(p >= 0 && p < 1)) {
      throw new IllegalArgumentException("Dropout: p = " + p + "; expected 0 <= p < 1 (the probability of"
          + " zeroing an element)");
    }
    this.p = p;
  }

  static Dropout fromConfig(Map<String, Object> map) {
    return new Dropout(new Config(LayerType.DROPOUT, map).number("p"));
  }

  /** The probability of zeroing an element. */
  public double p() {
    return p;
  }

  @Override
  public LayerType type() {
    return LayerType.DROPOUT;
  }

  @Override
  public int[] outputShape(int[] inputShape) {
    return inputShape.clone();
  }

  @Override
  protected void create(int[] inputShape, Rng rng) {
    this.rng = rng;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException in TRAIN mode (with p > 0) before the layer is part of a built
   *     model, which is where it gets its generator
   */
  @Override
  public Variable forward(Variable x, Mode mode) {
    if (mode == Mode.TRAIN && p > 0 && rng == null) {
      throw new IllegalStateException("Dropout: no random generator yet; add the layer to a Sequential and"
          + " build it (the model's seed gives each dropout layer its own generator)");
    }
    return Ops.dropout(x, p, mode, rng);
  }

  @Override
  public long[] randomState() {
    return rng == null ? null : rng.state();
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException before the layer is part of a built model (a model built from
   *     an architecture file is built)
   */
  @Override
  public void restoreRandomState(long[] state) {
    if (rng == null) {
      throw new IllegalStateException("Dropout: cannot restore the random state of a layer that is not part of a"
          + " built model yet; build the model first");
    }
    this.rng = Rng.fromState(state);
  }

  @Override
  public Map<String, Object> config() {
    return Config.of("p", p);
  }
}
