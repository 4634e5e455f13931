package dev.cnn.cli;

import dev.cnn.layers.Architectures;
import dev.cnn.layers.Sequential;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cnn summary}: the Keras-style table of a built-in architecture or a trained model. */
@Command(name = "summary", mixinStandardHelpOptions = true,
    description = "Print a model's layers, output shapes and parameter counts.")
final class SummaryCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "NAME|DIR",
      description = "fashionnet, lenet5, vgg-small, or the --out directory of 'cnn train'.")
  String model;

  @Option(names = "--input-shape", paramLabel = "C,H,W", split = ",", description = "For a built-in model (default 1,28,28).")
  int[] inputShape = {1, 28, 28};

  @Option(names = "--classes", paramLabel = "N", description = "For a built-in model (default 10).")
  int classes = 10;

  @Override
  public Integer call() throws Exception {
    java.io.PrintWriter stdout = spec.commandLine().getOut();
    Sequential m = Files.isDirectory(Path.of(model)) ? ModelDir.load(Path.of(model)).model()
        : Architectures.byName(model, inputShape, classes, 0);
    stdout.print(m.summary());
    stdout.flush();
    return 0;
  }
}
