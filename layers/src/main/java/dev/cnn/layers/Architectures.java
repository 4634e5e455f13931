package dev.cnn.layers;

import dev.cnn.tensor.Shapes;
import java.util.List;
import java.util.Locale;

/**
 * Ready-made classifiers for images of per-sample shape {@code [C, H, W]}: each factory adapts
 * the first layer to C, the first dense layer to what H and W leave after the pooling, and the
 * last layer to the number of classes, then builds the model from the seed (same seed, same
 * weights). Every layer keeps its PyTorch default initialisation, so the same network written
 * with {@code torch.nn} starts from the same distribution, and its parameter names
 * ({@code "0.weight"}, ...) are the ones {@code nn.Sequential} would give.
 *
 * <p>The models output logits (no softmax): pair them with a cross-entropy loss on logits.
 */
public final class Architectures {
  /** The names {@link #byName} accepts. */
  public static final List<String> NAMES = List.of("fashionnet", "lenet5", "vgg-small", "resnet-small");

  private Architectures() {}

  /**
   * A small CNN for Fashion-MNIST-sized images (421,642 parameters for 1x28x28 and 10 classes):
   * <pre>
   *  0 Conv2d C -> 32, 3x3, padding 1     [32, H, W]
   *  1 ReLU
   *  2 MaxPool2d 2                        [32, H/2, W/2]
   *  3 Conv2d 32 -> 64, 3x3, padding 1    [64, H/2, W/2]
   *  4 ReLU
   *  5 MaxPool2d 2                        [64, H/4, W/4]
   *  6 Flatten                            [64 * (H/4) * (W/4)]
   *  7 Dense -> 128
   *  8 ReLU
   *  9 Dropout 0.5
   * 10 Dense 128 -> classes
   * </pre>
   * (divisions round down). Parameters: 0.weight, 0.bias, 3.weight, 3.bias, 7.weight, 7.bias,
   * 10.weight, 10.bias.
   *
   * @throws IllegalArgumentException if the input is not {@code [C, H, W]} with H and W >= 4, or
   *     classes < 1
   */
  public static Sequential fashionnet(int[] inputShape, int classes, long seed) {
    return fashionnet(inputShape, classes, seed, DEFAULT_DROPOUT);
  }

  /** {@link #fashionnet(int[], int, long)} with the dropout rate p in [0, 1) instead of 0.5. */
  public static Sequential fashionnet(int[] inputShape, int classes, long seed, double dropout) {
    checkDropout("fashionnet", dropout);
    int[] s = checkImage("fashionnet", inputShape, classes, 4, "two 2x2 max pools");
    int flat = 64 * (s[1] / 2 / 2) * (s[2] / 2 / 2);
    return Sequential.builder(s)
        .add(Conv2d.builder(s[0], 32).kernel(3).padding(1).build())
        .add(new ReLU())
        .add(MaxPool2d.of(2))
        .add(Conv2d.builder(32, 64).kernel(3).padding(1).build())
        .add(new ReLU())
        .add(MaxPool2d.of(2))
        .add(new Flatten())
        .add(Dense.of(flat, 128))
        .add(new ReLU())
        .add(new Dropout(dropout))
        .add(Dense.of(128, classes))
        .build(seed);
  }

  /**
   * A small residual network for 28x28 to 64x64 images ({@link GraphModel}):
   * <pre>
   *  stem     Conv2d C -> 16, 3x3, padding 1 (no bias), BatchNorm2d, ReLU      [16, H, W]
   *  res1     ResidualBlock 16 -> 16                                           [16, H, W]
   *  res2     ResidualBlock 16 -> 32, stride 2 (1x1 projection shortcut)       [32, H/2, W/2]
   *  res3     ResidualBlock 32 -> 64, stride 2 (1x1 projection shortcut)       [64, H/4, W/4]
   *  pool     GlobalAvgPool2d                                                  [64]
   *  fc       Dense 64 -> classes
   * </pre>
   * 77,754 parameters for 1 channel and 10 classes; the global pooling makes it take any image size
   * of at least 4 x 4.
   */
  public static GraphModel resnetSmall(int[] inputShape, int classes, long seed) {
    int[] s = checkImage("resnet-small", inputShape, classes, 4, "two stride-2 blocks");
    GraphModel.Builder b = GraphModel.builder(s);
    String h = b.add("stem", Conv2d.builder(s[0], 16).kernel(3).padding(1).bias(false).build(), GraphModel.INPUT);
    h = b.add("stem_bn", BatchNorm2d.of(16), h);
    h = b.add("stem_relu", new ReLU(), h);
    h = ResidualBlock.add(b, "res1", h, 16, 16, 1);
    h = ResidualBlock.add(b, "res2", h, 16, 32, 2);
    h = ResidualBlock.add(b, "res3", h, 32, 64, 2);
    h = b.add("pool", new GlobalAvgPool2d(), h);
    h = b.add("fc", Dense.of(64, classes), h);
    return b.build(h, seed);
  }

