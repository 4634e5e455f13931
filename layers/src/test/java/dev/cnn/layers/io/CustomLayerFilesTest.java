package dev.cnn.layers.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Variable;
import dev.cnn.layers.ChannelScale;
import dev.cnn.layers.Conv2d;
import dev.cnn.layers.CustomLayer;
import dev.cnn.layers.Dense;
import dev.cnn.layers.Flatten;
import dev.cnn.layers.Layer;
import dev.cnn.layers.LayerFactories;
import dev.cnn.layers.LayerFactory;
import dev.cnn.layers.LayerType;
import dev.cnn.layers.ReLU;
import dev.cnn.layers.Sequential;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model holding a {@link CustomLayer} saves and loads again: its factory is found as a service
 * (src/test/resources/META-INF/services/dev.cnn.layers.LayerFactory lists ChannelScale's) or
 * given to {@link ModelFiles#load(Path, List)}; an unknown kind, a bad type name and a factory
 * that makes the wrong kind are refused with messages that say what to do.
 */
class CustomLayerFilesTest {
  @TempDir Path dir;

  private static Sequential model() {
    Sequential m = Sequential.builder(1, 6, 6).add(Conv2d.builder(1, 3).kernel(3).padding(1).build())
        .add("scale", new ChannelScale(0.5)).add(new ReLU()).add(new Flatten()).add(Dense.of(108, 4)).build(11);
    Tensor s = m.parameters().get("scale.scale").value(); // moved away from the initial value, as training would
    for (int c = 0; c < 3; c++) s.floatData()[c] = 0.25f + c;
    return m;
  }

  private static Tensor logits(Sequential m) {
    Tensor x = Tensor.uniform(new Rng(3), DType.FLOAT32, 0, 1, 2, 1, 6, 6);
    return m.forward(Variable.constant(x), Mode.EVAL).value();
  }

  @Test
  void aModelWithACustomLayerSavesAndLoadsThroughItsRegisteredFactory() throws IOException {
    Sequential m = model();
    Path file = dir.resolve("model.safetensors");
    ModelFiles.save(m, file);
    assertTrue(Files.readString(ModelFiles.architectureFile(file)).contains("\"type\" : \"channel_scale\""),
        "the architecture names the custom kind");
    Sequential back = ModelFiles.load(file); // the factory comes from META-INF/services
    assertInstanceOf(ChannelScale.class, back.layers().get(1));
    assertEquals(LayerType.CUSTOM, back.layers().get(1).type());
    assertArrayEquals(logits(m).floatData(), logits(back).floatData());
    assertTrue(back.summary().toString().contains("scale (channel_scale)"), back.summary().toString());
  }

  @Test
  void givenFactoriesComeFirstAndUnknownKindsSayHowToRegister() throws IOException {
    Sequential m = model();
    Path file = dir.resolve("model.safetensors");
    ModelFiles.save(m, file);
    int[] made = {0};
    LayerFactory counting = new LayerFactory() {
      @Override
      public String typeName() {
        return "channel_scale";
      }

      @Override
      public Layer create(Map<String, Object> config) {
        made[0]++;
        return new ChannelScale.Factory().create(config);
      }
    };
    assertArrayEquals(logits(m).floatData(), logits(ModelFiles.load(file, List.of(counting))).floatData());
    assertEquals(1, made[0], "the given factory made the layer");

    Path arch = ModelFiles.architectureFile(file);
    Files.writeString(arch, Files.readString(arch).replace("channel_scale", "channel_shift"));
    IOException e = assertThrows(IOException.class, () -> ModelFiles.readArchitecture(arch));
    String msg = e.getMessage();
    assertTrue(msg.contains("layer type 'channel_shift' is unknown") && msg.contains("channel_scale")
        && msg.contains("META-INF/services/dev.cnn.layers.LayerFactory"), msg);
  }

  @Test
  void badTypeNamesAndWrongFactoriesAreRefused() {
    for (String bad : new String[] {"Dense2", "dense", "my-layer", ""}) {
      CustomLayer l = new ChannelScale(1) {
        @Override
        public String typeName() {
          return bad;
        }
      };
      Sequential m = Sequential.builder(2).add("odd", l).build(1);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ModelFiles.save(m, dir.resolve("x.safetensors")), bad);
      assertTrue(e.getMessage().contains("layer 'odd'") && e.getMessage().contains("lower-case letters"), e.getMessage());
    }
    LayerFactory wrong = new LayerFactory() {
      @Override
      public String typeName() {
        return "twice";
      }

      @Override
      public Layer create(Map<String, Object> config) {
        return new ChannelScale(2);
      }
    };
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> LayerFactories.create("twice", Map.of(), List.of(wrong)));
    assertTrue(e.getMessage().contains("made a layer of type 'channel_scale'; it must make 'twice' layers"), e.getMessage());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> LayerFactories.create("channel_scale", Map.of("init", "x"), List.of()));
    assertTrue(bad.getMessage().contains("channel_scale config: 'init' is x; expected a number"), bad.getMessage());
  }
}
