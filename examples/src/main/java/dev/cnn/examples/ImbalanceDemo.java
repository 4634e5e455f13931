package dev.cnn.examples;

import dev.cnn.data.ClassBalance;
import dev.cnn.data.DataLoader;
import dev.cnn.data.Dataset;
import dev.cnn.data.Splits;
import dev.cnn.data.StandardDatasets;
import dev.cnn.data.WeightedSampler;
import dev.cnn.layers.Architectures;
import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.Sequential;
import dev.cnn.optim.Adam;
import dev.cnn.optim.Evaluation;
import dev.cnn.optim.Evaluator;
import dev.cnn.optim.Progress;
import dev.cnn.optim.Trainer;
import dev.cnn.tensor.Rng;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Example 4: why a CNN misclassifies a class it rarely sees, and two fixes.
 *
 * <p>Three Fashion-MNIST classes that look alike (Pullover, Coat, Shirt) are cut to 5% of their
 * training images, so the network sees each about 270 times an epoch against 6,000 for the other
 * classes. The same FashionNet is trained three ways, and the table compares the recall of the
 * three rare classes (the fraction of their test images recognised) and the overall accuracy:
 * <ul>
 *   <li>no correction: the rare classes' images are mostly called by a common look-alike;
 *   <li>balanced class weights in the loss ({@code n / (classes * count_c)}: each rare-class
 *       mistake costs about 20 times more);
 *   <li>oversampling: rare-class images repeated until every class is as frequent.
 * </ul>
 * Reproduce one arm with {@code ./cnn train --preset imbalance [--class-weights balanced |
 * --oversample]}. Run: {@code java --add-modules jdk.incubator.vector -cp examples/target/examples.jar
 * dev.cnn.examples.ImbalanceDemo [epochs]}.
 */
public final class ImbalanceDemo {
  private ImbalanceDemo() {}

  /** The classes that are made rare. */
  static final List<String> RARE = List.of("Pullover", "Coat", "Shirt");

  /** The three ways of training. */
  enum Arm {
    NONE, BALANCED_WEIGHTS, OVERSAMPLING
  }

  public static void main(String[] args) throws IOException {
    int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Dataset full = StandardDatasets.load("fashion-mnist", StandardDatasets.Split.TRAIN, null);
    Dataset test = StandardDatasets.load("fashion-mnist", StandardDatasets.Split.TEST, null);
    Map<Integer, Double> fractions = Splits.parseFractions("Pullover=0.05,Coat=0.05,Shirt=0.05", full.classNames());
    Dataset train = full.subset(Splits.subsample(full.labels(), fractions, new Rng(42)));
    System.out.println("training images per class: "
        + java.util.Arrays.toString(ClassBalance.counts(train.labels(), train.classes())));

    System.out.printf(Locale.ROOT, "%-18s %9s %9s %9s %10s %9s%n", "training", "Pullover", "Coat", "Shirt",
        "rare mean", "accuracy");
    for (Arm arm : Arm.values()) {
      Evaluation e = run(arm, train, test, epochs, 42);
      double mean = 0;
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-18s", arm.name().toLowerCase(Locale.ROOT)));
      for (String name : RARE) {
        double r = e.recall(test.classNames().indexOf(name));
        mean += r / RARE.size();
        row.append(String.format(Locale.ROOT, " %9.3f", r));
      }
      System.out.println(row.append(String.format(Locale.ROOT, " %10.3f %9.3f", mean, e.accuracy())));
    }
  }

  /** One arm: the same model, seed and epochs; only the correction differs. */
  static Evaluation run(Arm arm, Dataset train, Dataset test, int epochs, long seed) {
    int classes = train.classes();
    Sequential model = Architectures.fashionnet(train.sampleShape(), classes, seed);
    CrossEntropyLoss loss = arm == Arm.BALANCED_WEIGHTS
        ? CrossEntropyLoss.builder().classWeights(ClassBalance.balancedWeights(train.labels(), classes)).build()
        : CrossEntropyLoss.of();
    DataLoader.Builder batches = DataLoader.builder(train).batchSize(64).seed(seed);
    if (arm == Arm.OVERSAMPLING) batches.sampler(WeightedSampler.oversample(train.labels(), classes, seed));
    Trainer trainer = Trainer.builder(model, loss, Adam.adam(1e-3).build(model.parameters())).epochs(epochs)
        .progress(Progress.auto()).build();
    try (DataLoader trainBatches = batches.build()) {
      trainer.fit(trainBatches, null);
    }
    // The test set keeps every class at full size: recall there is what users meet.
    try (DataLoader testBatches = DataLoader.builder(test).batchSize(256).shuffle(false).build()) {
      return Evaluator.evaluate(model, CrossEntropyLoss.of(), testBatches, test.classNames());
    }
  }
}
