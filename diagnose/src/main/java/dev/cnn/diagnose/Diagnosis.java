package dev.cnn.diagnose;

import dev.cnn.optim.Diagnostics;
import dev.cnn.optim.EpochMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Why a run misclassifies: every cause its evidence supports, as {@link Finding}s. Each check is a
 * pure function of the {@link RunEvidence}, with its thresholds named below and the reason for
 * each value beside it; a check that does not fire returns nothing (no "all clear" warnings).
 *
 * <p>The checks, in the order a person would look: divergence (nothing else matters while the
 * loss explodes), a rate too low, underfitting, overfitting, too little training, an oscillating
 * rate, class imbalance, dead ReLUs, vanishing and exploding gradients, confusable classes, poor
 * calibration. Findings come back most severe first.
 */
public final class Diagnosis {
  private Diagnosis() {}

  /** Imbalance ratio (largest class / smallest) from which imbalance is reported: below 3 the loss barely favours the large classes. */
  static final double IMBALANCE_RATIO = 3;
  /** A class is rare when it has fewer images than this share of the median class. */
  static final double RARE_SHARE = 0.5;
  /** Rare classes' mean recall this far below the others' makes imbalance a warning, not just context. */
  static final double RECALL_GAP = 0.1;
  /** ... and this fraction of the others' recall or less makes it critical. */
  static final double CRITICAL_RECALL_RATIO = 0.5;

  /** The last epoch's loss this many times the first's is divergence: training made the model worse. */
  static final double DIVERGENCE_GROWTH = 3;

  /** Less than this relative drop of the training loss over the whole run is a rate that crawls. */
  static final double CRAWL_DROP = 0.05;
  /** ... when the training accuracy also stays below this multiple of chance (1/k). */
  static final double CRAWL_ACCURACY_OVER_CHANCE = 2;

  /** Final training accuracy below this is underfitting (the model cannot even fit its training data) ... */
  static final double UNDERFIT_ACCURACY = 0.6;
  /** ... when it also gained less than this over the last {@link #FLAT_EPOCHS} epochs (it has stopped learning). */
  static final double FLAT_GAIN = 0.02;
  static final int FLAT_EPOCHS = 3;

  /** The validation loss this much (relative) above its best, with the best at least 2 epochs back, is overfitting. */
  static final double OVERFIT_RISE = 0.1;
  /** ... together with training accuracy at least this much above validation accuracy. */
  static final double OVERFIT_GAP = 0.05;
  /**
   * Without validation data: training accuracy this much above test accuracy. With validation
   * data, the same gap with the validation loss no longer improving (its best 3 or more epochs
   * back) is overfitting too, even when the loss has not yet risen much.
   */
  static final double OVERFIT_TEST_GAP = 0.15;

  /** The monitored loss still falling by more than this (relative) in the last epoch: more epochs would help. */
  static final double STILL_IMPROVING = 0.05;

  /** Oscillation: at least this many sign changes of the epoch-to-epoch loss change ... */
  static final int OSCILLATION_SIGN_CHANGES = 3;
  /** ... each swing at least this share of the first epoch's loss (smaller wiggles are batch noise). */
  static final double OSCILLATION_AMPLITUDE = 0.1;

  /** A ReLU layer with more than this share of zero outputs has mostly dead units. */
  static final double DEAD_RELU_FRACTION = 0.9;
  /** A weight whose gradient norm is below this share of the largest one gets no signal. */
  static final double VANISHING_RATIO = 1e-6;
  /** A gradient norm above this, or grown this many times since the first epoch, is exploding. */
  static final double EXPLODING_NORM = 1e3;

  /** One class pair holding this share of all test errors is worth naming ... */
  static final double CONFUSED_PAIR_SHARE = 0.25;
  /** ... when it has at least this many errors (fewer is noise). */
  static final int CONFUSED_PAIR_MIN_ERRORS = 10;

  /** Expected calibration error above this: the confidences mislead (0.1 = 10 points off on average). */
  static final double POOR_ECE = 0.1;

  /**
   * Flagged label errors above this share of the training images are a warning: careful annotation
   * leaves about 1 to 3% (Northcutt et al. found 3.3% on average in the test sets of ten popular
   * datasets), and confident learning flags somewhat fewer than there are, so 2% flagged is already
   * more than careful labelling would leave.
   */
  static final double LABEL_ERROR_SHARE = 0.02;

