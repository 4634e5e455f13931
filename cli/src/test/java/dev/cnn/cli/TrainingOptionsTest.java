package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnn.data.SyntheticShapes;
import dev.cnn.layers.ClassificationLoss;
import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.FocalLoss;
import dev.cnn.layers.Model;
import dev.cnn.optim.Optimizer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training options that expose what the API already had: --loss and --focal-gamma,
 * --label-smoothing, --clip-norm, --reduce-lr-on-plateau, --min-delta and
 * --no-decay-on-bias-and-norm. Each reaches the run, is saved in its config and resumes with it,
 * and each bad value is refused before training with a message that names it.
 */
class TrainingOptionsTest {
  @TempDir Path dir;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theLossFollowsLossFocalGammaAndLabelSmoothing() {
    var shapes = SyntheticShapes.builder().trainSize(40).testSize(10).seed(1).build().train();
    List<String> names = shapes.classNames();
    ClassificationLoss focal = TrainingRun.loss(PresetTest.config("--loss", "focal", "--focal-gamma", "1.5"), shapes, names);
    assertEquals(1.5, assertInstanceOf(FocalLoss.class, focal).gamma());
    ClassificationLoss smoothed = TrainingRun.loss(PresetTest.config("--label-smoothing", "0.1"), shapes, names);
    assertEquals(0.1, assertInstanceOf(CrossEntropyLoss.class, smoothed).labelSmoothing());
    assertEquals(0.0, assertInstanceOf(CrossEntropyLoss.class, TrainingRun.loss(PresetTest.config(), shapes, names))
        .labelSmoothing());
  }

  @Test
  void noDecayOnBiasAndNormExemptsEveryOneDimensionalParameter() throws Exception {
    TrainingRun.Config c = PresetTest.config("--optimizer", "adamw", "--no-decay-on-bias-and-norm", "--model", "vgg-small");
    var shapes = SyntheticShapes.builder().trainSize(40).testSize(10).seed(1).build().train();
    Model model = TrainingRun.newModel(c, shapes, shapes.classes(), 1);
    Optimizer o = TrainingRun.optimizer(c, model);
    List<String> oneDimensional = model.parameters().entrySet().stream().filter(e -> e.getValue().value().rank() == 1)
        .map(java.util.Map.Entry::getKey).toList();
    assertTrue(oneDimensional.size() > 0 && oneDimensional.size() < model.parameters().size(),
        "biases and norms, not the kernels: " + oneDimensional);
    assertEquals(java.util.Set.copyOf(oneDimensional), o.exemptFromWeightDecay());
    assertEquals(false, o.hyperparameters().get("decay_bias_and_norm"));
    assertTrue(TrainingRun.optimizer(PresetTest.config("--optimizer", "adamw"), model).exemptFromWeightDecay().isEmpty());
  }