  /**
   * LeNet-5 (LeCun et al., 1998) adapted to C channels and any number of classes:
   * <pre>
   *  0 Conv2d C -> 6, 5x5, padding P      [6, H + 2P - 4, W + 2P - 4]
   *  1 Tanh
   *  2 AvgPool2d 2
   *  3 Conv2d 6 -> 16, 5x5
   *  4 Tanh
   *  5 AvgPool2d 2                        [16, h, w] (16 x 5 x 5 for 28x28 and 32x32 inputs)
   *  6 Flatten
   *  7 Dense -> 120
   *  8 Tanh
   *  9 Dense 120 -> 84
   * 10 Tanh
   * 11 Dense 84 -> classes
   * </pre>
   * Tanh and average pooling, as in the original (whose sub-sampling layers averaged and whose
   * units were scaled tanh); the modern ReLU-and-max-pool variant is {@link #fashionnet}. The
   * original took 32x32 images without padding; smaller images get P = 2 (the usual MNIST
   * adaptation: a 28x28 image then yields the original 16 x 5 x 5 features). With P = 2 the
   * smallest image that fits is 12x12.
   *
   * @throws IllegalArgumentException if the input is not {@code [C, H, W]} with H and W >= 12, or
   *     classes < 1
   */
  public static Sequential lenet5(int[] inputShape, int classes, long seed) {
    int[] s = checkImage("lenet5", inputShape, classes, 12, "two 5x5 convolutions and two 2x2 average pools,"
        + " with padding 2 on the first convolution");
    int pad = Math.min(s[1], s[2]) < 32 ? 2 : 0;
    int h = ((s[1] + 2 * pad - 4) / 2 - 4) / 2, w = ((s[2] + 2 * pad - 4) / 2 - 4) / 2;
    return Sequential.builder(s)
        .add(Conv2d.builder(s[0], 6).kernel(5).padding(pad).build())
        .add(new Tanh())
        .add(AvgPool2d.of(2))
        .add(Conv2d.builder(6, 16).kernel(5).build())
        .add(new Tanh())
        .add(AvgPool2d.of(2))
        .add(new Flatten())
        .add(Dense.of(16 * h * w, 120))
        .add(new Tanh())
        .add(Dense.of(120, 84))
        .add(new Tanh())
        .add(Dense.of(84, classes))
        .build(seed);
  }

  /**
   * A small VGG-style network with batch normalisation: two blocks of
   * {@code [Conv2d 3x3 padding 1, BatchNorm2d, ReLU] x 2, MaxPool2d 2} with 32 and then 64
   * channels, then the classifier {@code Flatten, Dense -> 128, BatchNorm1d, ReLU, Dropout 0.5,
   * Dense 128 -> classes}. Indices: convolutions 0, 3, 7, 10; BatchNorm2d 1, 4, 8, 11; pools 6
   * and 13; Flatten 14; Dense 15 and 19; BatchNorm1d 16; Dropout 18.
   *
   * <p>The convolutions and the first dense layer have no bias: the batch norm right after each
   * subtracts the mean, which would cancel a bias, and its own {@code bias} (beta) takes that
   * role. The classifier flattens (rather than averaging each channel) so that it sees where in
   * the image a feature is. In TRAIN mode the batch must hold at least 2 samples (batch norm).
   *
   * @throws IllegalArgumentException if the input is not {@code [C, H, W]} with H and W >= 4, or
   *     classes < 1
   */
  public static Sequential vggSmall(int[] inputShape, int classes, long seed) {
    return vggSmall(inputShape, classes, seed, DEFAULT_DROPOUT);
  }

