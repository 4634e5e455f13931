package dev.cnn.cli;

import dev.cnn.data.Dataset;
import dev.cnn.tensor.io.Csv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The training images {@code cnn train --exclude FILE.csv} leaves out: the CSV's {@code index}
 * column, positions in the dataset's training split (as {@code cnn diagnose --label-errors} writes
 * them to label_errors.csv, so "find, drop, retrain" is two commands). Other columns are ignored,
 * except {@code file}: where the dataset knows its images' files, each listed file must be the
 * image at its index, so that a list made for another dataset or another ordering is refused.
 */
final class ExcludeList {
  /** The column that holds the positions. */
  static final String INDEX = "index";
  /** The optional column that holds each image's file, checked against the dataset. */
  static final String FILE = "file";

  private ExcludeList() {}

  /** The positions listed in {@code csv}, ascending and each once. */
  static List<Integer> read(Path csv) throws IOException {
    String shown = "--exclude " + csv;
    String text;
    try {
      text = Files.readString(csv, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(shown + ": no such file; expected a CSV with an 'index' column, such as the"
          + " label_errors.csv that cnn diagnose --label-errors writes");
    }
    List<List<String>> rows = Csv.parse(text, shown);
    int column = indexColumn(rows, shown);
    TreeSet<Integer> out = new TreeSet<>();
    for (int r = 1; r < rows.size(); r++) {
      List<String> row = rows.get(r);
      if (row.size() == 1 && row.get(0).isBlank()) continue; // a blank line
      String v = column < row.size() ? row.get(column).strip() : "";
      int index;
      try {
        index = Integer.parseInt(v);
      } catch (NumberFormatException e) {
        index = -1;
      }
      if (index < 0) {
        throw new IllegalArgumentException(shown + ": line " + (r + 1) + ": index '" + v + "'; expected a position in"
            + " the training split, an integer >= 0");
      }
      out.add(index);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(shown + ": lists no images (only a header); expected at least one row, or"
          + " drop --exclude");
    }
    return List.copyOf(out);
  }

  /**
   * The positions of a training split of {@code size} images that are not excluded, ascending.
   *
   * @throws IllegalArgumentException when a position is outside the split, or nothing is left
   */
  static int[] keep(int size, List<Integer> excluded, String file, String dataset) {
    if (excluded.isEmpty()) {
      int[] all = new int[size];
      for (int i = 0; i < size; i++) all[i] = i;
      return all;
    }
    boolean[] drop = new boolean[size];
    for (int i : excluded) {
      if (i >= size) {
        throw new IllegalArgumentException("--exclude " + file + ": index " + i + " is outside the training split of "
            + dataset + " (" + size + " images, indices 0 to " + (size - 1) + "); was the list made for another"
            + " dataset?");
      }
      drop[i] = true;
    }
    int[] kept = new int[size - excluded.size()];
    if (kept.length == 0) {
      throw new IllegalArgumentException("--exclude " + file + " lists all " + size + " training images of " + dataset
          + "; nothing would be left to train on");
    }
    for (int i = 0, n = 0; i < size; i++) if (!drop[i]) kept[n++] = i;
    return kept;
  }

  /**
   * Checks the {@code file} column, where there is one, against the images' own files.
   *
   * @throws IllegalArgumentException naming the first row whose file is not the image at its index
   */
  static void checkFiles(Path csv, Dataset train) throws IOException {
    String shown = "--exclude " + csv;
    List<List<String>> rows = Csv.parse(Files.readString(csv, StandardCharsets.UTF_8), shown);
    int index = indexColumn(rows, shown);
    int file = rows.get(0).indexOf(FILE);
    if (file < 0) return;
    for (int r = 1; r < rows.size(); r++) {
      List<String> row = rows.get(r);
      if (file >= row.size() || row.get(file).isBlank() || index >= row.size()) continue;
      int i = Integer.parseInt(row.get(index).strip());
      if (i >= train.size()) continue; // keep() names it
      Optional<String> actual = train.source(i);
      if (actual.isPresent() && !actual.get().equals(row.get(file))) {
        throw new IllegalArgumentException(shown + ": line " + (r + 1) + ": index " + i + " is " + actual.get()
            + " in this dataset, but the list says " + row.get(file) + "; the list was made for another dataset or"
            + " another order of its files");
      }
    }
  }

  private static int indexColumn(List<List<String>> rows, String shown) {
    if (rows.isEmpty()) {
      throw new IllegalArgumentException(shown + ": the file is empty; expected a CSV with a header that has an"
          + " 'index' column");
    }
    List<String> header = new ArrayList<>();
    for (String h : rows.get(0)) header.add(h.strip());
    int column = header.indexOf(INDEX);
    if (column < 0) {
      throw new IllegalArgumentException(shown + ": no 'index' column in its header (found: " + String.join(", ",
          header) + "); expected a CSV like the label_errors.csv of cnn diagnose --label-errors");
    }
    return column;
  }
}
