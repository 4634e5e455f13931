package dev.cnn.tune;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnn.tensor.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A study's journal, {@code study.jsonl}: its first line is the study's definition (search space,
 * strategy, objective, seed, the training options), each further line one finished trial, appended
 * and forced to disk as soon as the trial ends ({@link AtomicFiles#appendLine}). A killed study
 * therefore loses at most the trial that was running: reading skips a last line cut short (it has
 * no line break, or does not parse), and {@code cnn tune --resume} runs that trial again.
 * <pre>{"format":"cnn-study","version":1,"definition":{...}}
 * {"trial":0,"params":{"lr":"0.003"},"state":"COMPLETE","value":0.91,"curve":[0.85,0.91],"seconds":12.5}</pre>
 */
public final class StudyJournal {
  /** The journal's file name in a study directory. */
  public static final String FILE = "study.jsonl";
  static final String FORMAT = "cnn-study";
  private static final ObjectMapper JSON = new ObjectMapper();

  private StudyJournal() {}

  /**
   * What a journal holds.
   *
   * @param definition the study's definition, as written by {@link #create}
   * @param trials the finished trials, in order
   * @param seconds each trial's wall-clock seconds
   */
  public record Contents(Map<String, Object> definition, List<Trial> trials, List<Double> seconds) {}

  /** Starts a journal with the study's definition (values: strings, numbers, booleans, lists and maps of them). */
  public static void create(Path file, Map<String, Object> definition) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", 1);
    root.set("definition", JSON.valueToTree(definition));
    AtomicFiles.writeString(file, JSON.writeValueAsString(root) + "\n");
  }

  /** Appends one finished trial and forces it to disk. */
  public static void append(Path file, Trial t, double seconds) throws IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("trial", t.number());
    o.set("params", JSON.valueToTree(t.params()));
    o.put("state", t.state().name());
    if (Double.isFinite(t.value())) o.put("value", t.value());
    ArrayNode curve = o.putArray("curve");
    for (double v : t.curve()) {
      if (Double.isFinite(v)) curve.add(v);
      else curve.addNull();
    }
    o.put("seconds", seconds);
    AtomicFiles.appendLine(file, JSON.writeValueAsString(o));
  }

  /**
   * Reads a journal.
   *
   * @throws IllegalArgumentException naming the file when it is not a study journal
   */
  public static Contents read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    String[] lines = text.split("\n", -1);
    JsonNode head;
    try {
      head = JSON.readTree(lines[0]);
    } catch (IOException e) {
      head = null;
    }
    if (head == null || !FORMAT.equals(head.path("format").asText())) {
      throw new IllegalArgumentException(file + " is not a study journal (its first line is not a cnn-study header);"
          + " expected the study.jsonl of a 'cnn tune' study");
    }
    Map<String, Object> definition = JSON.convertValue(head.get("definition"), new TypeReference<>() {});
    List<Trial> trials = new ArrayList<>();
    List<Double> seconds = new ArrayList<>();
    // The last element is "" after a final line break; a last line without one was cut short by a crash.
    for (int i = 1; i < lines.length - 1; i++) {
      if (lines[i].isBlank()) continue;
      JsonNode o;
      try {
        o = JSON.readTree(lines[i]);
      } catch (IOException e) {
        continue; // a damaged record: the trial runs again
      }
      Map<String, String> params = new LinkedHashMap<>();
      o.path("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
      List<Double> curve = new ArrayList<>();
      for (JsonNode v : o.path("curve")) curve.add(v.isNull() ? Double.NaN : v.asDouble());
      Trial.State state = Trial.State.valueOf(o.path("state").asText());
      double value = o.has("value") ? o.get("value").asDouble() : Double.NaN;
      int n = o.path("trial").asInt();
      trials.add(state == Trial.State.COMPLETE ? Trial.complete(n, params, value, curve)
          : state == Trial.State.PRUNED ? Trial.pruned(n, params, curve) : Trial.failed(n, params, curve));
      seconds.add(o.path("seconds").asDouble());
    }
    return new Contents(definition, trials, seconds);
  }
}