  /**
   * The finding about suspected label errors ({@code cnn diagnose --label-errors}), or null when
   * none were flagged.
   */
  public static Finding labelErrors(LabelErrors le) {
    if (le.flagged() == 0) return null;
    Map<String, Object> ev = new LinkedHashMap<>();
    ev.put("flagged", le.flagged());
    ev.put("flagged_share", le.flaggedShare());
    ev.put("estimated_noise_rate", le.estimatedNoiseRate());
    ev.put("folds", le.folds());
    int[] pair = le.largestConfusion();
    String most = "";
    if (pair != null) {
      String given = le.classNames().get(pair[0]), truth = le.classNames().get(pair[1]);
      ev.put("most_common", truth + " labelled " + given);
      ev.put("most_common_count", (int) Math.round(le.result().calibratedJoint()[pair[0]][pair[1]]));
      most = String.format(Locale.ROOT, "; most often %s labelled %s", truth, given);
    }
    ev.put("file", le.file());
    Severity severity = le.flaggedShare() > LABEL_ERROR_SHARE ? Severity.WARNING : Severity.INFO;
    return new Finding(Finding.Kind.LABEL_ERRORS, severity, String.format(Locale.ROOT,
        "%d training images (%.1f%%) look mislabeled%s", le.flagged(), 100 * le.flaggedShare(), most), ev,
        Figures.LABEL_ERRORS, "A model trained without them disagrees confidently with their labels. Look at them:"
            + " fix the labels that are wrong, or train without the flagged images and compare the test accuracy.",
        List.of("--exclude", le.file()));
  }

  /**
   * Test images with a copy in the training set above this share make the test accuracy an
   * overestimate worth a warning (the model is graded partly on images it has learnt by heart);
   * below it they are worth knowing, and worth removing, but change the accuracy by less than the
   * usual run-to-run spread.
   */
  static final double LEAK_SHARE = 0.01;
  /** Training duplicates above this share waste epochs on repeats and weight some images double. */
  static final double DUPLICATE_SHARE = 0.01;
  /**
   * A difference between training and test set is reported when its p-value is below this (a
   * strict level: with tens of thousands of images even tiny differences are "significant") ...
   */
  static final double SHIFT_P = 1e-3;
  /** ... and the distributions are this far apart (Kolmogorov-Smirnov D: the largest gap between the CDFs) ... */
  static final double SHIFT_D = 0.1;
  /** ... or, for class proportions, some class's share differs by this much (absolute). */
  static final double SHIFT_PROPORTION = 0.05;

  /** The findings about the data itself (duplicates, leaks, outliers, shift), most severe first. */
  public static List<Finding> dataFindings(DataQuality q, List<String> names) {
    List<Finding> out = new ArrayList<>();
    add(out, leak(q));
    add(out, duplicates(q, names));
    add(out, outliers(q));
    add(out, shift(q, names));
    out.sort(Comparator.comparing((Finding f) -> f.severity()).reversed().thenComparing(f -> f.kind().ordinal()));
    return List.copyOf(out);
  }

  static Finding leak(DataQuality q) {
    int n = q.leaks();
    if (n == 0) return null;
    long exact = q.duplicates().trainTest().stream().filter(p -> p.kind() == Duplicates.Kind.EXACT).count();
    double share = (double) n / q.testImages();
    Map<String, Object> ev = new LinkedHashMap<>();
    ev.put("test_images_in_training_set", n);
    ev.put("exact", exact);
    ev.put("share_of_test_set", share);
    ev.put("labels_disagree", q.duplicates().trainTestLabelsDisagree().size());
    return new Finding(Finding.Kind.TRAIN_TEST_LEAK, share > LEAK_SHARE ? Severity.WARNING : Severity.INFO,
        String.format(Locale.ROOT, "%d test image%s (%.1f%%) %s also in the training set", n, n == 1 ? "" : "s",
            100 * share, n == 1 ? "is" : "are"), ev, Figures.LEAKS, "The model is graded on images it trained on, so the test accuracy"
            + " is higher than it will be on new images. Remove the copies from the test set (or the training"
            + " set) and evaluate again.", List.of());
  }

