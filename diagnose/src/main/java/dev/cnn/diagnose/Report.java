package dev.cnn.diagnose;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import dev.cnn.data.SampleImage;
import dev.cnn.tensor.io.AtomicFiles;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The diagnosis as a self-contained HTML page: {@code index.html} and one PNG per figure in one
 * directory. The page is a view of the findings (it computes none): the run's name and test
 * accuracy, the findings by severity with their advice and a copyable {@code cnn train} line, then
 * the figures they link to. No JavaScript, no external URL; all text from the run (class names,
 * titles, settings) is HTML-escaped by the template engine.
 */
public final class Report {
  /** The page's file name in the report directory. */
  public static final String INDEX = "index.html";
  /** The template, a classpath resource beside this class. */
  static final String TEMPLATE = "dev/cnn/diagnose/report.mustache";
  /** Every figure id a report may write; stale ones from an earlier report in the same directory are removed. */
  static final List<String> ALL_FIGURES = List.of(Figures.LEARNING_CURVES, Figures.CONFUSION_MATRIX, Figures.PER_CLASS,
      Figures.CLASS_COUNTS, Figures.RELIABILITY, Figures.GRADIENTS, Figures.DEAD_RELUS, Figures.AUGMENTATION, Figures.LABEL_NOISE);
  /** The report's subdirectory for the galleries' images, one PNG per image: {@code gallery/<gallery id>-<n>.png}. */
  static final String GALLERY_DIR = "gallery";
  /** Arguments a POSIX shell takes as they are; anything else is single-quoted in the copyable line. */
  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:=,+@%-]+");

  private Report() {}

  /**
   * Writes {@code dir/index.html} and the figures' PNGs, creating {@code dir}. Each file is
   * written atomically; the PNGs first, the page last, so the page never refers to a missing
   * image. Nothing is written outside {@code dir}; other files in it are kept.
   *
   * @return the path of {@code index.html}
   */
  public static Path write(Path dir, ReportInputs in) throws IOException {
    List<ReportFigures.Rendered> figures = ReportFigures.render(in);
    Map<String, byte[]> thumbnails = new LinkedHashMap<>();
    for (Gallery g : in.galleries()) {
      for (int n = 0; n < g.examples().size(); n++) thumbnails.put(thumbnailFile(g, n), thumbnail(g.examples().get(n)));
    }
    String html = html(in, figures);
    Files.createDirectories(dir);
    if (!thumbnails.isEmpty()) Files.createDirectories(dir.resolve(GALLERY_DIR));
    List<AtomicFiles.Staged> staged = new ArrayList<>();
    try {
      for (ReportFigures.Rendered f : figures) staged.add(stage(dir.resolve(f.fileName()), f.png()));
      for (Map.Entry<String, byte[]> t : thumbnails.entrySet()) staged.add(stage(dir.resolve(t.getKey()), t.getValue()));
      staged.add(stage(dir.resolve(INDEX), html.getBytes(StandardCharsets.UTF_8)));
      for (AtomicFiles.Staged s : staged) s.commit();
    } finally {
      for (AtomicFiles.Staged s : staged) s.close();
    }
    for (String id : ALL_FIGURES) {
      if (figures.stream().noneMatch(f -> f.id().equals(id))) Files.deleteIfExists(dir.resolve(id + ".png"));
    }
    try (var old = Files.newDirectoryStream(dir, Figures.STUDY_PREFIX + "*.png")) {
      for (Path p : old) {
        String name = p.getFileName().toString();
        if (figures.stream().noneMatch(f -> f.fileName().equals(name))) Files.deleteIfExists(p);
      }
    }
    Path galleryDir = dir.resolve(GALLERY_DIR);
    if (Files.isDirectory(galleryDir)) {
      try (var old = Files.newDirectoryStream(galleryDir, "*.png")) {
        for (Path p : old) {
          if (!thumbnails.containsKey(GALLERY_DIR + "/" + p.getFileName())) Files.deleteIfExists(p);
        }
      }
    }
    return dir.resolve(INDEX);
  }

  /** The report-relative file of example n (from 0) of gallery g. */
  static String thumbnailFile(Gallery g, int n) {
    return GALLERY_DIR + "/" + g.id() + "-" + (n + 1) + ".png";
  }

  /** The example's image upscaled as {@link SampleImage#scale} says, as PNG bytes. */
  static byte[] thumbnail(Gallery.Example e) {
    int[] s = e.shape();
    return ReportFigures.png(SampleImage.of(e.pixels(), s[0], s[1], s[2], SampleImage.scale(s[1], s[2])));
  }

  private static AtomicFiles.Staged stage(Path target, byte[] content) throws IOException {
    return AtomicFiles.stage(target, out -> AtomicFiles.writeFully(out, ByteBuffer.wrap(content)));
  }

  /** The page for {@code in}, with {@code figures} as the images it shows. */
  static String html(ReportInputs in, List<ReportFigures.Rendered> figures) {
    Mustache m = new DefaultMustacheFactory().compile(TEMPLATE);
    StringWriter out = new StringWriter();
    m.execute(out, model(in, figures));
    return out.toString();
  }

  /** The template's data: plain maps, lists and strings. */
  static Map<String, Object> model(ReportInputs in, List<ReportFigures.Rendered> figures) {
    RunEvidence ev = in.evidence();
    Map<String, Object> page = new LinkedHashMap<>();
    page.put("runName", in.runName());
    int[][] m = ev.testConfusion();
    long correct = 0, total = 0;
    for (int t = 0; t < m.length; t++) {
      for (int p = 0; p < m.length; p++) total += m[t][p];
      correct += m[t][t];
    }
    page.put("testAccuracy", total == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100.0 * correct / total));
    page.put("testImages", Long.toString(total));
    page.put("classes", Integer.toString(ev.classNames().size()));
    page.put("epochs", ev.history().size() + (ev.epochsPlanned() > ev.history().size()
        ? " of " + ev.epochsPlanned() + " planned" : ""));
    page.put("stopReason", ev.stopReason());
    int best = ReportFigures.bestEpoch(ev.history());
    page.put("bestEpoch", best < 0 ? null : Integer.toString(best + 1));
    List<Map<String, String>> config = new ArrayList<>();
    in.config().forEach((k, v) -> config.add(Map.of("key", k, "value", v)));
    page.put("config", config);
    page.put("hasConfig", !config.isEmpty());

    Map<String, String> titleById = new LinkedHashMap<>();
    for (ReportFigures.Rendered f : figures) titleById.put(f.id(), f.title());
    for (Gallery g : in.galleries()) if (!g.examples().isEmpty()) titleById.put(g.id(), "its examples");
    List<Finding> sorted = new ArrayList<>(in.findings());
    sorted.sort(Comparator.comparing(Finding::severity).reversed()); // stable: CRITICAL first, then input order
    List<Map<String, Object>> findings = new ArrayList<>();
    int[] bySeverity = new int[Severity.values().length];
    for (int i = 0; i < sorted.size(); i++) {
      Finding f = sorted.get(i);
      bySeverity[f.severity().ordinal()]++;
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("anchor", "finding-" + (i + 1));
      row.put("severity", f.severity().key());
      row.put("severityLabel", f.severity().name());
      row.put("kind", f.kind().id());
      row.put("title", f.title());
      row.put("advice", f.advice());
      if (!f.tryFlags().isEmpty()) row.put("tryLine", tryLine(in.trainCommand(), f.tryFlags()));
      String figureTitle = f.figure() == null ? null : titleById.get(f.figure());
      if (figureTitle != null) {
        row.put("figureId", f.figure());
        row.put("figureTitle", figureTitle);
      }
      List<Map<String, String>> evidence = new ArrayList<>();
      f.evidence().forEach((k, v) -> evidence.add(Map.of("name", k, "value", format(v))));
      row.put("evidence", evidence);
      row.put("hasEvidence", !evidence.isEmpty());
      findings.add(row);
    }
    page.put("findings", findings);
    page.put("hasFindings", !findings.isEmpty());
    List<String> summary = new ArrayList<>();
    for (Severity s : List.of(Severity.CRITICAL, Severity.WARNING, Severity.INFO)) {
      if (bySeverity[s.ordinal()] > 0) summary.add(bySeverity[s.ordinal()] + " " + s.key() + (bySeverity[s.ordinal()] > 1 ? "s" : ""));
    }
    page.put("summary", String.join(", ", summary));

    List<Map<String, String>> figs = new ArrayList<>();
    for (ReportFigures.Rendered f : figures) {
      figs.add(Map.of("id", f.id(), "file", f.fileName(), "title", f.title(), "caption", f.caption()));
    }
    page.put("figures", figs);
    List<String> names = ev.classNames();
    List<Map<String, Object>> galleries = new ArrayList<>();
    for (Gallery g : in.galleries()) {
      List<Map<String, Object>> cells = new ArrayList<>();
      for (int n = 0; n < g.examples().size(); n++) {
        Gallery.Example e = g.examples().get(n);
        int[] s = e.shape();
        int scale = SampleImage.scale(s[1], s[2]);
        Map<String, Object> cell = new LinkedHashMap<>();
        cell.put("file", thumbnailFile(g, n));
        cell.put("width", Integer.toString(s[2] * scale));
        cell.put("height", Integer.toString(s[1] * scale));
        cell.put("trueName", names.get(e.label()));
        cell.put("predictedName", names.get(e.predicted()));
        cell.put("correct", e.note() == null && !e.alert());
        cell.put("plain", e.note() != null && !e.alert());
        cell.put("note", e.note());
        cell.put("confidence", Double.isNaN(e.confidence()) ? "" : String.format(Locale.ROOT, "%.0f%%",
            100 * e.confidence()));
        cell.put("labelProbability", percent(e.labelProbability()));
        cell.put("source", e.source());
        cell.put("index", Integer.toString(e.index()));
        cells.add(cell);
      }
      if (cells.isEmpty()) continue;
      galleries.add(Map.of("id", g.id(), "title", g.title(), "caption", g.caption(), "examples", cells));
    }
    page.put("galleries", galleries);
    page.put("hasGalleries", !galleries.isEmpty());
    List<String> missing = new ArrayList<>();
    if (!titleById.containsKey(Figures.GRADIENTS) && !titleById.containsKey(Figures.DEAD_RELUS)) {
      missing.add("Gradient norms and dead ReLUs were not recorded; train with --diagnostics to see them.");
    }
    if (!titleById.containsKey(Figures.RELIABILITY)) {
      missing.add("No reliability diagram: the per-image confidences were not computed.");
    }
    page.put("notes", missing);
    return page;
  }

  /** A probability as a percentage: one decimal below 1% (0.3% does not read as 0%), and {@code <0.1%} below that. */
  static String percent(double p) {
    if (p > 0 && p < 0.001) return "<0.1%";
    return String.format(Locale.ROOT, p < 0.01 && p > 0 ? "%.1f%%" : "%.0f%%", 100 * p);
  }

  /** {@code cnn train ... --flag value}, each argument quoted for a POSIX shell where needed. */
  static String tryLine(String command, List<String> flags) {
    StringBuilder sb = new StringBuilder(command);
    for (String f : flags) sb.append(' ').append(shellQuote(f));
    return sb.toString();
  }

  static String shellQuote(String s) {
    return SHELL_SAFE.matcher(s).matches() ? s : "'" + s.replace("'", "'\\''") + "'";
  }

  /** An evidence value as text: numbers to 4 significant digits, lists joined with commas. */
  static String format(Object v) {
    if (v == null) return "";
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (!Double.isFinite(d)) return Double.toString(d);
      if (d == Math.rint(d) && Math.abs(d) < 1e9) return Long.toString((long) d);
      String s = String.format(Locale.ROOT, Math.abs(d) >= 1e-3 && Math.abs(d) < 1e6 ? "%.4g" : "%.3e", d);
      return s.contains("e") || !s.contains(".") ? s : s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    if (v instanceof List<?> l) {
      List<String> parts = new ArrayList<>();
      for (Object o : l) parts.add(format(o));
      return String.join(", ", parts);
    }
    return v.toString();
  }
}
