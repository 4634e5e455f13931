package dev.cnn.tensor.io;

import java.util.ArrayList;
import java.util.List;

/**
 * Comma-separated values as RFC 4180 has them, for the small tables a run writes and reads
 * (label errors, planted label noise, lists of images to leave out): fields separated by commas,
 * rows by {@code \n} (a {@code \r\n} is read as well), and a field that holds a comma, a quote or a
 * line break is written in double quotes with its quotes doubled ({@code a"b} becomes
 * {@code "a""b"}).
 */
public final class Csv {
  private Csv() {}

  /** One row with its line break: each field quoted when it must be. */
  public static String row(List<String> fields) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) sb.append(',');
      sb.append(field(fields.get(i)));
    }
    return sb.append('\n').toString();
  }

  /** {@link #row(List)} of the arguments. */
  public static String row(Object... fields) {
    List<String> s = new ArrayList<>(fields.length);
    for (Object f : fields) s.add(f == null ? "" : String.valueOf(f));
    return row(s);
  }

  /** The field as written: as it is, or quoted when it holds a comma, a quote or a line break. */
  public static String field(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  /**
   * The rows of {@code text}, each a list of fields; a last line break does not start an empty row.
   *
   * @param what the text's name in error messages, e.g. the file's path
   * @throws IllegalArgumentException when a quoted field is not closed or a quote is followed by
   *     something other than a comma or a line break, naming the line
   */
  public static List<List<String>> parse(String text, String what) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int line = 1;
    int i = 0;
    boolean rowStarted = false;
    while (i < text.length()) {
      char ch = text.charAt(i);
      if (ch == '"' && field.length() == 0) { // a quoted field: up to the closing quote
        int start = line;
        i++;
        while (true) {
          if (i >= text.length()) {
            throw new IllegalArgumentException(what + ": line " + start + ": a quoted field is not closed; expected a"
                + " closing \" (a quote inside a field is written twice: \"\")");
          }
          char q = text.charAt(i);
          if (q == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
            field.append('"');
            i += 2;
          } else if (q == '"') {
            i++;
            break;
          } else {
            if (q == '\n') line++;
            field.append(q);
            i++;
          }
        }
        if (i < text.length() && text.charAt(i) != ',' && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
          throw new IllegalArgumentException(what + ": line " + line + ": '" + text.charAt(i) + "' after a quoted"
              + " field; expected a comma or the end of the line");
        }
        rowStarted = true;
        continue;
      }
      if (ch == ',') {
        row.add(field.toString());
        field.setLength(0);
        rowStarted = true;
        i++;
      } else if (ch == '\n' || ch == '\r') {
        row.add(field.toString());
        field.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
        rowStarted = false;
        i += ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n' ? 2 : 1;
        line++;
      } else {
        field.append(ch);
        rowStarted = true;
        i++;
      }
    }
    if (rowStarted || field.length() > 0) {
      row.add(field.toString());
      rows.add(row);
    }
    return rows;
  }
}