  static Finding duplicates(DataQuality q, List<String> names) {
    int n = q.trainDuplicates();
    int disagree = q.duplicates().withinTrainLabelsDisagree().size();
    if (n == 0) return null;
    double share = (double) n / q.trainImages();
    Map<String, Object> ev = new LinkedHashMap<>();
    ev.put("training_images_with_a_duplicate", n);
    ev.put("share_of_training_set", share);
    ev.put("labels_disagree", disagree);
    Severity severity = disagree > 0 || share > DUPLICATE_SHARE ? Severity.WARNING : Severity.INFO;
    String title = disagree > 0
        ? String.format(Locale.ROOT, "%d training image%s a duplicate with another label", disagree,
            disagree == 1 ? " has" : "s have")
        : String.format(Locale.ROOT, "%d training images (%.1f%%) have a duplicate", n, 100 * share);
    return new Finding(Finding.Kind.DUPLICATES, severity, title, ev, Figures.DUPLICATES, disagree > 0
        ? "The same image with two labels: at least one of them is wrong, and the model is taught both. Fix or"
            + " drop one copy of each pair."
        : "Repeated images count twice in every epoch and in the loss. Drop the copies unless the repetition is"
            + " intended.", List.of());
  }

  static Finding outliers(DataQuality q) {
    int blank = q.blankTrain().size() + q.blankTest().size();
    int far = (q.farTrain() == null ? 0 : q.farTrain().flagged().size())
        + (q.farTest() == null ? 0 : q.farTest().flagged().size());
    int odd = q.oddTrain().size() + q.oddTest().size();
    if (blank + far + odd == 0) return null;
    Map<String, Object> ev = new LinkedHashMap<>();
    ev.put("blank_training_images", q.blankTrain().size());
    ev.put("blank_test_images", q.blankTest().size());
    ev.put("training_images_of_another_size_or_colour_mode", q.oddTrain().size());
    ev.put("test_images_of_another_size_or_colour_mode", q.oddTest().size());
    if (q.farTrain() != null) ev.put("training_images_far_from_their_class", q.farTrain().flagged().size());
    if (q.farTest() != null) ev.put("test_images_far_from_their_class", q.farTest().flagged().size());
    ev.put("z_threshold", DataQuality.FAR_Z);
    List<String> parts = new ArrayList<>();
    if (blank > 0) parts.add(blank + " blank image" + (blank == 1 ? "" : "s"));
    if (odd > 0) parts.add(odd + " of another size or colour mode");
    if (far > 0) {
      parts.add(parts.isEmpty() ? String.format(Locale.ROOT, "%d image%s far from %s class in the network's features",
          far, far == 1 ? " is" : "s are", far == 1 ? "its" : "their") : far + " far from their class");
    }
    String title = String.join(", ", parts);
    title = Character.toUpperCase(title.charAt(0)) + title.substring(1);
    return new Finding(Finding.Kind.OUTLIERS, blank + odd > 0 ? Severity.WARNING : Severity.INFO, title, ev,
        Figures.OUTLIERS, "Blank images carry no information but a label; images unlike the rest of their class are"
            + " often mislabeled, damaged or from another source. Look at them and drop those that do not belong.",
        List.of());
  }

  static Finding shift(DataQuality q, List<String> names) {
    Shift.Result s = q.shift();
    double[] tr = s.classes().trainFractions(), te = s.classes().testFractions();
    int worst = 0;
    for (int c = 1; c < tr.length; c++) if (Math.abs(tr[c] - te[c]) > Math.abs(tr[worst] - te[worst])) worst = c;
    boolean classes = s.classes().pValue() < SHIFT_P && Math.abs(tr[worst] - te[worst]) > SHIFT_PROPORTION;
    // Image statistics are compared class by class, so that another class mix is not taken for other images.
    boolean brightness = differ(s.brightnessWithinClass());
    boolean contrast = differ(s.contrastWithinClass());
    if (!classes && !brightness && !contrast) return null;
    Map<String, Object> ev = new LinkedHashMap<>();
    ev.put("class_proportions_p", s.classes().pValue());
    ev.put("largest_proportion_difference", names.get(worst) + String.format(Locale.ROOT, " %.1f%% vs %.1f%%",
        100 * tr[worst], 100 * te[worst]));
    ev.put("brightness_ks_d", s.brightness().statistic());
    ev.put("brightness_p", s.brightness().pValue());
    ev.put("brightness_means", List.of(s.brightness().mean1(), s.brightness().mean2()));
    ev.put("contrast_ks_d", s.contrast().statistic());
    ev.put("contrast_p", s.contrast().pValue());
    for (String what : List.of("brightness", "contrast")) {
      Shift.WithinClass w = what.equals("brightness") ? s.brightnessWithinClass() : s.contrastWithinClass();
      if (w.test() == null) continue;
      ev.put(what + "_within_class_worst", names.get(w.worstClass()));
      ev.put(what + "_within_class_ks_d", w.test().statistic());
      ev.put(what + "_within_class_p", w.pValue());
    }
    List<String> what = new ArrayList<>();
    if (classes) what.add("class proportions");
    if (brightness) what.add("brightness");
    if (contrast) what.add("contrast");
    // Different class proportions alone are usually a deliberate choice (or the imbalance finding); image statistics
    // that differ mean the test images were taken differently.
    Severity severity = brightness || contrast ? Severity.WARNING : Severity.INFO;
    return new Finding(Finding.Kind.DATASET_SHIFT, severity, "The test set differs from the training set in "
        + String.join(" and ", what), ev, Figures.CLASS_COUNTS, "A model learns the training distribution; test"
        + " images that look different (lighting, contrast, class mix) are misclassified more. Make the training"
        + " data cover what the test data shows, e.g. with brightness and contrast augmentation.",
        brightness || contrast ? List.of("--augment", "brightness=0.2,contrast=0.2") : List.of());
  }

