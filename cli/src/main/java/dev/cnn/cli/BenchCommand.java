package dev.cnn.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code cnn bench ...}: side-by-side comparisons with reference libraries on this machine. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure the engine against a reference library on this machine, in one run (on generated"
        + " inputs: no dataset is read).",
    subcommands = {GemmCommand.class})
final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing a benchmark: choose one of "
        + String.join(", ", spec.subcommands().keySet()));
  }
}
