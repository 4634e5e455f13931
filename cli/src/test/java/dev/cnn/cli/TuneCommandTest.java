package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.tune.StudyJournal;
import dev.cnn.tune.Trial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cnn tune end to end on small shapes runs: the journal, resume, the best line, and bad input before training. */
class TuneCommandTest {
  @TempDir Path dir;

  private static final String[] SMALL = {"--limit", "600,100", "--epochs", "2", "--threads", "2",
      "--search", "lr=log:1e-3..1e-2", "--search", "batch-size=32,64", "--strategy", "random"};

  private static String[] with(String... more) {
    String[] all = new String[1 + SMALL.length + more.length];
    all[0] = "tune";
    System.arraycopy(SMALL, 0, all, 1, SMALL.length);
    System.arraycopy(more, 0, all, 1 + SMALL.length, more.length);
    return all;
  }

  @Test
  void aStudyJournalsEveryTrialResumesWithoutRerunningAndRepeatsWithItsSeed() throws Exception {
    Path study = dir.resolve("study");
    CnnTest.Run first = CnnTest.run(with("--trials", "2", "--out", study.toString()));
    assertEquals(0, first.exitCode(), first.err());
    assertEquals(2, StudyJournal.read(study.resolve(StudyJournal.FILE)).trials().size());
    CnnTest.Run more = CnnTest.run("tune", "--resume", study.toString(), "--trials", "3", "--threads", "2");
    assertEquals(0, more.exitCode(), more.err());
    assertTrue(more.out().contains("resuming after 2 finished trials"), more.out());
    List<Trial> resumed = StudyJournal.read(study.resolve(StudyJournal.FILE)).trials();
    assertEquals(3, resumed.size(), "one more trial, none rerun");
    assertTrue(more.out().contains("train it: cnn train --limit 600,100 --epochs 2 --lr "), more.out());
    assertTrue(Files.readString(study.resolve("trials.csv")).startsWith("trial,state,value,epochs,lr,batch-size\n"));
    assertTrue(Files.readString(study.resolve("best.json")).contains("\"train\""));
    for (String png : List.of("best-so-far.png", "objective-lr.png", "objective-batch-size.png")) {
      assertTrue(Files.size(study.resolve(png)) > 1000, png);
    }

    assertTrue(more.out().contains(" --study " + study), "the best line names its study: " + more.out());

    // A run trained from the study shows the study's figures in its report.
    Path run = dir.resolve("run");
    CnnTest.Run trained = CnnTest.run("train", "--limit", "600,100", "--epochs", "1", "--threads", "2", "--no-report",
        "--study", study.toString(), "--out", run.toString());
    assertEquals(0, trained.exitCode(), trained.err());
    CnnTest.Run d = CnnTest.run("diagnose", run.toString(), "--threads", "2", "--no-data-checks");
    assertEquals(0, d.exitCode(), d.err());
    String html = Files.readString(run.resolve("report/index.html"));
    assertTrue(html.contains("study-best-so-far.png") && html.contains("study-objective-lr.png"), "study figures");
    assertTrue(html.contains(study.toString()), "the report names the study");
    CnnTest.Run bad = CnnTest.run("train", "--study", dir.toString(), "--out", dir.resolve("x").toString());
    assertTrue(bad.err().contains("not a 'cnn tune' study (no study.jsonl)"), bad.err());

    Path again = dir.resolve("again");
    CnnTest.Run straight = CnnTest.run(with("--trials", "3", "--out", again.toString()));
    assertEquals(0, straight.exitCode(), straight.err());
    List<Trial> fresh = StudyJournal.read(again.resolve(StudyJournal.FILE)).trials();
    for (int t = 0; t < 3; t++) {
      assertEquals(resumed.get(t).params(), fresh.get(t).params(), "same seed, same trial " + t);
    }
  }

