package dev.cnn.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnn.data.ImageFolder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cnn predict}: the most likely classes of image files. Each image is read with ImageIO and
 * made into a sample by {@code ImageFolder.toSample}, exactly as an image folder's training images
 * are (bilinear resizing to the model's input size, conversion to its channels, pixels divided by
 * 255); {@code Sequential.predict} gives the class probabilities.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = {"Print the most likely classes, with probabilities, of image files (PNG, JPEG, BMP, GIF).",
        "Each image is converted to the model's channels, scaled to its input size and its pixels divided by 255,"
            + " as the training data were; no dataset is used."})
final class PredictCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "The --out directory of 'cnn train'.")
  Path model;

  @Option(names = "--top", paramLabel = "K", description = "Classes to show per image (default 3).")
  int top = 3;

  @Option(names = "--json", description = "One JSON object on standard output, for programs.")
  boolean json;

  @Parameters(paramLabel = "FILE", arity = "1..*", description = "Image files (not directories: use a glob such as"
      + " DIR/*.png).")
  List<Path> files;

  @Override
  public Integer call() throws Exception {
    java.io.PrintWriter stdout = spec.commandLine().getOut();
    if (top < 1) throw new IllegalArgumentException("--top " + top + ": expected at least 1");
    for (Path f : files) checkFile(f); // before the model loads: a wrong argument is reported at once
    ModelDir md = ModelDir.load(model);
    int[] shape = md.model().inputShape();
    if (shape.length != 3 || (shape[0] != 1 && shape[0] != 3)) {
      throw new IllegalArgumentException("the model takes samples of shape " + java.util.Arrays.toString(shape)
          + "; predict needs an image model [1 or 3, H, W]");
    }
    int n = files.size();
    float[][] samples = new float[n][];
    for (int i = 0; i < n; i++) samples[i] = ImageFolder.toSample(decode(files.get(i)), shape);
    float[][] probabilities = md.model().predict(samples);
    int k = Math.min(top, md.classNames().size());
    ObjectMapper mapper = new ObjectMapper();
    ArrayNode results = mapper.createArrayNode();
    for (int i = 0; i < n; i++) {
      int[] order = topK(probabilities, i, k);
      ObjectNode r = results.addObject();
      r.put("file", files.get(i).toString());
      ArrayNode classes = r.putArray("top");
      StringBuilder line = new StringBuilder(files.get(i).toString()).append(':');
      for (int c : order) {
        double p = probabilities[i][c];
        classes.addObject().put("label", c).put("name", md.classNames().get(c)).put("probability", p);
        line.append(String.format(Locale.ROOT, "  %s %.1f%%", md.classNames().get(c), 100 * p));
      }
      if (!json) stdout.println(line);
    }
    if (json) {
      ObjectNode root = mapper.createObjectNode();
      root.set("predictions", results);
      stdout.println(mapper.writeValueAsString(root));
    }
    stdout.flush();
    return 0;
  }

  private static int[] topK(float[][] p, int row, int k) {
    int classes = p[row].length;
    List<Integer> idx = new ArrayList<>();
    for (int c = 0; c < classes; c++) idx.add(c);
    idx.sort((a, b) -> Float.compare(p[row][b], p[row][a]));
    int[] out = new int[k];
    for (int i = 0; i < k; i++) out[i] = idx.get(i);
    return out;
  }

  /**
   * Checks that {@code file} can be an image: it exists, is not a directory and can be read.
   *
   * @throws IllegalArgumentException naming the file, what it is and what predict takes
   */
  static void checkFile(Path file) {
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(file + " is a directory; predict takes image files (e.g. "
          + file.resolve("*.png") + ")");
    }
    if (!Files.exists(file)) {
      throw new IllegalArgumentException(file + ": no such file; predict takes image files (PNG, JPEG, BMP, GIF)");
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + " is not a regular file; predict takes image files (PNG, JPEG, BMP,"
          + " GIF)");
    }
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(file + ": permission denied; make the file readable, or copy it somewhere"
          + " readable");
    }
  }

  /**
   * Decodes an image file with ImageIO.
   *
   * @throws IOException "FILE: not a readable image: REASON" for an empty file, a format ImageIO
   *     does not know, or a damaged file (ImageIO's own errors do not name the file)
   */
  static BufferedImage decode(Path file) throws IOException {
    checkFile(file);
    if (Files.size(file) == 0) throw notAnImage(file, "the file is empty (0 bytes)");
    BufferedImage img;
    try {
      img = ImageIO.read(file.toFile());
    } catch (IOException | RuntimeException e) { // a damaged file: IIOException, or a decoder's own exception
      throw notAnImage(file, reason(e));
    }
    if (img == null) throw notAnImage(file, "its contents are not an image ImageIO can read (PNG, JPEG, BMP, GIF)");
    if (img.getWidth() < 1 || img.getHeight() < 1) {
      throw notAnImage(file, "it is " + img.getWidth() + "x" + img.getHeight() + " pixels");
    }
    return img;
  }

  private static IOException notAnImage(Path file, String reason) {
    return new IOException(file + ": not a readable image: " + reason);
  }

  /** An exception's message, with its causes' messages, e.g. "Error reading PNG metadata (unexpected end of file)". */
  private static String reason(Throwable e) {
    StringBuilder s = new StringBuilder(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      s.append(" (").append(c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName()).append(')');
    }
    return s.toString();
  }
}
