package dev.cnn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.Sequential;
import dev.cnn.tensor.Batch;
import dev.cnn.tensor.BatchSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the trainer tells its progress display, and how the terminal bar draws it. */
class ProgressTest {
  private static final List<Batch> DATA = Fixtures.batches(Fixtures.blobs(3, 40, 35, 2), 10); // 8 batches

  /** Every call the trainer makes, as text. */
  private static final class Recording implements Progress {
    final List<String> calls = new ArrayList<>();

    @Override
    public void epochBegin(int epoch, int epochs, int batches) {
      calls.add("begin " + epoch + "/" + epochs + " batches=" + batches);
    }

    @Override
    public void batch(int batch, double runningLoss, long samples, double seconds) {
      calls.add("batch " + batch + " samples=" + samples);
    }

    @Override
    public void epochEnd(EpochMetrics m, int epochs) {
      calls.add("end " + m.epoch());
    }

    List<String> begins() {
      return calls.stream().filter(c -> c.startsWith("begin")).toList();
    }
  }

  /**
   * Like a data loader: batches made on demand, not a collection, and epoch e has e + 6 batches
   * (so a count taken once, or for the wrong epoch, shows). Records the epochs it was asked about.
   */
  private static final class Loader implements BatchSource {
    final List<Integer> asked = new ArrayList<>();
    private int next;

    @Override
    public int batches(int epoch) {
      asked.add(epoch);
      return epoch + 6;
    }

    @Override
    public Iterator<Batch> iterator() {
      return DATA.subList(0, next++ + 6).iterator();
    }
  }

  private static Trainer.Result fit(Iterable<Batch> train, Progress progress, int epochs) {
    Sequential model = Fixtures.mlp(8, 1);
    return Trainer.builder(model, CrossEntropyLoss.of(), Sgd.builder(0.05).build(model.parameters()))
        .epochs(epochs).progress(progress).build().fit(train, null);
  }

  @Test
  void aBatchSourceGivesEachEpochsBatchCount() {
    Recording r = new Recording();
    Loader loader = new Loader();
    fit(loader, r, 3);
    assertEquals(List.of("begin 0/3 batches=6", "begin 1/3 batches=7", "begin 2/3 batches=8"), r.begins());
    assertEquals(List.of(0, 1, 2), loader.asked);
    // each epoch reports as many batches as it announced
    int between = r.calls.indexOf("end 0") - r.calls.indexOf("begin 0/3 batches=6") - 1;
    assertEquals(6, between, r.calls.toString());
  }

  @Test
  void aCollectionGivesItsSizeAndAnyOtherIterableUnknown() {
    Recording list = new Recording();
    fit(DATA, list, 2);
    assertEquals(List.of("begin 0/2 batches=8", "begin 1/2 batches=8"), list.begins());

    Recording plain = new Recording();
    Iterable<Batch> iterable = DATA::iterator; // neither a collection nor a BatchSource
    fit(iterable, plain, 1);
    assertEquals(List.of("begin 0/1 batches=-1"), plain.begins());
  }

  @Test
  void aResumedRunAsksForTheEpochItRuns() {
    Recording r = new Recording();
    Loader loader = new Loader();
    Sequential model = Fixtures.mlp(8, 1);
    Trainer trainer = Trainer.builder(model, CrossEntropyLoss.of(), Sgd.builder(0.05).build(model.parameters()))
        .epochs(3).progress(r).build();
    Trainer.Result first = trainer.fit(DATA, null);
    Trainer.TrainingState state = Trainer.TrainingState.after(first.history().subList(0, 2), 1.0);
    trainer.fit(loader, null, state);
    assertEquals(List.of(2), loader.asked);
  }

  @Test
  void theBarShowsBatchesOfTheTotalRateAndEta() {
    String s = Progress.Bar.render(1, 10, 211, 469, 211 * 64, 5.6, 0.43211);
    assertTrue(s.startsWith("epoch 2/10 [========>           ] 211/469"), s);
    assertTrue(s.contains("2,411 img/s"), s);
    assertTrue(s.contains("ETA 0:07"), s); // 5.6 s / 211 batches * 258 left = 6.85 s
    assertTrue(s.endsWith("loss 0.4321"), s);
    assertFalse(s.chars().anyMatch(c -> c < ' '), "control characters in " + s);

    String done = Progress.Bar.render(0, 1, 469, 469, 30000, 10, 0.1);
    assertTrue(done.contains("[====================] 469/469"), done);
    assertFalse(done.contains("ETA"), done);
  }

  @Test
  void withoutATotalTheBarCountsBatchesWithoutEta() {
    String s = Progress.Bar.render(0, 3, 17, -1, 17 * 32, 2, 1.5);
    assertTrue(s.startsWith("epoch 1/3 17 batches  272 img/s"), s);
    assertFalse(s.contains("ETA") || s.contains("["), s);
  }

  @Test
  void etaClock() {
    assertEquals("0:00", Progress.Bar.clock(0.2));
    assertEquals("1:05", Progress.Bar.clock(65));
    assertEquals("1:01:01", Progress.Bar.clock(3661));
  }

  @Test
  void theBarIsReplacedByTheEpochsLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Trainer.Result r = fit(new Loader(), new Progress.Bar(new PrintStream(bytes, true, StandardCharsets.UTF_8)), 1);
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(out.startsWith("\repoch 1/1 ["), out);
    assertTrue(out.contains("6/6"), out);
    assertTrue(out.endsWith("\r\033[K" + Progress.line(r.history().get(0), 1) + System.lineSeparator()), out);
  }

  @Test
  void noBarWithoutATerminal() {
    assertFalse(Progress.Bar.isTerminal(null, "xterm"));
  }
}
