package dev.cnn.layers.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.cnn.engine.Mode;
import dev.cnn.engine.NoGrad;
import dev.cnn.engine.Variable;
import dev.cnn.layers.AdaptiveAvgPool2d;
import dev.cnn.layers.Architectures;
import dev.cnn.layers.AvgPool2d;
import dev.cnn.layers.BatchNorm1d;
import dev.cnn.layers.BatchNorm2d;
import dev.cnn.layers.ChannelScale;
import dev.cnn.layers.Conv2d;
import dev.cnn.layers.Dense;
import dev.cnn.layers.Dropout;
import dev.cnn.layers.ELU;
import dev.cnn.layers.Flatten;
import dev.cnn.layers.GELU;
import dev.cnn.layers.GlobalAvgPool2d;
import dev.cnn.layers.GlobalMaxPool2d;
import dev.cnn.layers.GraphModel;
import dev.cnn.layers.Layer;
import dev.cnn.layers.LayerType;
import dev.cnn.layers.LeakyReLU;
import dev.cnn.layers.MaxPool2d;
import dev.cnn.layers.Model;
import dev.cnn.layers.Padding;
import dev.cnn.layers.ReLU;
import dev.cnn.layers.SeparableConv2d;
import dev.cnn.layers.Sequential;
import dev.cnn.layers.SiLU;
import dev.cnn.layers.Sigmoid;
import dev.cnn.layers.Softmax;
import dev.cnn.layers.Tanh;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The exported ONNX files run in ONNX Runtime (the Maven artifact, test scope) and give the
 * engine's outputs: every built-in architecture, every built-in layer type, and graphs with
 * residual adds and concatenations. Batch-norm statistics and affine parameters are set to random
 * values first, so that inference-mode normalisation is really exercised.
 *
 * <p>Tolerance: {@link #TOLERANCE} per element, relative to {@code max(1, |engine's value|)}.
 * ONNX Runtime fuses batch norm into the convolution before it and sums in its own order, so the
 * two agree to float32 rounding, not bit for bit.
 */
class OnnxExportTest {
  static final double TOLERANCE = 1e-5;
  static final List<String> ARCHITECTURES = Architectures.NAMES;
  private static final OrtEnvironment ORT = OrtEnvironment.getEnvironment();

  @TempDir Path dir;

  @ParameterizedTest
  @FieldSource("ARCHITECTURES")
  void everyBuiltInArchitectureRunsInOnnxRuntimeWithTheEnginesLogits(String name) throws Exception {
    Model model = Architectures.byName(name, new int[] {1, 28, 28}, 10, 7);
    randomiseStatistics(model, new Rng(11));
    assertRunsAlike(model, OnnxExport.toBytes(model), 3, 5, name);
  }

  /** One small model per built-in layer type; the set of types covered must be all of them. */
  @Test
  void everyBuiltInLayerTypeExports() throws Exception {
    Set<LayerType> covered = EnumSet.noneOf(LayerType.class);
    List<Sequential> models = new ArrayList<>();
    models.add(Sequential.builder(3, 9, 8)
        .add(Conv2d.builder(3, 4).kernel(3).stride(2).padding(2).dilation(2).groups(1).build())
        .add(BatchNorm2d.of(4)).add(new LeakyReLU(0.2)).add(MaxPool2d.of(3, 2, 1))
        .add(Conv2d.builder(4, 6).kernel(3).padding(Padding.SAME).groups(2).bias(false).build())
        .add(new ELU(0.7)).add(AvgPool2d.of(3, 2, 1)).add(new GELU())
        .add(new Flatten()).add(new Dropout(0.3)).add(Dense.of(12, 8)).add(BatchNorm1d.of(8)).add(new SiLU())
        .add(new Sigmoid()).add(Dense.builder(5).in(8).bias(false).build()).add(new Tanh()).add(new Softmax(1))
        .build(3));
    models.add(Sequential.builder(2, 5, 6).add(Conv2d.of(2, 3, 1)).add(new ReLU()).add(new Softmax(-1))
        .add(new GlobalAvgPool2d()).build(4));
    models.add(Sequential.builder(2, 5, 6).add(new GlobalMaxPool2d()).build(5));
    // adaptive pooling 9x7 -> 4x3 (windows of unequal size: the pooling-matrix form), then 4x3 -> 2x3 (AveragePool)
    models.add(Sequential.builder(3, 9, 7)
        .add(SeparableConv2d.builder(3, 4).kernel(3).padding(1).depthMultiplier(2).build())
        .add(AdaptiveAvgPool2d.of(4, 3)).add(SeparableConv2d.builder(4, 5).kernel(3).stride(2).padding(2).dilation(2)
            .bias(false).build())
        .add(AdaptiveAvgPool2d.of(1, 2)).add(new Flatten()).add(Dense.of(10, 3)).build(6));
    Rng rng = new Rng(21);
    for (Sequential m : models) {
      randomiseStatistics(m, rng);
      for (Layer l : m.layers()) covered.add(l.type());
      assertRunsAlike(m, OnnxExport.toBytes(m), 4, 9, m.layerNames().toString());
    }
    Set<LayerType> missing = EnumSet.complementOf(EnumSet.copyOf(covered));
    missing.remove(LayerType.CUSTOM); // refused: see aCustomLayerIsRefusedByName
    assertTrue(missing.isEmpty(), "layer types the export test does not run: " + missing);
  }

  @Test
  void graphsWithResidualAddsAndConcatenationsExport() throws Exception {
    GraphModel.Builder b = GraphModel.builder(3, 8, 8);
    String a = b.add("a", Conv2d.builder(3, 4).kernel(3).padding(1).build(), GraphModel.INPUT);
    String c = b.add("c", Conv2d.builder(3, 4).kernel(1).build(), GraphModel.INPUT);
    String d = b.add("d", new ReLU(), a);
    String sum3 = b.merge("sum3", GraphModel.Merge.ADD, a, c, d);
    String cat = b.merge("cat", GraphModel.Merge.CONCAT, sum3, c);
    String bn = b.add("bn", BatchNorm2d.of(8), cat);
    String pool = b.add("pool", new GlobalAvgPool2d(), bn);
    b.add("output", Dense.of(8, 3), pool); // a node named like the graph's output value
    GraphModel m = b.build("output", 9);
    randomiseStatistics(m, new Rng(5));
    assertRunsAlike(m, OnnxExport.toBytes(m), 2, 13, "graph");
  }

  @Test
  void writeMakesAFileOnnxRuntimeOpens() throws Exception {
    Model m = Architectures.resnetSmall(new int[] {1, 28, 28}, 10, 3);
    Path file = dir.resolve("model.onnx");
    Files.writeString(file, "an older file");
    Map<String, String> metadata = Map.of("classes", "[\"a\",\"b\"]");
    OnnxExport.write(m, metadata, file);
    byte[] bytes = Files.readAllBytes(file);
    assertArrayEquals(OnnxExport.toBytes(m, metadata), bytes, "the export is deterministic and the file is the export");
    try (OrtSession s = ORT.createSession(file.toString(), new OrtSession.SessionOptions())) {
      assertEquals(Set.of(OnnxExport.INPUT), s.getInputNames());
      assertEquals(Set.of(OnnxExport.OUTPUT), s.getOutputNames());
      assertEquals(metadata, s.getMetadata().getCustomMetadata());
      assertEquals("cnn", s.getMetadata().getProducerName());
    }
    try (var files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
    }
  }

  @Test
  void aCustomLayerIsRefusedByName() {
    Sequential m = Sequential.builder(2, 3, 3).add("scale", new ChannelScale(2)).add(new Flatten()).build(1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxExport.toBytes(m));
    assertTrue(e.getMessage().contains("layer 'scale'") && e.getMessage().contains("channel_scale")
        && e.getMessage().contains("no ONNX form"), e.getMessage());
  }

  // ------------------------------------------------------------------ helpers

  /** Random batch-norm statistics and affine parameters (the fresh ones make BN an identity-like map). */
  static void randomiseStatistics(Model m, Rng rng) {
    m.stateDict().forEach((name, t) -> {
      float[] d = t.floatData();
      if (name.endsWith(".running_var")) {
        for (int i = 0; i < d.length; i++) d[i] = (float) (0.5 + rng.nextDouble());
      } else if (name.endsWith(".running_mean") || (t.rank() == 1 && name.contains("bn"))) {
        for (int i = 0; i < d.length; i++) d[i] = (float) (rng.nextDouble() - 0.5);
      }
    });
  }

  /** The engine in inference mode and ONNX Runtime on the same random batch agree within TOLERANCE. */
  static void assertRunsAlike(Model m, byte[] onnx, int batch, long seed, String what) throws OrtException {
    int[] in = m.inputShape();
    int[] shape = new int[in.length + 1];
    shape[0] = batch;
    System.arraycopy(in, 0, shape, 1, in.length);
    Tensor x = Tensor.uniform(new Rng(seed), DType.FLOAT32, -1, 1, shape);
    float[] expected;
    try (NoGrad g = NoGrad.enter()) {
      expected = m.forward(Variable.constant(x), Mode.EVAL).value().floatData();
    }
    long[] dims = new long[shape.length];
    for (int i = 0; i < shape.length; i++) dims[i] = shape[i];
    try (OrtSession s = ORT.createSession(onnx, new OrtSession.SessionOptions());
         OnnxTensor input = OnnxTensor.createTensor(ORT, FloatBuffer.wrap(x.floatData()), dims);
         OrtSession.Result r = s.run(Map.of(OnnxExport.INPUT, input))) {
      OnnxTensor out = (OnnxTensor) r.get(0);
      long[] outDims = out.getInfo().getShape();
      assertEquals(batch, outDims[0], what + ": batch size of ONNX Runtime's output");
      FloatBuffer fb = out.getFloatBuffer();
      float[] actual = new float[fb.remaining()];
      fb.get(actual);
      assertEquals(expected.length, actual.length, what + ": output size");
      double worst = 0;
      int at = -1;
      for (int i = 0; i < actual.length; i++) {
        double err = Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i]));
        if (!(err <= worst)) {
          worst = err;
          at = i;
        }
      }
      assertTrue(worst <= TOLERANCE, what + ": ONNX Runtime differs from the engine by " + worst + " at element " + at
          + " (" + actual[Math.max(at, 0)] + " against " + expected[Math.max(at, 0)] + ")");
    }
  }
}
