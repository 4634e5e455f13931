package dev.cnn.learn;

import java.util.List;

/**
 * The course in learn/: each lesson's number, title, text (a Markdown file under {@code learn/})
 * and program (a class with a {@code main} in this package). {@code ./cnn learn} lists them and
 * {@code ./cnn learn N} runs one; LessonsTest runs every program and checks that the numbers the
 * text quotes are the numbers it prints.
 */
public final class Lessons {
  private Lessons() {}

  /** One lesson: its number, title, Markdown file (relative to the repository root) and program. */
  public record Lesson(int number, String title, String text, Class<?> program) {}

  /** The lessons, in reading order. */
  public static final List<Lesson> ALL = List.of(
      new Lesson(1, "Backpropagation on single numbers", "learn/01-scalars.md", Lesson01Scalars.class),
      new Lesson(2, "The engine's Variable and its graph", "learn/02-variables.md", Lesson02Variables.class),
      new Lesson(3, "Checking gradients", "learn/03-gradient-checks.md", Lesson03GradientChecks.class),
      new Lesson(4, "A dense layer by hand", "learn/04-dense.md", Lesson04Dense.class),
      new Lesson(5, "Convolution by hand", "learn/05-convolution.md", Lesson05Convolution.class),
      new Lesson(6, "Pooling and ReLU backward", "learn/06-pooling-relu.md", Lesson06PoolingRelu.class),
      new Lesson(7, "Softmax cross-entropy: the gradient p - y", "learn/07-softmax-cross-entropy.md",
          Lesson07SoftmaxCrossEntropy.class),
      new Lesson(8, "Optimisers by hand", "learn/08-optimizers.md", Lesson08Optimizers.class),
      new Lesson(9, "A CNN trained with the loop written out", "learn/09-training-loop.md", Lesson09TrainingLoop.class),
      new Lesson(10, "Why is my CNN misclassifying?", "learn/10-diagnose.md", Lesson10Diagnose.class));

  /**
   * The lesson of this number.
   *
   * @throws IllegalArgumentException naming the lessons there are
   */
  public static Lesson get(int number) {
    for (Lesson l : ALL) if (l.number() == number) return l;
    throw new IllegalArgumentException("there is no lesson " + number + "; the lessons are 1 to " + ALL.size()
        + " ('cnn learn' lists them)");
  }
}