  /** A within-class difference that is both significant (Bonferroni-corrected) and large. */
  private static boolean differ(Shift.WithinClass w) {
    return w.test() != null && w.pValue() < SHIFT_P && w.test().statistic() > SHIFT_D;
  }

  /** Every finding the evidence supports, most severe first. */
  public static List<Finding> findings(RunEvidence e) {
    List<Finding> out = new ArrayList<>();
    Finding divergence = divergence(e);
    if (divergence != null) out.add(divergence);
    Finding crawl = divergence == null ? learningRateTooLow(e) : null;
    if (crawl != null) out.add(crawl);
    if (divergence == null && crawl == null) {
      add(out, underfitting(e));
      add(out, overfitting(e));
      add(out, tooLittleTraining(e));
      add(out, oscillation(e));
    }
    add(out, classImbalance(e));
    out.addAll(gradientFindings(e));
    add(out, confusableClasses(e));
    Finding calibration = poorCalibration(e);
    if (calibration != null && out.stream().anyMatch(f -> f.severity() != Severity.INFO)) {
      // Diverged, crawling or imbalanced models are badly calibrated as a consequence: context, not a cause.
      calibration = new Finding(calibration.kind(), Severity.INFO, calibration.title(), calibration.evidence(),
          calibration.figure(), calibration.advice() + " Fix the findings above first: they make the confidences"
              + " wrong too.", calibration.tryFlags());
    }
    add(out, calibration);
    out.sort(Comparator.comparing((Finding f) -> f.severity()).reversed()
        .thenComparing(f -> f.kind().ordinal()));
    return List.copyOf(out);
  }

  private static void add(List<Finding> out, Finding f) {
    if (f != null) out.add(f);
  }

  static Finding divergence(RunEvidence e) {
    List<EpochMetrics> h = e.history();
    boolean nonFinite = h.stream().anyMatch(m -> !Double.isFinite(m.loss()));
    String stop = e.stopReason() == null ? "" : e.stopReason();
    boolean stopped = stop.contains("diverged") || stop.contains("NaN") || stop.contains("Infinity");
    double first = h.isEmpty() ? Double.NaN : h.get(0).loss(), last = h.isEmpty() ? Double.NaN : h.get(h.size() - 1).loss();
    boolean grew = h.size() >= 2 && Double.isFinite(first) && Double.isFinite(last) && last > DIVERGENCE_GROWTH * first;
    if (!nonFinite && !stopped && !grew) return null;
    double lr = h.isEmpty() ? Double.NaN : h.get(0).learningRate();
    Map<String, Object> ev = new LinkedHashMap<>();
    ev.put("first_epoch_loss", first);
    ev.put("last_epoch_loss", last);
    ev.put("learning_rate", lr);
    if (!stop.isEmpty()) ev.put("stop_reason", stop);
    String cause = nonFinite || stop.contains("NaN") || stop.contains("Infinity")
        ? "the loss became NaN or infinite: the updates overflowed float32"
        : "the loss grew far past its starting value instead of falling";
    return new Finding(Finding.Kind.DIVERGENCE, Severity.CRITICAL, "Training diverged: " + cause,
        ev, Figures.LEARNING_CURVES, String.format(Locale.ROOT, "Each step overshoots: with a learning rate of %s the"
            + " weights grow instead of settling. Lower the rate about tenfold (--lr; 'cnn lr-find' with the same"
            + " options measures a good one), or clip the gradients; nothing else in this diagnosis is meaningful"
            + " until the loss falls.", num(lr)),
        Double.isFinite(lr) ? List.of("--lr", num(lr / 10)) : List.of());
  }

