package dev.cnn.cli;

import dev.cnn.layers.Architectures;
import dev.cnn.layers.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cnn summary}: the Keras-style table of a built-in architecture or a trained model.
 *
 * <p>{@code --input-shape} and {@code --classes} size a built-in architecture; a trained run's
 * model has its own, so giving either with a run directory is refused rather than ignored. Both are
 * checked before the model is built: three positive values whose product (the values per image) a
 * Java array can hold, and 1 to {@value #MAX_CLASSES} classes. Errors are usage errors (exit 2)
 * naming the flag.
 */
@Command(name = "summary", mixinStandardHelpOptions = true,
    description = {"Print a model's layers, output shapes and parameter counts.",
        "No data is read: a built-in architecture is sized by --input-shape and --classes, a trained run's model"
            + " by its own model.json."})
final class SummaryCommand implements Callable<Integer> {
  /**
   * The most classes {@code --classes} accepts: far more than any common dataset (ImageNet-21k
   * has 21,841) while the last layer stays small enough to build in a default heap (128 x 100,000
   * floats are 51 MB).
   */
  static final int MAX_CLASSES = 100_000;

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "NAME|DIR",
      description = "fashionnet, lenet5, vgg-small, or the --out directory of 'cnn train'.")
  String model;

  @Option(names = "--input-shape", paramLabel = "C,H,W", split = ",",
      description = "For a built-in model: channels, height, width of one image (default 1,28,28).")
  int[] inputShape = {1, 28, 28};

  @Option(names = "--classes", paramLabel = "N",
      description = "For a built-in model: the number of classes, 1 to " + MAX_CLASSES + " (default 10).")
  int classes = 10;

  @Override
  public Integer call() throws Exception {
    java.io.PrintWriter stdout = spec.commandLine().getOut();
    Path dir = Path.of(model);
    Model m;
    if (Files.isDirectory(dir)) {
      refuseSizingFlagsForARun(dir);
      m = ModelDir.load(dir).model();
    } else {
      m = builtIn();
    }
    stdout.print(m.summary());
    stdout.flush();
    return 0;
  }

  /** --input-shape or --classes with a run directory: they would be ignored, so they are refused. */
  private void refuseSizingFlagsForARun(Path dir) {
    List<String> given = new ArrayList<>();
    for (String flag : List.of("--input-shape", "--classes")) {
      if (spec.commandLine().getParseResult().hasMatchedOption(flag)) given.add(flag);
    }
    if (given.isEmpty()) return;
    String flags = String.join(" and ", given);
    throw bad(flags + " cannot be used with a trained run (--model " + dir + "): the run's model has its own input"
        + " shape and classes (in its model.json), which the summary shows; drop " + flags + ", or give a built-in"
        + " architecture (" + String.join(", ", Architectures.NAMES) + ") to size one");
  }

  /** The built-in architecture named by --model, sized by the checked --input-shape and --classes. */
  private Model builtIn() {
    String key = model.trim().toLowerCase(Locale.ROOT);
    if (!Architectures.NAMES.contains(key)) {
      throw bad("--model " + model + ": not a directory and not a built-in architecture; expected one of "
          + String.join(", ", Architectures.NAMES) + ", or the --out directory of a 'cnn train' run");
    }
    checkInputShape(inputShape);
    if (classes < 1 || classes > MAX_CLASSES) {
      throw bad("--classes " + classes + " is out of range; expected 1 to " + MAX_CLASSES);
    }
    try {
      return Architectures.byName(key, inputShape, classes, 0);
    } catch (IllegalArgumentException e) { // e.g. an image too small for the architecture's pools
      throw bad("--input-shape " + format(inputShape) + " with --classes " + classes + ": " + e.getMessage());
    } catch (OutOfMemoryError e) { // one huge weight array (a large image gives a large first Dense layer)
      throw bad("--input-shape " + format(inputShape) + " with --classes " + classes + ": the " + key + " weights"
          + " for this size do not fit in the JVM's memory (at most " + (Runtime.getRuntime().maxMemory() >> 20)
          + " MB); use a smaller input shape, or give Java more with CNN_JAVA_OPTS=-Xmx8g");
    }
  }

  private void checkInputShape(int[] shape) {
    if (shape.length != 3) {
      throw bad("--input-shape " + format(shape) + " has " + shape.length + " value" + (shape.length == 1 ? "" : "s")
          + "; expected 3, C,H,W (channels, height, width), e.g. 1,28,28 or 3,32,32");
    }
    if (Arrays.stream(shape).anyMatch(v -> v < 1)) {
      throw bad("--input-shape " + format(shape) + " has a value below 1; expected three positive integers C,H,W,"
          + " e.g. 1,28,28");
    }
    long values = (long) shape[0] * shape[1] * shape[2];
    if (values > Integer.MAX_VALUE) {
      throw bad("--input-shape " + format(shape) + " is " + values + " values per image; expected at most "
          + Integer.MAX_VALUE + " (2^31 - 1, the most a Java array holds)");
    }
  }

  private static String format(int[] shape) {
    return Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(","));
  }

  private ParameterException bad(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
