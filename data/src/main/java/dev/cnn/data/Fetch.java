package dev.cnn.data;

import dev.cnn.tensor.Log;
import dev.cnn.tensor.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Downloads a dataset's files and checks them: what {@code cnn fetch <name>} runs.
 *
 * <p>For a named dataset ({@link StandardDatasets#FASHION_MNIST}, {@link StandardDatasets#MNIST})
 * the four {@code .gz} files go into {@code <cache>/<name>} ({@link StandardDatasets#cacheRoot()})
 * or, given a directory DIR, into {@code DIR/<name>}, where {@link StandardDatasets#load} finds
 * them. They come from the dataset's mirrors in order, or from one base address given as a
 * parameter or in the environment variable {@code CNN_DATA_URL}; a base address is a root laid
 * out like the cache, each file at {@code <base>/<name>/<file>} (so serving a cache directory
 * over HTTP makes a mirror). Addresses may be {@code http:}, {@code https:} or {@code file:}.
 *
 * <p><b>All or nothing.</b> Every file is streamed into a temporary file next to its destination
 * ({@link AtomicFiles#stage}: {@code .<file>.<hex>.tmp}) while its SHA-256 is computed, forced to
 * disk (fsync), and compared with the known digest. Only when all files are verified are they
 * renamed into place (an atomic rename on one file system) and the directory is forced to disk.
 * Temporary files that a killed fetch left (untouched for 10 minutes) are deleted first. On any failure (an HTTP error,
 * a connection that closes early, fewer bytes than Content-Length, a digest mismatch) every
 * temporary file is deleted, a directory this call created is removed again, and the error names
 * the file, each address tried and what went wrong; files that were already in place and verify
 * are kept and not downloaded again. A file already present whose digest differs is replaced.
 *
 * <p>Connecting times out after 30 s, and a transfer that delivers no data for 60 s fails as
 * stalled. Redirects are followed (at most five, http or https only). A file larger than 512 MiB
 * is refused.
 */
public final class Fetch {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
  private static final int MAX_REDIRECTS = 5;
  static final long MAX_FILE_BYTES = 512L << 20;
  /** Temporary files untouched for this long are a killed fetch's (a live one writes every 60 s at least). */
  private static final Duration ORPHAN_AGE = Duration.ofMinutes(10);

  private Fetch() {}

  /**
   * Fetches a named dataset's four files and returns the directory holding them.
   *
   * @param name {@code fashion-mnist} or {@code mnist}
   * @param dataDirOrNull the files go into {@code dataDirOrNull/<name>}; null: the user cache
   * @param baseUrlOrNull a root address ({@code <base>/<name>/<file>}); null: {@code $CNN_DATA_URL}
   *     when set, else the dataset's mirrors
   * @throws IOException naming the file, the addresses tried and the reasons
   * @throws IllegalArgumentException for an unknown name or a malformed address
   */
  public static Path fetch(String name, Path dataDirOrNull, String baseUrlOrNull) throws IOException {
    return fetch(name, dataDirOrNull, baseUrlOrNull, StandardDatasets.SearchRoots.system());
  }

  /**
   * {@link #fetch(String, Path, String)} with the cache and {@code CNN_DATA_URL} taken from
   * {@code roots} instead of this process's environment and home.
   */
  public static Path fetch(String name, Path dataDirOrNull, String baseUrlOrNull, StandardDatasets.SearchRoots roots)
      throws IOException {
    return fetch(name, dataDirOrNull, baseUrlOrNull, roots.env(), roots.home());
  }

  static Path fetch(String name, Path dataDir, String baseUrl, Map<String, String> env, Path home) throws IOException {
    StandardDatasets.IdxSpec spec = StandardDatasets.idxSpec(name);
    Path target = (dataDir != null ? dataDir : StandardDatasets.cacheRoot(env, home)).resolve(spec.name());
    String base = baseUrl != null ? baseUrl : env.get("CNN_DATA_URL");
    List<URI> sources;
    if (base != null && !base.isBlank()) {
      sources = List.of(directoryUri(base, "base address").resolve(spec.name() + "/"));
    } else {
      sources = spec.mirrors();
    }
    Map<String, String> digests = new LinkedHashMap<>();
    for (String f : spec.files()) digests.put(f, spec.sha256().get(f));
    download(sources, digests, target);
    return target;
  }

  /**
   * Downloads each file from the first of {@code sources} that delivers it intact
   * ({@code source + fileName}) into {@code targetDir}, all or nothing (see the class comment).
   *
   * @param sources directory addresses, tried in order for each file
   * @param sha256ByFile file name to expected lowercase hex SHA-256
   * @throws IOException naming the file that failed, with every address tried and its error
   */
  public static void download(List<URI> sources, Map<String, String> sha256ByFile, Path targetDir) throws IOException {
    download(sources, sha256ByFile, targetDir, READ_TIMEOUT);
  }

  static void download(List<URI> sources, Map<String, String> sha256ByFile, Path targetDir, Duration readTimeout)
      throws IOException {
    if (sources.isEmpty()) throw new IllegalArgumentException("Fetch.download: no source addresses given");
    if (sha256ByFile.isEmpty()) throw new IllegalArgumentException("Fetch.download: no files given");
    for (Map.Entry<String, String> e : sha256ByFile.entrySet()) {
      String f = e.getKey();
      if (f.isEmpty() || f.contains("/") || f.contains("\\") || f.startsWith(".")) {
        throw new IllegalArgumentException("Fetch.download: file name '" + f + "'; expected a plain name without"
            + " directories or a leading dot");
      }
      if (e.getValue() == null || !e.getValue().matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("Fetch.download: SHA-256 of " + f + " is '" + e.getValue()
            + "'; expected 64 lowercase hex digits");
      }
    }
    List<URI> dirs = new ArrayList<>();
    for (URI s : sources) dirs.add(directoryUri(s.toString(), "source address"));

    boolean created = !Files.isDirectory(targetDir);
    Files.createDirectories(targetDir);
    // Temporary files of a fetch that was killed; recent ones may belong to a fetch running now.
    AtomicFiles.removeOrphans(targetDir, ORPHAN_AGE);
    List<AtomicFiles.Staged> staged = new ArrayList<>();
    boolean done = false;
    try {
      for (Map.Entry<String, String> e : sha256ByFile.entrySet()) {
        String file = e.getKey();
        String expected = e.getValue();
        Path dest = targetDir.resolve(file);
        if (Files.isRegularFile(dest)) {
          String have = sha256(dest);
          if (have.equals(expected)) {
            Log.info("fetch: " + dest + " is already present (SHA-256 verified)");
            continue;
          }
          Log.warn("fetch: " + dest + " is present but its SHA-256 is " + have + ", not " + expected + "; downloading it again");
        }
        staged.add(fetchOne(dirs, file, expected, targetDir, readTimeout));
      }
      for (AtomicFiles.Staged s : staged) s.commit();
      done = true;
    } finally {
      for (AtomicFiles.Staged s : staged) s.close(); // deletes the temporary files not committed
      if (!done && created) deleteIfEmpty(targetDir);
    }
  }

  /** Downloads one file, trying each source; returns it verified and staged next to its destination. */
  private static AtomicFiles.Staged fetchOne(List<URI> dirs, String file, String expected, Path targetDir,
      Duration readTimeout) throws IOException {
    List<String> failures = new ArrayList<>();
    for (URI dir : dirs) {
      URI uri = dir.resolve(file);
      long[] bytes = new long[1];
      try {
        AtomicFiles.Staged staged = AtomicFiles.stage(targetDir.resolve(file),
            ch -> bytes[0] = transfer(uri, ch, file, expected, readTimeout));
        Log.info("fetch: " + uri + " (" + bytes[0] + " bytes, SHA-256 verified)");
        return staged;
      } catch (IOException ex) {
        failures.add(ex.getMessage());
        Log.warn("fetch: " + ex.getMessage());
      }
    }
    StringBuilder msg = new StringBuilder("could not fetch ").append(file).append(" (nothing was written to ")
        .append(targetDir).append("); tried ").append(dirs.size()).append(dirs.size() == 1 ? " address:" : " addresses:");
    for (String f : failures) msg.append("\n  - ").append(f);
    msg.append("\nCheck the network and try again, or point CNN_DATA_URL at another mirror (<base>/<name>/<file>),"
        + " or copy the files by hand into ").append(targetDir);
    throw new IOException(msg.toString());
  }

  /**
   * Streams {@code uri} into {@code out} and checks its length and digest; returns its length.
   * (The caller, {@link AtomicFiles#stage}, flushes the file and deletes it when this throws.)
   */
  private static long transfer(URI uri, WritableByteChannel out, String file, String expected, Duration readTimeout)
      throws IOException {
    MessageDigest md = sha256Digest();
    long declared;
    InputStream body;
    HttpURLConnection http = null;
    if ("file".equals(uri.getScheme())) {
      Path src = Path.of(uri);
      if (!Files.isRegularFile(src)) throw new IOException(uri + ": no such file");
      declared = Files.size(src);
      body = Files.newInputStream(src);
    } else {
      http = open(uri, readTimeout);
      declared = http.getContentLengthLong();
      try {
        body = http.getInputStream();
      } catch (IOException e) {
        http.disconnect();
        throw new IOException(uri + ": " + describe(e), e);
      }
    }
    long n = 0;
    try (InputStream in = body) {
      if (declared > MAX_FILE_BYTES) {
        throw new IOException(uri + ": " + declared + " bytes, more than the " + MAX_FILE_BYTES + " a dataset file may have");
      }
      byte[] buf = new byte[1 << 16];
      while (true) {
        int r;
        try {
          r = in.read(buf);
        } catch (SocketTimeoutException e) {
          throw new IOException(uri + ": no data for " + readTimeout.toSeconds() + " s after " + n
              + (declared >= 0 ? " of " + declared : "") + " bytes; the connection stalled", e);
        } catch (IOException e) {
          throw new IOException(uri + ": the transfer failed after " + n + (declared >= 0 ? " of " + declared : "")
              + " bytes (" + describe(e) + "); the connection closed early", e);
        }
        if (r < 0) break;
        md.update(buf, 0, r);
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, r);
        AtomicFiles.writeFully(out, bb);
        n += r;
        if (n > MAX_FILE_BYTES) {
          throw new IOException(uri + ": more than " + MAX_FILE_BYTES + " bytes, more than a dataset file may have");
        }
      }
    } finally {
      if (http != null) http.disconnect();
    }
    if (declared >= 0 && n != declared) {
      throw new IOException(uri + ": cut short: received " + n + " of " + declared
          + " bytes (the Content-Length); the connection closed early");
    }
    String actual = HexFormat.of().formatHex(md.digest());
    if (!actual.equals(expected)) {
      throw new IOException(uri + ": checksum mismatch for " + file + ": expected SHA-256 " + expected + ", got "
          + actual + " (" + n + " bytes); the file was not kept");
    }
    return n;
  }

  /**
   * Opens an HTTP(S) GET and returns the connection once the status is 200, following up to
   * five redirects (also from http to https, which {@link HttpURLConnection} alone does not).
   */
  private static HttpURLConnection open(URI uri, Duration readTimeout) throws IOException {
    URI at = uri;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpURLConnection c = (HttpURLConnection) at.toURL().openConnection();
      c.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
      c.setReadTimeout((int) readTimeout.toMillis());
      c.setInstanceFollowRedirects(false);
      c.setRequestProperty("User-Agent", "cnn-fetch");
      int status;
      try {
        status = c.getResponseCode();
      } catch (SocketTimeoutException e) {
        c.disconnect();
        throw new IOException(at + ": no answer within " + readTimeout.toSeconds() + " s", e);
      } catch (IOException e) {
        c.disconnect();
        throw new IOException(at + ": " + describe(e), e);
      }
      if (status == 200) return c;
      String location = c.getHeaderField("Location");
      c.disconnect();
      boolean redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
      if (!redirect || location == null) {
        throw new IOException(at + ": HTTP " + status + (status == 404 ? " (not found)" : ""));
      }
      at = at.resolve(location);
      String scheme = at.getScheme() == null ? "" : at.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IOException(uri + ": redirected to " + at + ", which is not an http or https address");
      }
    }
    throw new IOException(uri + ": more than " + MAX_REDIRECTS + " redirects");
  }

  /** The lowercase hex SHA-256 of a file. */
  public static String sha256(Path file) throws IOException {
    MessageDigest md = sha256Digest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int r; (r = in.read(buf)) >= 0; ) md.update(buf, 0, r);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256, which every Java platform must provide", e);
    }
  }

  private static void deleteIfEmpty(Path dir) throws IOException {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      if (s.iterator().hasNext()) return;
    }
    Files.deleteIfExists(dir);
  }

  private static URI directoryUri(String s, String what) {
    URI u;
    try {
      u = URI.create(s.endsWith("/") ? s : s + "/");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("fetch: " + what + " '" + s + "' is not a valid address (" + e.getMessage() + ")", e);
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("file")) {
      throw new IllegalArgumentException("fetch: " + what + " '" + s + "'; expected an http:, https: or file: address");
    }
    return u;
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