  static Finding learningRateTooLow(RunEvidence e) {
    List<EpochMetrics> h = e.history();
    if (h.size() < 2) return null;
    double first = h.get(0).loss(), last = h.get(h.size() - 1).loss();
    double drop = (first - last) / first;
    double chance = 1.0 / e.classNames().size();
    double accuracy = h.get(h.size() - 1).accuracy();
    if (!(drop < CRAWL_DROP) || accuracy >= CRAWL_ACCURACY_OVER_CHANCE * chance) return null;
    double lr = h.get(h.size() - 1).learningRate();
    Map<String, Object> ev = new LinkedHashMap<>();
    ev.put("first_epoch_loss", first);
    ev.put("last_epoch_loss", last);
    ev.put("relative_drop", drop);
    ev.put("train_accuracy", accuracy);
    ev.put("chance_accuracy", chance);
    ev.put("learning_rate", lr);
    double suggested = lr < 1e-4 ? 1e-3 : lr * 10;
    return new Finding(Finding.Kind.LEARNING_RATE_TOO_LOW, Severity.WARNING,
        String.format(Locale.ROOT, "The learning rate is too low: the loss fell %.1f%% in %d epochs", 100 * drop,
            h.size()), ev, Figures.LEARNING_CURVES,
        String.format(Locale.ROOT, "The model is still near chance (%.0f%% training accuracy, chance %.0f%%) because"
            + " each step barely moves the weights. Raise the rate (--lr %s, or the rate 'cnn lr-find' with the same"
            + " options suggests), then look again.", 100 * accuracy,
            100 * chance, num(suggested)), List.of("--lr", num(suggested)));
  }

  static Finding underfitting(RunEvidence e) {
    List<EpochMetrics> h = e.history();
    if (h.size() < FLAT_EPOCHS + 1) return null;
    double last = h.get(h.size() - 1).accuracy(), before = h.get(h.size() - 1 - FLAT_EPOCHS).accuracy();
    if (!(last < UNDERFIT_ACCURACY) || last - before >= FLAT_GAIN) return null;
    Map<String, Object> ev = new LinkedHashMap<>();
    ev.put("train_accuracy", last);
    ev.put("train_accuracy_" + FLAT_EPOCHS + "_epochs_before", before);
    ev.put("epochs", h.size());
    return new Finding(Finding.Kind.UNDERFITTING, Severity.WARNING,
        String.format(Locale.ROOT, "Underfitting: training accuracy is %.0f%% and no longer rising", 100 * last), ev,
        Figures.LEARNING_CURVES, "The model cannot fit even its training images. Give it more capacity (a larger"
            + " --model such as vgg-small), train longer, or raise the learning rate; less dropout or weight decay"
            + " also helps.", List.of("--model", "vgg-small"));
  }

  static Finding overfitting(RunEvidence e) {
    List<EpochMetrics> h = e.history();
    if (h.isEmpty()) return null;
    EpochMetrics last = h.get(h.size() - 1);
    Map<String, Object> ev = new LinkedHashMap<>();
    if (!Double.isNaN(last.valLoss())) {
      int best = 0;
      for (int i = 1; i < h.size(); i++) if (h.get(i).valLoss() < h.get(best).valLoss()) best = i;
      double bestLoss = h.get(best).valLoss(), gap = last.accuracy() - last.valAccuracy();
      boolean rising = best <= h.size() - 3 && last.valLoss() > (1 + OVERFIT_RISE) * bestLoss && gap >= OVERFIT_GAP;
      boolean stalledWithGap = best <= h.size() - 4 && gap >= OVERFIT_TEST_GAP;
      if (!rising && !stalledWithGap) return null;
      ev.put("best_val_loss", bestLoss);
      ev.put("best_epoch", best + 1);
      ev.put("last_val_loss", last.valLoss());
      ev.put("train_accuracy", last.accuracy());
      ev.put("val_accuracy", last.valAccuracy());
      return overfit(e, ev, String.format(Locale.ROOT, "Overfitting: validation loss is %.0f%% above its best (epoch"
          + " %d of %d) while training accuracy is %.0f points above validation", 100 * (last.valLoss() / bestLoss - 1),
          best + 1, h.size(), 100 * gap));
    }
    double test = accuracy(e.testConfusion()), gap = last.accuracy() - test;
    if (gap < OVERFIT_TEST_GAP) return null;
    ev.put("train_accuracy", last.accuracy());
    ev.put("test_accuracy", test);
    return overfit(e, ev, String.format(Locale.ROOT, "Overfitting: training accuracy %.0f%%, test accuracy %.0f%%",
        100 * last.accuracy(), 100 * test));
  }

