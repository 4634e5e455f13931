package dev.cnn.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * Independent tasks run by class name come back in order; a task whose first attempt dies is run
 * again and its result is recorded once; and states travel as bytes and average exactly.
 */
class SparkTasksTest {
  /** Squares a number; the first attempt of every task fails, as if its executor were killed. */
  public static final class SquareAfterACrash implements TaskRunner {
    @Override
    public String run(String task) {
      if (TaskContext.get().attemptNumber() == 0) throw new IllegalStateException("executor lost (simulated)");
      long n = Long.parseLong(task);
      return Long.toString(n * n);
    }
  }

  @Test
  void tasksRunInOrderAndACrashedTaskIsRetriedAndRecordedOnce() {
    // local[2,3]: two threads, up to three attempts per task (Spark's retry on a lost executor)
    try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[2,3]").setAppName("SparkTasksTest")
        .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1"))) {
      sc.setLogLevel("ERROR");
      List<String> tasks = new ArrayList<>();
      for (int i = 1; i <= 7; i++) tasks.add(Integer.toString(i));
      List<String> results = SparkTasks.run(sc, SquareAfterACrash.class.getName(), tasks);
      assertEquals(List.of("1", "4", "9", "16", "25", "36", "49"), results);
    }
  }

  @Test
  void statesRoundTripAndAverage() {
    Map<String, Tensor> a = new LinkedHashMap<>(), b = new LinkedHashMap<>();
    a.put("w", Tensor.uniform(new Rng(1), DType.FLOAT32, -1, 1, 2, 3));
    a.put("m", Tensor.uniform(new Rng(2), DType.FLOAT64, -1, 1, 4));
    b.put("w", Tensor.uniform(new Rng(3), DType.FLOAT32, -1, 1, 2, 3));
    b.put("m", Tensor.uniform(new Rng(4), DType.FLOAT64, -1, 1, 4));
    Map<String, Tensor> back = StateCodec.decode(StateCodec.encode(a));
    assertEquals(List.of("w", "m"), new ArrayList<>(back.keySet()));
    assertEquals(java.util.Arrays.toString(a.get("w").floatData()), java.util.Arrays.toString(back.get("w").floatData()));
    assertEquals(java.util.Arrays.toString(a.get("m").doubleData()), java.util.Arrays.toString(back.get("m").doubleData()));
    Map<String, Tensor> mean = StateCodec.mean(List.of(a, b));
    assertEquals((a.get("m").doubleData()[3] + b.get("m").doubleData()[3]) / 2, mean.get("m").doubleData()[3], 0);
    assertEquals(DType.FLOAT32, mean.get("w").dtype());
  }
}
