package dev.cnn.tensor;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The project's one small logging facade: plain lines on standard error, prefixed with
 * {@code [cnn]}.
 *
 * <p>The level comes from the system property {@code cnn.log} or the environment variable
 * {@code CNN_LOG}: {@code quiet} or {@code warn} (warnings only), {@code info} (the default) or
 * {@code debug}. Any other value is reported once on standard error, naming the value and the
 * accepted ones, and the default is used.
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

  /** System property that sets the level. */
  public static final String PROPERTY = "cnn.log";
  /** Environment variable that sets the level when the property is not set. */
  public static final String ENV = "CNN_LOG";

  private static volatile PrintStream out = System.err;
  private static volatile Level threshold = initialLevel();

  private Log() {}

  private static Level initialLevel() {
    String property = System.getProperty(PROPERTY);
    String source = property != null ? "-D" + PROPERTY : ENV;
    return parseLevel(property != null ? property : System.getenv(ENV), source,
        warning -> System.err.println("[cnn] " + warning));
  }

  /**
   * The level a setting asks for: {@code debug}, {@code info}, {@code quiet} or {@code warn}
   * (any case, surrounding blanks ignored); {@link Level#INFO} when the value is null or blank.
   * An unknown value is reported to {@code warn}, naming it, where it came from and the accepted
   * values, and gives {@link Level#INFO}.
   *
   * @param value the setting, or null
   * @param source where it came from, for the warning ({@code -Dcnn.log} or {@code CNN_LOG})
   * @param warn receives the one warning line for an unknown value
   */
  static Level parseLevel(String value, String source, Consumer<String> warn) {
    if (value == null || value.isBlank()) return Level.INFO;
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "debug":
        return Level.DEBUG;
      case "info":
        return Level.INFO;
      case "quiet":
      case "warn":
        return Level.WARN;
      default:
        warn.accept(source + "=" + value + " is not a log level; accepted: quiet (or warn), info, debug;"
            + " using info");
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