  private static Finding overfit(RunEvidence e, Map<String, Object> ev, String title) {
    // Early stopping put back the best epoch's weights: the run overfitted, the model it kept did not.
    boolean caught = e.stopReason() != null && e.stopReason().toLowerCase(Locale.ROOT).contains("early stopping");
    if (caught) ev.put("stopped_by_early_stopping", true);
    return new Finding(Finding.Kind.OVERFITTING, caught ? Severity.INFO : Severity.WARNING,
        caught ? title + " (early stopping kept the best epoch)" : title, ev, Figures.LEARNING_CURVES,
        "The model memorises its training images instead of learning what generalises. Stop at the best epoch"
            + " (--early-stopping with --val-split), add augmentation (--augment), weight decay (--weight-decay) or"
            + " dropout, or train on more images.", List.of("--early-stopping", "5", "--augment", "shift=0.1"));
  }

  static Finding tooLittleTraining(RunEvidence e) {
    List<EpochMetrics> h = e.history();
    if (h.size() < 2 || e.stopReason() != null || h.size() < e.epochsPlanned()) return null;
    boolean validation = !Double.isNaN(h.get(h.size() - 1).valLoss());
    double last = validation ? h.get(h.size() - 1).valLoss() : h.get(h.size() - 1).loss();
    double prev = validation ? h.get(h.size() - 2).valLoss() : h.get(h.size() - 2).loss();
    double gain = (prev - last) / prev;
    if (!(gain > STILL_IMPROVING)) return null;
    Map<String, Object> ev = new LinkedHashMap<>();
    ev.put(validation ? "val_loss_before_last_epoch" : "loss_before_last_epoch", prev);
    ev.put(validation ? "val_loss_last_epoch" : "loss_last_epoch", last);
    ev.put("relative_improvement", gain);
    ev.put("epochs", h.size());
    return new Finding(Finding.Kind.TOO_LITTLE_TRAINING, Severity.WARNING,
        String.format(Locale.ROOT, "Too little training: the %s loss still fell %.0f%% in the last epoch",
            validation ? "validation" : "training", 100 * gain), ev, Figures.LEARNING_CURVES,
        "The run ended while it was still learning. Train for more epochs; with --early-stopping it stops by itself"
            + " when the validation loss stops improving.", List.of("--epochs", Integer.toString(2 * h.size())));
  }

  static Finding oscillation(RunEvidence e) {
    List<EpochMetrics> h = e.history();
    if (h.size() < OSCILLATION_SIGN_CHANGES + 2) return null;
    int changes = 0;
    for (int i = 2; i < h.size(); i++) {
      double d1 = h.get(i - 1).loss() - h.get(i - 2).loss(), d2 = h.get(i).loss() - h.get(i - 1).loss();
      double scale = h.get(0).loss(); // the untrained loss: late, small losses wiggle by large ratios
      boolean big = Math.abs(d1) > OSCILLATION_AMPLITUDE * scale && Math.abs(d2) > OSCILLATION_AMPLITUDE * scale;
      if (big && Math.signum(d1) != Math.signum(d2)) changes++;
    }
    if (changes < OSCILLATION_SIGN_CHANGES) return null;
    double lr = h.get(h.size() - 1).learningRate();
    Map<String, Object> ev = new LinkedHashMap<>();
    ev.put("direction_changes", changes);
    ev.put("learning_rate", lr);
    return new Finding(Finding.Kind.LEARNING_RATE_TOO_HIGH, Severity.WARNING,
        "The learning rate is too high: the training loss swings up and down " + changes + " times", ev,
        Figures.LEARNING_CURVES, "Each step overshoots the minimum and the loss bounces. Lower the rate (--lr; 'cnn"
            + " lr-find' with the same options suggests one) or decay it (--lr-schedule cosine).",
        List.of("--lr", num(lr / 3)));
  }

