package dev.cnn.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine;

/**
 * The {@code cnn train} command line a finding suggests: the run's own options (those that differ
 * from what its preset, or the defaults, would give), with the finding's flags put in, ready to
 * paste. For example a run of {@code --subsample ...} with the imbalance finding's
 * {@code --class-weights balanced} gives {@code cnn train --subsample ... --class-weights balanced}.
 */
final class TryLine {
  private TryLine() {}

  /** Options that do not change what a run computes, or name where it writes: never repeated. */
  private static final List<String> LEFT_OUT = List.of("preset", "out", "resume", "threads", "data_dir",
      "diagnostics", "excluded", "study");

  /** Flags that take no value. */
  private static final List<String> SWITCHES = List.of("--oversample", "--diagnostics", "--overwrite");

  /** Flags that cannot be given together; a suggested one replaces the other. */
  private static final Map<String, String> EXCLUSIVE = Map.of("--class-weights", "--oversample",
      "--oversample", "--class-weights");

  /**
   * The command line.
   *
   * @param saved the run's effective options (run.json's {@code config})
   * @param tryFlags the finding's flags, e.g. {@code ["--lr", "0.0001"]}; may be empty
   */
  static String of(Map<String, Object> saved, List<String> tryFlags) {
    Map<String, String> flags = new LinkedHashMap<>(); // flag -> value ("" for a switch)
    String preset = saved.get("preset") == null ? "" : saved.get("preset").toString();
    if (!preset.isEmpty()) flags.put("--preset", preset);
    Map<String, Object> base = baseline(preset);
    for (Map.Entry<String, Object> e : saved.entrySet()) {
      if (LEFT_OUT.contains(e.getKey()) || !base.containsKey(e.getKey())) continue;
      if (RunDirectory.json(e.getValue()).equals(RunDirectory.json(base.get(e.getKey())))) continue;
      String flag = "--" + e.getKey().replace('_', '-');
      Object v = e.getValue();
      if (v instanceof Boolean) {
        if ((Boolean) v) flags.put(flag, "");
      } else if (v instanceof List) {
        List<String> parts = new ArrayList<>();
        for (Object o : (List<?>) v) parts.add(String.valueOf(o));
        flags.put(flag, String.join(",", parts));
      } else {
        flags.put(flag, String.valueOf(v));
      }
    }
    for (int i = 0; i < tryFlags.size(); i++) {
      String flag = tryFlags.get(i);
      boolean hasValue = !SWITCHES.contains(flag) && i + 1 < tryFlags.size();
      String value = hasValue ? tryFlags.get(++i) : "";
      if (EXCLUSIVE.containsKey(flag)) flags.remove(EXCLUSIVE.get(flag));
      flags.remove(flag); // re-inserted last, where a reader looks for the change
      flags.put(flag, value);
    }
    StringBuilder line = new StringBuilder("cnn train");
    flags.forEach((flag, value) -> {
      line.append(' ').append(flag);
      if (!value.isEmpty()) line.append(' ').append(quote(value));
    });
    return line.toString();
  }

  /**
   * The run's own command line without the given flags (and the flags they exclude): the base a
   * report appends each finding's flags to, so that no flag appears twice.
   */
  static String without(Map<String, Object> saved, java.util.Collection<String> flags) {
    List<String> drop = new ArrayList<>();
    for (String f : flags) {
      if (!f.startsWith("--")) continue;
      drop.add(f);
      if (EXCLUSIVE.containsKey(f)) drop.add(EXCLUSIVE.get(f));
    }
    String line = of(saved, List.of());
    StringBuilder out = new StringBuilder("cnn train");
    String[] words = line.substring("cnn train".length()).trim().split(" (?=--)");
    for (String w : words) {
      if (w.isEmpty()) continue;
      String flag = w.split(" ", 2)[0];
      if (!drop.contains(flag)) out.append(' ').append(w);
    }
    return out.toString();
  }

  /** What {@code cnn train [--preset P]} with no other option would run with. */
  private static Map<String, Object> baseline(String preset) {
    TrainCommand command = new TrainCommand();
    if (!preset.isEmpty()) new CommandLine(command).parseArgs("--preset", preset);
    try {
      return TrainingRun.Config.from(command).asMap();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String quote(String v) {
    Objects.requireNonNull(v);
    return v.matches("[A-Za-z0-9_./:=,+-]+") ? v : "'" + v.replace("'", "'\\''") + "'";
  }
}
