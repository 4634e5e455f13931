package dev.cnn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArchitecturesTest {

  /** Every architecture takes 3x32x32 and 1x28x28 images and any class count, in both modes. */
  @Test
  void everyArchitectureAdaptsToTheInputAndTheClassCount() {
    for (String name : Architectures.NAMES) {
      for (int[] shape : List.of(new int[] {3, 32, 32}, new int[] {1, 28, 28})) {
        for (int classes : new int[] {2, 7}) {
          Model m = Architectures.byName(name, shape, classes, 5);
          assertArrayEquals(shape, m.inputShape());
          assertArrayEquals(new int[] {classes}, m.outputShape(), name);
          Tensor batch = Tensor.uniform(new Rng(1), DType.FLOAT32, 0, 1, 2, shape[0], shape[1], shape[2]);
          for (Mode mode : Mode.values()) {
            Variable y = m.forward(Variable.constant(batch), mode);
            assertArrayEquals(new int[] {2, classes}, y.shape(), name + " " + mode);
            for (int i = 0; i < y.value().size(); i++) assertTrue(Double.isFinite(y.value().getFlat(i)));
          }
        }
      }
    }
  }

  /** One backward pass reaches every parameter (no layer is cut off from the loss). */
  @Test
  void gradientsReachEveryParameter() {
    for (String name : Architectures.NAMES) {
      Model m = Architectures.byName(name, new int[] {1, 16, 16}, 3, 9);
      Tensor batch = Tensor.uniform(new Rng(2), DType.FLOAT32, 0, 1, 4, 1, 16, 16);
      Ops.sum(m.forward(Variable.constant(batch), Mode.TRAIN)).backward();
      m.parameters().forEach((k, v) -> assertNotNull(v.grad(), name + ": no gradient for " + k));
    }
  }

  @Test
  void fashionNetsDenseLayerFollowsTheImageSize() {
    assertArrayEquals(new int[] {128, 64 * 8 * 8},
        Architectures.fashionnet(new int[] {3, 32, 32}, 10, 1).parameters().get("7.weight").shape());
    assertArrayEquals(new int[] {128, 64 * 5 * 9}, // 21/4 = 5, 37/4 = 9 (floor)
        Architectures.fashionnet(new int[] {1, 21, 37}, 10, 1).parameters().get("7.weight").shape());
    assertArrayEquals(new int[] {32, 3, 3, 3},
        Architectures.fashionnet(new int[] {3, 32, 32}, 10, 1).parameters().get("0.weight").shape());
    assertArrayEquals(new int[] {4, 128},
        Architectures.fashionnet(new int[] {3, 32, 32}, 4, 1).parameters().get("10.weight").shape());
  }

  @Test
  void lenet5PadsSmallImages() {
    Sequential cifar = Architectures.lenet5(new int[] {3, 32, 32}, 10, 1); // the original: no padding
    assertEquals("0", cifar.layers().get(0).config().get("padding"));
    assertArrayEquals(new int[] {6, 28, 28}, cifar.outputShape(0));
    assertArrayEquals(new int[] {120, 400}, cifar.parameters().get("7.weight").shape());
    Sequential mnist = Architectures.lenet5(new int[] {1, 28, 28}, 10, 1); // padding 2
    assertEquals("2", mnist.layers().get(0).config().get("padding"));
    assertArrayEquals(new int[] {6, 28, 28}, mnist.outputShape(0));
    assertArrayEquals(new int[] {120, 400}, mnist.parameters().get("7.weight").shape());
    assertArrayEquals(new int[] {16, 1, 1}, Architectures.lenet5(new int[] {1, 12, 12}, 10, 1).outputShape(5));
    assertEquals("lenet5: input shape [1, 11, 28] is too small; expected C >= 1 and H, W >= 12 (two 5x5"
        + " convolutions and two 2x2 average pools, with padding 2 on the first convolution)",
        assertThrows(IllegalArgumentException.class,
            () -> Architectures.lenet5(new int[] {1, 11, 28}, 10, 1)).getMessage());
  }

  @Test
  void vggSmallHasBatchNormAfterEveryConvolution() {
    Sequential m = Architectures.vggSmall(new int[] {3, 32, 32}, 10, 1);
    List<LayerType> expected = List.of(LayerType.CONV2D, LayerType.BATCH_NORM2D, LayerType.RELU, LayerType.CONV2D,
        LayerType.BATCH_NORM2D, LayerType.RELU, LayerType.MAX_POOL2D, LayerType.CONV2D, LayerType.BATCH_NORM2D,
        LayerType.RELU, LayerType.CONV2D, LayerType.BATCH_NORM2D, LayerType.RELU, LayerType.MAX_POOL2D,
        LayerType.FLATTEN, LayerType.DENSE, LayerType.BATCH_NORM1D, LayerType.RELU, LayerType.DROPOUT,
        LayerType.DENSE);
    assertEquals(expected, m.layers().stream().map(Layer::type).toList());
    assertArrayEquals(new int[] {64, 8, 8}, m.outputShape(13));
    assertArrayEquals(new int[] {128, 64 * 8 * 8}, m.parameters().get("15.weight").shape());
    assertEquals(null, m.parameters().get("0.bias"), "a convolution before batch norm has no bias");
  }

  @Test
  void badArgumentsAreNamed() {
    assertEquals("architecture 'resnet' is unknown; expected one of [fashionnet, lenet5, vgg-small, resnet-small]",
        assertThrows(IllegalArgumentException.class,
            () -> Architectures.byName("resnet", new int[] {1, 28, 28}, 10, 1)).getMessage());
    assertArrayEquals(new int[] {10}, Architectures.byName(" VGG-Small ", new int[] {1, 28, 28}, 10, 1).outputShape());
    assertEquals("fashionnet: input shape [784]; expected an image [C, H, W] per sample, e.g. [1, 28, 28]",
        assertThrows(IllegalArgumentException.class,
            () -> Architectures.fashionnet(new int[] {784}, 10, 1)).getMessage());
    assertEquals("vgg-small: input shape [1, 3, 8] is too small; expected C >= 1 and H, W >= 4 (two 2x2 max pools)",
        assertThrows(IllegalArgumentException.class,
            () -> Architectures.vggSmall(new int[] {1, 3, 8}, 10, 1)).getMessage());
    assertEquals("fashionnet: classes = 0; expected >= 1", assertThrows(IllegalArgumentException.class,
        () -> Architectures.fashionnet(new int[] {1, 28, 28}, 0, 1)).getMessage());
  }
}
