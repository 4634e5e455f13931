package dev.cnn.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Every loss in {@code Loss}'s permits list has a gradient property: a jqwik {@code @Property}
 * annotated {@code @CoversLoss(ThatLoss.class)} somewhere in this test package.
 */
class LossCoverageTest {
  @Test
  void everyLossHasAGradientProperty() throws IOException, URISyntaxException, ClassNotFoundException {
    Class<?>[] losses = Loss.class.getPermittedSubclasses();
    assertTrue(losses != null && losses.length >= 4, "Loss permits only " + (losses == null ? "nothing (not sealed?)"
        : List.of(losses)));
    Set<Class<?>> covered = new HashSet<>();
    for (Class<?> test : testClasses()) {
      for (Method m : test.getDeclaredMethods()) {
        CoversLoss c = m.getAnnotation(CoversLoss.class);
        if (c != null && m.isAnnotationPresent(Property.class)) covered.addAll(List.of(c.value()));
      }
    }
    Set<String> missing = new TreeSet<>();
    for (Class<?> loss : losses) if (!covered.contains(loss)) missing.add(loss.getSimpleName());
    if (!missing.isEmpty()) fail("losses without a gradient property (@Property @CoversLoss(...)): " + missing);
  }

  /** The compiled top-level test classes of this package. */
  private static List<Class<?>> testClasses() throws IOException, URISyntaxException, ClassNotFoundException {
    Path dir = Path.of(LossCoverageTest.class.getResource("LossCoverageTest.class").toURI()).getParent();
    List<Class<?>> classes = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String f = p.getFileName().toString();
        if (f.endsWith(".class") && !f.contains("$")) {
          classes.add(Class.forName("dev.cnn.layers." + f.substring(0, f.length() - 6)));
        }
      }
    }
    return classes;
  }
}
