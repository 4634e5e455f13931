package dev.cnn.diagnose;

import dev.cnn.data.Augmentation;
import dev.cnn.data.Dataset;
import dev.cnn.tune.Direction;
import dev.cnn.tune.SearchSpace;
import dev.cnn.tune.Trial;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@link Report#write} renders: the run's evidence, the findings computed from it and
 * what the report header shows. Built with {@link #builder}; only the evidence and the findings
 * are required.
 *
 * @param runName the run's name, shown first (e.g. the run directory's name)
 * @param config the run's settings shown in the header, by name in insertion order (e.g.
 *     {@code epochs -> 10}); may be empty
 * @param trainCommand the command a finding's {@link Finding#tryFlags()} are appended to in the
 *     copyable line, e.g. {@code cnn train --data fashion}; {@code cnn train} by default
 * @param evidence the run's evidence
 * @param findings the findings, in any order (the report sorts them by severity)
 * @param reliability the reliability diagram's bins, or null (no reliability figure)
 * @param testCounts test images per class, k entries; by default the confusion matrix's row sums
 * @param galleries the test images to show (e.g. {@link Gallery#standard}); may be empty
 * @param augmentation what the augmentation preview shows, or null (no preview: the run did not augment)
 * @param labelErrors the suspected label errors (cnn diagnose --label-errors), or null (not searched)
 * @param study the hyperparameter study the run's options came from, or null
 */
public record ReportInputs(String runName, Map<String, String> config, String trainCommand, RunEvidence evidence,
    List<Finding> findings, Reliability reliability, int[] testCounts, List<Gallery> galleries,
    AugmentationSample augmentation, LabelErrors labelErrors, Study study) {

  /** The command line the try flags are appended to when none is given. */
  public static final String DEFAULT_TRAIN_COMMAND = "cnn train";

  public ReportInputs {
    Objects.requireNonNull(evidence, "evidence");
    findings = List.copyOf(findings);
    galleries = galleries == null ? List.of() : List.copyOf(galleries);
    runName = runName == null || runName.isBlank() ? "run" : runName;
    config = Collections.unmodifiableMap(new LinkedHashMap<>(config == null ? Map.of() : config));
    trainCommand = trainCommand == null || trainCommand.isBlank() ? DEFAULT_TRAIN_COMMAND : trainCommand.strip();
    int k = evidence.classNames().size();
    if (testCounts == null) {
      testCounts = new int[k];
      for (int t = 0; t < k; t++) for (int n : evidence.testConfusion()[t]) testCounts[t] += n;
    } else if (testCounts.length != k) {
      throw new IllegalArgumentException("ReportInputs: " + testCounts.length + " test counts for " + k
          + " classes; expected one count per class");
    } else {
      testCounts = testCounts.clone();
    }
  }

  /** The test images per class (a copy). */
  @Override
  public int[] testCounts() {
    return testCounts.clone();
  }

  /**
   * The bins of a reliability diagram: per confidence bin, the mean confidence, the accuracy and
   * the number of test images (the same numbers as {@code Calibration.Reliability}).
   *
   * @param ece the expected calibration error in [0, 1]
   */
  public record Reliability(double ece, double[] binConfidence, double[] binAccuracy, int[] binCounts) {
    public Reliability {
      Objects.requireNonNull(binConfidence, "binConfidence");
      Objects.requireNonNull(binAccuracy, "binAccuracy");
      Objects.requireNonNull(binCounts, "binCounts");
      if (binAccuracy.length != binConfidence.length || binCounts.length != binConfidence.length) {
        throw new IllegalArgumentException("ReportInputs.Reliability: " + binConfidence.length + " confidences, "
            + binAccuracy.length + " accuracies and " + binCounts.length + " counts; expected one of each per bin");
      }
      binConfidence = binConfidence.clone();
      binAccuracy = binAccuracy.clone();
      binCounts = binCounts.clone();
    }
  }

  /**
   * What the augmentation preview shows: training images beside what the run's augmentation
   * makes of them.
   *
   * @param images training images; the preview's rows are the first image of each class
   * @param augmentation the augmentation the run applied
   * @param spec its {@code --augment} text, shown in the caption
   * @param seed the seed of the preview's random draws
   */
  public record AugmentationSample(Dataset images, Augmentation augmentation, String spec, long seed) {
    public AugmentationSample {
      Objects.requireNonNull(images, "images");
      Objects.requireNonNull(augmentation, "augmentation");
      if (images.size() == 0) {
        throw new IllegalArgumentException("ReportInputs.AugmentationSample: no images; expected at least one");
      }
      spec = spec == null ? "" : spec;
    }
  }

  /**
   * The {@code cnn tune} study a run's options came from: its trials, shown as figures.
   *
   * @param directory the study's directory, as shown
   * @param space its search space
   * @param trials its finished trials
   * @param direction whether its objective is maximised
   * @param objective the objective's name, e.g. val_accuracy
   * @param seed its seed (the GP figure is fitted with it)
   */
  public record Study(String directory, SearchSpace space, List<Trial> trials, Direction direction, String objective,
      long seed) {
    public Study {
      trials = List.copyOf(trials);
    }
  }

  /** A builder for the report of {@code evidence} with {@code findings}. */
  public static Builder builder(RunEvidence evidence, List<Finding> findings) {
    return new Builder(evidence, findings);
  }

  /** Builds {@link ReportInputs}; every setter is optional. */
  public static final class Builder {
    private final RunEvidence evidence;
    private final List<Finding> findings;
    private String runName;
    private final Map<String, String> config = new LinkedHashMap<>();
    private String trainCommand;
    private Reliability reliability;
    private int[] testCounts;
    private final List<Gallery> galleries = new ArrayList<>();
    private AugmentationSample augmentation;
    private LabelErrors labelErrors;
    private Study study;

    private Builder(RunEvidence evidence, List<Finding> findings) {
      this.evidence = Objects.requireNonNull(evidence, "evidence");
      this.findings = new ArrayList<>(findings);
    }

    public Builder runName(String name) {
      this.runName = name;
      return this;
    }

    /** Adds the settings shown in the header; values are shown with {@link String#valueOf}. */
    public Builder config(Map<String, ?> settings) {
      settings.forEach((k, v) -> config.put(k, String.valueOf(v)));
      return this;
    }

    public Builder trainCommand(String command) {
      this.trainCommand = command;
      return this;
    }

    public Builder reliability(double ece, double[] binConfidence, double[] binAccuracy, int[] binCounts) {
      this.reliability = new Reliability(ece, binConfidence, binAccuracy, binCounts);
      return this;
    }

    public Builder testCounts(int[] counts) {
      this.testCounts = counts;
      return this;
    }

    /** Adds galleries of test images, shown in this order after the figures. */
    public Builder galleries(List<Gallery> more) {
      galleries.addAll(more);
      return this;
    }

    /** Shows the augmentation preview: {@code images} beside what {@code augmentation} makes of them. */
    public Builder augmentation(Dataset images, Augmentation augmentation, String spec, long seed) {
      this.augmentation = new AugmentationSample(images, augmentation, spec, seed);
      return this;
    }

    /** Shows the estimated label noise (add the suspects' gallery with {@link #galleries}). */
    public Builder labelErrors(LabelErrors errors) {
      this.labelErrors = errors;
      return this;
    }

    /** Shows the study the run's options came from. */
    public Builder study(Study s) {
      this.study = s;
      return this;
    }

    public ReportInputs build() {
      return new ReportInputs(runName, config, trainCommand, evidence, findings, reliability, testCounts, galleries,
          augmentation, labelErrors, study);
    }
  }
}
