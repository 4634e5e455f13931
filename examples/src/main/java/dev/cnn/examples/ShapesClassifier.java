package dev.cnn.examples;

import dev.cnn.data.DataLoader;
import dev.cnn.data.SyntheticShapes;
import dev.cnn.engine.Mode;
import dev.cnn.engine.Variable;
import dev.cnn.layers.Architectures;
import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.Sequential;
import dev.cnn.optim.Adam;
import dev.cnn.optim.Evaluation;
import dev.cnn.optim.Evaluator;
import dev.cnn.optim.Optimizer;
import dev.cnn.tensor.Batch;
import dev.cnn.tensor.Workspace;
import java.util.Locale;

/**
 * Example 1: FashionNet learns to tell eight drawn shapes apart (circle, ring, square, frame,
 * triangle, cross, bar, star), from the built-in synthetic dataset: no download, a minute on two
 * cores, about 96% test accuracy.
 *
 * <p>It shows the whole training loop by hand, the five lines every framework hides:
 * <pre>
 *   optimizer.zeroGrad();                        // forget the last batch's gradients
 *   Variable logits = model.forward(x, TRAIN);    // forward: records the graph
 *   Variable loss = lossFn.compute(logits, y);   // one number: how wrong we are
 *   loss.backward();                             // d loss / d every weight, by the chain rule
 *   optimizer.step();                            // move every weight a little downhill
 * </pre>
 * Run it with {@code java --add-modules jdk.incubator.vector -cp examples/target/examples.jar
 * dev.cnn.examples.ShapesClassifier}, or reproduce it with {@code ./cnn train --preset shapes}.
 */
public final class ShapesClassifier {
  private ShapesClassifier() {}

  public static void main(String[] args) {
    Evaluation test = run(4, 42);
    System.out.print(test.table());
  }

  /** Trains for this many epochs from this seed and returns the test-set evaluation. */
  public static Evaluation run(int epochs, long seed) {
    // 10,000 training and 2,000 test images, 28 x 28, eight balanced classes, all from the seed.
    SyntheticShapes shapes = SyntheticShapes.builder().seed(seed).build();

    // Conv-ReLU-Pool twice, then two dense layers; weights drawn from the seed.
    Sequential model = Architectures.fashionnet(new int[] {1, 28, 28}, shapes.classNames().size(), seed);
    CrossEntropyLoss lossFn = CrossEntropyLoss.of();
    Optimizer optimizer = Adam.adam(1e-3).build(model.parameters());

    try (DataLoader train = DataLoader.builder(shapes.train()).batchSize(64).seed(seed).build()) {
      for (int epoch = 0; epoch < epochs; epoch++) {
        double lossSum = 0;
        int batches = 0;
        for (Batch batch : train) { // a new shuffle every epoch
          // A workspace lends this step's tensors the arrays of the last one (optional: it saves memory).
          try (Workspace step = Workspace.open()) {
            optimizer.zeroGrad();
            Variable logits = model.forward(Variable.constant(batch.inputs()), Mode.TRAIN);
            Variable loss = lossFn.compute(logits, batch.labels());
            loss.backward();
            optimizer.step();
            lossSum += loss.value().getFlat(0);
          }
          batches++;
        }
        System.out.printf(Locale.ROOT, "epoch %d: mean training loss %.4f%n", epoch + 1, lossSum / batches);
      }
    }
    // Evaluation runs in inference mode (dropout off) without recording a graph.
    try (DataLoader test = DataLoader.builder(shapes.test()).batchSize(256).shuffle(false).build()) {
      return Evaluator.evaluate(model, lossFn, test, shapes.classNames());
    }
  }
}
