package dev.cnn.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad hyperparameters and bad configs fail when the layer is made, naming the value and the valid range. */
class LayerOptionsTest {

  private static void fails(String message, Executable make) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, make).getMessage());
  }

  @Test
  void poolingOptions() {
    fails("MaxPool2d: kernel = 0; expected >= 1", () -> MaxPool2d.of(0));
    fails("AvgPool2d: stride = 0; expected >= 1", () -> AvgPool2d.of(2, 0, 0));
    fails("MaxPool2d: padding = 2 with kernel 3; expected 0 <= padding <= kernel/2 = 1 (every window must hold a"
        + " real pixel, as in PyTorch)", () -> MaxPool2d.of(3, 1, 2));
    fails("AvgPool2d: padding = -1 with kernel 3; expected 0 <= padding <= kernel/2 = 1 (every window must hold a"
        + " real pixel, as in PyTorch)", () -> AvgPool2d.of(3, 1, -1));
  }

  @Test
  void separableAndAdaptiveOptions() {
    fails("SeparableConv2d: depth multiplier is 0, expected depth multiplier >= 1",
        () -> SeparableConv2d.builder(3, 4).depthMultiplier(0).build());
    fails("SeparableConv2d: padding is null; use Padding.of(n), SAME or VALID",
        () -> SeparableConv2d.builder(3, 4).padding(null).build());
    fails("AdaptiveAvgPool2d: output size 0 x 2; expected a height and width of at least 1",
        () -> AdaptiveAvgPool2d.of(0, 2));
    fails("adaptive_avg_pool2d config: 'output_width' is missing (found keys [output_height])",
        () -> LayerType.ADAPTIVE_AVG_POOL2D.create(Map.of("output_height", 2)));
  }

  @Test
  void dropoutProbability() {
    fails("Dropout: p = 1.0; expected 0 <= p < 1 (the probability of zeroing an element)", () -> new Dropout(1.0));
    fails("Dropout: p = -0.1; expected 0 <= p < 1 (the probability of zeroing an element)", () -> new Dropout(-0.1));
    fails("Dropout: p = NaN; expected 0 <= p < 1 (the probability of zeroing an element)",
        () -> new Dropout(Double.NaN));
  }

  @Test
  void batchNormOptions() {
    fails("BatchNorm2d: channels = 0; expected >= 1", () -> BatchNorm2d.of(0));
    fails("BatchNorm1d: features = -3; expected >= 1", () -> BatchNorm1d.of(-3));
    fails("BatchNorm2d: momentum = 1.5; expected a value in [0, 1] (the weight of the batch statistic in the"
        + " running average; PyTorch's default is 0.1)", () -> BatchNorm2d.builder(4).momentum(1.5).build());
    fails("BatchNorm1d: eps = 0.0; expected a finite value > 0 (PyTorch's default is 1e-5)",
        () -> BatchNorm1d.builder(4).eps(0).build());
  }

  @Test
  void activationOptions() {
    fails("LeakyReLU: slope = NaN; expected a finite number (usually small and positive)",
        () -> new LeakyReLU(Double.NaN));
    fails("ELU: alpha = Infinity; expected a finite number (usually positive)",
        () -> new ELU(Double.POSITIVE_INFINITY));
    fails("Softmax: axis = 0 is the batch axis; expected a per-sample axis (1 for features or channels, -1 for"
        + " the last)", () -> new Softmax(0));
  }

  @Test
  void configErrorsNameTheTypeAndTheKey() {
    fails("dropout config: 'p' is missing (found keys [])", () -> LayerType.DROPOUT.create(Map.of()));
    fails("max_pool2d config: 'stride' is x; expected an integer",
        () -> LayerType.MAX_POOL2D.create(Map.of("kernel", 2, "stride", "x", "padding", 0)));
    fails("layer type 'maxpool' is unknown; expected one of " + LayerType.builtInLabels(), () -> LayerType.parse("maxpool"));
    fails("layer type 'custom' is unknown; expected one of " + LayerType.builtInLabels(), () -> LayerType.parse("custom"));
  }

  /** Every type has a distinct label, and a layer rebuilt from its config has the same config. */
  @Test
  void configsRoundTrip() {
    List<Layer> layers = List.of(Conv2d.builder(2, 4).kernel(3).stride(2).padding(Padding.SAME).build(),
        Dense.of(3, 2), MaxPool2d.of(3, 2, 1), AvgPool2d.of(2), new GlobalAvgPool2d(), new GlobalMaxPool2d(), new Flatten(),
        new Dropout(0.25), BatchNorm1d.builder(3).momentum(0.2).eps(1e-3).build(), BatchNorm2d.of(5), new ReLU(),
        new LeakyReLU(0.3), new ELU(0.7), new GELU(), new SiLU(), new Sigmoid(), new Tanh(), new Softmax(-1),
        SeparableConv2d.builder(4, 6).kernel(5).stride(2).padding(1).dilation(2).depthMultiplier(3).bias(false).build(),
        AdaptiveAvgPool2d.of(3, 2));
    assertEquals(LayerType.builtInLabels().size(), layers.stream().map(Layer::type).distinct().count(),
        "one layer of every built-in type");
    for (Layer l : layers) {
      Layer copy = LayerType.parse(l.type().label()).create(l.config());
      assertEquals(l.type(), copy.type());
      assertEquals(l.config(), copy.config(), l.toString());
    }
  }
}
