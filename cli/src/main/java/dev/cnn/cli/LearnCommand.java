package dev.cnn.cli;

import dev.cnn.learn.Lessons;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cnn learn [N]}: the course in learn/. Without N, the list of lessons with their texts;
 * with N, lesson N's program runs (its output is what the text quotes).
 */
@Command(name = "learn", mixinStandardHelpOptions = true,
    description = {"The course: backpropagation from one number to a diagnosed CNN, in lessons that each pair a short"
        + " text (learn/NN-*.md) with a program whose output the text quotes.",
        "Without N: the list of lessons. With N: run lesson N's program."})
final class LearnCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "N", description = "The lesson to run.")
  Integer number;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (number == null) {
      out.println("The course (read the text, then run its program with 'cnn learn N'):");
      for (Lessons.Lesson l : Lessons.ALL) {
        out.printf("  %2d  %-45s %s%n", l.number(), l.title(), root().resolve(l.text()));
      }
      out.flush();
      return 0;
    }
    Lessons.Lesson l = Lessons.get(number);
    out.println("Lesson " + l.number() + ": " + l.title() + " (the text: " + root().resolve(l.text()) + ")");
    out.println();
    out.flush();
    PrintStream saved = System.out;
    try (PrintStream lines = new PrintStream(new LineForwarder(out), true, StandardCharsets.UTF_8)) {
      System.setOut(lines); // the program prints to System.out; its lines go to this command's output
      l.program().getMethod("main", String[].class).invoke(null, (Object) new String[0]);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof Exception ex) throw ex;
      throw e;
    } finally {
      System.setOut(saved);
    }
    return 0;
  }

  /** Bytes to a writer, a line at a time (UTF-8 decoded whole, so no character is split). */
  private static final class LineForwarder extends OutputStream {
    private final PrintWriter out;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineForwarder(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void write(int b) {
      line.write(b);
      if (b == '\n') flush();
    }

    @Override
    public void flush() {
      out.print(line.toString(StandardCharsets.UTF_8));
      out.flush();
      line.reset();
    }

    @Override
    public void close() {
      flush();
    }
  }

  /** The repository root the launcher passes ({@code -Dcnn.root}), else the working directory. */
  private static Path root() {
    String root = System.getProperty("cnn.root");
    return root == null ? Path.of("") : Path.of(root);
  }
}
