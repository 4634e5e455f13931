package dev.cnn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {

  @Test
  void fashionNetHas421642Parameters() {
    Summary s = Architectures.fashionnet(new int[] {1, 28, 28}, 10, 1).summary();
    int[][] shapes = {{32, 28, 28}, {32, 28, 28}, {32, 14, 14}, {64, 14, 14}, {64, 14, 14}, {64, 7, 7}, {3136},
        {128}, {128}, {128}, {10}};
    long[] counts = {320, 0, 0, 18_496, 0, 0, 0, 401_536, 0, 0, 1_290};
    List<Summary.Row> rows = s.rows();
    assertEquals(11, rows.size());
    for (int i = 0; i < rows.size(); i++) {
      assertArrayEquals(shapes[i], rows.get(i).outputShape(), "layer " + i);
      assertEquals(counts[i], rows.get(i).total(), "layer " + i);
    }
    assertEquals(LayerType.CONV2D, rows.get(0).type());
    assertEquals("[N, 64, 7, 7]", rows.get(5).batchShape());
    assertEquals(421_642, s.totalParameters());
    assertEquals(421_642, s.trainableParameters());
    assertEquals(0, s.nonTrainableParameters());
    String table = s.toString();
    assertTrue(table.contains("Total params: 421,642 (1.61 MB)"), table);
    assertTrue(table.contains("Non-trainable params: 0 (0.00 B)"), table);
  }

  @Test
  void buffersAreNonTrainable() {
    Sequential m = Architectures.vggSmall(new int[] {1, 28, 28}, 10, 1);
    Summary s = m.summary();
    long buffers = 0;
    for (Tensor t : m.buffers().values()) buffers += t.size();
    assertEquals(2 * (32 + 32 + 64 + 64 + 128), buffers);
    assertEquals(buffers, s.nonTrainableParameters());
    assertEquals(m.parameterCount(), s.trainableParameters());
    assertEquals(s.trainableParameters() + s.nonTrainableParameters(), s.totalParameters());
    Summary.Row bn = s.rows().get(1);
    assertEquals(LayerType.BATCH_NORM2D, bn.type());
    assertEquals(64, bn.trainable());
    assertEquals(64, bn.nonTrainable());
  }

  @Test
  void theTableLooksLikeKeras() {
    Sequential m = Sequential.builder(3, 8, 8).add("conv", Conv2d.builder(3, 4).kernel(3).padding(1).build())
        .add(BatchNorm2d.of(4)).add(new GlobalAvgPool2d()).add("head", Dense.of(4, 2)).build(1);
    String nl = System.lineSeparator();
    assertEquals("Sequential, input [N, 3, 8, 8]" + nl
        + "Layer (type)            Output shape   Param #" + nl
        + "==============================================" + nl
        + "conv (conv2d)           [N, 4, 8, 8]       112" + nl
        + "1 (batch_norm2d)        [N, 4, 8, 8]        16" + nl
        + "2 (global_avg_pool2d)   [N, 4]               0" + nl
        + "head (dense)            [N, 2]              10" + nl
        + "==============================================" + nl
        + "Total params: 138 (552.00 B)" + nl
        + "Trainable params: 130 (520.00 B)" + nl
        + "Non-trainable params: 8 (32.00 B)" + nl, m.summary().toString());
  }
}
