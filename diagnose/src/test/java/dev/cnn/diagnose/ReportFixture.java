package dev.cnn.diagnose;

import dev.cnn.data.ArrayDataset;
import dev.cnn.data.Augmentation;
import dev.cnn.data.Dataset;
import dev.cnn.optim.Diagnostics;
import dev.cnn.optim.EpochMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A 10-class run for the report tests, with class names that need HTML escaping. */
final class ReportFixture {
  static final String SCRIPT_NAME = "<script>alert(1)</script>";
  static final String QUOTE_NAME = "a&b\"c'";
  static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", SCRIPT_NAME, "Dress", "Coat", "Sandal",
      "Shirt", "Sneaker", QUOTE_NAME, "Ankle boot");

  private ReportFixture() {}

  static RunEvidence evidence(boolean withDiagnostics) {
    int k = CLASSES.size(), epochs = 12;
    List<EpochMetrics> h = new ArrayList<>();
    for (int e = 0; e < epochs; e++) {
      double loss = 1.6 * Math.exp(-0.3 * e) + 0.1;
      double val = 1.5 * Math.exp(-0.35 * e) + 0.25 + 0.02 * Math.max(0, e - 6) * Math.max(0, e - 6);
      h.add(new EpochMetrics(e, loss, 1 - loss / 2.2, val, 1 - val / 2.0, e < 8 ? 0.01 : 0.001, 3.0, 0.1));
    }
    int[] train = new int[k];
    int[][] conf = new int[k][k];
    for (int t = 0; t < k; t++) {
      train[t] = t == 4 ? 60 : 600;
      conf[t][t] = t == 6 ? 55 : 90 - t;
      conf[t][(t + 1) % k] = 100 - conf[t][t] - 3;
      conf[t][(t + 3) % k] = 3;
    }
    conf[6][0] += 10; // Shirt taken for T-shirt/top
    List<Diagnostics.Epoch> d = new ArrayList<>();
    if (withDiagnostics) {
      for (int e = 0; e < epochs; e++) {
        Map<String, Double> g = new LinkedHashMap<>(), z = new LinkedHashMap<>();
        g.put("0.weight", 1e-4 * Math.exp(-0.4 * e));
        g.put("0.bias", 2e-5);
        g.put("3.weight", 0.05 * (1 + e));
        g.put("6.weight", 0.3);
        z.put("1", Math.min(0.98, 0.5 + 0.05 * e));
        z.put("4", 0.3);
        d.add(new Diagnostics.Epoch(e, g, z));
      }
    }
    return new RunEvidence(CLASSES, h, 20, "early stopping: validation loss did not improve for 3 epochs", train, conf,
        d, 0.083);
  }

  static List<Finding> findings() {
    return List.of(
        new Finding(Finding.Kind.CONFUSABLE_CLASSES, Severity.INFO, "Shirt is often taken for " + SCRIPT_NAME,
            Map.of("pair", List.of("Shirt", SCRIPT_NAME), "share", 0.2345678), Figures.confusedPair(0, 6),
            "Look at the images of " + QUOTE_NAME + " and Shirt side by side.", List.of()),
        new Finding(Finding.Kind.CLASS_IMBALANCE, Severity.WARNING, "1 class is rare: Coat",
            Map.of("imbalance_ratio", 10.0), Figures.CLASS_COUNTS,
            "Weight the loss by class so rare classes count as much as the others.",
            List.of("--class-weights", "balanced")),
        new Finding(Finding.Kind.OVERFITTING, Severity.CRITICAL, "Validation loss rose for 5 epochs while training"
            + " loss kept falling", Map.of("gap", 0.41), Figures.LEARNING_CURVES,
            "Add augmentation and dropout, or stop earlier.", List.of("--augment", "flip,crop", "--dropout", "0.3",
                "--note", "it's <b>")),
        new Finding(Finding.Kind.DEAD_RELUS, Severity.WARNING, "Layer 1 has 98% dead ReLUs", Map.of("layer", "1"),
            Figures.DEAD_RELUS, "Lower the learning rate or use a leaky ReLU.", List.of("--lr", "0.001")));
  }

  static ReportInputs inputs(boolean full) {
    ReportInputs.Builder b = ReportInputs.builder(evidence(full), findings()).runName("fashion " + QUOTE_NAME)
        .config(Map.of("epochs", 20, "lr", 0.01, "data", "fashion"))
        .trainCommand("cnn train --data fashion");
    if (full) {
      double[] conf = {0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95, 0.99};
      double[] acc = {0.1, 0.2, 0.3, 0.35, 0.45, 0.5, 0.6, 0.7, 0.85, 0.97};
      int[] n = {0, 3, 10, 25, 40, 60, 90, 150, 300, 322};
      b.reliability(0.083, conf, acc, n);
      Dataset test = testImages();
      b.galleries(Gallery.standard(predictions(test), test));
      b.augmentation(test, Augmentation.parse("shift=0.2,hflip"), "shift=0.2,hflip", 7);
    }
    return b.build();
  }

  /** A file name that needs escaping, without spaces (so that no text can read as an event handler). */
  static final String ODD_SOURCE = "dir&<i>/img'";

  /** 200 test images of 12 x 12, image i of class i % 10, each named by an odd file name. */
  static Dataset testImages() {
    int n = 200, k = CLASSES.size();
    float[] x = new float[n * 144];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % k;
      for (int p = 0; p < 144; p++) x[i * 144 + p] = ((p / 12 + p % 12 + i) % (2 + i % k)) / (float) (1 + i % k);
    }
    Dataset d = new ArrayDataset(x, labels, new int[] {1, 12, 12}, CLASSES);
    return new Dataset() {
      public int size() { return d.size(); }
      public int[] sampleShape() { return d.sampleShape(); }
      public List<String> classNames() { return d.classNames(); }
      public int label(int i) { return d.label(i); }
      public void read(int i, float[] dst, int offset) { d.read(i, dst, offset); }
      @Override
      public Optional<String> source(int i) { return Optional.of(ODD_SOURCE + i + ".png"); }
    };
  }

  /**
   * A model's predictions on {@link #testImages}: Shirt (6) is taken for T-shirt/top (0) seven
   * times in ten, the script-named class (2) for the quote-named one (8) every other time, the rest
   * right; confidences and losses vary with the index.
   */
  static Predictions predictions(Dataset test) {
    int n = test.size();
    int[] labels = test.labels(), predicted = new int[n];
    double[] confidence = new double[n], loss = new double[n];
    for (int i = 0; i < n; i++) {
      int t = labels[i];
      predicted[i] = t == 6 && (i / 10) % 10 < 7 ? 0 : t == 2 && (i / 10) % 2 == 0 ? 8 : t;
      confidence[i] = 0.4 + 0.59 * ((i * 37) % 100) / 100.0;
      double pTrue = predicted[i] == t ? confidence[i] : (1 - confidence[i]) / 3;
      loss[i] = -Math.log(pTrue);
    }
    return new Predictions(labels, predicted, confidence, loss, CLASSES.size());
  }
}
