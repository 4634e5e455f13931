package dev.cnn.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The course cannot rot: each lesson's program runs, and its text agrees with what it prints.
 * <ul>
 *   <li>Every line of every {@code ```output} block of the text is a line of the program's output,
 *       the blocks in the order the program prints them. In an {@code ```output approx} block (a
 *       training run's results) the numbers may differ by {@link #APPROX}, relative.
 *   <li>Every decimal number in the text outside code (a number with a decimal point, such as
 *       0.128415) is a number the program prints.
 * </ul>
 * And every lesson file in learn/ is listed in {@link Lessons#ALL}, and every listed one exists.
 */
class LessonsTest {
  /** The repository root, seen from the module directory (Surefire's working directory). */
  static final Path ROOT = Path.of("..");
  private static final Pattern OUTPUT_BLOCK = Pattern.compile("(?ms)^```output( approx)?\\n(.*?)^```");
  private static final Pattern NUMBER = Pattern.compile("-?\\d+(?:\\.\\d+)?");
  /**
   * How far a number in an {@code ```output approx} block may be from the printed one, relative:
   * for results of a training run, whose last digits depend on the CPU's vector width (the
   * kernels' summation order), so they differ between AVX-512, AVX2 and the scalar kernels.
   */
  static final double APPROX = 0.15;
  private static final Pattern CODE = Pattern.compile("(?ms)^```.*?^```|`[^`\\n]*`");
  private static final Pattern DECIMAL = Pattern.compile("(?<![\\w.])-?\\d+\\.\\d+(?![\\w.]*\\d)");

  @TestFactory
  Stream<DynamicTest> everyLessonPrintsWhatItsTextQuotes() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Lessons.Lesson l : Lessons.ALL) {
      tests.add(DynamicTest.dynamicTest(l.number() + " " + l.title(), () -> check(l)));
    }
    return tests.stream();
  }

  @Test
  void everyLessonFileIsListedAndEveryListedFileExists() throws IOException {
    Set<String> listed = new TreeSet<>();
    for (Lessons.Lesson l : Lessons.ALL) {
      assertTrue(Files.isRegularFile(ROOT.resolve(l.text())), l.text() + " is missing");
      listed.add(l.text());
    }
    Set<String> files = new TreeSet<>();
    try (Stream<Path> s = Files.list(ROOT.resolve("learn"))) {
      s.map(p -> "learn/" + p.getFileName()).filter(n -> n.matches("learn/\\d\\d-.*\\.md")).forEach(files::add);
    }
    assertEquals(files, listed, "lesson files and Lessons.ALL");
    for (int i = 0; i < Lessons.ALL.size(); i++) assertEquals(i + 1, Lessons.ALL.get(i).number(), "numbered in order");
  }

  static String run(Class<?> program) throws Exception {
    Method main = program.getMethod("main", String[].class);
    PrintStream saved = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      main.invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(saved);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** The same text around the numbers, and each number within {@link #APPROX} of the printed one. */
  static boolean approximately(String quoted, String printed) {
    if (!NUMBER.matcher(quoted).replaceAll("#").equals(NUMBER.matcher(printed).replaceAll("#"))) return false;
    Matcher q = NUMBER.matcher(quoted), p = NUMBER.matcher(printed);
    while (q.find() && p.find()) {
      double a = Double.parseDouble(q.group()), b = Double.parseDouble(p.group());
      if (Math.abs(a - b) > APPROX * Math.max(Math.abs(a), Math.abs(b))) return false;
    }
    return true;
  }

  private static void check(Lessons.Lesson l) throws Exception {
    String text = Files.readString(ROOT.resolve(l.text()), StandardCharsets.UTF_8);
    String output = run(l.program());
    List<String> lines = output.lines().map(String::stripTrailing).toList();

    Matcher block = OUTPUT_BLOCK.matcher(text);
    int from = 0, blocks = 0;
    while (block.find()) {
      blocks++;
      boolean approx = block.group(1) != null;
      for (String quoted : block.group(2).lines().map(String::stripTrailing).toList()) {
        if (quoted.isEmpty()) continue;
        int at = -1;
        for (int i = from; i < lines.size() && at < 0; i++) {
          if (approx ? approximately(quoted, lines.get(i)) : quoted.equals(lines.get(i))) at = i - from;
        }
        assertTrue(at >= 0, l.text() + ": the quoted line\n  " + quoted + "\nis not printed (after line " + from
            + ") by " + l.program().getSimpleName() + ", which printed:\n" + output);
        from += at + 1;
      }
    }
    assertTrue(blocks > 0, l.text() + " quotes no output");

    Set<String> printed = new HashSet<>();
    Matcher n = DECIMAL.matcher(output);
    while (n.find()) printed.add(n.group());
    Matcher m = DECIMAL.matcher(CODE.matcher(text).replaceAll(" "));
    // (decimals in the prose must be printed exactly: quote a training run's results in approx blocks only)
    while (m.find()) {
      assertTrue(printed.contains(m.group()), l.text() + ": the text quotes " + m.group() + ", which "
          + l.program().getSimpleName() + " does not print; it printed:\n" + output);
    }
  }
}