  @Test
  void everyOptionReachesTheRunItsConfigAndItsResume() throws Exception {
    Path run = dir.resolve("run");
    // The loss cannot improve by 100 in an epoch: the plateau callback halves the rate after one epoch without.
    CnnTest.Run r = CnnTest.run("train", "--loss", "focal", "--focal-gamma", "1.5", "--clip-norm", "1",
        "--reduce-lr-on-plateau", "1,0.5", "--min-delta", "100", "--monitor", "loss", "--optimizer", "adamw",
        "--no-decay-on-bias-and-norm", "--limit", "300,60", "--epochs", "3", "--threads", "2", "--no-report",
        "--out", run.toString());
    assertEquals(0, r.exitCode(), r.err());
    JsonNode config = JSON.readTree(run.resolve(TrainingRun.METRICS).toFile()).get("config");
    assertEquals("focal", config.get("loss").asText());
    assertEquals(1.5, config.get("focal_gamma").asDouble());
    assertEquals(0.0, config.get("label_smoothing").asDouble());
    assertEquals(1.0, config.get("clip_norm").asDouble());
    assertEquals("1,0.5", config.get("reduce_lr_on_plateau").asText());
    assertEquals(100.0, config.get("min_delta").asDouble());
    assertTrue(config.get("no_decay_on_bias_and_norm").asBoolean());
    double[] lr = learningRates(run);
    assertEquals(3, lr.length);
    assertEquals(0.001, lr[0], 1e-15);
    assertEquals(lr[0] * 0.5, lr[2], 1e-15, "halved once the loss failed to improve by 100: " + java.util.Arrays.toString(lr));

    // Resume: the plateau's counters and the optimiser's exemptions come back from the checkpoint.
    r = CnnTest.run("train", "--resume", run.toString(), "--epochs", "4", "--no-report");
    assertEquals(0, r.exitCode(), r.err());
    lr = learningRates(run);
    assertEquals(4, lr.length);
    assertEquals(lr[2] * 0.5, lr[3], 1e-15, "still no improvement by 100: halved again");
    r = CnnTest.run("train", "--resume", run.toString(), "--epochs", "5", "--clip-norm", "2", "--no-report");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("--clip-norm 1.0, not 2.0"), r.err());
  }

  @Test
  void perStepSchedulesParseAndBadOnesAreRefused() {
    assertTrue(TrainingRun.schedule(PresetTest.config("--lr-schedule", "one-cycle", "--epochs", "3")).perStep());
    assertTrue(TrainingRun.schedule(PresetTest.config("--lr-schedule", "one-cycle:0.25")).perStep());
    assertTrue(TrainingRun.schedule(PresetTest.config("--lr-schedule", "warmup-steps:100,cosine")).perStep());
    assertFalse(TrainingRun.schedule(PresetTest.config("--lr-schedule", "warmup:2,cosine")).perStep());
    refused("--lr-schedule one-cycle:1.5: one-cycle schedule: pctStart = 1.5; expected a value in (0, 1)",
        "--lr-schedule", "one-cycle:1.5");
    refused("--lr-schedule warmup-steps:0,cosine: warmup-steps needs a whole number of steps >= 1",
        "--lr-schedule", "warmup-steps:0,cosine");
    refused("--lr-schedule warmup:2,one-cycle: one-cycle has its own warm-up", "--lr-schedule", "warmup:2,one-cycle");
  }

  @Test
  void theDefaultsLeaveTheConfigAsBefore() {
    var m = PresetTest.config().asMap();
    assertEquals("cross-entropy", m.get("loss"));
    assertEquals(null, m.get("focal_gamma"));
    assertEquals(null, m.get("clip_norm"));
    assertEquals(null, m.get("reduce_lr_on_plateau"));
    assertEquals(0.0, m.get("min_delta"));
    assertEquals(false, m.get("no_decay_on_bias_and_norm"));
  }

  @Test
  void badValuesAreRefusedNamingTheOption() {
    refused("--loss hinge: expected cross-entropy or focal", "--loss", "hinge");
    refused("--focal-gamma 1.0 is focal loss's exponent", "--focal-gamma", "1");
    refused("--focal-gamma -1.0: expected a finite value >= 0", "--loss", "focal", "--focal-gamma", "-1");
    refused("--label-smoothing 1.0: expected a value in [0, 1)", "--label-smoothing", "1");
    refused("focal loss has none", "--loss", "focal", "--label-smoothing", "0.1");
    refused("--clip-norm 0.0: expected a finite norm > 0", "--clip-norm", "0");
    refused("--clip-norm Infinity", "--clip-norm", "Infinity");
    for (String bad : List.of("0", "3,1.5", "3,0", "x", "3,0.5,1")) {
      refused("--reduce-lr-on-plateau " + bad + ": expected PATIENCE[,FACTOR]", "--reduce-lr-on-plateau", bad);
    }
    refused("--monitor val_loss needs validation data", "--reduce-lr-on-plateau", "2");
    refused("--min-delta 0.01 is the least improvement", "--min-delta", "0.01");
    refused("--min-delta -1.0: expected a finite value >= 0", "--early-stopping", "2", "--val-split", "0.1",
        "--min-delta", "-1");
    refused("--monitor loss is what --early-stopping and --reduce-lr-on-plateau watch", "--monitor", "loss");
    refused("--no-decay-on-bias-and-norm exempts parameters from weight decay, and --weight-decay is 0",
        "--no-decay-on-bias-and-norm");
    // accepted: the watched metric needs no validation data, or there is some
    assertFalse(PresetTest.config("--reduce-lr-on-plateau", "2", "--monitor", "loss").reduceLrOnPlateau().isEmpty());
    assertEquals(0.01, PresetTest.config("--early-stopping", "2", "--val-split", "0.1", "--min-delta", "0.01").minDelta());
  }

  private void refused(String message, String... args) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PresetTest.config(args),
        String.join(" ", args));
    assertTrue(e.getMessage().contains(message), "expected '" + message + "' in: " + e.getMessage());
    CnnTest.Run r = CnnTest.run(concat(concat(new String[] {"train"}, args), "--out", dir.resolve("refused").toString()));
    assertEquals(1, r.exitCode(), String.join(" ", args));
    assertTrue(r.err().contains(message), r.err());
    assertFalse(dir.resolve("refused").toFile().exists(), "nothing written for a refused run");
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static double[] learningRates(Path run) throws Exception {
    JsonNode history = JSON.readTree(run.resolve("history.json").toFile());
    JsonNode epochs = history.isArray() ? history : history.get("epochs");
    double[] lr = new double[epochs.size()];
    for (int i = 0; i < lr.length; i++) lr[i] = epochs.get(i).get("lr").asDouble();
    return lr;
  }
}
