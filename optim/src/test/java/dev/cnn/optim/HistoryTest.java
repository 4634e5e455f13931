package dev.cnn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** History as CSV and JSON: exact JSON round trip, the CSV layout, and atomic writes. */
class HistoryTest {
  private static final double NAN = Double.NaN;
  /**
   * Awkward doubles on purpose: they must survive the JSON trip exactly. (The CSV rows checked
   * below use values whose shortest text is the same on every JDK; JDK 19 changed
   * Double.toString for some others, such as 1/3000.)
   */
  private static final List<EpochMetrics> H = List.of(
      new EpochMetrics(0, 2.302585092994046, 0.1015625, 2.1999999999999997, 0.125, 1e-3, 12.3456789, 0.25),
      new EpochMetrics(1, 0.6931471805599453, 0.7, NAN, NAN, 2.5E-4, 11.0, 0.0),
      new EpochMetrics(2, 1e-300, 1.0, 5e-324, 1.0, 1.0 / 3000, 1.0 / 3, 4.9e-5));

  @Test
  void jsonRoundTripsExactly() throws IOException {
    assertEquals(H, History.parseJson(History.json(H)));
    assertEquals(List.of(), History.parseJson(History.json(List.of())));
    String json = History.json(H);
    assertTrue(json.contains("\"val_loss\" : null"), json); // NaN: no validation that epoch
    assertTrue(json.contains("\"epoch\" : 1"), json); // epochs are 1-based in files
  }

  @Test
  void csvHasOneRowPerEpochWithEmptyCellsForMissingValidation() {
    String[] lines = History.csv(H).split("\n");
    assertEquals(4, lines.length);
    assertEquals("epoch,loss,accuracy,val_loss,val_accuracy,lr,seconds,data_wait_seconds", lines[0]);
    assertEquals("1,2.302585092994046,0.1015625,2.1999999999999997,0.125,0.001,12.346,0.250", lines[1]);
    assertEquals("2,0.6931471805599453,0.7,,,2.5E-4,11.000,0.000", lines[2]);
    for (String line : lines) assertEquals(8, line.split(",", -1).length, line);
  }

  @Test
  void writesAtomicallyLeavingNoTemporaryFiles(@TempDir Path dir) throws IOException {
    Path json = dir.resolve("sub").resolve("history.json"), csv = dir.resolve("sub").resolve("history.csv");
    History.writeJson(H.subList(0, 1), json); // the directory is created
    History.writeJson(H, json); // replaced
    History.writeCsv(H, csv);
    History.writeCsv(H, csv);
    assertEquals(H, History.parseJson(Files.readString(json, StandardCharsets.UTF_8)));
    assertEquals(History.csv(H), Files.readString(csv, StandardCharsets.UTF_8));
    try (Stream<Path> files = Files.list(dir.resolve("sub"))) {
      assertEquals(List.of("history.csv", "history.json"),
          files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()));
    }
  }
}
