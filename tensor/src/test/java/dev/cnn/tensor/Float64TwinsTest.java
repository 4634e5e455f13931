package dev.cnn.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The float64 twins of the reference kernels are what {@link Float64Twins} generates from their source. */
class Float64TwinsTest {
  @Test
  void twinsAreUpToDate() throws IOException {
    if (Boolean.getBoolean("cnn.twins.write")) Float64Twins.main(new String[0]);
    for (String name : Float64Twins.SOURCES) {
      String source = Files.readString(Float64Twins.DIR.resolve(name + ".java"), StandardCharsets.UTF_8);
      String twin = Files.readString(Float64Twins.twinPath(name), StandardCharsets.UTF_8);
      assertEquals(Float64Twins.generate(name, source), twin, name + "64.java is out of date with " + name
          + ".java, from which it is generated; regenerate it: mvn -o -q -pl tensor test -Dtest=Float64TwinsTest"
          + " -Dcnn.twins.write=true");
    }
  }

  @Test
  void theSubstitutionsTurnFloatCodeIntoDoubleCode() {
    String src = "package p;\n\n/** Doc. */\nfinal class K implements Kern {\n  @Override\n"
        + "  public float f(float[] x) {\n    float s = 0f, t = 2.5f;\n    return (float) Math.exp(s) + Float.MAX_VALUE;\n  }\n}\n";
    String twin = Float64Twins.generate("K", src);
    assertTrue(twin.contains("final class K64 {"), twin);
    assertTrue(twin.contains("public double f(double[] x)"), twin);
    assertTrue(twin.contains("double s = 0.0, t = 2.5;"), twin);
    assertTrue(twin.contains("return Math.exp(s) + Double.MAX_VALUE;"), twin);
    assertTrue(!twin.contains("@Override") && twin.contains("GENERATED from K.java"), twin);
  }
}
