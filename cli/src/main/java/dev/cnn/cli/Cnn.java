package dev.cnn.cli;

import dev.cnn.tensor.Kernels;
import dev.cnn.tensor.Log;
import dev.cnn.tensor.Parallel;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code cnn} command line. Each subcommand is a thin wrapper around a class of the engine;
 * this class only wires them together and turns errors into one clear message.
 *
 * <p>Exit codes: 0 success; 1 the command failed (message on standard error; {@code --debug}
 * adds the stack trace); 2 a bad command line (message and usage on standard error).
 */
@Command(
    name = "cnn",
    mixinStandardHelpOptions = true,
    versionProvider = Cnn.Version.class,
    description = "A pure-Java engine for training convolutional neural networks.",
    subcommands = {TrainCommand.class, DiagnoseCommand.class, LrFindCommand.class, TuneCommand.class, EvaluateCommand.class, PredictCommand.class, SummaryCommand.class, ExportCommand.class, LearnCommand.class, GradcheckCommand.class, ExplainCommand.class,
        FetchCommand.class, BenchCommand.class, CommandLine.HelpCommand.class},
    footer = {"", "Run 'cnn COMMAND --help' for the options of a command.",
        "Data: train learns from a dataset's training split and reports on its test split; evaluate scores a"
            + " trained model on a test split; fetch downloads both splits; predict reads image files; summary and"
            + " bench read no dataset.",
        "Environment: CNN_KERNELS=scalar forces the scalar kernels, CNN_THREADS=N sizes the"
            + " thread pool, CNN_LOG=quiet|info|debug sets the log level (log lines go to"
            + " standard error)."})
public final class Cnn implements Runnable {
  @Spec CommandSpec spec;

  @Option(names = "--debug", scope = ScopeType.INHERIT,
      description = "Print debug log lines and the stack trace of an error.")
  boolean debug;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing a command: choose one of "
        + String.join(", ", spec.subcommands().keySet()));
  }

  /** The configured command line (tests call {@code execute} on it in-process). */
  public static CommandLine commandLine() {
    CommandLine cmd = new CommandLine(new Cnn());
    cmd.setExecutionStrategy(parseResult -> {
      if (debugRequested(parseResult)) Log.setLevel(Log.Level.DEBUG);
      if (!helpRequested(parseResult)) {
        try {
          checkEnvironment();
        } catch (IllegalArgumentException e) {
          PrintWriter err = parseResult.commandSpec().commandLine().getErr();
          err.println("cnn: error: " + e.getMessage());
          err.flush();
          return 1;
        }
      }
      return new CommandLine.RunLast().execute(parseResult);
    });
    cmd.setExecutionExceptionHandler(Cnn::handleExecutionException);
    cmd.setParameterExceptionHandler(Cnn::handleParameterException);
    return cmd;
  }

  /** A bad command line: the message, any "did you mean", then the usage of that command. */
  private static int handleParameterException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println(cmd.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
    UnmatchedArgumentException.printSuggestions(ex, err);
    err.println();
    cmd.usage(err);
    err.flush();
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** An error while running a command: one message, the stack trace only with --debug. */
  private static int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    String where = cmd.getCommandSpec().qualifiedName();
    boolean expected = ex instanceof IllegalArgumentException
        || ex instanceof IllegalStateException || ex instanceof UncheckedIOException
        || ex instanceof IOException;
    String message = ex.getMessage() == null ? ex.toString() : ex.getMessage();
    if (expected) {
      err.println(where + ": error: " + message);
    } else {
      err.println(where + ": internal error: " + ex);
    }
    if (debugRequested(parsed)) {
      ex.printStackTrace(err);
    } else {
      err.println("(run with --debug to see the stack trace)");
    }
    err.flush();
    return 1;
  }

  /**
   * Reads the settings that come from the environment (CNN_KERNELS, CNN_LOG, CNN_THREADS and their
   * -D properties) before a command starts, so that a bad one is reported at once (an error for
   * the kernels; a warning and the default for the log level and the thread count), never after
   * a run has claimed its directory or loaded its data.
   */
  static void checkEnvironment() {
    Kernels.mode(); // throws IllegalArgumentException naming a bad cnn.kernels / CNN_KERNELS
    Log.debug("kernels: " + Kernels.describe()); // Log's first use warns about a bad CNN_LOG
    Parallel.threads(); // the pool's first use warns about a bad CNN_THREADS
  }

  private static boolean helpRequested(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.isUsageHelpRequested() || p.isVersionHelpRequested()) return true;
    }
    return false;
  }

  private static boolean debugRequested(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--debug")) return true;
    }
    return false;
  }

  /** {@code cnn --version}: the project version, the JVM and the kernels in force. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
          "cnn " + projectVersion(),
          "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor")
              + ", " + System.getProperty("java.home") + ")",
          "kernels: " + Kernels.describe(),
          "threads: " + Parallel.threads()
      };
    }

    static String projectVersion() {
      try (InputStream in = Cnn.class.getResourceAsStream("version.properties")) {
        if (in == null) return "(unknown version)";
        Properties p = new Properties();
        p.load(in);
        return p.getProperty("version", "(unknown version)");
      } catch (IOException e) {
        return "(unknown version)";
      }
    }
  }
}
