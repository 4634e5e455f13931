package dev.cnn.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report in a real browser: headless Chromium loads it from file:// inside a harness page
 * (a same-origin iframe), and the harness writes what it found into its own DOM, which Chromium
 * dumps. Skipped when {@code chromium} is not on the PATH (.ci/run installs it).
 *
 * <p>Set {@code -Dcnn.report.screenshot=/tmp/report.png} to also save a screenshot of the first
 * screen (1280 x 900) for a person to look at.
 */
class ReportInChromiumTest {
  private static final Pattern RESULT = Pattern.compile("<pre id=\"out\">(.*?)</pre>", Pattern.DOTALL);
  private static Path chromium;

  /** The harness: after the iframe (and its images) loaded, one {@code key=value} line per check. */
  private static final String HARNESS = """
      <!DOCTYPE html>
      <html><head><meta charset="utf-8"><title>harness</title></head><body>
      <iframe id="f" src="index.html" width="1280" height="900"></iframe>
      <pre id="out">pending</pre>
      <script>
      window.addEventListener('load', function () {
        var lines = [];
        try {
          var d = document.getElementById('f').contentDocument;
          var imgs = Array.prototype.slice.call(d.images);
          var broken = imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0); })
              .map(function (i) { return i.getAttribute('src'); });
          var handlers = 0;
          d.querySelectorAll('*').forEach(function (e) {
            for (var a of e.attributes) if (a.name.toLowerCase().startsWith('on')) handlers++;
          });
          var text = d.body.textContent;
          lines.push('loaded=true');
          lines.push('title=' + encodeURIComponent(d.title));
          lines.push('images=' + imgs.length);
          lines.push('broken=' + broken.join(','));
          lines.push('scripts=' + d.querySelectorAll('script').length);
          lines.push('handlers=' + handlers);
          lines.push('scriptNameAsText=' + text.includes('<script>alert(1)<\\/script>'));
          lines.push('quoteNameAsText=' + text.includes('a&b"c\\''));
          lines.push('externalRefs=' + d.querySelectorAll('[src^="http"],[href^="http"],link').length);
        } catch (e) {
          lines.push('loaded=false');
          lines.push('error=' + encodeURIComponent(String(e)));
        }
        document.getElementById('out').textContent = lines.join('\\n');
      });
      </script>
      </body></html>
      """;

  @BeforeAll
  static void findChromium() {
    chromium = onPath("chromium");
    assumeTrue(chromium != null, "chromium is not on the PATH; skipping the browser test of the report"
        + " (install the Debian package chromium to run it)");
  }

  @Test
  void loadsFromFileWithEveryImageAndNoScriptOrConsoleError(@TempDir Path tmp) throws Exception {
    Path report = tmp.resolve("report");
    Report.write(report, ReportFixture.inputs(true));
    Files.writeString(report.resolve("harness.html"), HARNESS);
    Run run = chromium(tmp, "--allow-file-access-from-files", "--virtual-time-budget=5000",
        "--enable-logging=stderr", "--v=0", "--dump-dom", report.resolve("harness.html").toUri().toString());
    Matcher m = RESULT.matcher(run.stdout);
    assertTrue(m.find(), "the harness wrote its results; chromium printed:\n" + run.stdout + "\n" + run.stderr);
    Map<String, String> r = new LinkedHashMap<>();
    for (String line : unescape(m.group(1)).split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) r.put(line.substring(0, eq), line.substring(eq + 1));
    }
    assertEquals("true", r.get("loaded"), "the harness could read the report: " + r + "\nchromium printed:\n"
        + run.stdout + "\n" + run.stderr);
    assertEquals(String.valueOf(8 + Gallery.HIGHEST_LOSS_COUNT + 2 * Gallery.PER_PAIR), r.get("images"),
        "all eight figures and every gallery image: " + r);
    assertEquals("", r.get("broken"), "every image loads (naturalWidth > 0): " + r);
    assertEquals("0", r.get("scripts"), "no script element in the report: " + r);
    assertEquals("0", r.get("handlers"), "no event-handler attribute in the report: " + r);
    assertEquals("true", r.get("scriptNameAsText"), "the script-like class name shows as text: " + r);
    assertEquals("true", r.get("quoteNameAsText"), "the quote class name shows as text: " + r);
    assertEquals("0", r.get("externalRefs"), "no external reference: " + r);
    assertTrue(java.net.URLDecoder.decode(r.get("title"), StandardCharsets.UTF_8).contains("a&b\"c'"), r.get("title"));
    List<String> consoleLines = new ArrayList<>();
    for (String line : run.stderr.split("\n")) {
      if (line.contains("CONSOLE") || line.contains("Uncaught") || line.contains("Content Security Policy")) {
        consoleLines.add(line);
      }
    }
    assertEquals(List.of(), consoleLines, "no console message while loading the report");

    String shot = System.getProperty("cnn.report.screenshot");
    if (shot != null && !shot.isBlank()) {
      chromium(tmp, "--window-size=1280,900", "--screenshot=" + Path.of(shot).toAbsolutePath(),
          report.resolve("index.html").toUri().toString());
    }
  }

  private record Run(String stdout, String stderr) {}

  /** Runs headless Chromium with its own profile in {@code tmp}; fails after 90 seconds. */
  private static Run chromium(Path tmp, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--no-first-run", "--disable-extensions", "--user-data-dir=" + tmp.resolve("chromium-profile")));
    cmd.addAll(List.of(args));
    Path out = tmp.resolve("chromium.out"), err = tmp.resolve("chromium.err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish in 90 s: " + cmd);
    }
    return new Run(Files.readString(out), Files.readString(err));
  }

  /** The text of a dumped text node (the serializer escapes &, < and >, and writes &nbsp;). */
  private static String unescape(String s) {
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", "\u00a0").replace("&amp;", "&");
  }

  private static Path onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) return null;
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir, command);
      if (Files.isExecutable(p) && !Files.isDirectory(p)) return p;
    }
    return null;
  }
}
