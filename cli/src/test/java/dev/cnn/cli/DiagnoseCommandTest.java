package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnn.optim.Diagnostics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cnn diagnose on a planted fault, the files it writes, and one message for each bad RUN. */
class DiagnoseCommandTest {
  @TempDir static Path dir;
  static Path imbalanced;
  static CnnTest.Run trained;

  /** Two of the eight shapes cut to 5% of their images, with diagnostics recorded. */
  @BeforeAll
  static void train() {
    imbalanced = dir.resolve("imbalanced");
    trained = CnnTest.run("train", "--limit", "2400,480", "--epochs", "3", "--threads", "2", "--diagnostics",
        "--subsample", "circle=0.05,ring=0.05", "--out", imbalanced.toString());
    assertEquals(0, trained.exitCode(), trained.err());
  }

  @Test
  void trainEndsWithTheQuickDiagnosisAndItsTryLine() {
    assertTrue(trained.out().contains("diagnosis: "), trained.out());
    assertTrue(trained.out().contains("2 rare classes (circle, ring)"), trained.out());
    assertTrue(trained.out().contains("try: cnn train --epochs 3 --subsample circle=0.05,ring=0.05 --limit 2400,480"
        + " --class-weights balanced"), trained.out());
  }

  @Test
  void diagnoseFindsThePlantedImbalanceAndWritesItsFindings() throws IOException {
    CnnTest.Run r = CnnTest.run("diagnose", imbalanced.toString(), "--threads", "2");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode d = new ObjectMapper().readTree(imbalanced.resolve("diagnosis.json").toFile());
    assertEquals("cnn-diagnosis", d.get("format").asText());
    JsonNode imbalance = null;
    for (JsonNode f : d.get("findings")) {
      for (String key : List.of("id", "severity", "title", "evidence", "figure", "advice", "try")) {
        assertTrue(f.has(key), key + " missing in " + f);
      }
      if (f.get("id").asText().equals("class-imbalance")) imbalance = f;
    }
    assertTrue(imbalance != null, "no class-imbalance finding in " + d);
    assertEquals("[\"circle\",\"ring\"]", imbalance.get("evidence").get("rare_classes").toString());
    assertFalse(imbalance.get("severity").asText().equals("info"), imbalance.toString());
    assertTrue(d.get("summary").has("expected_calibration_error"), "diagnose adds calibration: " + d.get("summary"));
    Path index = imbalanced.resolve("report").resolve("index.html");
    assertTrue(Files.isRegularFile(index), "no report");
    String html = Files.readString(index);
    assertTrue(html.contains("circle") && html.contains("--class-weights balanced"), "the report names the finding");
    for (String png : List.of("learning-curves.png", "confusion-matrix.png", "class-counts.png", "reliability.png")) {
      assertTrue(Files.size(imbalanced.resolve("report").resolve(png)) > 1000, png);
    }
    assertTrue(html.contains("id=\"highest-loss\""), "the highest-loss gallery");
    assertTrue(Files.isRegularFile(imbalanced.resolve("report/gallery/highest-loss-1.png")), "its first image");
    assertTrue(html.contains("class=\"gallery\" id=\"confused-"), "a confused pair's row");
    assertFalse(Files.exists(imbalanced.resolve("report/augmentation.png")), "no augmentation, no preview");
    // --diagnostics is written, and read back as it was recorded.
    List<Diagnostics.Epoch> epochs = DiagnosticsFile.read(imbalanced);
    assertEquals(3, epochs.size());
    assertFalse(epochs.get(2).gradientNorms().isEmpty());
    assertFalse(epochs.get(2).reluZeroFractions().isEmpty());
  }

  @Test
  void aBadRunGetsOneMessageAndNothingIsWritten() throws IOException {
    CnnTest.Run missing = CnnTest.run("diagnose", dir.resolve("nope").toString());
    assertEquals(1, missing.exitCode());
    assertTrue(missing.err().contains("no such directory"), missing.err());
    Path notARun = Files.createDirectories(dir.resolve("not-a-run"));
    CnnTest.Run none = CnnTest.run("diagnose", notARun.toString());
    assertTrue(none.err().contains("not a run directory"), none.err());
    Path unfinished = Files.createDirectories(dir.resolve("unfinished"));
    Files.copy(imbalanced.resolve("run.json"), unfinished.resolve("run.json"));
    CnnTest.Run partial = CnnTest.run("diagnose", unfinished.toString());
    assertTrue(partial.err().contains("has not finished (no metrics.json)") && partial.err().contains("--resume"),
        partial.err());
    Path damaged = dir.resolve("damaged");
    Files.createDirectories(damaged);
    for (String f : List.of("run.json", "metrics.json", "model.safetensors", "model.json", "classes.json")) {
      Files.copy(imbalanced.resolve(f), damaged.resolve(f));
    }
    Files.writeString(damaged.resolve("history.json"), "{\"epochs\": [");
    CnnTest.Run broken = CnnTest.run("diagnose", damaged.toString());
    assertTrue(broken.err().contains("damaged run file"), broken.err());
    for (Path p : List.of(notARun, unfinished, damaged)) assertFalse(Files.exists(p.resolve("diagnosis.json")));
    for (CnnTest.Run r : List.of(missing, none, partial, broken)) {
      assertEquals(1, r.exitCode(), r.err());
      assertFalse(r.err().contains("\tat "), r.err());
    }
  }

  /** A folder dataset trained with augmentation: the report previews it, and the galleries name the files. */
  @Test
  void aFolderRunWithAugmentationGetsThePreviewAndFileNames() throws IOException {
    Path folder = dir.resolve("three-classes");
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < 20; i++) {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(12, 12,
            java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 12; y++) for (int x = 0; x < 12; x++) img.getRaster().setSample(x, y, 0, (x * (c + 1) + y * i) % 256);
        Path png = folder.resolve("kind-" + c).resolve("img-" + i + ".png");
        Files.createDirectories(png.getParent());
        javax.imageio.ImageIO.write(img, "png", png.toFile());
      }
    }
    Path run = dir.resolve("augmented");
    CnnTest.Run t = CnnTest.run("train", "--dataset", "folder:" + folder, "--epochs", "1", "--threads", "2",
        "--augment", "hflip,shift=0.1", "--no-report", "--out", run.toString());
    assertEquals(0, t.exitCode(), t.err());
    CnnTest.Run r = CnnTest.run("diagnose", run.toString(), "--threads", "2");
    assertEquals(0, r.exitCode(), r.err());
    String html = Files.readString(run.resolve("report/index.html"));
    assertTrue(Files.size(run.resolve("report/augmentation.png")) > 500, "augmentation preview");
    assertTrue(html.contains("--augment hflip,shift&#61;0.1"), "its caption names the run's augmentation (= escaped)");
    assertTrue(html.contains(folder.resolve("kind-").toString()), "gallery cells show the image files");
  }

  @Test
  void aDatasetWithOtherClassesIsRefused() throws IOException {
    Path folder = dir.resolve("two-classes");
    for (String c : List.of("x", "y")) {
      for (int i = 0; i < 6; i++) {
        Path png = folder.resolve(c).resolve(i + ".png");
        Files.createDirectories(png.getParent());
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(28, 28,
            java.awt.image.BufferedImage.TYPE_BYTE_GRAY), "png", png.toFile());
      }
    }
    CnnTest.Run r = CnnTest.run("diagnose", imbalanced.toString(), "--dataset", "folder:" + folder);
    assertEquals(1, r.exitCode(), r.err());
    assertTrue(r.err().contains("predicts 8 classes (circle, ring, square, frame, ...) but --dataset folder:"), r.err());
  }
}
