package dev.cnn.examples;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.layers.Config;
import dev.cnn.layers.CustomLayer;
import dev.cnn.layers.Layer;
import dev.cnn.layers.LayerFactory;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * A layer of your own, written outside the library: Swish with a learnable slope per channel
 * (Ramachandran et al., 2017),
 * <pre>
 *   y[n][c][...] = x[n][c][...] * sigmoid(beta[c] * x[n][c][...])      beta: [C, 1, 1, ...], learned
 * </pre>
 * With beta = 1 it is SiLU; as beta grows it tends to ReLU, as it goes to 0 to x / 2.
 *
 * <p>Everything a custom layer needs, in one file: its type name in architecture files, shape
 * inference, its parameter (from the input shape), the forward pass with {@code Ops} (autograd
 * differentiates it: d y / d x = s + beta x s (1 - s) and d y / d beta = x^2 s (1 - s), with s =
 * sigmoid(beta x), never written by hand), its config, and the {@link Factory} that rebuilds it
 * when a saved model is loaded. The factory is registered in
 * {@code src/main/resources/META-INF/services/dev.cnn.layers.LayerFactory}, so
 * {@code ModelFiles.load} finds it on the classpath. {@code LayerGradCheck} checks its gradients
 * (see {@code LearnableSwishTest}); {@link CustomLayerExample} trains, saves and reloads a model
 * with it.
 */
public final class LearnableSwish extends CustomLayer {
  /** The name in architecture files. */
  public static final String TYPE = "learnable_swish";
  private final double beta;

  /** @param beta the slope every channel starts from (1: SiLU) */
  public LearnableSwish(double beta) {
    if (!Double.isFinite(beta)) throw new IllegalArgumentException(TYPE + ": beta is " + beta + "; expected a finite number");
    this.beta = beta;
  }

  @Override
  public String typeName() {
    return TYPE;
  }

  @Override
  public int[] outputShape(int[] inputShape) {
    if (inputShape.length < 1) {
      throw new IllegalArgumentException(TYPE + ": samples of shape " + Arrays.toString(inputShape) + "; expected [C, ...]");
    }
    return inputShape.clone();
  }

  @Override
  protected void create(int[] inputShape, Rng rng) {
    int[] shape = new int[inputShape.length]; // [C, 1, 1]: one slope per channel, broadcast over H and W
    Arrays.fill(shape, 1);
    shape[0] = inputShape[0];
    addParameter("beta", Tensor.full(DType.FLOAT32, beta, shape));
  }

  @Override
  public Variable forward(Variable x, Mode mode) {
    return Ops.mul(x, Ops.sigmoid(Ops.mul(x, parameter("beta"))));
  }

  @Override
  public Map<String, Object> config() {
    return Config.of("beta", beta);
  }

  /** Rebuilds a {@link LearnableSwish} from its config when a saved model is loaded. */
  public static final class Factory implements LayerFactory {
    @Override
    public String typeName() {
      return TYPE;
    }

    @Override
    public Layer create(Map<String, Object> config) {
      return new LearnableSwish(new Config(TYPE, config).number("beta"));
    }
  }
}
