package dev.cnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cnn.data.StandardDatasets.Place;
import dev.cnn.data.StandardDatasets.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandardDatasetsTest {
  @TempDir Path tmp;

  private Path home() {
    return tmp.resolve("home");
  }

  private Path system() {
    return tmp.resolve("usr-share-datasets");
  }

  private static List<Path> dirs(List<Place> places) {
    return places.stream().map(Place::dir).toList();
  }

  @Test
  void searchOrderWithoutAnExplicitDirectory() {
    Map<String, String> env = Map.of("CNN_DATA", "/data/sets");
    assertEquals(List.of(Path.of("/data/sets/mnist"), home().resolve(".cache/cnn/datasets/mnist"), system().resolve("mnist")),
        dirs(StandardDatasets.searchPath("mnist", null, env, home(), system())));
    assertEquals(List.of(home().resolve(".cache/cnn/datasets/mnist"), system().resolve("mnist")),
        dirs(StandardDatasets.searchPath("mnist", null, Map.of(), home(), system())));
  }

  @Test
  void anExplicitDirectoryIsTheOnlyPlaceSearched() {
    Path given = tmp.resolve("given");
    assertEquals(List.of(given, given.resolve("fashion-mnist")),
        dirs(StandardDatasets.searchPath("fashion-mnist", given, Map.of("CNN_DATA", "/x"), home(), system())));
  }

  @Test
  void cacheFollowsXdgCacheHomeWhenAbsolute() {
    assertEquals(Path.of("/xdg/cnn/datasets"), StandardDatasets.cacheRoot(Map.of("XDG_CACHE_HOME", "/xdg"), home()));
    assertEquals(home().resolve(".cache/cnn/datasets"), StandardDatasets.cacheRoot(Map.of("XDG_CACHE_HOME", "rel"), home()));
    assertEquals(home().resolve(".cache/cnn/datasets"), StandardDatasets.cacheRoot(Map.of(), home()));
  }

  @Test
  void loadsTheFirstDirectoryThatHoldsTheSplit() throws IOException {
    Path cnnData = tmp.resolve("cnn-data");
    IdxFiles.writeSplit(home().resolve(".cache/cnn/datasets/mnist"), Split.TEST, 5, 10);
    IdxFiles.writeSplit(system().resolve("mnist"), Split.TEST, 7, 10);
    Dataset fromCache = StandardDatasets.load("mnist", Split.TEST, null, Map.of("CNN_DATA", cnnData.toString()), home(), system());
    assertEquals(5, fromCache.size());
    IdxFiles.writeSplit(cnnData.resolve("mnist"), Split.TEST, 3, 10);
    Dataset fromEnv = StandardDatasets.load("mnist", Split.TEST, null, Map.of("CNN_DATA", cnnData.toString()), home(), system());
    assertEquals(3, fromEnv.size());
    assertArrayEquals(new int[] {1, 4, 3}, fromEnv.sampleShape());
    assertEquals(StandardDatasets.MNIST.classNames(), fromEnv.classNames());
  }

  @Test
  void explicitDirectoryMayBeTheDatasetDirectoryOrItsParent() throws IOException {
    Path root = tmp.resolve("root");
    IdxFiles.writeSplit(root.resolve("fashion-mnist"), Split.TRAIN, 4, 10);
    Dataset viaParent = StandardDatasets.load("fashion-mnist", Split.TRAIN, root, Map.of(), home(), system());
    Dataset direct = StandardDatasets.load("fashion-mnist", Split.TRAIN, root.resolve("fashion-mnist"), Map.of(), home(), system());
    assertEquals(4, viaParent.size());
    assertEquals(4, direct.size());
    assertEquals("Ankle boot", direct.classNames().get(9));
  }

  @Test
  void uncompressedFilesAreFoundToo() throws IOException {
    Path d = tmp.resolve("raw");
    IdxFiles.write(d.resolve("t10k-images-idx3-ubyte"), IdxFiles.images(2, 2, 2, new byte[8]));
    IdxFiles.write(d.resolve("t10k-labels-idx1-ubyte"), IdxFiles.labels(3, 4));
    assertArrayEquals(new int[] {3, 4}, StandardDatasets.load("mnist", Split.TEST, d, Map.of(), home(), system()).labels());
  }

  @Test
  void missingDatasetSaysWhereItLookedAndHowToGetIt() {
    IOException e = assertThrows(IOException.class,
        () -> StandardDatasets.load("fashion-mnist", Split.TRAIN, null, Map.of(), home(), system()));
    String m = e.getMessage();
    for (String part : List.of("fashion-mnist (train split) not found", "train-images-idx3-ubyte[.gz]",
        home().resolve(".cache/cnn/datasets/fashion-mnist").toString(), system().resolve("fashion-mnist").toString(),
        "$CNN_DATA is not set", "apt-get install dataset-fashion-mnist", "cnn fetch fashion-mnist", "--data-dir",
        "CNN_DATA=DIR")) {
      assertTrue(m.contains(part), () -> "message lacks '" + part + "': " + m);
    }
    IOException mnist = assertThrows(IOException.class,
        () -> StandardDatasets.load("mnist", Split.TEST, null, Map.of(), home(), system()));
    assertTrue(mnist.getMessage().contains("cnn fetch mnist"), mnist.getMessage());
    assertTrue(!mnist.getMessage().contains("apt-get"), "MNIST has no Debian package: " + mnist.getMessage());
  }

  @Test
  void aDirectoryWithOnlyOneOfTheTwoFilesIsDescribed() throws IOException {
    Path d = tmp.resolve("half");
    IdxFiles.write(d.resolve("train-images-idx3-ubyte.gz"), IdxFiles.gzip(IdxFiles.images(1, 1, 1, new byte[1])));
    IOException e = assertThrows(IOException.class, () -> StandardDatasets.load("mnist", Split.TRAIN, d, Map.of(), home(), system()));
    assertTrue(e.getMessage().contains("has train-images-idx3-ubyte.gz but not train-labels-idx1-ubyte[.gz]"), e.getMessage());
  }

  @Test
  void aBadFileFoundByNameIsReportedWithItsPath() throws IOException {
    Path d = tmp.resolve("bad");
    IdxFiles.write(d.resolve("t10k-images-idx3-ubyte.gz"), new byte[] {0x1f, (byte) 0x8b, 8});
    IdxFiles.write(d.resolve("t10k-labels-idx1-ubyte.gz"), IdxFiles.gzip(IdxFiles.labels(1)));
    IOException e = assertThrows(IOException.class, () -> StandardDatasets.load("mnist", Split.TEST, d, Map.of(), home(), system()));
    assertTrue(e.getMessage().startsWith(d.resolve("t10k-images-idx3-ubyte.gz").toString()), e.getMessage());
  }

  @Test
  void namesAndUnknownNames() throws IOException {
    assertEquals(List.of("fashion-mnist", "mnist", "shapes"), StandardDatasets.names());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> StandardDatasets.load("cifar", Split.TRAIN, null, Map.of(), home(), system()));
    assertTrue(e.getMessage().contains("'cifar'") && e.getMessage().contains("fashion-mnist"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> StandardDatasets.idxSpec("shapes"));
  }

  @Test
  void shapesByNameIsTheDefaultSyntheticSet() throws IOException {
    Dataset test = StandardDatasets.load("shapes", Split.TEST, null, Map.of(), home(), system());
    assertEquals(2_000, test.size());
    assertArrayEquals(new int[] {1, 28, 28}, test.sampleShape());
    assertEquals(8, test.classes());
  }

  @Test
  void specsListFourFilesWithDigests() {
    for (StandardDatasets.IdxSpec spec : List.of(StandardDatasets.FASHION_MNIST, StandardDatasets.MNIST)) {
      assertEquals(4, spec.files().size());
      assertEquals(10, spec.classNames().size());
      for (String f : spec.files()) assertTrue(spec.sha256().get(f).matches("[0-9a-f]{64}"), f);
    }
  }

  /** Debian's package, when installed: the real test split (skipped when absent). */
  @Test
  void debianFashionMnistWhenInstalled() throws IOException {
    Path d = StandardDatasets.SYSTEM_ROOT.resolve("fashion-mnist");
    assumeTrue(Files.isRegularFile(d.resolve("t10k-labels-idx1-ubyte.gz")), "dataset-fashion-mnist is not installed");
    Dataset test = StandardDatasets.load("fashion-mnist", Split.TEST, d);
    assertEquals(10_000, test.size());
    assertArrayEquals(new int[] {1, 28, 28}, test.sampleShape());
    int[] perClass = new int[10];
    for (int l : test.labels()) perClass[l]++;
    for (int c = 0; c < 10; c++) assertEquals(1_000, perClass[c], "class " + c);
    assertEquals(9, test.label(0)); // the first test image is an ankle boot
  }

  /**
   * Debian's {@code .gz} files hold the published files' deflate streams under a new gzip header
   * (no file name, a 2020 time stamp). Putting back the original header (flag FNAME, the name,
   * time stamps of 2017-08-31) rebuilds the published files byte for byte: their MD5s are
   * torchvision's, and their SHA-256s must be the digests {@link Fetch} checks.
   */
  @Test
  void fashionMnistDigestsMatchTheFilesRebuiltFromDebiansPackage() throws Exception {
    Path d = StandardDatasets.SYSTEM_ROOT.resolve("fashion-mnist");
    assumeTrue(Files.isDirectory(d), "dataset-fashion-mnist is not installed");
    Map<String, String> torchvisionMd5 = Map.of(
        "train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        "train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe",
        "t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79",
        "t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310");
    for (String file : StandardDatasets.FASHION_MNIST.files()) {
      byte[] debian = Files.readAllBytes(d.resolve(file));
      assertEquals(0, debian[3], file + ": Debian's header stores no name");
      String name = file.substring(0, file.length() - 3);
      int mtime = file.startsWith("train") ? 1504176606 : 1504176627;
      java.io.ByteArrayOutputStream rebuilt = new java.io.ByteArrayOutputStream();
      rebuilt.write(new byte[] {0x1f, (byte) 0x8b, 8, 8, (byte) mtime, (byte) (mtime >>> 8), (byte) (mtime >>> 16),
          (byte) (mtime >>> 24), 0, 3});
      rebuilt.write((name + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      rebuilt.write(debian, 10, debian.length - 10);
      byte[] official = rebuilt.toByteArray();
      java.util.HexFormat hex = java.util.HexFormat.of();
      assertEquals(torchvisionMd5.get(file), hex.formatHex(java.security.MessageDigest.getInstance("MD5").digest(official)), file);
      assertEquals(StandardDatasets.FASHION_MNIST.sha256().get(file),
          hex.formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(official)), file);
    }
  }

  @Test
  void installedIsTheFirstPlaceWithBothSplits() throws IOException {
    StandardDatasets.SearchRoots roots = new StandardDatasets.SearchRoots(
        Map.of("CNN_DATA", tmp.resolve("cnn-data").toString()), home(), system());
    assertTrue(StandardDatasets.installed("fashion-mnist", roots).isEmpty());
    // only the test split in $CNN_DATA, both in the system root: the system root is the installed copy
    IdxFiles.writeSplit(tmp.resolve("cnn-data/fashion-mnist"), Split.TEST, 5, 10);
    IdxFiles.writeSplit(system().resolve("fashion-mnist"), Split.TRAIN, 5, 10);
    assertTrue(StandardDatasets.installed("fashion-mnist", roots).isEmpty(), "the system root lacks the test split");
    IdxFiles.writeSplit(system().resolve("fashion-mnist"), Split.TEST, 5, 10);
    Place found = StandardDatasets.installed("fashion-mnist", roots).orElseThrow();
    assertEquals(system().resolve("fashion-mnist"), found.dir());
    assertEquals("Debian's dataset packages", found.origin());
    // a complete copy earlier on the path wins
    IdxFiles.writeSplit(tmp.resolve("cnn-data/fashion-mnist"), Split.TRAIN, 5, 10);
    assertEquals("$CNN_DATA", StandardDatasets.installed("fashion-mnist", roots).orElseThrow().origin());
    assertTrue(StandardDatasets.installed("mnist", roots).isEmpty());
    assertThrows(IllegalArgumentException.class, () -> StandardDatasets.installed("shapes", roots));
  }

  @Test
  void searchRootsAreValuesAndTheCacheFollowsThem() {
    StandardDatasets.SearchRoots roots = new StandardDatasets.SearchRoots(Map.of("XDG_CACHE_HOME", "/xdg"), home(),
        system());
    assertEquals(Path.of("/xdg/cnn/datasets"), roots.cacheRoot());
    assertEquals(List.of(Path.of("/xdg/cnn/datasets/mnist"), system().resolve("mnist")),
        dirs(StandardDatasets.searchPath("mnist", null, roots)));
    assertThrows(IllegalArgumentException.class, () -> new StandardDatasets.SearchRoots(Map.of(), null, system()));
  }
}
