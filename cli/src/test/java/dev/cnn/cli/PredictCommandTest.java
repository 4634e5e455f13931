package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.layers.Dense;
import dev.cnn.layers.Flatten;
import dev.cnn.layers.Sequential;
import dev.cnn.layers.io.ModelFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cnn predict} on good images and on arguments that are not images. */
class PredictCommandTest {
  @TempDir static Path tmp;
  static Path model;

  /** A model directory as 'cnn train' leaves it: an untrained 1x8x8 -> 3 classifier with class names. */
  @BeforeAll
  static void saveAModel() throws IOException {
    model = Files.createDirectories(tmp.resolve("run"));
    Sequential m = Sequential.builder(1, 8, 8).add(new Flatten()).add(Dense.of(64, 3)).build(7);
    ModelFiles.save(m, model.resolve(ModelDir.WEIGHTS));
    ModelDir.saveClassNames(model, List.of("circle", "square", "triangle"));
  }

  private static Path png(String name) throws IOException {
    Path file = tmp.resolve(name);
    BufferedImage img = new BufferedImage(12, 10, BufferedImage.TYPE_INT_RGB);
    img.setRGB(3, 4, 0xffffff);
    ImageIO.write(img, "png", file.toFile());
    return file;
  }

  private static void assertOneMessage(CnnTest.Run r, String... fragments) {
    assertEquals(1, r.exitCode(), r.out() + r.err());
    assertEquals("", r.out());
    for (String f : fragments) assertTrue(r.err().contains(f), "'" + f + "' missing from:\n" + r.err());
    assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "no stack trace or exception name:\n"
        + r.err());
  }

  @Test
  void predictsTheClassesOfAnImage() throws IOException {
    Path image = png("dot.png");
    CnnTest.Run r = CnnTest.run("predict", "--model", model.toString(), "--top", "2", image.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().startsWith(image + ":"), r.out());
    assertTrue(r.out().matches("(?s)[^\\n]*: +(circle|square|triangle) [0-9.]+% +(circle|square|triangle) [0-9.]+%\\n"),
        r.out());
  }

  @Test
  void aDirectoryIsNotAnImage() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("pictures"));
    CnnTest.Run r = CnnTest.run("predict", "--model", model.toString(), dir.toString());
    assertOneMessage(r, dir + " is a directory; predict takes image files (e.g. " + dir + "/*.png)");
  }

  /** A PNG signature followed by garbage: ImageIO's own error names no file. */
  @Test
  void aBrokenPngNamesTheFileAndTheReason() throws IOException {
    Path file = tmp.resolve("broken.png");
    byte[] bytes = new byte[64];
    byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    System.arraycopy(signature, 0, bytes, 0, 8);
    for (int i = 8; i < bytes.length; i++) bytes[i] = (byte) (i * 37);
    Files.write(file, bytes);
    CnnTest.Run r = CnnTest.run("predict", "--model", model.toString(), png("good.png").toString(), file.toString());
    assertOneMessage(r, "cnn predict: error: " + file + ": not a readable image: ");
  }

  @Test
  void anEmptyFileIsNotAnImage() throws IOException {
    Path file = Files.createFile(tmp.resolve("empty.png"));
    CnnTest.Run r = CnnTest.run("predict", "--model", model.toString(), file.toString());
    assertOneMessage(r, file + ": not a readable image: the file is empty (0 bytes)");
  }

  @Test
  void aFileInAnotherFormatIsNotAnImage() throws IOException {
    Path file = Files.writeString(tmp.resolve("notes.txt"), "not pixels\n");
    CnnTest.Run r = CnnTest.run("predict", "--model", model.toString(), file.toString());
    assertOneMessage(r,
        file + ": not a readable image: its contents are not an image ImageIO can read (PNG, JPEG, BMP, GIF)");
  }

  @Test
  void aMissingFileIsNamed() {
    Path file = tmp.resolve("nowhere.png");
    CnnTest.Run r = CnnTest.run("predict", "--model", model.toString(), file.toString());
    assertOneMessage(r, file + ": no such file");
  }
}