  static Finding classImbalance(RunEvidence e) {
    int[] counts = e.trainCounts();
    int k = counts.length, max = Arrays.stream(counts).max().orElse(0), min = Arrays.stream(counts).min().orElse(0);
    if (k < 2 || min <= 0 || (double) max / min < IMBALANCE_RATIO) return null;
    int[] sorted = counts.clone();
    Arrays.sort(sorted);
    double median = k % 2 == 1 ? sorted[k / 2] : (sorted[k / 2 - 1] + sorted[k / 2]) / 2.0;
    List<String> rare = new ArrayList<>();
    double rareRecall = 0, otherRecall = 0;
    int others = 0;
    for (int c = 0; c < k; c++) {
      double r = recall(e.testConfusion(), c);
      if (counts[c] < RARE_SHARE * median) {
        rare.add(e.classNames().get(c));
        rareRecall += r;
      } else {
        otherRecall += r;
        others++;
      }
    }
    if (rare.isEmpty() || others == 0) return null;
    rareRecall /= rare.size();
    otherRecall /= others;
    Severity s = rareRecall <= CRITICAL_RECALL_RATIO * otherRecall ? Severity.CRITICAL
        : otherRecall - rareRecall >= RECALL_GAP ? Severity.WARNING : Severity.INFO;
    Map<String, Object> ev = new LinkedHashMap<>();
    ev.put("imbalance_ratio", (double) max / min);
    ev.put("rare_classes", List.copyOf(rare));
    ev.put("rare_recall", rareRecall);
    ev.put("other_recall", otherRecall);
    ev.put("train_counts", Arrays.stream(counts).boxed().toList());
    return new Finding(Finding.Kind.CLASS_IMBALANCE, s, String.format(Locale.ROOT, "%d rare class%s (%s): recall"
        + " %.0f%% against %.0f%% for the others", rare.size(), rare.size() == 1 ? "" : "es", String.join(", ", rare),
        100 * rareRecall, 100 * otherRecall), ev, Figures.CLASS_COUNTS,
        String.format(Locale.ROOT, "The largest class has %.0fx the images of the smallest, so the loss is mostly about"
            + " the large classes. Weight the loss by inverse class frequency (--class-weights balanced), or repeat the"
            + " rare images (--oversample); more images of the rare classes help most.", (double) max / min),
        List.of("--class-weights", "balanced"));
  }

  static List<Finding> gradientFindings(RunEvidence e) {
    List<Finding> out = new ArrayList<>();
    if (e.diagnostics().isEmpty()) return out;
    Diagnostics.Epoch last = e.diagnostics().get(e.diagnostics().size() - 1);
    List<String> dead = new ArrayList<>();
    double worst = 0;
    for (Map.Entry<String, Double> z : last.reluZeroFractions().entrySet()) {
      if (z.getValue() > DEAD_RELU_FRACTION) dead.add(z.getKey());
      worst = Math.max(worst, z.getValue());
    }
    if (!dead.isEmpty()) {
      Map<String, Object> ev = new LinkedHashMap<>();
      ev.put("layers", List.copyOf(dead));
      ev.put("largest_zero_fraction", worst);
      out.add(new Finding(Finding.Kind.DEAD_RELUS, Severity.WARNING, String.format(Locale.ROOT, "Dead ReLUs: layer%s %s"
          + " output%s zero for over %.0f%% of inputs", dead.size() == 1 ? "" : "s", String.join(", ", dead),
          dead.size() == 1 ? "s" : "", 100 * DEAD_RELU_FRACTION), ev, Figures.DEAD_RELUS,
          "Units that are never active get no gradient and never recover, so the layer has lost its capacity. A lower"
              + " learning rate or batch normalisation usually prevents it.", List.of()));
    }
    double max = last.gradientNorms().values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    List<String> vanishing = new ArrayList<>();
    for (Map.Entry<String, Double> g : last.gradientNorms().entrySet()) {
      if (g.getKey().endsWith("weight") && g.getValue() < VANISHING_RATIO * max) vanishing.add(g.getKey());
    }
    if (!vanishing.isEmpty() && max > 0) {
      Map<String, Object> ev = new LinkedHashMap<>();
      ev.put("parameters", List.copyOf(vanishing));
      ev.put("largest_gradient_norm", max);
      out.add(new Finding(Finding.Kind.VANISHING_GRADIENTS, Severity.WARNING, "Vanishing gradients: "
          + String.join(", ", vanishing) + " get almost no gradient", ev, Figures.GRADIENTS,
          "These weights no longer learn. Batch normalisation, a ReLU-family activation and He initialisation keep"
              + " gradients alive in deep stacks.", List.of()));
    }
    Diagnostics.Epoch first = e.diagnostics().get(0);
    double firstMax = first.gradientNorms().values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    if (max > EXPLODING_NORM || (firstMax > 0 && max / firstMax > EXPLODING_NORM) || !Double.isFinite(max)) {
      Map<String, Object> ev = new LinkedHashMap<>();
      ev.put("largest_gradient_norm", max);
      ev.put("first_epoch_largest_gradient_norm", firstMax);
      out.add(new Finding(Finding.Kind.EXPLODING_GRADIENTS, Severity.WARNING, String.format(Locale.ROOT,
          "Exploding gradients: the largest gradient norm is %s", num(max)), ev, Figures.GRADIENTS,
          "Steps this large throw the weights around. Lower the learning rate, or clip the gradients' global norm.",
          e.history().isEmpty() ? List.of()
              : List.of("--lr", num(e.history().get(e.history().size() - 1).learningRate() / 10))));
    }
    return out;
  }

