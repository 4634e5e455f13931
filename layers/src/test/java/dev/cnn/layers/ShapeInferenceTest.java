package dev.cnn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Shape inference when a model is built: the output shape of every layer, and for a connection
 * that does not fit, a message naming the layer (index, name, type), the shape it got and the
 * shape it needs.
 */
class ShapeInferenceTest {

  private static String buildError(Sequential.Builder b) {
    return assertThrows(IllegalArgumentException.class, () -> b.build(1)).getMessage();
  }

  @Test
  void denseAfterConvolutionWithoutFlattenNamesTheLayerAndBothShapes() {
    String m = buildError(Sequential.builder(1, 28, 28)
        .add(Conv2d.of(1, 4, 3))
        .add(Dense.of(4 * 26 * 26, 10)));
    assertEquals("Sequential: layer 1 ('1', dense) does not fit: Dense(2704 -> 10): input shape [4, 26, 26],"
        + " expected [2704] per sample (add a Flatten layer before it)", m);
  }

  @Test
  void batchNormWithTheWrongChannelCountNamesTheLayer() {
    String m = buildError(Sequential.builder(3, 8, 8)
        .add("conv1", Conv2d.builder(3, 8).kernel(3).padding(1).build())
        .add("bn1", BatchNorm2d.of(16)));
    assertEquals("Sequential: layer 1 ('bn1', batch_norm2d) does not fit: BatchNorm2d(16): input shape [8, 8, 8],"
        + " expected [16, H, W] per sample", m);
    String m1 = buildError(Sequential.builder(5).add(BatchNorm1d.of(4)));
    assertEquals("Sequential: layer 0 ('0', batch_norm1d) does not fit: BatchNorm1d(4): input shape [5],"
        + " expected [4] per sample", m1);
    String images = buildError(Sequential.builder(4, 2, 2).add(BatchNorm1d.of(4)));
    assertEquals("Sequential: layer 0 ('0', batch_norm1d) does not fit: BatchNorm1d(4): input shape [4, 2, 2],"
        + " expected [4] per sample (use BatchNorm2d for images)", images);
  }

  @Test
  void poolingTooLargeOrOnVectorsFails() {
    assertEquals("Sequential: layer 2 ('2', max_pool2d) does not fit: MaxPool2d(kernel 4, stride 4, padding 0):"
        + " input shape [2, 3, 3] is smaller than the window, expected H and W of at least 4",
        buildError(Sequential.builder(1, 5, 5).add(Conv2d.of(1, 2, 3)).add(new ReLU()).add(MaxPool2d.of(4))));
    assertEquals("Sequential: layer 0 ('0', avg_pool2d) does not fit: AvgPool2d(kernel 2, stride 2, padding 0):"
        + " input shape [10], expected [C, H, W] per sample (pooling needs an image, not a vector)",
        buildError(Sequential.builder(10).add(AvgPool2d.of(2))));
    assertEquals("Sequential: layer 0 ('0', global_avg_pool2d) does not fit: GlobalAvgPool2d: input shape [10],"
        + " expected [C, H, W] per sample", buildError(Sequential.builder(10).add(new GlobalAvgPool2d())));
  }

  @Test
  void softmaxAxisMustBeAPerSampleAxis() {
    assertEquals("Sequential: layer 0 ('0', softmax) does not fit: Softmax(axis 2): input shape [10] (batches of"
        + " rank 2), expected an axis in [1, 1] or [-1, -1] (axis 0 is the batch)",
        buildError(Sequential.builder(10).add(new Softmax(2))));
    assertEquals("Sequential: layer 0 ('0', softmax) does not fit: Softmax(axis -4): input shape [2, 3, 4]"
        + " (batches of rank 4), expected an axis in [1, 3] or [-3, -1] (axis 0 is the batch)",
        buildError(Sequential.builder(2, 3, 4).add(new Softmax(-4))));
    // -3 is the first per-sample axis of a [N, 2, 3, 4] batch: allowed
    assertArrayEquals(new int[] {2, 3, 4}, Sequential.builder(2, 3, 4).add(new Softmax(-3)).build(1).outputShape());
  }

  @Test
  void everyLayerInfersItsOutputShape() {
    Sequential m = Sequential.builder(3, 9, 8)
        .add(Conv2d.builder(3, 4).kernel(3).padding(1).build()) // [4, 9, 8]
        .add(BatchNorm2d.of(4))
        .add(new LeakyReLU())
        .add(MaxPool2d.of(3, 2, 1)) // floor((9 + 2 - 3)/2) + 1 = 5, floor((8 + 2 - 3)/2) + 1 = 4
        .add(AvgPool2d.of(2)) // [4, 2, 2]
        .add(new ELU())
        .add(new Flatten()) // [16]
        .add(Dense.builder(6).build()) // in inferred
        .add(BatchNorm1d.of(6))
        .add(new GELU())
        .add(new Dropout(0.2))
        .add(new SiLU())
        .add(new Sigmoid())
        .add(new Tanh())
        .add(new Softmax())
        .build(3);
    int[][] expected = {{4, 9, 8}, {4, 9, 8}, {4, 9, 8}, {4, 5, 4}, {4, 2, 2}, {4, 2, 2}, {16}, {6}, {6}, {6}, {6},
        {6}, {6}, {6}, {6}};
    for (int i = 0; i < expected.length; i++) assertArrayEquals(expected[i], m.outputShape(i), "layer " + i);
    Variable y = m.forward(Variable.constant(Tensor.zeros(DType.FLOAT32, 2, 3, 9, 8)), Mode.EVAL);
    assertArrayEquals(new int[] {2, 6}, y.shape(), "the forward pass gives the inferred shape");
    assertArrayEquals(new int[] {6}, Sequential.builder(3, 5, 5).add(new GlobalAvgPool2d()).add(new Flatten())
        .add(Dense.of(3, 6)).build(1).outputShape());
  }

  @Test
  void forwardRejectsABatchOfTheWrongShape() {
    Sequential m = Sequential.builder(1, 4, 4).add(new Flatten()).build(1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> m.forward(Variable.constant(Tensor.zeros(DType.FLOAT32, 2, 4, 4)), Mode.EVAL));
    assertEquals("Sequential.forward: the batch has shape [2, 4, 4], expected [N, 1, 4, 4] (the model was built"
        + " for samples of shape [1, 4, 4])", e.getMessage());
  }
}
