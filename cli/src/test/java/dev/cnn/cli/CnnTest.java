package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs the command line in-process, as {@code main} would, and checks what a user sees. */
class CnnTest {
  /** Exit code, standard output and standard error of one run. */
  record Run(int exitCode, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cmd = Cnn.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void helpListsTheCommandsAndExitsZero() {
    Run r = run("--help");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("Usage: cnn"), r.out());
    assertTrue(r.out().contains("bench"), r.out());
  }

  @Test
  void versionNamesTheProjectAndTheKernels() {
    Run r = run("--version");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().startsWith("cnn "), r.out());
    assertTrue(r.out().contains("kernels: "), r.out());
  }

  @Test
  void unknownFlagGivesItsNameAndUsageWithoutAStackTrace() {
    Run r = run("bench", "gemm", "--sise", "64");
    assertNotEquals(0, r.exitCode());
    assertTrue(r.err().contains("--sise"), r.err());
    assertTrue(r.err().contains("Usage: cnn bench gemm"), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace expected:\n" + r.err());
    assertEquals("", r.out());
  }

  @Test
  void outOfRangeValueNamesTheFlag() {
    Run r = run("bench", "gemm", "--size", "0", "--no-openblas");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("--size must be >= 1, got 0"), r.err());
  }

  @Test
  void malformedNumberNamesTheFlag() {
    Run r = run("bench", "gemm", "--threads", "two");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("--threads"), r.err());
    assertTrue(r.err().contains("two"), r.err());
  }

  @Test
  void missingSubcommandIsAUsageError() {
    Run r = run("bench");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("gemm"), r.err());
  }

  @Test
  void benchGemmJsonIsOneObjectWithTheMeasurements() {
    Run r = run("bench", "gemm", "--size", "64", "--threads", "1", "--seconds", "0.05",
        "--warmup", "0.2", "--json", "--no-openblas");
    assertEquals(0, r.exitCode(), r.err());
    Map<String, Object> json = MiniJson.parseObject(r.out().trim());
    for (String key : new String[] {"gflops", "openblas_gflops", "ratio", "jdk", "m", "n", "k",
        "threads", "kernels", "samples"}) {
      assertTrue(json.containsKey(key), "missing key " + key + " in " + r.out());
    }
    assertEquals(64.0, json.get("m"));
    assertEquals(64.0, json.get("n"));
    assertEquals(64.0, json.get("k"));
    assertEquals(1.0, json.get("threads"));
    assertTrue((Double) json.get("gflops") > 0, r.out());
    assertEquals(5, ((java.util.List<?>) json.get("samples")).size(), r.out());
    assertEquals(null, json.get("openblas_gflops"));
    assertEquals(null, json.get("ratio"));
    assertEquals(System.getProperty("java.version"), json.get("jdk"));
  }

  @Test
  void benchGemmTableForRectangularShape() {
    Run r = run("bench", "gemm", "--m", "8", "--n", "16", "--k", "24", "--threads", "2",
        "--seconds", "0.02", "--measurements", "3", "--warmup", "0", "--no-openblas");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("8x16x24"), r.out());
    assertTrue(r.out().contains("engine GFLOP/s"), r.out());
  }
}
