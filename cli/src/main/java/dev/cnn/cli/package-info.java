/**
 * The {@code cnn} command line (picocli). {@link dev.cnn.cli.Cnn} is the entry point; each
 * subcommand is a thin class that parses flags, builds a configuration object of the engine and
 * prints the result. Results go to standard output, everything else (log lines, progress, build
 * output of the launcher) to standard error, so that {@code --json} output can be piped.
 */
package dev.cnn.cli;