  static Finding confusableClasses(RunEvidence e) {
    int[][] m = e.testConfusion();
    int k = m.length;
    if (k < 3) return null;
    long errors = 0;
    int bestA = -1, bestB = -1, bestCount = 0;
    for (int a = 0; a < k; a++) {
      for (int b = 0; b < k; b++) if (a != b) errors += m[a][b];
      for (int b = a + 1; b < k; b++) {
        int n = m[a][b] + m[b][a];
        if (n > bestCount) {
          bestCount = n;
          bestA = a;
          bestB = b;
        }
      }
    }
    if (errors == 0 || bestCount < CONFUSED_PAIR_MIN_ERRORS || (double) bestCount / errors < CONFUSED_PAIR_SHARE) {
      return null;
    }
    String a = e.classNames().get(bestA), b = e.classNames().get(bestB);
    Map<String, Object> ev = new LinkedHashMap<>();
    ev.put("pair", List.of(a, b));
    ev.put(a + "_as_" + b, m[bestA][bestB]);
    ev.put(b + "_as_" + a, m[bestB][bestA]);
    ev.put("share_of_errors", (double) bestCount / errors);
    return new Finding(Finding.Kind.CONFUSABLE_CLASSES, Severity.INFO, String.format(Locale.ROOT,
        "%s and %s are confused: %d errors, %.0f%% of all test errors", a, b, bestCount, 100.0 * bestCount / errors),
        ev, Figures.confusedPair(bestA, bestB), "Most errors come from this one pair. Look at its examples: if the images are"
            + " ambiguous, more (or cleaner) labelled examples of both classes help more than a larger model.",
        List.of());
  }

  static Finding poorCalibration(RunEvidence e) {
    double ece = e.expectedCalibrationError();
    if (Double.isNaN(ece) || ece <= POOR_ECE) return null;
    Map<String, Object> ev = new LinkedHashMap<>();
    ev.put("expected_calibration_error", ece);
    return new Finding(Finding.Kind.POOR_CALIBRATION, Severity.WARNING, String.format(Locale.ROOT,
        "Poorly calibrated: confidences are off by %.0f points on average (ECE)", 100 * ece), ev, Figures.RELIABILITY,
        "The predicted probabilities do not match how often the model is right, so they cannot be trusted as"
            + " confidences. Label smoothing (CrossEntropyLoss.builder().labelSmoothing(0.1)) or temperature scaling"
            + " on validation data fixes most of it.", List.of());
  }

  /** Recall of class c: its correct predictions over its images (0 when it has none). */
  static double recall(int[][] m, int c) {
    int n = 0;
    for (int v : m[c]) n += v;
    return n == 0 ? 0 : (double) m[c][c] / n;
  }

  static double accuracy(int[][] m) {
    long n = 0, correct = 0;
    for (int t = 0; t < m.length; t++) {
      for (int p = 0; p < m.length; p++) n += m[t][p];
      correct += m[t][t];
    }
    return n == 0 ? 0 : (double) correct / n;
  }

  /** A number as flags take it: 0.0001, 5, 1e-07. */
  static String num(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e9) return Long.toString((long) v);
    return String.format(Locale.ROOT, "%.3g", v).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replace(".e", "e")
        .replaceAll("\\.$", "");
  }
}
