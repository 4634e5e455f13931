package dev.cnn.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
  private static final Pattern IMG_SRC = Pattern.compile("<img\\s[^>]*src=\"([^\"]*)\"");
  private static final Pattern HREF = Pattern.compile("href=\"([^\"]*)\"");

  static List<String> imageSources(String html) {
    List<String> out = new ArrayList<>();
    Matcher m = IMG_SRC.matcher(html);
    while (m.find()) out.add(m.group(1));
    return out;
  }

  @Test
  void writesThePageAndEveryFigureItShows(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("report");
    Path index = Report.write(dir, ReportFixture.inputs(true));
    assertEquals(dir.resolve("index.html"), index);
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of(dir), s.toList(), "nothing is written beside the report directory");
    }
    String html = Files.readString(index);
    List<String> srcs = imageSources(html);
    assertEquals(7, srcs.size(), "all seven figures with diagnostics and reliability: " + srcs);
    long total = Files.size(index);
    for (String src : srcs) {
      assertFalse(src.contains("/") || src.contains(":"), "a figure is a plain file name in the directory: " + src);
      Path png = dir.resolve(src);
      assertTrue(Files.isRegularFile(png), src + " exists");
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(Files.readAllBytes(png)));
      assertNotNull(img, src + " is a PNG");
      assertTrue(img.getWidth() <= 1000 && img.getHeight() <= 800, src + " is modest: " + img.getWidth() + "x"
          + img.getHeight());
      total += Files.size(png);
    }
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(srcs.size() + 1, s.count(), "the page and its figures, nothing else (no temporary files)");
    }
    assertTrue(total < 5_000_000, "report is " + total + " bytes; expected under 5 MB");
    String keep = System.getProperty("cnn.report.out"); // -Dcnn.report.out=DIR: also write it there, to look at
    if (keep != null && !keep.isBlank()) Report.write(Path.of(keep), ReportFixture.inputs(true));
    for (String id : List.of(Figures.LEARNING_CURVES, Figures.CONFUSION_MATRIX, Figures.PER_CLASS,
        Figures.CLASS_COUNTS, Figures.RELIABILITY, Figures.GRADIENTS, Figures.DEAD_RELUS)) {
      assertTrue(srcs.contains(id + ".png"), id);
      assertTrue(html.contains("id=\"" + id + "\""), "anchor for " + id);
    }
    Matcher links = HREF.matcher(html);
    while (links.find()) {
      String href = links.group(1);
      assertTrue(href.startsWith("#"), "only in-page links: " + href);
      assertTrue(html.contains("id=\"" + href.substring(1) + "\""), "link target exists: " + href);
    }
  }

  @Test
  void escapesClassNamesAndEveryOtherRunText(@TempDir Path tmp) throws Exception {
    String html = Files.readString(Report.write(tmp, ReportFixture.inputs(true)), StandardCharsets.UTF_8);
    assertFalse(html.contains("<script"), "no script element, and the class name is not markup");
    assertFalse(html.contains(ReportFixture.QUOTE_NAME));
    assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the script-like name appears as text");
    assertTrue(html.contains("a&amp;b&quot;c&#39;"), "the quote name appears escaped");
    assertTrue(html.contains("&lt;b&gt;") && !html.contains("s <b>"), "markup in a try flag is escaped");
    assertFalse(html.contains("http://") || html.contains("https://"), "no external URL");
    assertFalse(html.toLowerCase(java.util.Locale.ROOT).matches("(?s).*\\son[a-z]+=.*"), "no event handler");
  }

  @Test
  void findingsComeMostSevereFirstWithTheirTryLine(@TempDir Path tmp) throws Exception {
    String html = Files.readString(Report.write(tmp, ReportFixture.inputs(true)));
    int critical = html.indexOf("badge critical"), warning = html.indexOf("badge warning"),
        info = html.indexOf("badge info");
    assertTrue(critical > 0 && critical < warning && warning < info, "CRITICAL, WARNING, INFO");
    assertTrue(html.contains("cnn train --data fashion --class-weights balanced"), "try line");
    assertTrue(html.contains("href=\"#class-counts\""), "the finding links to its figure");
  }

  @Test
  void leavesOutFiguresWithoutDataAndRemovesStaleOnes(@TempDir Path tmp) throws Exception {
    Report.write(tmp, ReportFixture.inputs(true));
    assertTrue(Files.exists(tmp.resolve("gradients.png")));
    Files.writeString(tmp.resolve("notes.txt"), "mine");
    String html = Files.readString(Report.write(tmp, ReportFixture.inputs(false)));
    List<String> srcs = imageSources(html);
    assertEquals(List.of("learning-curves.png", "confusion-matrix.png", "per-class.png", "class-counts.png"), srcs);
    for (String gone : List.of("gradients.png", "dead-relus.png", "reliability.png")) {
      assertFalse(Files.exists(tmp.resolve(gone)), gone + " from the earlier report is removed");
    }
    assertTrue(Files.exists(tmp.resolve("notes.txt")), "other files are kept");
    assertFalse(html.contains("href=\"#dead-relus\""), "no link to a figure that is not there");
    assertTrue(html.contains("--diagnostics"), "says how to get the missing figures");
  }

  @Test
  void survivesARunWithNoEpochsNoValidationAndNoFindings(@TempDir Path tmp) throws Exception {
    RunEvidence ev = new RunEvidence(List.of("a", "b"), List.of(), 5, null, new int[] {1, 1},
        new int[][] {{0, 0}, {0, 0}}, List.of(), Double.NaN);
    String html = Files.readString(Report.write(tmp, ReportInputs.builder(ev, List.of()).build()));
    assertTrue(html.contains("No cause of misclassification"));
    assertTrue(html.contains("n/a"));
    for (String src : imageSources(html)) assertTrue(Files.exists(tmp.resolve(src)));
  }

  @Test
  void formatsEvidenceAndQuotesFlags() {
    assertEquals("0.2346", Report.format(0.2345678));
    assertEquals("10", Report.format(10.0));
    assertEquals("1.000e-05", Report.format(1e-5));
    assertEquals("a, 2", Report.format(List.of("a", 2)));
    assertEquals("cnn train --note 'it'\\''s x' --lr 0.1", Report.tryLine("cnn train", List.of("--note", "it's x",
        "--lr", "0.1")));
    assertEquals(Map.of(), ReportInputs.builder(ReportFixture.evidence(false), List.of()).build().config());
  }
}
