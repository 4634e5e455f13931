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
    List<String> all = imageSources(html);
    List<String> srcs = all.stream().filter(s -> !s.startsWith(Report.GALLERY_DIR + "/")).toList();
    List<String> thumbs = all.stream().filter(s -> s.startsWith(Report.GALLERY_DIR + "/")).toList();
    assertEquals(8, srcs.size(), "all eight figures with diagnostics, reliability and augmentation: " + srcs);
    // 24 highest-loss images, then the pairs with errors: Shirt/T-shirt (7 of 20 each way... only one way) and 2/8.
    assertEquals(Gallery.HIGHEST_LOSS_COUNT + 8 + 8, thumbs.size(), "gallery images: " + thumbs);
    long total = Files.size(index);
    for (String src : all) {
      assertFalse(src.contains(":") || src.contains(".."), "a figure is a file in the report directory: " + src);
      assertFalse(src.startsWith("/"), src);
      Path png = dir.resolve(src);
      assertTrue(Files.isRegularFile(png), src + " exists");
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(Files.readAllBytes(png)));
      assertNotNull(img, src + " is a PNG");
      assertTrue(img.getWidth() <= 1000 && img.getHeight() <= 800, src + " is modest: " + img.getWidth() + "x"
          + img.getHeight());
      total += Files.size(png);
    }
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(srcs.size() + 2, s.count(), "the page, its figures and the gallery directory (no temporary files)");
    }
    try (Stream<Path> s = Files.list(dir.resolve(Report.GALLERY_DIR))) {
      assertEquals(thumbs.size(), s.count(), "one image per gallery cell, nothing else");
    }
    assertTrue(total < 5_000_000, "report is " + total + " bytes; expected under 5 MB");
    String keep = System.getProperty("cnn.report.out"); // -Dcnn.report.out=DIR: also write it there, to look at
    if (keep != null && !keep.isBlank()) Report.write(Path.of(keep), ReportFixture.inputs(true));
    for (String id : List.of(Figures.LEARNING_CURVES, Figures.CONFUSION_MATRIX, Figures.PER_CLASS,
        Figures.CLASS_COUNTS, Figures.RELIABILITY, Figures.GRADIENTS, Figures.DEAD_RELUS, Figures.AUGMENTATION)) {
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
  void galleriesShowTheWorstImagesAndEachConfusedPairWithNamesAndFiles(@TempDir Path tmp) throws Exception {
    String html = Files.readString(Report.write(tmp, ReportFixture.inputs(true)));
    for (String id : List.of(Figures.HIGHEST_LOSS, Figures.confusedPair(0, 6), Figures.confusedPair(2, 8))) {
      assertTrue(html.contains("<section class=\"gallery\" id=\"" + id + "\">"), id);
    }
    assertTrue(html.indexOf("id=\"" + Figures.confusedPair(0, 6) + "\"") < html.indexOf("id=\""
        + Figures.confusedPair(2, 8) + "\""), "the pair with more errors first");
    assertTrue(html.contains("T-shirt/top and Shirt: 14 errors"), "pair title with both names and the count");
    assertTrue(html.contains("dir&amp;&lt;i&gt;/img&#39;"), "file names shown, escaped");
    assertTrue(html.contains("&rarr; <span class=\"pred\">T-shirt/top</span>"), "true -> predicted");
    assertTrue(html.contains("href=\"#" + Figures.confusedPair(0, 6) + "\""), "the confusable finding links to its row");
    BufferedImage first = ImageIO.read(tmp.resolve(Report.GALLERY_DIR + "/" + Figures.HIGHEST_LOSS + "-1.png").toFile());
    assertEquals(12 * dev.cnn.data.SampleImage.scale(12, 12), first.getWidth(), "upscaled without blur");
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
    for (String gone : List.of("gradients.png", "dead-relus.png", "reliability.png", "augmentation.png")) {
      assertFalse(Files.exists(tmp.resolve(gone)), gone + " from the earlier report is removed");
    }
    try (Stream<Path> s = Files.list(tmp.resolve(Report.GALLERY_DIR))) {
      assertEquals(0, s.count(), "gallery images of the earlier report are removed");
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
