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
 *       the blocks in the order the program prints them.
 *   <li>Every decimal number in the text outside code (a number with a decimal point, such as
 *       0.128415) is a number the program prints.
 * </ul>
 * And every lesson file in learn/ is listed in {@link Lessons#ALL}, and every listed one exists.
 */
class LessonsTest {
  /** The repository root, seen from the module directory (Surefire's working directory). */
  static final Path ROOT = Path.of("..");
  private static final Pattern OUTPUT_BLOCK = Pattern.compile("(?ms)^```output\\n(.*?)^```");
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

  private static void check(Lessons.Lesson l) throws Exception {
    String text = Files.readString(ROOT.resolve(l.text()), StandardCharsets.UTF_8);
    String output = run(l.program());
    List<String> lines = output.lines().map(String::stripTrailing).toList();

    Matcher block = OUTPUT_BLOCK.matcher(text);
    int from = 0, blocks = 0;
    while (block.find()) {
      blocks++;
      for (String quoted : block.group(1).lines().map(String::stripTrailing).toList()) {
        if (quoted.isEmpty()) continue;
        int at = lines.subList(from, lines.size()).indexOf(quoted);
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
    while (m.find()) {
      assertTrue(printed.contains(m.group()), l.text() + ": the text quotes " + m.group() + ", which "
          + l.program().getSimpleName() + " does not print; it printed:\n" + output);
    }
  }
}
