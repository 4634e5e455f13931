package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import java.util.Map;

/**
 * A custom layer as a user would write one, for the tests: {@code y[n][c][...] = x[n][c][...] *
 * s[c]} with a learnable scale per channel, initialised to {@code init}. Its factory is registered
 * in src/test/resources/META-INF/services/dev.cnn.layers.LayerFactory.
 */
public class ChannelScale extends CustomLayer {
  private final double init;

  public ChannelScale(double init) {
    this.init = init;
  }

  @Override
  public String typeName() {
    return "channel_scale";
  }

  @Override
  public int[] outputShape(int[] inputShape) {
    if (inputShape.length < 1) throw new IllegalArgumentException("channel_scale needs [C, ...] samples, got []");
    return inputShape.clone();
  }

  @Override
  protected void create(int[] inputShape, Rng rng) {
    int[] shape = new int[inputShape.length]; // [C, 1, 1, ...]: broadcast over the rest
    java.util.Arrays.fill(shape, 1);
    shape[0] = inputShape[0];
    addParameter("scale", Tensor.full(DType.FLOAT32, init, shape));
  }

  @Override
  public Variable forward(Variable x, Mode mode) {
    return Ops.mul(x, parameter("scale"));
  }

  @Override
  public Map<String, Object> config() {
    return Config.of("init", init);
  }

  /** Rebuilds a {@link ChannelScale} from its config. */
  public static final class Factory implements LayerFactory {
    @Override
    public String typeName() {
      return "channel_scale";
    }

    @Override
    public Layer create(Map<String, Object> config) {
      return new ChannelScale(new Config("channel_scale", config).number("init"));
    }
  }
}