  /** Three finished trials far ahead at every epoch: the next trial is behind their median after epoch 2 and stops. */
  @Test
  void aTrialBehindTheMedianIsPruned() throws Exception {
    Path study = Files.createDirectories(dir.resolve("pruning"));
    Path journal = study.resolve(StudyJournal.FILE);
    StudyJournal.create(journal, Map.of("search", List.of("lr=log:1e-4..1e-3"), "strategy", "random", "objective",
        "val_accuracy", "seed", 42, "folds", 0, "prune", true, "train", List.of("--limit", "600,100", "--epochs", "4")));
    for (int t = 0; t < 3; t++) {
      StudyJournal.append(journal, Trial.complete(t, Map.of("lr", "0.0005"), 0.999, List.of(0.999, 0.999, 0.999,
          0.999)), 1);
    }
    CnnTest.Run r = CnnTest.run("tune", "--resume", study.toString(), "--trials", "4", "--threads", "2");
    assertEquals(0, r.exitCode(), r.err());
    Trial fourth = StudyJournal.read(journal).trials().get(3);
    assertEquals(Trial.State.PRUNED, fourth.state(), r.out());
    assertEquals(2, fourth.curve().size(), "stopped after epoch 2 of 4 (epoch 1 is the warm-up)");
    assertTrue(r.out().contains("trial 4/4  pruned"), r.out());
  }

  @Test
  void badSearchesAreRefusedBeforeAnyTraining() throws Exception {
    Path out = dir.resolve("never");
    assertMessage(CnnTest.run("tune", "--search", "dropoutt=0..0.5", "--out", out.toString()),
        "cnn train has no option --dropoutt");
    assertMessage(CnnTest.run("tune", "--search", "lr=log:0..0.1", "--out", out.toString()), "lr=log:0..0.1");
    assertMessage(CnnTest.run("tune", "--search", "lr=0.1..0.01", "--out", out.toString()), "lr=0.1..0.01");
    assertMessage(CnnTest.run("tune", "--search", "optimizer=adam,nadam", "--out", out.toString()),
        "cnn train refuses");
    assertMessage(CnnTest.run("tune", "--search", "lr=log:1e-4..1e-2", "--trials", "0", "--out", out.toString()),
        "--trials 0");
    assertMessage(CnnTest.run("tune", "--out", out.toString()), "no --search");
    assertMessage(CnnTest.run("tune", "--resume", dir.toString()), "not a study");
    Path file = Files.writeString(dir.resolve("space.json"), "{\"lr\": \"log:1e-3..1e-1\", \"optimizer\": [\"adam\","
        + " \"sgd\"], \"momentum\": \"0..0.9\"}");
    assertEquals(List.of("lr=log:1e-3..1e-1", "optimizer=adam,sgd", "momentum=0..0.9"),
        TuneCommand.readSearchFile(file));
    Path broken = Files.writeString(dir.resolve("broken.json"), "{\"lr\": {\"low\": 1}}");
    assertMessage(CnnTest.run("tune", "--search-file", broken.toString(), "--out", out.toString()),
        "\"lr\" is object; expected a string");
    assertTrue(!Files.exists(out.resolve(StudyJournal.FILE)), "nothing was started");
    Path study = dir.resolve("s");
    StudyJournal.create(Files.createDirectories(study).resolve(StudyJournal.FILE), Map.of("search",
        List.of("lr=log:1e-4..1e-2"), "strategy", "random", "objective", "val_accuracy", "seed", 42, "folds", 0,
        "prune", false, "train", List.of()));
    assertMessage(CnnTest.run("tune", "--resume", study.toString(), "--search", "lr=log:1e-3..1e-1"),
        "the study was started with search");
  }

  private static void assertMessage(CnnTest.Run r, String expected) {
    assertEquals(1, r.exitCode(), r.out() + r.err());
    assertTrue(r.err().contains(expected), "expected '" + expected + "' in:\n" + r.err());
    assertTrue(!r.err().contains("\tat "), "no stack trace:\n" + r.err());
  }
}
