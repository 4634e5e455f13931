package dev.cnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.cnn.tensor.Log;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fetch against a local HTTP server on 127.0.0.1; nothing here touches the internet. */
class FetchTest {
  /** What the server answers for a path: a status, a body, and the Content-Length it announces. */
  private record Reply(int status, byte[] body, long announced) {
    static Reply ok(byte[] body) {
      return new Reply(200, body, body.length);
    }
  }

  @TempDir Path tmp;
  private HttpServer server;
  private final Map<String, Reply> routes = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private final Map<String, byte[]> files = new LinkedHashMap<>();
  private final Map<String, String> digests = new LinkedHashMap<>();
  private final List<ServerSocket> rawSockets = new java.util.ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    Log.setOutput(new PrintStream(log, true));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      Reply r = routes.getOrDefault(exchange.getRequestURI().getPath(), new Reply(404, new byte[0], -1));
      exchange.sendResponseHeaders(r.status(), r.announced());
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(r.body());
      } catch (IOException expected) {
        // a body shorter than announced: the server closes the connection, which is the point
      }
      exchange.close();
    });
    server.start();
    files.put("train-images-idx3-ubyte.gz", IdxFiles.gzip(IdxFiles.images(6, 4, 3, IdxFiles.pattern(6, 4, 3))));
    files.put("train-labels-idx1-ubyte.gz", IdxFiles.gzip(IdxFiles.labels(0, 1, 2, 0, 1, 2)));
    files.put("t10k-images-idx3-ubyte.gz", IdxFiles.gzip(IdxFiles.images(2, 4, 3, IdxFiles.pattern(2, 4, 3))));
    files.put("t10k-labels-idx1-ubyte.gz", IdxFiles.gzip(IdxFiles.labels(2, 1)));
    for (Map.Entry<String, byte[]> e : files.entrySet()) digests.put(e.getKey(), sha256(e.getValue()));
  }

  @AfterEach
  void stop() throws IOException {
    server.stop(0);
    for (ServerSocket ss : rawSockets) ss.close();
    Log.setOutput(System.err);
  }

  private URI base(String dir) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + dir + "/");
  }

  private void serve(String dir) {
    files.forEach((name, body) -> routes.put("/" + dir + "/" + name, Reply.ok(body)));
  }

  private static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void downloadsVerifiesAndPlacesEveryFile() throws IOException {
    serve("ds");
    Path target = tmp.resolve("cache/ds");
    Fetch.download(List.of(base("ds")), digests, target);
    assertEquals(files.keySet().stream().sorted().toList(), listing(target)); // no temporary files left
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      assertArrayEquals(e.getValue(), Files.readAllBytes(target.resolve(e.getKey())), e.getKey());
    }
    // and the result loads
    Dataset train = StandardDatasets.load("mnist", StandardDatasets.Split.TRAIN, target);
    assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2}, train.labels());
  }

  @Test
  void corruptedFileFailsNamingFileAndDigestsAndLeavesNothing() throws IOException {
    serve("ds");
    byte[] bad = files.get("t10k-images-idx3-ubyte.gz").clone();
    bad[bad.length / 2] ^= 1;
    routes.put("/ds/t10k-images-idx3-ubyte.gz", Reply.ok(bad));
    Path target = tmp.resolve("cache/ds");
    IOException e = assertThrows(IOException.class, () -> Fetch.download(List.of(base("ds")), digests, target));
    String m = e.getMessage();
    assertTrue(m.contains("checksum mismatch for t10k-images-idx3-ubyte.gz"), m);
    assertTrue(m.contains("expected SHA-256 " + digests.get("t10k-images-idx3-ubyte.gz")), m);
    assertTrue(m.contains("got " + sha256(bad)), m);
    assertFalse(Files.exists(target), "the directory this call created is removed again");

    Path existing = Files.createDirectories(tmp.resolve("existing"));
    assertThrows(IOException.class, () -> Fetch.download(List.of(base("ds")), digests, existing));
    assertEquals(List.of(), listing(existing), "not even the files that verified are kept");
  }

  /**
   * A one-connection server on 127.0.0.1 that answers any request with {@code response} (raw
   * bytes: status line, headers, body) and then closes the connection, or, with {@code hold},
   * keeps it open without sending more. (HttpServer cannot be made to drop a connection early.)
   */
  private URI rawServer(byte[] response, boolean hold) throws IOException {
    ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    rawSockets.add(ss);
    Thread t = new Thread(() -> {
      try (Socket s = ss.accept()) {
        InputStream in = s.getInputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) { // read the request up to its blank line
          int b = in.read();
          if (b < 0) return;
          matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        s.getOutputStream().write(response);
        s.getOutputStream().flush();
        if (hold) {
          while (in.read() >= 0) {
            // wait until the client gives up and closes
          }
        }
      } catch (IOException ignored) {
        // the client closed first
      }
    }, "raw-http");
    t.setDaemon(true);
    t.start();
    return URI.create("http://127.0.0.1:" + ss.getLocalPort() + "/ds/");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void truncatedTransferIsAnErrorAndLeavesNothing() throws IOException {
    byte[] full = files.get("train-images-idx3-ubyte.gz");
    byte[] head = ("HTTP/1.1 200 OK\r\nContent-Length: " + full.length + "\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    URI source = rawServer(concat(head, java.util.Arrays.copyOf(full, full.length / 2)), false);
    Path target = tmp.resolve("t");
    Map<String, String> one = Map.of("train-images-idx3-ubyte.gz", digests.get("train-images-idx3-ubyte.gz"));
    IOException e = assertThrows(IOException.class, () -> Fetch.download(List.of(source), one, target));
    String m = e.getMessage();
    assertTrue(m.contains("train-images-idx3-ubyte.gz") && m.contains("closed early")
        && m.contains(full.length / 2 + " of " + full.length), m);
    assertFalse(Files.exists(target));
  }

  @Test
  void stalledTransferTimesOutAndLeavesNothing() throws IOException {
    byte[] full = files.get("t10k-labels-idx1-ubyte.gz");
    byte[] head = ("HTTP/1.1 200 OK\r\nContent-Length: " + full.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    URI source = rawServer(concat(head, new byte[] {full[0], full[1]}), true);
    Path target = tmp.resolve("s");
    Map<String, String> one = Map.of("t10k-labels-idx1-ubyte.gz", digests.get("t10k-labels-idx1-ubyte.gz"));
    IOException e = assertThrows(IOException.class,
        () -> Fetch.download(List.of(source), one, target, java.time.Duration.ofMillis(300)));
    assertTrue(e.getMessage().contains("stalled") && e.getMessage().contains("after 2 of " + full.length), e.getMessage());
    assertFalse(Files.exists(target));
  }

  @Test
  void notFoundIsAnErrorNamingTheAddress() {
    serve("ds");
    routes.remove("/ds/train-labels-idx1-ubyte.gz");
    Path target = tmp.resolve("n");
    IOException e = assertThrows(IOException.class, () -> Fetch.download(List.of(base("ds")), digests, target));
    assertTrue(e.getMessage().contains(base("ds") + "train-labels-idx1-ubyte.gz: HTTP 404"), e.getMessage());
    assertTrue(e.getMessage().contains("could not fetch train-labels-idx1-ubyte.gz"), e.getMessage());
    assertFalse(Files.exists(target));
  }

  @Test
  void triesTheNextMirrorWhenOneFails() throws IOException {
    serve("good");
    routes.put("/bad/train-images-idx3-ubyte.gz", Reply.ok(new byte[] {1, 2, 3}));
    Path target = tmp.resolve("m");
    Fetch.download(List.of(base("bad"), base("good")), digests, target);
    assertEquals(4, listing(target).size());
  }

  @Test
  void filesAlreadyPresentAndVerifiedAreNotDownloadedAgain() throws IOException {
    serve("ds");
    Path target = tmp.resolve("again");
    Fetch.download(List.of(base("ds")), digests, target);
    assertEquals(4, requests.get());
    Fetch.download(List.of(base("ds")), digests, target);
    assertEquals(4, requests.get());
    Files.write(target.resolve("t10k-labels-idx1-ubyte.gz"), new byte[] {9}); // damaged on disk
    Fetch.download(List.of(base("ds")), digests, target);
    assertEquals(5, requests.get());
    assertArrayEquals(files.get("t10k-labels-idx1-ubyte.gz"), Files.readAllBytes(target.resolve("t10k-labels-idx1-ubyte.gz")));
  }

  @Test
  void namedFetchUsesTheKnownDigestsAndTheBaseAddressLayout() throws IOException {
    serve("mnist"); // our small files, so the real MNIST digests cannot match
    Path dataDir = tmp.resolve("data");
    IOException e = assertThrows(IOException.class,
        () -> Fetch.fetch("mnist", dataDir, "http://127.0.0.1:" + server.getAddress().getPort(), Map.of(), tmp));
    assertTrue(e.getMessage().contains("expected SHA-256 " + StandardDatasets.MNIST.sha256().get("train-images-idx3-ubyte.gz")),
        e.getMessage());
    assertTrue(e.getMessage().contains(base("mnist") + "train-images-idx3-ubyte.gz"), e.getMessage());
    assertFalse(Files.exists(dataDir.resolve("mnist")));
    assertEquals(1, requests.get());

    // CNN_DATA_URL is the base address when none is given; the cache is the default target
    Map<String, String> env = Map.of("CNN_DATA_URL", base("").toString(), "XDG_CACHE_HOME", tmp.resolve("xdg").toString());
    assertThrows(IOException.class, () -> Fetch.fetch("fashion-mnist", null, null, env, tmp));
    assertEquals(2, requests.get()); // it asked our server (for /fashion-mnist/...: 404)
    assertFalse(Files.exists(tmp.resolve("xdg/cnn/datasets/fashion-mnist")));
  }

  @Test
  void fileAddressesWork() throws IOException {
    Path mirror = tmp.resolve("mirror");
    for (Map.Entry<String, byte[]> e : files.entrySet()) IdxFiles.write(mirror.resolve(e.getKey()), e.getValue());
    Path target = tmp.resolve("from-file");
    Fetch.download(List.of(mirror.toUri()), digests, target);
    assertEquals(4, listing(target).size());
  }

  @Test
  void badArgumentsAreRefused() {
    Path target = tmp.resolve("x");
    assertThrows(IllegalArgumentException.class,
        () -> Fetch.download(List.of(base("ds")), Map.of("f.gz", "ABC"), target));
    assertThrows(IllegalArgumentException.class,
        () -> Fetch.download(List.of(base("ds")), Map.of("../f.gz", digests.values().iterator().next()), target));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Fetch.download(List.of(URI.create("ftp://host/x/")), digests, target));
    assertTrue(e.getMessage().contains("ftp://host/x/"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Fetch.fetch("shapes", target, null, Map.of(), tmp));
    assertFalse(Files.exists(target));
  }
}
