package dev.cnn.tensor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Generates the float64 twins of the reference kernels from their float32 source, so that each
 * reference loop is written once (see {@link ScalarConv}, "One implementation for float32 and
 * float64"). {@link Float64TwinsTest} checks that the committed twins are up to date; to
 * regenerate them after editing a source:
 *
 * <pre>
 *   mvn -o -q -pl tensor test -Dtest=Float64TwinsTest -Dcnn.twins.write=true
 * </pre>
 *
 * The substitutions, in order: casts to float are dropped; {@code float} becomes {@code double},
 * {@code Float} {@code Double}, {@code float32} {@code float64}; float literals {@code 0f},
 * {@code 2.5f} become {@code 0.0}, {@code 2.5}; the class is renamed {@code X64}, implements
 * nothing, and its {@code @Override}s go; its javadoc is replaced by one that points here.
 */
final class Float64Twins {
  /** The reference kernels that have a float64 twin. */
  static final List<String> SOURCES = List.of("ScalarConv", "ScalarGemm", "ScalarPooling", "ScalarElementwise");

  /** Where the main sources are, relative to the tensor module (Surefire's working directory). */
  static final Path DIR = Path.of("src/main/java/dev/cnn/tensor");

  private Float64Twins() {}

  /** The twin's file name for a source class name. */
  static Path twinPath(String source) {
    return DIR.resolve(source + "64.java");
  }

  /** The float64 twin of the float32 source {@code text} of class {@code name}. */
  static String generate(String name, String text) {
    String s = text.replaceAll("\\b" + name + "\\b", name + "64");
    // The class javadoc (the one just before the class declaration) points back to the source.
    Matcher doc = Pattern.compile("/\\*\\*(?:(?!\\*/).)*\\*/\\s*\\n(final class )", Pattern.DOTALL).matcher(s);
    if (!doc.find()) throw new IllegalStateException(name + ".java: no class javadoc before 'final class'");
    s = s.substring(0, doc.start()) + "/**\n"
        + " * The float64 twin of {@link " + name + "}: the same loops on {@code double[]}, for the float64\n"
        + " * tensors of gradient checks. GENERATED from " + name + ".java by Float64Twins (test sources):\n"
        + " * do not edit; edit " + name + ".java and regenerate (see Float64Twins).\n"
        + " */\n" + doc.group(1) + s.substring(doc.end());
    s = s.replace("(float) ", "");
    s = s.replaceAll("\\bfloat\\b", "double").replaceAll("\\bFloat\\b", "Double").replace("float32", "float64");
    s = s.replaceAll("\\b(\\d+\\.\\d+)f\\b", "$1").replaceAll("(?<![\\w.])(\\d+)f\\b", "$1.0");
    s = s.replaceAll("(final class \\w+) implements [\\w, ]+\\{", "$1 {");
    s = s.replaceAll("(?m)^[ \\t]*@Override\\n", "");
    return s;
  }

  /** Writes every twin from its source. */
  public static void main(String[] args) throws IOException {
    for (String name : SOURCES) {
      String text = Files.readString(DIR.resolve(name + ".java"), StandardCharsets.UTF_8);
      Files.writeString(twinPath(name), generate(name, text), StandardCharsets.UTF_8);
    }
  }
}
