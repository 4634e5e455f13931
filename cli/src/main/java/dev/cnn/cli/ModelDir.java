package dev.cnn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnn.layers.Model;
import dev.cnn.layers.io.ModelFiles;
import dev.cnn.tensor.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained model's directory as {@code cnn train} writes it: {@code model.safetensors},
 * {@code model.json} (architecture) and {@code classes.json} (class names by label).
 */
record ModelDir(Path dir, Model model, List<String> classNames) {
  static final String WEIGHTS = "model.safetensors";
  static final String CLASSES = "classes.json";

  static ModelDir load(Path dir) throws IOException {
    Path weights = dir.resolve(WEIGHTS);
    if (!Files.isRegularFile(weights)) {
      throw new IOException(dir + ": no " + WEIGHTS + " here; --model takes the --out directory of a 'cnn train' run");
    }
    Model model = ModelFiles.loadModel(weights);
    List<String> names = new ArrayList<>();
    Path classes = dir.resolve(CLASSES);
    if (Files.isRegularFile(classes)) {
      for (JsonNode n : new ObjectMapper().readTree(Files.readString(classes, StandardCharsets.UTF_8))) names.add(n.asText());
    }
    int k = model.outputShape()[0];
    if (names.size() != k) { // no names saved: the labels themselves
      names.clear();
      for (int c = 0; c < k; c++) names.add(Integer.toString(c));
    }
    return new ModelDir(dir, model, names);
  }

  static void saveClassNames(Path dir, List<String> names) throws IOException {
    String json = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(names) + "\n";
    AtomicFiles.write(dir.resolve(CLASSES), json.getBytes(StandardCharsets.UTF_8));
  }
}
