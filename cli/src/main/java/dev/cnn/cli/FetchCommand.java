package dev.cnn.cli;

import dev.cnn.data.Fetch;
import dev.cnn.data.StandardDatasets;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cnn fetch}: downloads a dataset into the cache (checked with SHA-256, written
 * atomically), unless the machine already has it.
 *
 * <p>Without {@code --data-dir}, a dataset that another place on the search path already holds
 * whole ({@code $CNN_DATA}, or {@code /usr/share/datasets}, where Debian's
 * {@code dataset-fashion-mnist} package installs it) is not downloaded: the command says where
 * it is and exits 0. A copy in the user cache, where the download would go, is checked and
 * completed as before. With {@code --data-dir DIR} the files are always fetched into
 * {@code DIR/NAME} (those already there and intact are kept).
 */
@Command(name = "fetch", mixinStandardHelpOptions = true,
    description = {"Download fashion-mnist or mnist (both splits: training and test) from its official address"
        + " into the user cache (~/.cache/cnn/datasets), checking every file's SHA-256.",
        "Nothing is downloaded when the dataset is already installed elsewhere on the search path ($CNN_DATA, or"
            + " /usr/share/datasets, where Debian's dataset-fashion-mnist package puts it); --data-dir downloads"
            + " a copy anyway."})
final class FetchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "fashion-mnist or mnist")
  String name;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Put the files in DIR/NAME instead of the cache.")
  Path dataDir;

  @Option(names = "--base-url", paramLabel = "URL",
      description = "Download from URL/NAME/FILE instead of the official mirrors (also: $CNN_DATA_URL).")
  String baseUrl;

  /** Where the search path and the cache are; this machine's unless a test points them elsewhere. */
  StandardDatasets.SearchRoots roots = StandardDatasets.SearchRoots.system();

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    if (dataDir == null) {
      Optional<StandardDatasets.Place> found = StandardDatasets.installed(name, roots);
      Path cache = roots.cacheRoot().resolve(name);
      if (found.isPresent() && !found.get().dir().equals(cache)) {
        StandardDatasets.Place place = found.get();
        stdout.println(name + " is already installed in " + place.dir().toAbsolutePath() + " (found on the search"
            + " path: " + place.origin() + "); nothing to download. To download a copy anyway, pass --data-dir DIR.");
        stdout.flush();
        return 0;
      }
    }
    Path dir = Fetch.fetch(name, dataDir, baseUrl, roots);
    stdout.println(name + " is in " + dir.toAbsolutePath());
    stdout.flush();
    return 0;
  }
}
