package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnn.data.SyntheticShapes;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Planted data problems in an image folder: training images copied into the test set, blank
 * images and images from another dataset (colour photos of another size among grey shapes).
 * cnn diagnose must find every one of them.
 */
class DataChecksCommandTest {
  @TempDir Path dir;

  private static final SyntheticShapes.Shape[] CLASSES = {SyntheticShapes.Shape.CIRCLE, SyntheticShapes.Shape.SQUARE,
      SyntheticShapes.Shape.TRIANGLE};

  @Test
  void everyPlantedLeakBlankAndForeignImageIsFound() throws IOException {
    SyntheticShapes shapes = SyntheticShapes.builder().shapes(CLASSES).trainSize(240).testSize(60).seed(3).build();
    Path root = dir.resolve("folder");
    List<Path> trainFiles = new ArrayList<>();
    write(shapes.train(), root.resolve("train"), trainFiles);
    write(shapes.test(), root.resolve("test"), new ArrayList<>());
    List<String> leaks = new ArrayList<>();
    for (int i = 0; i < 5; i++) { // five training images copied into the test set, under their own class
      Path from = trainFiles.get(i * 37);
      Path to = root.resolve("test").resolve(from.getParent().getFileName()).resolve("zz-copy-" + i + ".png");
      Files.copy(from, to);
      leaks.add(to.toString());
    }
    List<String> blanks = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Path p = root.resolve("train/circle/zz-blank-" + i + ".png");
      ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY), "png", p.toFile());
      blanks.add(p.toString());
    }
    // Images from another dataset: colour photos of another size among the 28 x 28 grey shapes (read with
    // --image-size 28), two in the training set and one in the test set.
    List<String> foreign = new ArrayList<>();
    Random r = new Random(5);
    for (int i = 0; i < 3; i++) {
      BufferedImage img = new BufferedImage(40, 36, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 36; y++) for (int x = 0; x < 40; x++) img.setRGB(x, y, r.nextInt(1 << 24));
      Path p = root.resolve((i < 2 ? "train/triangle/" : "test/square/") + "zz-photo-" + i + ".png");
      ImageIO.write(img, "png", p.toFile());
      foreign.add(p.toString());
    }
    Path run = dir.resolve("run");
    CnnTest.Run t = CnnTest.run("train", "--dataset", "folder:" + root, "--image-size", "28", "--epochs", "4",
        "--threads", "2", "--no-report", "--out", run.toString());
    assertEquals(0, t.exitCode(), t.err());
    CnnTest.Run d = CnnTest.run("diagnose", run.toString(), "--threads", "2");
    assertEquals(0, d.exitCode(), d.err());

    JsonNode data = new ObjectMapper().readTree(run.resolve("diagnosis.json").toFile()).get("data");
    assertEquals(5, data.get("test_images_in_training_set").asInt(), data.toString());
    assertEquals(3, data.get("blank_training_images").asInt(), data.toString());
    String html = Files.readString(run.resolve("report/index.html"));
    String leakSection = section(html, "leaks"), outlierSection = section(html, "outliers");
    for (String f : leaks) assertTrue(leakSection.contains(f), "leak " + f + " in the leaks gallery");
    for (String f : blanks) assertTrue(outlierSection.contains(f), "blank " + f + " in the outlier gallery");
    for (String f : foreign) {
      assertTrue(outlierSection.contains(f), "foreign " + f + " in the outlier gallery; data: " + data);
    }
    assertEquals(2, data.get("training_images_of_another_size_or_colour_mode").asInt(), data.toString());
    assertEquals(1, data.get("test_images_of_another_size_or_colour_mode").asInt(), data.toString());
    assertTrue(d.out().contains("5 test images (") && d.out().contains("are also in the training set"), d.out());
    assertTrue(d.out().contains("3 blank images, 3 of another size or colour mode"), d.out());
  }

  private static String section(String html, String id) {
    int start = html.indexOf("<section class=\"gallery\" id=\"" + id + "\">");
    assertTrue(start >= 0, "no gallery " + id);
    return html.substring(start, html.indexOf("</section>", start));
  }

  /** Each image as an 8-bit PNG in a folder named after its class. */
  private static void write(SyntheticShapes.ShapesDataset d, Path root, List<Path> files) throws IOException {
    for (int i = 0; i < d.size(); i++) {
      BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
      for (int k = 0; k < 28 * 28; k++) img.getRaster().setSample(k % 28, k / 28, 0, d.pixel(i, k));
      Path p = root.resolve(d.classNames().get(d.label(i))).resolve(String.format("img-%04d.png", i));
      Files.createDirectories(p.getParent());
      ImageIO.write(img, "png", p.toFile());
      files.add(p);
    }
  }
}
