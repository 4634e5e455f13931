package dev.cnn.diagnose;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnn.tensor.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code diagnosis.json}: every finding with its id, severity, title, evidence, figure, advice and
 * the flags to try, plus a summary; written atomically.
 * <pre>{"format": "cnn-diagnosis", "version": 1,
 *  "summary": {"findings": 2, "critical": 0, "warning": 1, "info": 1, "classes": 8, "epochs": 4},
 *  "findings": [{"id": "class-imbalance", "severity": "warning", "title": "...", "evidence": {...},
 *                "figure": "class-counts", "advice": "...", "try": ["--class-weights", "balanced"]}]}</pre>
 */
public final class DiagnosisJson {
  private DiagnosisJson() {}

  public static final String FORMAT = "cnn-diagnosis";

  /** The document for these findings of this run. */
  public static String text(RunEvidence e, List<Finding> findings) throws IOException {
    return text(e, findings, null, null);
  }

  /**
   * The document, with a {@code label_errors} section when {@code labelErrors} is not null: the
   * search's folds and epochs, the flagged count, the estimated noise rate, the noise matrix
   * {@code P(given = i | true = j)} as rows i and the estimated counts per given and true label;
   * and a {@code data} section when {@code data} is not null: duplicates, leaks, outliers and the
   * shift tests with their p-values.
   */
  public static String text(RunEvidence e, List<Finding> findings, LabelErrors labelErrors, DataQuality data)
      throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", 1);
    ObjectNode summary = root.putObject("summary");
    summary.put("findings", findings.size());
    for (Severity s : new Severity[] {Severity.CRITICAL, Severity.WARNING, Severity.INFO}) {
      summary.put(s.key(), findings.stream().filter(f -> f.severity() == s).count());
    }
    summary.put("classes", e.classNames().size());
    summary.put("epochs", e.history().size());
    if (!Double.isNaN(e.expectedCalibrationError())) summary.put("expected_calibration_error", e.expectedCalibrationError());
    ArrayNode list = root.putArray("findings");
    for (Finding f : findings) {
      ObjectNode o = list.addObject();
      o.put("id", f.kind().id());
      o.put("severity", f.severity().key());
      o.put("title", f.title());
      o.set("evidence", mapper.valueToTree(f.evidence()));
      o.put("figure", f.figure());
      o.put("advice", f.advice());
      ArrayNode t = o.putArray("try");
      f.tryFlags().forEach(t::add);
    }
    if (labelErrors != null) {
      ObjectNode le = root.putObject("label_errors");
      le.put("file", labelErrors.file());
      le.put("training_images", labelErrors.trainImages());
      le.put("folds", labelErrors.folds());
      le.put("epochs", labelErrors.epochs());
      le.put("filter", labelErrors.result().filter().name().toLowerCase(Locale.ROOT).replace('_', '-'));
      le.put("flagged", labelErrors.flagged());
      le.put("estimated_noise_rate", labelErrors.estimatedNoiseRate());
      le.set("classes", mapper.valueToTree(labelErrors.classNames()));
      le.set("noise_matrix", mapper.valueToTree(labelErrors.result().noiseMatrix()));
      le.set("estimated_counts", mapper.valueToTree(labelErrors.estimatedCounts()));
    }
    if (data != null) {
      ObjectNode d = root.putObject("data");
      d.put("training_images", data.trainImages());
      d.put("test_images", data.testImages());
      d.put("training_images_with_a_duplicate", data.trainDuplicates());
      d.put("duplicates_with_other_labels", data.duplicates().withinTrainLabelsDisagree().size());
      d.put("test_images_in_training_set", data.leaks());
      ArrayNode leaks = d.putArray("leaks");
      for (Duplicates.Pair p : data.duplicates().trainTest()) {
        leaks.addObject().put("train", data.trainIndex(p.a())).put("test", p.b()).put("kind", p.kind().name().toLowerCase(
            java.util.Locale.ROOT)).put("labels_disagree", p.labelsDisagree());
      }
      d.put("blank_training_images", data.blankTrain().size());
      d.put("blank_test_images", data.blankTest().size());
      d.put("training_images_of_another_size_or_colour_mode", data.oddTrain().size());
      d.put("test_images_of_another_size_or_colour_mode", data.oddTest().size());
      if (data.farTrain() != null) d.put("training_images_far_from_their_class", data.farTrain().flagged().size());
      if (data.farTest() != null) d.put("test_images_far_from_their_class", data.farTest().flagged().size());
      ArrayNode far = d.putArray("far_from_class");
      for (int set = 0; set < 2; set++) {
        Outliers.FarFromClass f = set == 0 ? data.farTrain() : data.farTest();
        if (f == null) continue;
        for (Outliers.FarPoint p : f.flagged()) {
          far.addObject().put("set", set == 0 ? "train" : "test")
              .put("index", set == 0 ? data.trainIndex(p.index()) : p.index()).put("z", p.z());
        }
      }
      ObjectNode shift = d.putObject("shift");
      shift.put("class_proportions_chi_square", data.shift().classes().statistic());
      shift.put("class_proportions_p", data.shift().classes().pValue());
      shift.put("brightness_ks_d", data.shift().brightness().statistic());
      shift.put("brightness_p", data.shift().brightness().pValue());
      shift.put("contrast_ks_d", data.shift().contrast().statistic());
      shift.put("contrast_p", data.shift().contrast().pValue());
      shift.put("brightness_within_class_p", data.shift().brightnessWithinClass().pValue());
      shift.put("contrast_within_class_p", data.shift().contrastWithinClass().pValue());
    }
    return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
  }

  /** Writes {@link #text} to file, atomically. */
  public static void write(Path file, RunEvidence e, List<Finding> findings) throws IOException {
    write(file, e, findings, null, null);
  }

  /** Writes {@link #text(RunEvidence, List, LabelErrors, DataQuality)} to file, atomically. */
  public static void write(Path file, RunEvidence e, List<Finding> findings, LabelErrors labelErrors,
      DataQuality data) throws IOException {
    AtomicFiles.writeString(file, text(e, findings, labelErrors, data));
  }
}