  /** {@link #vggSmall(int[], int, long)} with the dropout rate p in [0, 1) instead of 0.5. */
  public static Sequential vggSmall(int[] inputShape, int classes, long seed, double dropout) {
    checkDropout("vgg-small", dropout);
    int[] s = checkImage("vgg-small", inputShape, classes, 4, "two 2x2 max pools");
    int flat = 64 * (s[1] / 2 / 2) * (s[2] / 2 / 2);
    Sequential.Builder b = Sequential.builder(s);
    int in = s[0];
    for (int channels : new int[] {32, 64}) {
      for (int k = 0; k < 2; k++) {
        b.add(Conv2d.builder(in, channels).kernel(3).padding(1).bias(false).build())
            .add(BatchNorm2d.of(channels))
            .add(new ReLU());
        in = channels;
      }
      b.add(MaxPool2d.of(2));
    }
    return b.add(new Flatten())
        .add(Dense.builder(128).in(flat).bias(false).build())
        .add(BatchNorm1d.of(128))
        .add(new ReLU())
        .add(new Dropout(dropout))
        .add(Dense.of(128, classes))
        .build(seed);
  }

  /**
   * The architecture of this name: {@code "fashionnet"}, {@code "lenet5"}, {@code "vgg-small"}
   * (each a {@link Sequential}) or {@code "resnet-small"} (a {@link GraphModel}); case and
   * surrounding spaces ignored.
   *
   * @throws IllegalArgumentException naming the valid names when the name is unknown
   */
  public static Model byName(String name, int[] inputShape, int classes, long seed) {
    String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    switch (key) {
      case "fashionnet":
        return fashionnet(inputShape, classes, seed);
      case "lenet5":
        return lenet5(inputShape, classes, seed);
      case "vgg-small":
        return vggSmall(inputShape, classes, seed);
      case "resnet-small":
        return resnetSmall(inputShape, classes, seed);
      default:
        throw new IllegalArgumentException("architecture '" + name + "' is unknown; expected one of " + NAMES);
    }
  }

  /** The dropout rate of fashionnet's and vgg-small's classifier. */
  public static final double DEFAULT_DROPOUT = 0.5;

  /**
   * {@link #byName(String, int[], int, long)} with the classifier's dropout rate p in [0, 1)
   * instead of the architecture's own.
   *
   * @throws IllegalArgumentException for lenet5, which has no dropout layer, or p outside [0, 1)
   */
  public static Model byName(String name, int[] inputShape, int classes, long seed, double dropout) {
    String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    switch (key) {
      case "fashionnet":
        return fashionnet(inputShape, classes, seed, dropout);
      case "vgg-small":
        return vggSmall(inputShape, classes, seed, dropout);
      case "lenet5":
      case "resnet-small":
        throw new IllegalArgumentException(key + " has no dropout layer, so a dropout rate cannot be set; use"
            + " fashionnet or vgg-small, or leave the rate out");
      default:
        return byName(name, inputShape, classes, seed); // says the name is unknown
    }
  }

  private static void checkDropout(String arch, double p) {
    if (!(p >= 0 && p < 1)) {
      throw new IllegalArgumentException(arch + ": dropout = " + p + "; expected a rate in [0, 1)");
    }
  }

  /** Checks {@code [C, H, W]} with H, W >= minSize and classes >= 1; returns a copy of the shape. */
  private static int[] checkImage(String arch, int[] shape, int classes, int minSize, String why) {
    if (shape == null || shape.length != 3) {
      throw new IllegalArgumentException(arch + ": input shape " + (shape == null ? "null" : Shapes.format(shape))
          + "; expected an image [C, H, W] per sample, e.g. [1, 28, 28]");
    }
    if (shape[0] < 1 || shape[1] < minSize || shape[2] < minSize) {
      throw new IllegalArgumentException(arch + ": input shape " + Shapes.format(shape) + " is too small; expected"
          + " C >= 1 and H, W >= " + minSize + " (" + why + ")");
    }
    if (classes < 1) {
      throw new IllegalArgumentException(arch + ": classes = " + classes + "; expected >= 1");
    }
    return shape.clone();
  }
}
