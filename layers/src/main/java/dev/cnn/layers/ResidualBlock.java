package dev.cnn.layers;

/**
 * The basic residual block of He et al. (2016), added to a {@link GraphModel}:
 * <pre>
 *   y = relu( bn2(conv2( relu(bn1(conv1(x))) )) + shortcut(x) )
 *   conv1: 3x3, stride s, Cin -> Cout;  conv2: 3x3, Cout -> Cout  (both padding 1, no bias: BN follows)
 *   shortcut: x itself when s = 1 and Cin = Cout, else bn(conv 1x1, stride s, Cin -> Cout) (a projection)
 * </pre>
 * The nodes are named {@code name_conv1}, {@code name_bn1}, {@code name_relu1}, {@code name_conv2},
 * {@code name_bn2}, ({@code name_proj}, {@code name_proj_bn}), {@code name_add} and
 * {@code name_out}; PyTorch's torchvision {@code BasicBlock} has the same layers.
 */
public final class ResidualBlock {
  private ResidualBlock() {}

  /**
   * Adds a block fed by node {@code input} (which has {@code inChannels} channels).
   *
   * @return the name of the block's output node
   * @throws IllegalArgumentException for channels or a stride below 1
   */
  public static String add(GraphModel.Builder b, String name, String input, int inChannels, int outChannels, int stride) {
    if (inChannels < 1 || outChannels < 1 || stride < 1) {
      throw new IllegalArgumentException("ResidualBlock '" + name + "': channels " + inChannels + " -> " + outChannels
          + ", stride " + stride + "; expected channels >= 1 and a stride >= 1");
    }
    String h = b.add(name + "_conv1", Conv2d.builder(inChannels, outChannels).kernel(3).stride(stride).padding(1)
        .bias(false).build(), input);
    h = b.add(name + "_bn1", BatchNorm2d.of(outChannels), h);
    h = b.add(name + "_relu1", new ReLU(), h);
    h = b.add(name + "_conv2", Conv2d.builder(outChannels, outChannels).kernel(3).padding(1).bias(false).build(), h);
    h = b.add(name + "_bn2", BatchNorm2d.of(outChannels), h);
    String shortcut = input;
    if (stride != 1 || inChannels != outChannels) {
      shortcut = b.add(name + "_proj", Conv2d.builder(inChannels, outChannels).kernel(1).stride(stride).bias(false)
          .build(), input);
      shortcut = b.add(name + "_proj_bn", BatchNorm2d.of(outChannels), shortcut);
    }
    String sum = b.merge(name + "_add", GraphModel.Merge.ADD, h, shortcut);
    return b.add(name + "_out", new ReLU(), sum);
  }
}
