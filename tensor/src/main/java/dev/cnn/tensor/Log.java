package dev.cnn.tensor;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The project's one small logging facade: plain lines on standard error, prefixed with
 * {@code [cnn]}.
 *
 * <p>The level comes from the system property {@code cnn.log} or the environment variable
 * {@code CNN_LOG}: {@code quiet} (warnings only), {@code info} (the default) or {@code debug}.
 * Everything the engine says goes through here, so that the command line and tests can silence
 * or redirect it in one place.
 */
public final class Log {
  /** How much is printed. */
  public enum Level {
    DEBUG,
    INFO,
    WARN
  }

  private static volatile Level threshold = initialLevel();
  private static volatile PrintStream out = System.err;

  private Log() {}

  private static Level initialLevel() {
    String v = System.getProperty("cnn.log", System.getenv("CNN_LOG"));
    if (v == null) return Level.INFO;
    switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "debug":
        return Level.DEBUG;
      case "quiet":
      case "warn":
        return Level.WARN;
      default:
        return Level.INFO;
    }
  }

  /** Sets the lowest level that is printed. */
  public static void setLevel(Level level) {
    threshold = level;
  }

  /** Sends the log to another stream (tests capture it this way). */
  public static void setOutput(PrintStream stream) {
    out = stream;
  }

  public static void debug(String message) {
    log(Level.DEBUG, message);
  }

  public static void info(String message) {
    log(Level.INFO, message);
  }

  public static void warn(String message) {
    log(Level.WARN, message);
  }

  private static void log(Level level, String message) {
    if (level.compareTo(threshold) >= 0) {
      out.println("[cnn] " + message);
    }
  }
}
