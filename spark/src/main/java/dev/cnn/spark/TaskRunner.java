package dev.cnn.spark;

/**
 * One kind of independent job, run on an executor: a tuning trial, a cross-validation fold. A task
 * is described by a string (JSON, say) and answers with a string, so that what Spark ships is text,
 * never the engine's objects. The class needs a public constructor without arguments and must be
 * on the executors' class path (in the jar given to {@code spark-submit}); {@link SparkTasks}
 * creates one per task.
 */
public interface TaskRunner {
  /**
   * Runs one task.
   *
   * @param task the task's description, as the driver wrote it
   * @return the result, as the driver will read it
   * @throws Exception a failure, which Spark reports (and retries the task, up to its
   *     {@code spark.task.maxFailures})
   */
  String run(String task) throws Exception;
}
