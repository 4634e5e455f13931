package dev.cnn.examples;

import dev.cnn.data.DataLoader;
import dev.cnn.data.SyntheticShapes;
import dev.cnn.layers.Conv2d;
import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.Dense;
import dev.cnn.layers.Flatten;
import dev.cnn.layers.MaxPool2d;
import dev.cnn.layers.Sequential;
import dev.cnn.layers.io.ModelFiles;
import dev.cnn.optim.Adam;
import dev.cnn.optim.Evaluation;
import dev.cnn.optim.Evaluator;
import dev.cnn.optim.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A model with a layer of your own ({@link LearnableSwish}) trains, saves and loads back like any
 * other: the saved architecture names the layer {@code "learnable_swish"}, and
 * {@code ModelFiles.load} rebuilds it through the factory registered as a service. Prints the
 * test accuracy before saving and after loading (the same), and the slopes the layer learned.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp examples/target/examples.jar dev.cnn.examples.CustomLayerExample [DIR]
 * </pre>
 */
public final class CustomLayerExample {
  private CustomLayerExample() {}

  public static void main(String[] args) throws IOException {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("custom-layer");
    Result r = run(dir, 2, 7);
    System.out.printf(Locale.ROOT, "test accuracy %.4f; after save and load %.4f (%s)%n", r.before().accuracy(),
        r.after().accuracy(), r.file());
    System.out.println("learned slopes beta: " + r.slopes());
  }

  /** What {@link #run} measured: the test evaluation before saving and after loading, the file, the slopes. */
  public record Result(Evaluation before, Evaluation after, Path file, String slopes) {}

  /** Trains the model for this many epochs from this seed, saves it into dir and loads it back. */
  public static Result run(Path dir, int epochs, long seed) throws IOException {
    SyntheticShapes shapes = SyntheticShapes.builder().trainSize(4000).testSize(800).seed(seed).build();
    int classes = shapes.classNames().size();
    Sequential model = Sequential.builder(1, 28, 28)
        .add(Conv2d.builder(1, 16).kernel(3).padding(1).build())
        .add("swish1", new LearnableSwish(1.0))
        .add(MaxPool2d.of(2))
        .add(Conv2d.builder(16, 32).kernel(3).padding(1).build())
        .add("swish2", new LearnableSwish(1.0))
        .add(MaxPool2d.of(2))
        .add(new Flatten())
        .add(Dense.of(32 * 7 * 7, classes))
        .build(seed);
    CrossEntropyLoss loss = CrossEntropyLoss.of();
    try (DataLoader train = DataLoader.builder(shapes.train()).batchSize(64).seed(seed).build()) {
      Trainer.builder(model, loss, Adam.adam(2e-3).build(model.parameters())).epochs(epochs).build().fit(train, null);
    }
    Path file = dir.resolve("swish-model.safetensors");
    ModelFiles.save(model, file);
    Sequential loaded = ModelFiles.load(file);
    try (DataLoader test = DataLoader.builder(shapes.test()).batchSize(256).shuffle(false).build()) {
      Evaluation before = Evaluator.evaluate(model, loss, test, shapes.classNames());
      Evaluation after = Evaluator.evaluate(loaded, loss, test, shapes.classNames());
      StringBuilder slopes = new StringBuilder();
      for (double b : loaded.parameters().get("swish2.beta").value().toDoubleArray()) {
        slopes.append(slopes.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.3f", b));
      }
      return new Result(before, after, file, slopes.toString());
    }
  }
}
