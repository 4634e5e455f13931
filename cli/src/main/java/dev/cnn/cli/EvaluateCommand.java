package dev.cnn.cli;

import dev.cnn.data.DataLoader;
import dev.cnn.data.Dataset;
import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.optim.Evaluation;
import dev.cnn.optim.Evaluator;
import dev.cnn.tensor.Parallel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cnn evaluate}: a trained model on a dataset's test split; the table, and the metrics as JSON. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Evaluate a trained model (a 'cnn train' output directory) on a dataset's test split:"
        + " the test set of shapes, fashion-mnist, mnist and idx:DIR; for folder:DIR, every image of DIR/test"
        + " when DIR has train/ and test/ folders, else every image in DIR."})
final class EvaluateCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "The --out directory of 'cnn train'.")
  Path model;

  @Option(names = "--dataset", paramLabel = "NAME", description = "As for 'cnn train' (default shapes).")
  String dataset = "shapes";

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Where to look first for fashion-mnist and mnist.")
  Path dataDir;

  @Option(names = "--image-size", paramLabel = "N", description = "Resize folder images to N x N.")
  int imageSize;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of the shapes dataset / folder split (default 42).")
  long seed = 42;

  @Option(names = "--threads", paramLabel = "N", description = "Threads (default: the number of processors).")
  Integer threads;

  @Option(names = "--out", paramLabel = "FILE", description = "Metrics file (default MODEL/evaluation.json).")
  Path out;

  @Override
  public Integer call() throws Exception {
    java.io.PrintWriter stdout = spec.commandLine().getOut();
    if (threads != null) {
      RunChecks.threads(threads);
      Parallel.setThreads(threads);
    }
    if (imageSize < 0) throw new IllegalArgumentException("--image-size " + imageSize + ": expected a size >= 1");
    ModelDir md = ModelDir.load(model);
    Dataset test = DataChoice.evaluation(dataset, dataDir, imageSize, seed);
    if (!Arrays.equals(test.sampleShape(), md.model().inputShape())
        || test.classes() != md.model().outputShape()[0]) {
      throw new IllegalArgumentException("the model takes samples of shape " + Arrays.toString(md.model().inputShape())
          + " and predicts " + md.model().outputShape()[0] + " classes, but " + dataset + " has samples of shape "
          + Arrays.toString(test.sampleShape()) + " and " + test.classes() + " classes"
          + (dataset.startsWith("folder:") ? "; --image-size N resizes folder images to N x N" : ""));
    }
    if (test.size() == 0) throw new IllegalArgumentException("--dataset " + dataset + " has no images to evaluate");
    Evaluation eval;
    try (DataLoader loader = DataLoader.builder(test).batchSize(256).shuffle(false).build()) {
      eval = Evaluator.evaluate(md.model(), CrossEntropyLoss.of(), loader, test.classNames());
    }
    stdout.println(dataset + ": " + test.size() + " images");
    stdout.print(eval.table());
    Path file = out != null ? out : model.resolve("evaluation.json");
    Metrics.write(file, eval, List.of(), -1, 0, seed, java.util.Map.of("model", model.toString(), "dataset", dataset));
    stdout.println("wrote " + file.toAbsolutePath());
    stdout.flush();
    return 0;
  }
}
