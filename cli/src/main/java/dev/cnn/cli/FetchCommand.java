package dev.cnn.cli;

import dev.cnn.data.Fetch;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cnn fetch}: downloads a dataset into the cache (checked with SHA-256, written atomically). */
@Command(name = "fetch", mixinStandardHelpOptions = true,
    description = "Download fashion-mnist or mnist from its official address into the user cache"
        + " (~/.cache/cnn/datasets), checking every file's SHA-256.")
final class FetchCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "fashion-mnist or mnist")
  String name;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Put the files in DIR/NAME instead of the cache.")
  Path dataDir;

  @Option(names = "--base-url", paramLabel = "URL",
      description = "Download from URL/NAME/FILE instead of the official mirrors (also: $CNN_DATA_URL).")
  String baseUrl;

  @Override
  public Integer call() throws Exception {
    java.io.PrintWriter stdout = spec.commandLine().getOut();
    Path dir = Fetch.fetch(name, dataDir, baseUrl);
    stdout.println(name + " is in " + dir.toAbsolutePath());
    stdout.flush();
    return 0;
  }
}
