package dev.cnn.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyJournalTest {
  @TempDir Path dir;

  @Test
  void trialsReadBackAsWrittenAndACutLastLineIsSkipped() throws Exception {
    Path f = dir.resolve(StudyJournal.FILE);
    StudyJournal.create(f, Map.of("search", List.of("lr=log:1e-4..1e-1"), "seed", 7));
    StudyJournal.append(f, Trial.complete(0, Map.of("lr", "0.01"), 0.9, List.of(0.8, 0.9)), 3.5);
    StudyJournal.append(f, Trial.pruned(1, Map.of("lr", "0.5"), List.of(0.2, Double.NaN)), 1.0);
    Files.writeString(f, "{\"trial\":2,\"params\":{\"lr\":\"0.0", StandardOpenOption.APPEND); // killed mid-write
    StudyJournal.Contents c = StudyJournal.read(f);
    assertEquals(List.of("lr=log:1e-4..1e-1"), c.definition().get("search"));
    assertEquals(2, c.trials().size(), "the cut record is not a trial");
    assertEquals(Trial.complete(0, Map.of("lr", "0.01"), 0.9, List.of(0.8, 0.9)), c.trials().get(0));
    assertEquals(Trial.State.PRUNED, c.trials().get(1).state());
    assertTrue(Double.isNaN(c.trials().get(1).curve().get(1)));
    assertEquals(List.of(3.5, 1.0), c.seconds());
  }

  @Test
  void anotherFileIsNotAStudy() throws Exception {
    Path f = Files.writeString(dir.resolve("x.jsonl"), "{\"format\":\"cnn-run\"}\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StudyJournal.read(f));
    assertTrue(e.getMessage().contains("is not a study journal"), e.getMessage());
  }
}
