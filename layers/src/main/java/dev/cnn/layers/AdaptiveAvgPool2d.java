package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Shapes;
import java.util.Map;

/**
 * Adaptive average pooling: input {@code [C, H, W]} per sample, of any H and W, output
 * {@code [C, outH, outW]}, a fixed size. Output (oh, ow) is the mean of input rows
 * {@code [floor(oh*H/outH), ceil((oh+1)*H/outH))} and columns
 * {@code [floor(ow*W/outW), ceil((ow+1)*W/outW))} (PyTorch's {@code nn.AdaptiveAvgPool2d}). No
 * parameters.
 *
 * <p>Put before a model's flatten-and-dense head, it makes the head's input the same for every
 * image size: the model then takes images of other sizes than it was built for
 * ({@link Model#outputShapeFor}). With {@code (1, 1)} it is global average pooling, keeping the
 * two size-1 axes.
 */
public final class AdaptiveAvgPool2d extends Layer {
  private final int outH;
  private final int outW;

  private AdaptiveAvgPool2d(int outH, int outW) {
    if (outH < 1 || outW < 1) {
      throw new IllegalArgumentException("AdaptiveAvgPool2d: output size " + outH + " x " + outW
          + "; expected a height and width of at least 1");
    }
    this.outH = outH;
    this.outW = outW;
  }

  /** Pools every plane to {@code size x size}. */
  public static AdaptiveAvgPool2d of(int size) {
    return new AdaptiveAvgPool2d(size, size);
  }

  /** Pools every plane to {@code height x width}. */
  public static AdaptiveAvgPool2d of(int height, int width) {
    return new AdaptiveAvgPool2d(height, width);
  }

  static AdaptiveAvgPool2d fromConfig(Map<String, Object> map) {
    Config c = new Config(LayerType.ADAPTIVE_AVG_POOL2D, map);
    return new AdaptiveAvgPool2d(c.integer("output_height"), c.integer("output_width"));
  }

  @Override
  public LayerType type() {
    return LayerType.ADAPTIVE_AVG_POOL2D;
  }

  /** The output height. */
  public int outputHeight() {
    return outH;
  }

  /** The output width. */
  public int outputWidth() {
    return outW;
  }

  @Override
  public int[] outputShape(int[] s) {
    if (s.length != 3 || s[1] < 1 || s[2] < 1) {
      throw Shapes.error("AdaptiveAvgPool2d(" + outH + " x " + outW + ")", "input shape " + Shapes.format(s),
          "[C, H, W] per sample with H, W >= 1");
    }
    return new int[] {s[0], outH, outW};
  }

  @Override
  public Variable forward(Variable x, Mode mode) {
    return Ops.adaptiveAvgPool2d(x, outH, outW);
  }

  @Override
  public Map<String, Object> config() {
    return Config.of("output_height", outH, "output_width", outW);
  }
}
