package dev.cnn.cli;

import dev.cnn.data.Dataset;
import dev.cnn.data.Idx;
import dev.cnn.data.ImageFolder;
import dev.cnn.data.StandardDatasets;
import dev.cnn.data.SyntheticShapes;
import dev.cnn.tensor.Log;
import dev.cnn.tensor.Rng;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code --dataset} option: {@code shapes} (built in, generated from the seed),
 * {@code fashion-mnist} and {@code mnist} (IDX files found on the search path), {@code folder:DIR}
 * (one sub-folder per class, and a stratified 20% of it becomes the test set; or {@code train/}
 * and {@code test/} folders of class folders, which are the two splits) and {@code idx:DIR}
 * (the four standard IDX files in DIR, classes named by number).
 */
record DataChoice(String spec, Dataset train, Dataset test) {
  /** Test fraction taken from an image folder, which has no test split of its own. */
  static final double FOLDER_TEST_FRACTION = 0.2;

  /**
   * Loads the dataset {@code spec} names; for {@code shapes}, with planted label noise in its
   * training labels when {@code labelNoise} > 0 ({@code noiseKind} uniform or pairs).
   */
  static DataChoice load(String spec, Path dataDir, int imageSize, long seed, double labelNoise, String noiseKind)
      throws IOException {
    if (spec.equals(StandardDatasets.SHAPES)) {
      SyntheticShapes.Builder b = SyntheticShapes.builder().seed(seed);
      if (imageSize > 0) b.imageSize(imageSize);
      if (labelNoise > 0) {
        b.labelNoise(labelNoise, SyntheticShapes.LabelNoise.valueOf(noiseKind.toUpperCase(java.util.Locale.ROOT)));
      }
      SyntheticShapes shapes = b.build();
      return new DataChoice(spec, shapes.train(), shapes.test());
    }
    if (spec.equals("fashion-mnist") || spec.equals("mnist")) {
      return new DataChoice(spec, StandardDatasets.load(spec, StandardDatasets.Split.TRAIN, dataDir),
          StandardDatasets.load(spec, StandardDatasets.Split.TEST, dataDir));
    }
    if (spec.startsWith("folder:")) {
      Path root = Path.of(spec.substring("folder:".length()));
      ImageFolder.TrainTest s;
      try {
        s = folder(root, imageSize).splits(FOLDER_TEST_FRACTION, new Rng(seed).split());
      } catch (IOException e) {
        // train/ and test/ of different image sizes: the data layer names the folders, the flag is ours.
        if (imageSize == 0 && String.valueOf(e.getMessage()).contains("share one size")) {
          throw new IOException(e.getMessage() + ". In cnn train: --image-size N resizes every image to N x N", e);
        }
        throw e;
      }
      Log.info("folder:" + root + ": " + (s.layout() == ImageFolder.Layout.TRAIN_TEST ? "its train/ and test/ folders"
          : "a stratified " + Math.round(FOLDER_TEST_FRACTION * 100) + "% of each class is the test set"));
      return new DataChoice(spec, s.train(), s.test());
    }
    if (spec.startsWith("idx:")) {
      Path dir = Path.of(spec.substring("idx:".length()));
      Path[] files = {find(dir, "train-images-idx3-ubyte"), find(dir, "train-labels-idx1-ubyte"),
          find(dir, "t10k-images-idx3-ubyte"), find(dir, "t10k-labels-idx1-ubyte")};
      int[] labels = Idx.readLabels(files[1]);
      int classes = 0;
      for (int l : labels) classes = Math.max(classes, l + 1);
      List<String> names = new ArrayList<>();
      for (int c = 0; c < classes; c++) names.add(Integer.toString(c));
      return new DataChoice(spec, Idx.read(files[0], files[1], names), Idx.read(files[2], files[3], names));
    }
    throw new IllegalArgumentException("--dataset " + spec + " is not known; expected shapes, fashion-mnist, mnist,"
        + " folder:DIR or idx:DIR");
  }

  /**
   * The images {@code cnn evaluate} scores: the test split of shapes, fashion-mnist, mnist and
   * idx:DIR; for {@code folder:DIR}, every image of {@code DIR/test} when DIR has train/ and
   * test/ folders, and otherwise every image in DIR (a folder given for evaluation is taken as a
   * folder of test images, not split).
   */
  static Dataset evaluation(String spec, Path dataDir, int imageSize, long seed) throws IOException {
    if (spec.startsWith("folder:")) return folder(Path.of(spec.substring("folder:".length())), imageSize).loadTest();
    return load(spec, dataDir, imageSize, seed, 0, "uniform").test();
  }

  private static ImageFolder.Builder folder(Path root, int imageSize) {
    ImageFolder.Builder b = ImageFolder.builder(root);
    if (imageSize > 0) b.resize(imageSize, imageSize);
    return b;
  }

  /** The file of this IDX base name in dir, raw or gzipped. */
  private static Path find(Path dir, String base) throws IOException {
    if (!Files.isDirectory(dir)) throw new IOException(dir + ": no such directory (from --dataset idx:" + dir + ")");
    for (String name : new String[] {base, base + ".gz"}) {
      Path p = dir.resolve(name);
      if (Files.isRegularFile(p)) return p;
    }
    throw new IOException(dir + ": missing " + base + " (or " + base + ".gz); an idx: directory holds the four"
        + " standard files train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,"
        + " t10k-labels-idx1-ubyte");
  }
}
