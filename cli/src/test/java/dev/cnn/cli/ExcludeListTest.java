package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.data.ImageFolder;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExcludeListTest {
  @TempDir Path dir;

  @Test
  void readsTheIndexColumnSortedOnceAndKeepsTheRest() throws Exception {
    Path csv = Files.writeString(dir.resolve("l.csv"), "rank,index,file\n1,7,\"a,b.png\"\n2,3,\n3,7,x\n\n");
    assertEquals(List.of(3, 7), ExcludeList.read(csv));
    assertArrayEquals(new int[] {0, 1, 2, 4, 5, 6, 8, 9}, ExcludeList.keep(10, List.of(3, 7), csv.toString(), "d"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ExcludeList.keep(2, List.of(0, 1), "f.csv", "shapes"));
    assertTrue(e.getMessage().contains("lists all 2 training images of shapes"), e.getMessage());
  }

  @Test
  void aFileThatIsNotTheImageAtItsIndexIsRefused() throws Exception {
    for (String name : List.of("a/1.png", "a/2.png", "b/1.png")) {
      Path p = dir.resolve("folder").resolve(name);
      Files.createDirectories(p.getParent());
      ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY), "png", p.toFile());
    }
    ImageFolder data = ImageFolder.builder(dir.resolve("folder")).load();
    String first = data.source(0).orElseThrow(), second = data.source(1).orElseThrow();
    Path good = Files.writeString(dir.resolve("good.csv"), "index,file\n0," + first + "\n");
    ExcludeList.checkFiles(good, data); // no exception
    Path bad = Files.writeString(dir.resolve("bad.csv"), "index,file\n0," + first + "\n1," + first + "\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExcludeList.checkFiles(bad, data));
    assertTrue(e.getMessage().contains("line 3: index 1 is " + second + " in this dataset, but the list says " + first),
        e.getMessage());
  }
}
