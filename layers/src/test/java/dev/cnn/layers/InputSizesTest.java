package dev.cnn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * One model, several image sizes: a model whose head follows a global or adaptive pooling takes
 * images of other sizes than it was built for ({@link Model#outputShapeFor}), trains on them
 * (gradients reach every parameter), and a model whose head depends on the size refuses them with
 * the reason.
 */
class InputSizesTest {
  private static Tensor images(int n, int c, int h, int w, long seed) {
    return Tensor.uniform(new Rng(seed), DType.FLOAT32, -1, 1, n, c, h, w);
  }

  @Test
  void anAdaptivePoolingHeadTakesSeveralImageSizes() {
    Sequential m = Sequential.builder(1, 28, 28)
        .add(Conv2d.builder(1, 4).kernel(3).padding(1).build()).add(new ReLU()).add(MaxPool2d.of(2))
        .add(SeparableConv2d.builder(4, 8).kernel(3).padding(1).build()).add(new ReLU())
        .add(AdaptiveAvgPool2d.of(3)).add(new Flatten()).add(Dense.of(72, 5)).build(1);
    for (int size : new int[] {20, 28, 37}) {
      assertArrayEquals(new int[] {5}, m.outputShapeFor(new int[] {1, size, size}));
      m.zeroGrad();
      Variable y = m.forward(Variable.constant(images(2, 1, size, size, size)), Mode.TRAIN);
      assertArrayEquals(new int[] {2, 5}, y.shape(), "size " + size);
      y.sum().backward();
      m.parameters().forEach((name, p) -> assertTrue(p.grad() != null && p.grad().size() == p.value().size(),
          name + " has a gradient at size " + size));
    }
  }

  @Test
  void resnetSmallTakesLargerImagesThroughItsGlobalPooling() {
    Model m = Architectures.resnetSmall(new int[] {1, 28, 28}, 10, 2);
    Variable y = m.forward(Variable.constant(images(3, 1, 40, 36, 4)), Mode.EVAL);
    assertArrayEquals(new int[] {3, 10}, y.shape());
  }

  @Test
  void aModelWhoseHeadDependsOnTheSizeRefusesOtherSizesWithTheReason() {
    Sequential m = Architectures.fashionnet(new int[] {1, 28, 28}, 10, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> m.forward(Variable.constant(images(2, 1, 32, 32, 5)), Mode.EVAL));
    assertTrue(e.getMessage().contains("the batch has shape [2, 1, 32, 32]")
        && e.getMessage().contains("the model was built for samples of shape [1, 28, 28]")
        && e.getMessage().contains("do not fit: Sequential: layer 7 ('7', dense) does not fit: Dense(3136 -> 128): input shape [4096]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> m.forward(Variable.constant(images(2, 3, 28, 28, 5)), Mode.EVAL));
    assertTrue(e.getMessage().contains("samples of shape [3, 28, 28] do not fit"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> m.forward(Variable.constant(Tensor.zeros(DType.FLOAT32, 2, 784)), Mode.EVAL));
    assertTrue(e.getMessage().contains("expected [N, 1, 28, 28]"), e.getMessage());
  }

  /** Shape inference passes, but the output would change: refused, naming the cure. */
  @Test
  void aChangedOutputShapeIsRefused() {
    Sequential m = Sequential.builder(2, 8, 8).add(Conv2d.of(2, 3, 3)).build(1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> m.forward(Variable.constant(images(1, 2, 10, 10, 6)), Mode.EVAL));
    assertTrue(e.getMessage().contains("would give outputs of shape [3, 8, 8], not [3, 6, 6]")
        && e.getMessage().contains("a global or adaptive pooling before the dense layers"), e.getMessage());
    assertEquals(3, m.outputShapeFor(new int[] {2, 10, 10})[0]);
  }
}
