package dev.cnn.layers.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.layers.BatchNorm;
import dev.cnn.layers.LayerType;
import dev.cnn.layers.Sequential;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BatchNorm1d and BatchNorm2d are one class now; architecture files written before keep loading:
 * the types {@code batch_norm1d} and {@code batch_norm2d} with their size keys {@code features}
 * and {@code channels}, and the parameter names of safetensors files.
 */
class BatchNormFilesTest {
  @TempDir Path dir;

  /** A model.json as the separate classes wrote it (the text is fixed, not produced by this code). */
  private static final String OLD_ARCHITECTURE = """
      {"format": "cnn-sequential", "version": 1, "input_shape": [4, 2, 2], "layers": [
        {"name": "bn2", "type": "batch_norm2d", "config": {"channels": 4, "momentum": 0.2, "eps": 0.001}},
        {"name": "flat", "type": "flatten", "config": {}},
        {"name": "bn1", "type": "batch_norm1d", "config": {"features": 16, "momentum": 0.1, "eps": 1.0E-5}}
      ]}
      """;

  @Test
  void anArchitectureFileWithBothTypesLoadsAndIsWrittenBackTheSame() throws IOException {
    Path arch = Files.writeString(dir.resolve("model.json"), OLD_ARCHITECTURE);
    Sequential m = ModelFiles.readArchitecture(arch, 1);
    assertEquals(LayerType.BATCH_NORM2D, m.layers().get(0).type());
    assertEquals(LayerType.BATCH_NORM1D, m.layers().get(2).type());
    BatchNorm images = (BatchNorm) m.layers().get(0);
    assertEquals(BatchNorm.Input.IMAGES, images.input());
    assertEquals(Map.of("channels", 4, "momentum", 0.2, "eps", 0.001), images.config());
    assertEquals(Map.of("features", 16, "momentum", 0.1, "eps", 1e-5), m.layers().get(2).config());
    assertEquals(List.of("bn1.bias", "bn1.weight", "bn2.bias", "bn2.weight"),
        m.parameters().keySet().stream().sorted().toList());
    assertEquals(List.of("bn1.running_mean", "bn1.running_var", "bn2.running_mean", "bn2.running_var"),
        m.buffers().keySet().stream().sorted().toList());

    // Saved and loaded again: same types, configs and tensor names.
    Path weights = dir.resolve("again.safetensors");
    ModelFiles.save(m, weights);
    String written = Files.readString(ModelFiles.architectureFile(weights));
    assertTrue(written.contains("\"batch_norm2d\"") && written.contains("\"batch_norm1d\""), written);
    assertTrue(written.contains("\"channels\"") && written.contains("\"features\""), written);
    Sequential back = ModelFiles.load(weights);
    assertEquals(m.stateDict().keySet(), back.stateDict().keySet());
    assertEquals(m.layers().get(0).config(), back.layers().get(0).config());
  }
}
