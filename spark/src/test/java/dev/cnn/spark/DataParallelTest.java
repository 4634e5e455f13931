package dev.cnn.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.layers.BatchNorm2d;
import dev.cnn.layers.Conv2d;
import dev.cnn.layers.Dense;
import dev.cnn.layers.Flatten;
import dev.cnn.layers.MaxPool2d;
import dev.cnn.layers.Model;
import dev.cnn.layers.ReLU;
import dev.cnn.layers.Sequential;
import dev.cnn.layers.io.ModelFiles;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Data-parallel training in Spark's local mode (2 worker threads): with K = 1 and plain SGD, N
 * workers with batch B end where one process with batch N*B ends (20 steps, 1e-5); with K > 1 and
 * Adam it trains (the loss falls) and is deterministic.
 */
class DataParallelTest {
  static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("DataParallelTest")
        .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1"));
    sc.setLogLevel("WARN");
  }

  @AfterAll
  static void stop() {
    sc.stop();
  }

  /**
   * Conv, ReLU, pool, dense; with batch norm after the convolution when asked (its statistics are
   * averaged too). Batch norm normalises each worker's batch by that batch's own statistics, so
   * with it N batches of B are not one batch of N*B: the equivalence needs a model without it.
   */
  static String architecture(boolean batchNorm) {
    Sequential.Builder b = Sequential.builder(1, 28, 28).add(Conv2d.builder(1, 4).kernel(3).build());
    if (batchNorm) b.add(BatchNorm2d.of(4));
    Sequential m = b.add(new ReLU()).add(MaxPool2d.of(2)).add(new Flatten()).add(Dense.of(4 * 13 * 13, 8)).build(1);
    return ModelFiles.architectureJson(m);
  }

  @Test
  void oneStepAveragesOfSgdEqualOneProcessWithTheWholeBatch() {
    DataParallel.Job job = new DataParallel.Job(architecture(false), "shapes:7:320", "sgd", 0.05, 2, 8, 1, 20, 11);
    DataParallel.Result r = DataParallel.train(sc, job);
    Model reference = DataParallel.trainSingleProcess(job);
    assertEquals(20, r.rounds().size());
    double worst = 0;
    for (Map.Entry<String, Tensor> e : reference.stateDict().entrySet()) {
      float[] want = e.getValue().to(DType.FLOAT32).floatData();
      float[] got = r.model().stateDict().get(e.getKey()).to(DType.FLOAT32).floatData();
      for (int i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - got[i]));
    }
    System.out.println("K = 1, SGD, 2 workers x 8 against 1 x 16, 20 steps: largest difference " + worst);
    assertTrue(worst <= 1e-5, "largest difference from the single-process run: " + worst);
  }

  @Test
  void localStepsWithAdamTrainAndRepeat() {
    DataParallel.Job job = new DataParallel.Job(architecture(true), "shapes:3:512", "adam", 3e-3, 2, 16, 4, 32, 5);
    DataParallel.Result a = DataParallel.train(sc, job), b = DataParallel.train(sc, job);
    List<DataParallel.Round> rounds = a.rounds();
    assertEquals(8, rounds.size());
    assertTrue(rounds.get(7).loss() < 0.8 * rounds.get(0).loss(), "the loss falls: " + rounds);
    assertEquals(a.model().stateDict().keySet(), b.model().stateDict().keySet());
    a.model().stateDict().forEach((k, v) -> assertEquals(java.util.Arrays.toString(v.floatData()),
        java.util.Arrays.toString(b.model().stateDict().get(k).floatData()), k + ": the same job gives the same weights"));
  }

  @Test
  void badJobsAreRefusedWithTheReason() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DataParallel.Job(architecture(false), "shapes:1:100", "sgd", 0.1, 2, 8, 4, 10, 1));
    assertTrue(e.getMessage().contains("steps = 10; expected a positive multiple of sync every (4)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new DataParallel.Job(architecture(false), "shapes:1:100", "lamb", 0.1, 2, 8, 1, 10, 1));
    assertTrue(e.getMessage().contains("optimizer = lamb; expected sgd or adam"), e.getMessage());
  }
}
