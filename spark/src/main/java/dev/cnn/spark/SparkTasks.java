package dev.cnn.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Independent tasks on a Spark cluster: each task string becomes one partition, an executor runs it
 * with a new instance of the named {@link TaskRunner}, and the results come back in the tasks'
 * order. This is how {@code cnn tune --spark} runs trials and {@code cnn diagnose --label-errors
 * --spark} runs folds: the driver decides what to run and records the results (the study journal
 * stays on the driver), the executors only compute.
 *
 * <p>A task whose executor dies is run again by Spark (up to {@code spark.task.maxFailures}
 * attempts); since only the driver records results, and it records each task's one returned
 * result, a retried task is recorded once.
 */
public final class SparkTasks {
  private SparkTasks() {}

  /**
   * Runs every task, one Spark task each, and returns their results in order.
   *
   * @param runnerClass the fully qualified name of a {@link TaskRunner}
   * @throws IllegalArgumentException if there are no tasks or the class name is blank
   */
  public static List<String> run(JavaSparkContext sc, String runnerClass, List<String> tasks) {
    if (tasks == null || tasks.isEmpty()) throw new IllegalArgumentException("SparkTasks: no tasks to run");
    if (runnerClass == null || runnerClass.isBlank()) {
      throw new IllegalArgumentException("SparkTasks: no TaskRunner class name");
    }
    JavaRDD<String> rdd = sc.parallelize(new ArrayList<>(tasks), tasks.size());
    String name = runnerClass; // the closure captures a String only
    return rdd.map(task -> runner(name).run(task)).collect();
  }

  /** A new instance of the named runner, with the executor's class loader. */
  static TaskRunner runner(String className) throws ReflectiveOperationException {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    Class<?> c = Class.forName(className, true, loader != null ? loader : SparkTasks.class.getClassLoader());
    if (!TaskRunner.class.isAssignableFrom(c)) {
      throw new IllegalArgumentException(className + " is not a dev.cnn.spark.TaskRunner");
    }
    return (TaskRunner) c.getDeclaredConstructor().newInstance();
  }
}
