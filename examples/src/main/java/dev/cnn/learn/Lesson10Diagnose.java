package dev.cnn.learn;

import dev.cnn.data.ClassBalance;
import dev.cnn.data.DataLoader;
import dev.cnn.data.Dataset;
import dev.cnn.data.Splits;
import dev.cnn.data.SyntheticShapes;
import dev.cnn.diagnose.Diagnosis;
import dev.cnn.diagnose.Finding;
import dev.cnn.diagnose.RunEvidence;
import dev.cnn.engine.Mode;
import dev.cnn.engine.Variable;
import dev.cnn.layers.ClassWeights;
import dev.cnn.layers.Conv2d;
import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.Dense;
import dev.cnn.layers.Flatten;
import dev.cnn.layers.MaxPool2d;
import dev.cnn.layers.ReLU;
import dev.cnn.layers.Sequential;
import dev.cnn.optim.Adam;
import dev.cnn.optim.EpochMetrics;
import dev.cnn.optim.Evaluation;
import dev.cnn.optim.Evaluator;
import dev.cnn.optim.Optimizer;
import dev.cnn.tensor.Batch;
import dev.cnn.tensor.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Lesson 10 (learn/10-diagnose.md): plant a fault (two classes cut to 10% of their images), train,
 * ask the diagnosis why the network misclassifies, apply its advice (class weights), and see the
 * rare classes' recall change. The same as {@code cnn train --preset imbalance} and
 * {@code cnn diagnose RUN}, on the library's API.
 */
public final class Lesson10Diagnose {
  private Lesson10Diagnose() {}

  static final int EPOCHS = 8;

  public static void main(String[] args) {
    long seed = 10;
    SyntheticShapes shapes = SyntheticShapes.builder().seed(seed).trainSize(5000).testSize(800).build();
    List<String> names = shapes.classNames();
    int triangle = names.indexOf("triangle"), star = names.indexOf("star");

    // The planted fault: triangles and stars cut to 10% of their training images.
    int[] keep = Splits.subsample(shapes.train().labels(), Map.of(triangle, 0.1, star, 0.1), new Rng(seed));
    Dataset train = shapes.train().subset(keep);
    int[] counts = ClassBalance.counts(train.labels(), names.size());
    System.out.println("training images per class: " + counts(names, counts));
    System.out.printf(Locale.ROOT, "the rare classes: %d of %d training images (%.1f%%)%n", counts[triangle] + counts[star],
        train.size(), 100.0 * (counts[triangle] + counts[star]) / train.size());

    // 1. Train as usual, then ask the diagnosis.
    List<EpochMetrics> history = new ArrayList<>();
    Evaluation plain = train(train, shapes.test(), CrossEntropyLoss.of(), seed, history);
    report("plain cross-entropy", plain, triangle, star);
    RunEvidence evidence = new RunEvidence(names, history, EPOCHS, null, counts, plain.confusion(), List.of(), Double.NaN);
    for (Finding f : Diagnosis.findings(evidence)) {
      System.out.println("finding: [" + f.severity() + "] " + f.title());
      System.out.println("  advice: " + f.advice());
      if (!f.tryFlags().isEmpty()) System.out.println("  try: " + String.join(" ", f.tryFlags()));
    }

    // 2. Apply the advice: weigh each class by N / (K n_c), so the rare ones count as much in the loss.
    ClassWeights balanced = ClassWeights.balanced(train.labels(), names.size());
    System.out.printf(Locale.ROOT, "class weights: triangle %.2f, star %.2f, the others about %.2f%n",
        balanced.get(triangle), balanced.get(star), balanced.get(0));
    Evaluation weighted = train(train, shapes.test(),
        CrossEntropyLoss.builder().classWeights(balanced).build(), seed, new ArrayList<>());
    report("balanced class weights", weighted, triangle, star);
  }

  /** The model of lesson 9, trained for EPOCHS epochs; the test set's evaluation. */
  static Evaluation train(Dataset train, Dataset test, CrossEntropyLoss lossFn, long seed, List<EpochMetrics> history) {
    Sequential model = Sequential.builder(1, 28, 28)
        .add(Conv2d.builder(1, 8).kernel(3).padding(1).build()).add(new ReLU()).add(MaxPool2d.of(2))
        .add(Conv2d.builder(8, 16).kernel(3).padding(1).build()).add(new ReLU()).add(MaxPool2d.of(2))
        .add(new Flatten()).add(Dense.of(16 * 7 * 7, train.classes())).build(seed);
    Optimizer optimizer = Adam.adam(3e-3).build(model.parameters());
    try (DataLoader loader = DataLoader.builder(train).batchSize(32).seed(seed).build()) {
      for (int epoch = 1; epoch <= EPOCHS; epoch++) {
        double sum = 0;
        long correct = 0, seen = 0;
        int batches = 0;
        for (Batch batch : loader) {
          optimizer.zeroGrad();
          Variable logits = model.forward(Variable.constant(batch.inputs()), Mode.TRAIN);
          Variable loss = lossFn.compute(logits, batch.labels());
          loss.backward();
          optimizer.step();
          sum += loss.value().getFlat(0);
          batches++;
          float[] z = logits.value().floatData();
          int k = train.classes();
          for (int i = 0; i < batch.labels().length; i++, seen++) {
            int best = 0;
            for (int c = 1; c < k; c++) if (z[i * k + c] > z[i * k + best]) best = c;
            if (best == batch.labels()[i]) correct++;
          }
        }
        history.add(new EpochMetrics(epoch, sum / batches, (double) correct / seen, Double.NaN, Double.NaN, 3e-3, 0, 0));
      }
    }
    try (DataLoader loader = DataLoader.builder(test).batchSize(200).shuffle(false).build()) {
      return Evaluator.evaluate(model, CrossEntropyLoss.of(), loader, test.classNames());
    }
  }

  private static void report(String title, Evaluation e, int triangle, int star) {
    System.out.printf(Locale.ROOT, "%s: test accuracy %.1f%%, recall triangle %.1f%%, star %.1f%%%n", title,
        100 * e.accuracy(), 100 * e.recall(triangle), 100 * e.recall(star));
  }

  private static String counts(List<String> names, int[] counts) {
    StringBuilder s = new StringBuilder();
    for (int c = 0; c < counts.length; c++) s.append(c == 0 ? "" : ", ").append(names.get(c)).append(' ').append(counts[c]);
    return s.toString();
  }
}
