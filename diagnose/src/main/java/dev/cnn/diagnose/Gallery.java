package dev.cnn.diagnose;

import dev.cnn.data.Dataset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Test images worth a person's look, each with what the model said about it: the images with the
 * highest loss (its worst mistakes, where wrong labels also surface) and, for each of the
 * most-confused class pairs, the images of one class taken for the other. Built from
 * {@link Predictions} and the dataset they were made on (the same images in the same order).
 *
 * @param id the gallery's id in the report (a {@link Figures} id; its images' file names start with it)
 * @param title its heading
 * @param caption a sentence on what it shows and how to read it
 * @param examples the images, in the order shown
 */
public record Gallery(String id, String title, String caption, List<Gallery.Example> examples) {
  /** Images in the highest-loss gallery. */
  public static final int HIGHEST_LOSS_COUNT = 24;
  /** Class pairs given a row of their own (the most confused first). */
  public static final int CONFUSED_PAIRS = 4;
  /** Images in a confused pair's row. */
  public static final int PER_PAIR = 8;

  /** A gallery's id names files and an HTML anchor: lower-case letters, digits and dashes. */
  private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9-]*");

  public Gallery {
    Objects.requireNonNull(id, "id");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("Gallery: id '" + id + "'; expected lower-case letters, digits and dashes"
          + " (it names the gallery's image files)");
    }
    examples = List.copyOf(examples);
  }

  /**
   * One test image.
   *
   * @param index its position in the evaluated set (and in {@link Predictions})
   * @param label its true class
   * @param predicted the class the model gave it
   * @param confidence the predicted class's probability
   * @param labelProbability the true class's probability, {@code exp(-loss)}
   * @param source where it comes from (a file name), or null when the dataset does not say
   * @param shape its shape {@code [C, H, W]}
   * @param pixels its {@code C * H * W} values, as the dataset gives them (pixels in [0, 1])
   * @param note for an image shown for what it is rather than for a prediction (a duplicate, an
   *     outlier): what to notice about it, shown instead of the prediction; null for a prediction
   * @param alert whether it is marked as a problem (red): a wrong prediction, or a duplicate whose
   *     labels disagree
   */
  public record Example(int index, int label, int predicted, double confidence, double labelProbability, String source,
      int[] shape, float[] pixels, String note, boolean alert) {
    /** A prediction's cell: marked when wrong. */
    public Example(int index, int label, int predicted, double confidence, double labelProbability, String source,
        int[] shape, float[] pixels) {
      this(index, label, predicted, confidence, labelProbability, source, shape, pixels, null, label != predicted);
    }

    public Example {
      if (shape.length != 3 || pixels.length != shape[0] * shape[1] * shape[2]) {
        throw new IllegalArgumentException("Gallery.Example: " + pixels.length + " values for shape "
            + Arrays.toString(shape) + "; expected [C, H, W] and C * H * W values");
      }
      shape = shape.clone();
      pixels = pixels.clone();
    }

    @Override
    public int[] shape() {
      return shape.clone();
    }

    @Override
    public float[] pixels() {
      return pixels.clone();
    }
  }

  /** The report's galleries: the {@value #HIGHEST_LOSS_COUNT} highest-loss images, then the most-confused pairs. */
  public static List<Gallery> standard(Predictions p, Dataset images) {
    List<Gallery> out = new ArrayList<>();
    out.add(highestLoss(p, images, HIGHEST_LOSS_COUNT));
    out.addAll(confusedPairs(p, images, CONFUSED_PAIRS, PER_PAIR));
    return out;
  }

  /** The {@code count} images with the highest loss {@code -log p(true class)}, highest first. */
  public static Gallery highestLoss(Predictions p, Dataset images, int count) {
    check(p, images);
    List<Example> examples = new ArrayList<>();
    for (int i : p.highestLoss(count)) examples.add(example(p, images, i));
    return new Gallery(Figures.HIGHEST_LOSS, "The test images with the highest loss",
        "The images the model is most wrong about: the probability it gives the true class is the lowest. Each shows"
            + " its true class, the class predicted and the confidence. A label that looks wrong to you is a label"
            + " error; an image that plainly shows its class is a mistake the model should learn to avoid.",
        examples);
  }

  /**
   * For each of the {@code pairs} class pairs with the most errors between them (images of a
   * predicted as b plus b predicted as a; ties by class index), a row of up to {@code perPair}
   * of those images: half each way where both ways have enough, the most confident mistakes first.
   * Pairs without errors get no row.
   */
  public static List<Gallery> confusedPairs(Predictions p, Dataset images, int pairs, int perPair) {
    check(p, images);
    int[][] m = p.confusion();
    int k = m.length;
    List<int[]> ranked = new ArrayList<>();
    for (int a = 0; a < k; a++) {
      for (int b = a + 1; b < k; b++) if (m[a][b] + m[b][a] > 0) ranked.add(new int[] {a, b, m[a][b] + m[b][a]});
    }
    ranked.sort(Comparator.<int[]>comparingInt(r -> -r[2]).thenComparingInt(r -> r[0]).thenComparingInt(r -> r[1]));
    List<String> names = images.classNames();
    List<Gallery> out = new ArrayList<>();
    for (int[] r : ranked.subList(0, Math.min(pairs, ranked.size()))) {
      int a = r[0], b = r[1];
      int[] aAsB = mostConfident(p, a, b), bAsA = mostConfident(p, b, a);
      int fromA = Math.min(aAsB.length, Math.max(perPair / 2, perPair - bAsA.length));
      int fromB = Math.min(bAsA.length, perPair - fromA);
      List<Example> examples = new ArrayList<>();
      for (int i = 0; i < fromA; i++) examples.add(example(p, images, aAsB[i]));
      for (int i = 0; i < fromB; i++) examples.add(example(p, images, bAsA[i]));
      out.add(new Gallery(Figures.confusedPair(a, b), String.format(Locale.ROOT, "%s and %s: %d errors",
          names.get(a), names.get(b), r[2]), String.format(Locale.ROOT,
          "%d test images of %s were predicted as %s and %d of %s as %s; the most confident of them. If they look"
              + " alike to you too, the classes overlap and more (or more distinct) examples of both help; if they"
              + " plainly show their class, the model has not yet learnt the difference.",
          m[a][b], names.get(a), names.get(b), m[b][a], names.get(b), names.get(a)), examples));
    }
    return out;
  }

  /** Suspected label errors shown in the report. */
  public static final int LABEL_ERRORS_COUNT = 50;

  /**
   * The {@code count} most suspected label errors, most suspect first: each shows its given label
   * and the class the out-of-sample model suggests, with that class's probability.
   *
   * @param train the searched training images, in the order the suspects' indices refer to
   * @param probabilities the out-of-sample probabilities of {@code train}'s images, n x k
   * @param originalIndex for each training image, its position in the dataset's training split
   *     (the number label_errors.csv gives), shown when the dataset has no file names
   */
  public static Gallery labelErrors(LabelErrors errors, Dataset train, double[][] probabilities, int[] originalIndex,
      int count) {
    if (probabilities.length != train.size() || originalIndex.length != train.size()) {
      throw new IllegalArgumentException("gallery: " + probabilities.length + " probability rows and "
          + originalIndex.length + " indices for " + train.size() + " training images; expected one of each per image");
    }
    List<Example> examples = new ArrayList<>();
    for (ConfidentLearning.Suspect s : errors.result().suspects()) {
      if (examples.size() == count) break;
      int i = s.index();
      examples.add(new Example(originalIndex[i], s.givenLabel(), s.suggestedLabel(),
          probabilities[i][s.suggestedLabel()], s.givenProbability(),
          train.source(i).orElse("training image #" + originalIndex[i]), chw(train), pixels(train, i)));
    }
    return new Gallery(Figures.LABEL_ERRORS, "Suspected label errors in the training set",
        String.format(Locale.ROOT, "The %d most suspect of the %d training images that confident learning flags"
            + " (out-of-sample probabilities from %d-fold training), most suspect first. Each shows the label it was"
            + " given, then the class a model that never saw it suggests, with that class's probability. If the"
            + " suggestion is right, the label is wrong: fix it, or leave the image out (%s).", examples.size(),
            errors.flagged(), errors.folds(), "cnn train --exclude " + errors.file()),
        examples);
  }

  /** Pairs shown in the leak and duplicate galleries. */
  public static final int DUPLICATE_PAIRS = 12;
  /** Images shown in the outlier gallery. */
  public static final int OUTLIER_COUNT = 24;
  /**
   * Images far from their class shown per class: a class whose features are tight (Fashion-MNIST's
   * trousers) has huge z-scores for every unusual image and would otherwise fill the gallery.
   */
  public static final int OUTLIERS_PER_CLASS = 4;

  /**
   * The data galleries: test images with a copy in the training set (each beside its training
   * copy), duplicates within the training set (those whose labels disagree first), and blank
   * images and images far from their class. Galleries with nothing to show are left out.
   *
   * @param train the checked training images, in the order of {@code q}'s indices
   * @param test the checked test images
   */
  public static List<Gallery> data(DataQuality q, Dataset train, Dataset test) {
    int[] trainIndex = q.trainIndex();
    List<Gallery> out = new ArrayList<>();
    List<Duplicates.Pair> leaks = q.duplicates().trainTest();
    if (!leaks.isEmpty()) {
      List<Example> cells = new ArrayList<>();
      for (Duplicates.Pair p : leaks.subList(0, Math.min(DUPLICATE_PAIRS, leaks.size()))) {
        cells.add(plain(train, p.a(), trainIndex[p.a()], "training image #" + trainIndex[p.a()], pairNote(p), false));
        cells.add(plain(test, p.b(), p.b(), "test image #" + p.b(), "the test copy", p.labelsDisagree()));
      }
      out.add(new Gallery(Figures.LEAKS, String.format(Locale.ROOT, "Test images also in the training set: %d",
          leaks.size()), "Each training image is followed by its copy in the test set (exact, or near: the same"
              + " picture up to small changes in brightness or noise). The model is tested on images it trained on.",
          cells));
    }
    List<Duplicates.Pair> dups = new ArrayList<>(q.duplicates().withinTrain());
    dups.sort(Comparator.comparing((Duplicates.Pair p) -> !p.labelsDisagree()).thenComparingInt(Duplicates.Pair::a)
        .thenComparingInt(Duplicates.Pair::b));
    if (!dups.isEmpty()) {
      List<Example> cells = new ArrayList<>();
      for (Duplicates.Pair p : dups.subList(0, Math.min(DUPLICATE_PAIRS, dups.size()))) {
        cells.add(plain(train, p.a(), trainIndex[p.a()], "training image #" + trainIndex[p.a()], pairNote(p),
            p.labelsDisagree()));
        cells.add(plain(train, p.b(), trainIndex[p.b()], "training image #" + trainIndex[p.b()], "its duplicate",
            p.labelsDisagree()));
      }
      out.add(new Gallery(Figures.DUPLICATES, String.format(Locale.ROOT, "Duplicates in the training set: %d images"
          + " (%d with another label)", dups.size(), q.duplicates().withinTrainLabelsDisagree().size()),
          "Pairs of training images that are the same picture; pairs whose labels disagree come first (red): one"
              + " of the two labels is wrong.", cells));
    }
    List<Example> odd = new ArrayList<>();
    for (Outliers.Blank b : q.blankTrain()) {
      if (odd.size() < OUTLIER_COUNT) {
        odd.add(plain(train, b.index(), trainIndex[b.index()], "training image #" + trainIndex[b.index()],
            String.format(Locale.ROOT, "blank (all %.2f)", b.mean()), true));
      }
    }
    for (Outliers.Blank b : q.blankTest()) {
      if (odd.size() < OUTLIER_COUNT) {
        odd.add(plain(test, b.index(), b.index(), "test image #" + b.index(),
            String.format(Locale.ROOT, "blank (all %.2f)", b.mean()), true));
      }
    }
    for (int set = 0; set < 2; set++) {
      for (Outliers.OddFormat o : set == 0 ? q.oddTrain() : q.oddTest()) {
        if (odd.size() >= OUTLIER_COUNT) break;
        int shown = set == 0 ? trainIndex[o.index()] : o.index();
        odd.add(plain(set == 0 ? train : test, o.index(), shown, (set == 0 ? "training" : "test") + " image #" + shown,
            "stored as " + format(o.stored()) + ", most as " + format(o.usual()), true));
      }
    }
    // The farthest first, training and test images together: {set (0 train, 1 test), index, z}.
    List<double[]> far = new ArrayList<>();
    for (int set = 0; set < 2; set++) {
      Outliers.FarFromClass f = set == 0 ? q.farTrain() : q.farTest();
      if (f != null) for (Outliers.FarPoint p : f.flagged()) far.add(new double[] {set, p.index(), p.z()});
    }
    far.sort(Comparator.<double[]>comparingDouble(r -> -r[2]).thenComparingDouble(r -> r[0])
        .thenComparingDouble(r -> r[1]));
    int[] perClass = new int[train.classes()];
    for (double[] r : far) {
      if (odd.size() >= OUTLIER_COUNT) break;
      boolean isTrain = r[0] == 0;
      int i = (int) r[1], shown = isTrain ? trainIndex[i] : i;
      int label = (isTrain ? train : test).label(i);
      if (perClass[label]++ >= OUTLIERS_PER_CLASS) continue; // one tight class must not fill the gallery
      odd.add(plain(isTrain ? train : test, i, shown, (isTrain ? "training" : "test") + " image #" + shown,
          String.format(Locale.ROOT, "far from its class (z = %.1f)", r[2]), false));
    }
    if (!odd.isEmpty()) {
      out.add(new Gallery(Figures.OUTLIERS, "Blank images and images unlike their class", String.format(Locale.ROOT,
          "Blank or constant images, images stored in another size or colour mode than most, then images whose"
              + " features (what the network computes before its last layer)"
              + " are far from their class's: a robust z-score above %.1f. They are often mislabeled, damaged or"
              + " from another source.", DataQuality.FAR_Z), odd));
    }
    return out;
  }

  /** {@code [3, 40, 40]} as "40 x 40 colour". */
  private static String format(int[] chw) {
    return chw[1] + " x " + chw[2] + (chw[0] == 1 ? " grey" : chw[0] == 3 ? " colour" : " (" + chw[0] + " channels)");
  }

  private static String pairNote(Duplicates.Pair p) {
    return p.kind() == Duplicates.Kind.EXACT ? "exact copy" : "near copy (hash distance " + p.distance() + ")";
  }

  /** A cell that shows image i of {@code d} for what it is, with a note instead of a prediction. */
  private static Example plain(Dataset d, int i, int shownIndex, String fallbackSource, String note, boolean alert) {
    return new Example(shownIndex, d.label(i), d.label(i), Double.NaN, Double.NaN, d.source(i).orElse(fallbackSource),
        chw(d), pixels(d, i), note, alert);
  }

  /** Image i's values. */
  private static float[] pixels(Dataset d, int i) {
    float[] x = new float[d.sampleSize()];
    d.read(i, x, 0);
    return x;
  }

  /** The dataset's sample shape as {@code [C, H, W]}: a [H, W] or flat sample is one grey channel. */
  private static int[] chw(Dataset d) {
    int[] shape = d.sampleShape();
    return shape.length == 3 ? shape : new int[] {1, shape.length == 2 ? shape[0] : 1, shape[shape.length - 1]};
  }

  /** The images of class t predicted as p, most confident first (ties by index). */
  private static int[] mostConfident(Predictions pr, int t, int p) {
    return IntStream.range(0, pr.size()).filter(i -> pr.labels()[i] == t && pr.predicted()[i] == p).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> -pr.confidence()[i]).thenComparingInt(i -> i))
        .mapToInt(Integer::intValue).toArray();
  }

  private static Example example(Predictions p, Dataset images, int i) {
    return new Example(i, p.labels()[i], p.predicted()[i], p.confidence()[i], Math.exp(-p.loss()[i]),
        images.source(i).orElse(null), chw(images), pixels(images, i));
  }

  /** The predictions must be of these images: as many, with the same labels. */
  private static void check(Predictions p, Dataset images) {
    if (p.size() != images.size()) {
      throw new IllegalArgumentException("gallery: " + p.size() + " predictions for a dataset of " + images.size()
          + " images; expected the predictions of exactly these images, in order");
    }
    if (images.classes() != p.classes()) {
      throw new IllegalArgumentException("gallery: the dataset has " + images.classes() + " classes and the model "
          + p.classes() + "; expected the same classes");
    }
    int[] labels = p.labels();
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] != images.label(i)) {
        throw new IllegalArgumentException("gallery: image " + i + " is labelled " + images.label(i) + " in the dataset"
            + " but " + labels[i] + " in the predictions; expected the predictions of these images, in order");
      }
    }
  }
}
