package dev.cnn.cli;

import dev.cnn.data.Dataset;
import dev.cnn.layers.Model;
import dev.cnn.tensor.Parallel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The checks of {@code cnn train} that need the data or the model, run after both are loaded and
 * before the run directory is claimed or the first step is taken. Each failure names the option
 * to change (not a Java method), what it found and what would work.
 */
final class RunChecks {
  private RunChecks() {}

  /**
   * Training memory per sample, in floats per activation value: the value, its gradient, and the
   * saved or lowered copy that convolution and pooling keep for backward (im2col columns, argmax
   * indices). Measured on FashionNet, the peak heap of a step is within this bound.
   */
  static final int FLOATS_PER_ACTIVATION = 3;

  /** Per parameter: the weight, its gradient and two optimiser moments (Adam's m and v). */
  static final int FLOATS_PER_PARAMETER = 4;

  /** The share of the free heap a step may plan to use; the rest is for the data and the collector. */
  static final double HEAP_SHARE = 0.8;

  /**
   * The {@code --threads} value of any command: 1 to {@link Parallel#maxThreads()} (4 x the
   * processors; more threads only wait for each other).
   */
  static void threads(int n) {
    if (n < 1 || n > Parallel.maxThreads()) {
      throw new IllegalArgumentException("--threads " + n + ": expected 1 to " + Parallel.maxThreads() + " (at most 4"
          + " x the " + Runtime.getRuntime().availableProcessors() + " processors; more threads only wait for each"
          + " other)");
    }
  }

  /** The splits: classes, empty splits, sizes. {@code counts} are the training images per class. */
  static void data(TrainingRun.Config c, DataChoice data, Dataset train, Dataset validation, Dataset test,
      int[] counts) {
    List<String> names = train.classNames();
    int classes = names.size();
    if (classes < 2) {
      throw new IllegalArgumentException("--dataset " + c.dataset() + " has " + (classes == 0 ? "no classes"
          : "one class ('" + names.get(0) + "')") + "; a classifier needs at least two"
          + (c.dataset().startsWith("folder:") ? " (one sub-folder per class)" : ""));
    }
    if (c.limitTrain() > 0 && c.limitTrain() < classes) {
      throw new IllegalArgumentException("--limit " + c.limitTrain() + ": a stratified subset needs at least one image"
          + " of each of the " + classes + " classes of " + c.dataset() + "; use --limit " + classes + " or more (10"
          + " per class, " + 10 * classes + ", to learn anything)");
    }
    if (c.limitTest() > 0 && c.limitTest() < classes) {
      throw new IllegalArgumentException("--limit " + c.limitTrain() + "," + c.limitTest() + ": the test subset needs"
          + " at least one image of each of the " + classes + " classes; use a test count of " + classes + " or more");
    }
    List<String> empty = new ArrayList<>();
    for (int k = 0; k < classes; k++) if (counts[k] == 0) empty.add("'" + names.get(k) + "' (label " + k + ")");
    if (!empty.isEmpty()) {
      List<String> causes = new ArrayList<>();
      if (!c.subsample().isEmpty()) causes.add("--subsample " + c.subsample());
      if (c.limitTrain() > 0) causes.add("--limit " + c.limitTrain());
      if (c.valSplit() > 0) causes.add("--val-split " + c.valSplit());
      String shown = empty.size() <= 5 ? String.join(", ", empty)
          : String.join(", ", empty.subList(0, 3)) + ", ... " + empty.get(empty.size() - 1);
      throw new IllegalArgumentException(empty.size() + " of the " + classes + " classes have no training images: "
          + shown + ". Every class needs training images: "
          + (causes.isEmpty() ? "check the labels of --dataset " + c.dataset() + " (the classes are 0 to the largest"
              + " label, so a stray label such as 255 makes empty classes)"
              : "keep more of them (" + String.join(", ", causes) + ")"));
    }
    if (validation != null && validation.size() == 0) {
      int smallest = Arrays.stream(counts).min().orElse(1);
      throw new IllegalArgumentException(String.format(Locale.ROOT, "--val-split %s holds out no validation images"
          + " (the split is per class, and %s of the smallest class's %d images rounds to 0); use --val-split %s or"
          + " more, or 0 for no validation", plain(c.valSplit()), plain(c.valSplit()), smallest,
          plain(Math.min(0.5, Math.ceil(100.0 / smallest) / 100))));
    }
    if (test.size() == 0) {
      String why = c.limitTest() > 0 ? "--limit " + c.limitTrain() + "," + c.limitTest() + " leaves none of them"
          : c.dataset().startsWith("folder:")
              ? "a " + Math.round(DataChoice.FOLDER_TEST_FRACTION * 100) + "% test split of each class rounds to 0"
                  + " images; add images (5 or more per class) or lay the folder out as DIR/train/CLASS and"
                  + " DIR/test/CLASS"
              : "the dataset has no test images";
      throw new IllegalArgumentException("--dataset " + c.dataset() + ": the test split is empty: " + why);
    }
    if (!Arrays.equals(test.sampleShape(), train.sampleShape())) {
      throw new IllegalArgumentException("--dataset " + c.dataset() + ": the test images are " + shape(test.sampleShape())
          + " but the training images " + shape(train.sampleShape()) + "; "
          + (c.dataset().startsWith("folder:") ? "give --image-size N to resize every image to N x N"
              : "both splits must have the same image size"));
    }
  }

