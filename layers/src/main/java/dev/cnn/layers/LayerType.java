package dev.cnn.layers;

import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Every kind of layer, with the name it has in architecture files and the factory that rebuilds
 * it from its config. Tests walk {@link #values()} to prove each kind has a gradient property and
 * (each built-in one) a PyTorch golden case. Layers written outside the library are
 * {@link #CUSTOM}: see {@link CustomLayer}.
 */
public enum LayerType {
  CONV2D(Conv2d::fromConfig),
  SEPARABLE_CONV2D(SeparableConv2d::fromConfig),
  DENSE(Dense::fromConfig),
  MAX_POOL2D(MaxPool2d::fromConfig),
  AVG_POOL2D(AvgPool2d::fromConfig),
  GLOBAL_AVG_POOL2D(GlobalAvgPool2d::fromConfig),
  GLOBAL_MAX_POOL2D(GlobalMaxPool2d::fromConfig),
  ADAPTIVE_AVG_POOL2D(AdaptiveAvgPool2d::fromConfig),
  FLATTEN(Flatten::fromConfig),
  DROPOUT(Dropout::fromConfig),
  BATCH_NORM1D(config -> BatchNorm.fromConfig(BatchNorm.Input.VECTORS, config)),
  BATCH_NORM2D(config -> BatchNorm.fromConfig(BatchNorm.Input.IMAGES, config)),
  RELU(ReLU::fromConfig),
  LEAKY_RELU(LeakyReLU::fromConfig),
  // qualified: inside this enum, ELU and GELU name the constants, not the classes
  ELU(dev.cnn.layers.ELU::fromConfig),
  GELU(dev.cnn.layers.GELU::fromConfig),
  SILU(SiLU::fromConfig),
  SIGMOID(Sigmoid::fromConfig),
  TANH(Tanh::fromConfig),
  SOFTMAX(Softmax::fromConfig),
  /**
   * A layer defined outside this library ({@link CustomLayer}): its {@link Layer#typeName()} names
   * it in architecture files, and the {@link LayerFactory} of that name rebuilds it.
   */
  CUSTOM(config -> {
    throw new IllegalArgumentException("a custom layer is rebuilt by the LayerFactory of its type name"
        + " (LayerFactories.create), not by LayerType.CUSTOM");
  });

  private final Function<Map<String, Object>, Layer> factory;

  LayerType(Function<Map<String, Object>, Layer> factory) {
    this.factory = factory;
  }

  /** The name in architecture files: {@code "conv2d"}, {@code "max_pool2d"}, ... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A new layer of this kind from its {@link Layer#config()}. */
  public Layer create(Map<String, Object> config) {
    return factory.apply(config);
  }

  /** The built-in kind a {@link #label()} names ({@link #CUSTOM} is not one). */
  public static LayerType parse(String label) {
    for (LayerType t : values()) if (t != CUSTOM && t.label().equals(label)) return t;
    throw new IllegalArgumentException("layer type '" + label + "' is unknown; expected one of " + builtInLabels());
  }

  /** The labels of the built-in kinds, in declaration order. */
  public static java.util.List<String> builtInLabels() {
    return java.util.Arrays.stream(values()).filter(t -> t != CUSTOM).map(LayerType::label).toList();
  }
}
