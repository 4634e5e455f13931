package dev.cnn.learn;

import dev.cnn.data.DataLoader;
import dev.cnn.data.SyntheticShapes;
import dev.cnn.engine.Mode;
import dev.cnn.engine.Variable;
import dev.cnn.layers.Conv2d;
import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.Dense;
import dev.cnn.layers.Flatten;
import dev.cnn.layers.MaxPool2d;
import dev.cnn.layers.ReLU;
import dev.cnn.layers.Sequential;
import dev.cnn.optim.Adam;
import dev.cnn.optim.Evaluation;
import dev.cnn.optim.Evaluator;
import dev.cnn.optim.Optimizer;
import dev.cnn.tensor.Batch;
import java.util.Locale;

/**
 * Lesson 9 (learn/09-training-loop.md): a small CNN learns the built-in shapes, with the training
 * loop written out: zeroGrad, forward, loss, backward, step. About ten seconds on two cores.
 */
public final class Lesson09TrainingLoop {
  private Lesson09TrainingLoop() {}

  public static void main(String[] args) {
    long seed = 9;
    // 3,000 training and 600 test images of 8 drawn shapes, 28 x 28, generated from the seed.
    SyntheticShapes shapes = SyntheticShapes.builder().seed(seed).trainSize(3000).testSize(600).build();
    int classes = shapes.classNames().size();

    Sequential model = Sequential.builder(1, 28, 28)
        .add(Conv2d.builder(1, 8).kernel(3).padding(1).build()).add(new ReLU()).add(MaxPool2d.of(2))  // [8, 14, 14]
        .add(Conv2d.builder(8, 16).kernel(3).padding(1).build()).add(new ReLU()).add(MaxPool2d.of(2)) // [16, 7, 7]
        .add(new Flatten()).add(Dense.of(16 * 7 * 7, classes))                                       // [8] logits
        .build(seed);
    System.out.print(model.summary());
    CrossEntropyLoss lossFn = CrossEntropyLoss.of();
    Optimizer optimizer = Adam.adam(3e-3).build(model.parameters());

    try (DataLoader train = DataLoader.builder(shapes.train()).batchSize(32).seed(seed).build()) {
      for (int epoch = 1; epoch <= 6; epoch++) {
        double sum = 0;
        int batches = 0;
        for (Batch batch : train) {
          optimizer.zeroGrad();                                                       // 1. forget the last gradients
          Variable logits = model.forward(Variable.constant(batch.inputs()), Mode.TRAIN); // 2. forward, recording
          Variable loss = lossFn.compute(logits, batch.labels());                     // 3. one number
          loss.backward();                                                            // 4. every gradient
          optimizer.step();                                                           // 5. every weight a step
          if (epoch == 1 && batches == 0) {
            System.out.printf(Locale.ROOT, "first batch: loss %.2f (log %d = %.2f: the loss of a uniform guess)%n",
                loss.value().getFlat(0), classes, Math.log(classes));
          }
          sum += loss.value().getFlat(0);
          batches++;
        }
        System.out.printf(Locale.ROOT, "epoch %d: mean training loss %.2f over %d batches%n", epoch, sum / batches, batches);
      }
    }
    try (DataLoader test = DataLoader.builder(shapes.test()).batchSize(200).shuffle(false).build()) {
      Evaluation e = Evaluator.evaluate(model, lossFn, test, shapes.classNames());
      System.out.printf(Locale.ROOT, "test accuracy %.1f%% on %d images%n", 100 * e.accuracy(), shapes.test().size());
    }
  }
}