  /**
   * The model against the data (input shape, class count) and the batch against the heap.
   *
   * @param samplesPerEpoch the images one epoch visits (more than the training set when oversampling)
   */
  static void model(TrainingRun.Config c, Model model, Dataset train, int classes, int samplesPerEpoch) {
    if (!Arrays.equals(model.inputShape(), train.sampleShape())) {
      throw new IllegalArgumentException("--model " + c.model() + " takes inputs of shape " + shape(model.inputShape())
          + " but the images of " + c.dataset() + " are " + shape(train.sampleShape()) + "; "
          + (c.model().endsWith(".json") ? "set the input shape in the architecture file to match"
              : "choose a dataset of that shape"));
    }
    int[] outShape = model.outputShape();
    int outputs = outShape.length == 1 ? outShape[0] : -1;
    if (outputs != classes) {
      throw new IllegalArgumentException("--model " + c.model() + " outputs " + (outputs < 0 ? "a " + shape(outShape)
          + " tensor" : outputs + " class scores") + " but " + c.dataset() + " has " + classes + " classes ("
          + String.join(", ", train.classNames().subList(0, Math.min(5, classes))) + (classes > 5 ? ", ..." : "")
          + "); the last layer must have " + classes + " outputs" + (c.model().endsWith(".json")
              ? ": edit its units in the architecture file" : ""));
    }
    checkMemory(c, model, samplesPerEpoch, Runtime.getRuntime().maxMemory()
        - (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()));
  }

  /** Refuses a batch whose training step would not fit in {@code freeHeap} bytes (never an OutOfMemoryError later). */
  static void checkMemory(TrainingRun.Config c, Model model, int samplesPerEpoch, long freeHeap) {
    long perSample = activationsPerSample(model) * FLOATS_PER_ACTIVATION * (long) Float.BYTES;
    long parameters = model.parameterCount() * FLOATS_PER_PARAMETER * (long) Float.BYTES;
    int batch = Math.min(c.batchSize(), Math.max(1, samplesPerEpoch)); // the loader never makes a larger batch
    double budget = HEAP_SHARE * freeHeap - parameters;
    if (perSample * (double) batch > budget) {
      long fits = budget <= 0 ? 0 : (long) (budget / perSample);
      double needed = perSample * (double) batch + parameters;
      // More heap is worth suggesting only when it is within reach (a few times what Java has now).
      long gigabytes = (long) Math.ceil(needed / HEAP_SHARE / (1L << 30)) + 1;
      String moreHeap = needed / HEAP_SHARE <= 4.0 * Runtime.getRuntime().maxMemory()
          ? ", or give Java more memory (e.g. CNN_JAVA_OPTS=-Xmx" + gigabytes + "g)" : "";
      throw new IllegalArgumentException(String.format(Locale.ROOT, "--batch-size %d: a training step of %s on %s"
          + " images needs about %s (%s per image), and the Java heap has %s free; use --batch-size %s%s",
          c.batchSize(), c.model(), shape(model.inputShape()), bytes(needed), bytes(perSample), bytes(freeHeap),
          fits >= 1 ? fits + " or less" : "1 with a smaller model or smaller images (even one image does not fit)",
          moreHeap));
    }
  }

  /** The input and every layer's output, in values per sample: what a training step keeps for backward. */
  static long activationsPerSample(Model model) {
    long n = product(model.inputShape());
    for (int i = 0; i < model.layers().size(); i++) n += product(model.outputShape(i));
    return n;
  }

  private static long product(int[] shape) {
    long p = 1;
    for (int d : shape) p *= d;
    return p;
  }

  /** A number as a person writes it (0.0001, not 1.0E-4). */
  static String plain(double v) {
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  static String shape(int[] s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length; i++) b.append(i == 0 ? "" : " x ").append(s[i]);
    return b.toString();
  }

  static String bytes(double b) {
    if (b >= 1L << 30) return String.format(Locale.ROOT, "%.1f GB", b / (1L << 30));
    if (b >= 1L << 20) return String.format(Locale.ROOT, "%.0f MB", b / (1L << 20));
    return String.format(Locale.ROOT, "%.0f KB", b / 1024);
  }
}
