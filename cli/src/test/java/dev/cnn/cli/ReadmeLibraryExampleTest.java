package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's program for people who embed the library ("Using the library from your own
 * project"), taken from README.md as it stands: it compiles against the modules with
 * {@code --release 17} and runs in a JVM of its own, training, saving, reloading and predicting.
 */
class ReadmeLibraryExampleTest {
  @TempDir Path dir;

  /** The Java block that follows the marker comment in README.md. */
  static String example() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    Matcher m = Pattern.compile("<!-- library-example -->\\s*```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertTrue(m.find(), "README.md has no ```java block after <!-- library-example -->");
    return m.group(1);
  }

  @Test
  void theReadmeProgramCompilesAndTrainsSavesReloadsAndPredicts() throws Exception {
    String source = example();
    assertTrue(source.lines().count() <= 30, "a short program: " + source.lines().count() + " lines");
    Path file = dir.resolve("QuickStart.java");
    Files.writeString(file, source);
    String classpath = System.getProperty("java.class.path");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertNotNull(javac, "a JDK (with javac) runs the tests");
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int compiled = javac.run(null, diagnostics, diagnostics, "--release", "17", "-cp", classpath, "-d",
        dir.toString(), file.toString());
    assertEquals(0, compiled, "the README's program does not compile:\n" + diagnostics.toString(StandardCharsets.UTF_8));

    Path weights = dir.resolve("quickstart.safetensors");
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector", "-Dcnn.threads=2", "-cp", dir + java.io.File.pathSeparator + classpath,
        "QuickStart", weights.toString());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the program did not finish");
    assertEquals(0, p.exitValue(), out);
    assertTrue(Files.size(weights) > 0, "the model was saved");
    Matcher m = Pattern.compile("predicted (\\w+) \\(p = ([0-9.]+)\\), labelled (\\w+)").matcher(out);
    assertTrue(m.find(), out);
    double prob = Double.parseDouble(m.group(2));
    assertTrue(prob > 1.0 / 8 && prob <= 1, "a trained model's top probability beats chance (1/8): " + out);
  }
}
