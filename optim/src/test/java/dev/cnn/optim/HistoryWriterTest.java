package dev.cnn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.Sequential;
import dev.cnn.tensor.Batch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history is on disk after every epoch, so a run killed mid-training keeps the epochs it finished. */
class HistoryWriterTest {
  private static final List<Batch> DATA = Fixtures.batches(Fixtures.blobs(3, 30, 30, 2.0), 16);

  @TempDir Path dir;

  /** Stands for a kill: the run dies at the start of an epoch (0-based index). */
  private static final class DieAt implements Callback {
    private final int epoch;

    DieAt(int epoch) {
      this.epoch = epoch;
    }

    @Override
    public void onEpochBegin(TrainingContext ctx, int e) {
      if (e == epoch) throw new IllegalStateException("killed in epoch " + (e + 1) + " (simulated)");
    }
  }

  private static Trainer trainer(int epochs, Callback... callbacks) {
    Sequential m = Fixtures.mlp(4, 1);
    return Trainer.builder(m, CrossEntropyLoss.of(), Adam.adam(0.01).build(m.parameters())).epochs(epochs)
        .callbacks(callbacks).build();
  }

  private List<String> listing(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void aRunKilledInEpochFiveHasTheHistoryOfEpochsOneToFourOnDisk() throws IOException {
    Path run = dir.resolve("run");
    HistoryWriter writer = new HistoryWriter(run);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> trainer(10, writer, new DieAt(4)).fit(DATA, null));
    assertTrue(e.getMessage().contains("epoch 5"), e.getMessage());

    List<EpochMetrics> json = History.parseJson(Files.readString(run.resolve(HistoryWriter.JSON), StandardCharsets.UTF_8));
    assertEquals(4, json.size());
    for (int i = 0; i < 4; i++) assertEquals(i, json.get(i).epoch());
    String csv = Files.readString(run.resolve(HistoryWriter.CSV), StandardCharsets.UTF_8);
    assertEquals(History.csv(json), csv, "the CSV and the JSON hold the same epochs");
    assertEquals(List.of("history.csv", "history.json"), listing(run), "no temporary files remain");
  }

  @Test
  void aFinishedRunHasItsWholeHistoryAndAResumedOneKeepsTheEarlierEpochs() throws IOException {
    Trainer.Result first = trainer(2, new HistoryWriter(dir)).fit(DATA, null);
    assertEquals(first.history(), History.parseJson(Files.readString(dir.resolve(HistoryWriter.JSON))));

    Trainer.Result resumed = trainer(3, new HistoryWriter(dir))
        .fit(DATA, null, Trainer.TrainingState.after(first.history(), 1.0));
    List<EpochMetrics> onDisk = History.parseJson(Files.readString(dir.resolve(HistoryWriter.JSON)));
    assertEquals(3, onDisk.size());
    assertEquals(resumed.history(), onDisk);
    assertEquals(first.history(), onDisk.subList(0, 2));
  }

  @Test
  void trainingBeginsByRemovingOrphansOfAKilledWrite() throws IOException {
    Files.createDirectories(dir);
    Path orphan = Files.writeString(dir.resolve(".history.csv.0123456789abcdef.tmp"), "epoch,lo");
    Files.writeString(dir.resolve("notes.txt"), "mine");
    trainer(1, new HistoryWriter(dir)).fit(DATA, null);
    assertEquals(List.of("history.csv", "history.json", "notes.txt"), listing(dir));
    assertTrue(Files.notExists(orphan));
  }

  @Test
  void theFilesHaveTheModeOfAPlainlyWrittenFile() throws IOException {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX only");
    trainer(1, new HistoryWriter(dir)).fit(DATA, null);
    Path plain = Files.writeString(dir.resolve("plain.txt"), "x");
    assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(dir.resolve(HistoryWriter.CSV)));
    assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(dir.resolve(HistoryWriter.JSON)));
  }

  @Test
  void aWriteThatFailsNamesTheFile() throws IOException {
    HistoryWriter writer = new HistoryWriter(dir);
    // history.json is a directory: its replacement fails before anything is renamed over it.
    Files.createDirectory(dir.resolve(HistoryWriter.JSON));
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> writer.write(List.of(
        new EpochMetrics(0, 1, 0.5, Double.NaN, Double.NaN, 0.01, 1, 0))));
    assertTrue(e.getMessage().contains(dir.resolve(HistoryWriter.JSON).toString()), e.getMessage());
    assertTrue(Files.isDirectory(dir.resolve(HistoryWriter.JSON)));
    assertEquals(List.of("history.csv", "history.json"), listing(dir));
    assertThrows(IllegalArgumentException.class, () -> new HistoryWriter(null));
  }
}
