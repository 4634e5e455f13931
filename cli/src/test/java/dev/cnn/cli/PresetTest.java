package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cnn.optim.Metric;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What each --preset sets, and that explicit options win over it (no training: parsing only). */
class PresetTest {
  static TrainingRun.Config config(String... args) {
    TrainCommand command = new TrainCommand();
    new CommandLine(command).parseArgs(args);
    try {
      return TrainingRun.Config.from(command);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void noPresetIsTheShapesDefault() {
    TrainingRun.Config c = config();
    assertEquals("shapes", c.dataset());
    assertEquals("fashionnet", c.model());
    assertEquals(4, c.epochs());
    assertEquals("constant", c.lrSchedule());
    assertEquals(0, c.earlyStopping());
    assertEquals(0.0, c.valSplit());
    assertEquals(Metric.VAL_LOSS, c.monitor());
  }

  @Test
  void fashionIsExampleTwo() {
    TrainingRun.Config c = config("--preset", "fashion");
    assertEquals("fashion-mnist", c.dataset());
    assertEquals("fashionnet", c.model());
    assertEquals(15, c.epochs());
    assertEquals(64, c.batchSize());
    assertEquals("adam", c.optimizer());
    assertEquals(1e-3, c.lr());
    assertEquals("cosine", c.lrSchedule());
    assertEquals(0.1, c.valSplit());
    assertEquals(4, c.earlyStopping());
    assertEquals(Metric.VAL_ACCURACY, c.monitor());
    assertEquals("", c.augment());
  }

  @Test
  void fashionBnAddsBatchNormAndAugmentation() {
    TrainingRun.Config c = config("--preset", "fashion_bn");
    assertEquals("vgg-small", c.model());
    assertEquals(30, c.epochs());
    assertEquals("shift=0.1,hflip,erase=0.25", c.augment());
    assertEquals(Metric.VAL_ACCURACY, c.monitor());
  }

  @Test
  void imbalanceCutsThreeClasses() {
    TrainingRun.Config c = config("--preset", "imbalance", "--class-weights", "balanced");
    assertEquals("Pullover=0.05,Coat=0.05,Shirt=0.05", c.subsample());
    assertEquals("balanced", c.classWeights());
  }

  @Test
  void explicitOptionsOverrideThePreset() {
    TrainingRun.Config c = config("--preset", "fashion", "--epochs", "3", "--lr-schedule", "constant",
        "--monitor", "loss", "--early-stopping", "2", "--val-split", "0", "--model", "lenet5");
    assertEquals(3, c.epochs());
    assertEquals("constant", c.lrSchedule());
    assertEquals(Metric.LOSS, c.monitor());
    assertEquals(2, c.earlyStopping());
    assertEquals(0.0, c.valSplit());
    assertEquals("lenet5", c.model());
  }

  @Test
  void fashionResnetTrainsTheResidualNetwork() {
    TrainingRun.Config c = config("--preset", "fashion_resnet");
    assertEquals("fashion-mnist", c.dataset());
    assertEquals("resnet-small", c.model());
    assertEquals(12, c.epochs());
    assertEquals("adamw", c.optimizer());
    assertEquals(2e-3, c.lr());
    assertEquals(5e-4, c.weightDecay());
    assertEquals(false, c.decayBiasAndNorm());
    assertEquals("warmup-steps:300,cosine", c.lrSchedule());
    assertEquals("hflip", c.augment());
    assertEquals(4, c.earlyStopping());
    assertEquals(Metric.VAL_ACCURACY, c.monitor());
    assertEquals(6, config("--preset", "fashion_resnet", "--epochs", "6").epochs(), "explicit options win");
  }
}
