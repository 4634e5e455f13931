package dev.cnn.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The log level settings, parsed directly (the environment of the test JVM is not changed). */
class LogTest {
  @Test
  void knownLevelsAreParsedWithoutAWarning() {
    List<String> warnings = new ArrayList<>();
    assertEquals(Log.Level.INFO, Log.parseLevel(null, "CNN_LOG", warnings::add));
    assertEquals(Log.Level.INFO, Log.parseLevel(" ", "CNN_LOG", warnings::add));
    assertEquals(Log.Level.DEBUG, Log.parseLevel(" Debug ", "CNN_LOG", warnings::add));
    assertEquals(Log.Level.INFO, Log.parseLevel("info", "CNN_LOG", warnings::add));
    assertEquals(Log.Level.WARN, Log.parseLevel("quiet", "-Dcnn.log", warnings::add));
    assertEquals(Log.Level.WARN, Log.parseLevel("WARN", "-Dcnn.log", warnings::add));
    assertEquals(List.of(), warnings);
  }

  @Test
  void anUnknownLevelWarnsOnceNamingItAndTheAcceptedOnesAndUsesTheDefault() {
    List<String> warnings = new ArrayList<>();
    assertEquals(Log.Level.INFO, Log.parseLevel("verbose", "CNN_LOG", warnings::add));
    assertEquals(1, warnings.size());
    String w = warnings.get(0);
    assertTrue(w.contains("CNN_LOG=verbose"), w);
    assertTrue(w.contains("quiet") && w.contains("info") && w.contains("debug"), w);
    assertTrue(w.contains("using info"), w);
  }
}
