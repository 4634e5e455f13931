package dev.cnn.engine;

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
 * Every primitive in {@code Op}'s permits list has a gradient property: a jqwik
 * {@code @Property} annotated {@code @Covers(ThatOp.class)} somewhere in this test package.
 */
class OpCoverageTest {
  @Test
  void everyOpHasAGradientProperty() throws IOException, URISyntaxException, ClassNotFoundException {
    Class<?>[] ops = Op.class.getPermittedSubclasses();
    assertTrue(ops.length >= 20, "Op permits only " + ops.length + " classes");
    Set<Class<?>> covered = new HashSet<>();
    for (Class<?> test : testClasses()) {
      for (Method m : test.getDeclaredMethods()) {
        Covers c = m.getAnnotation(Covers.class);
        if (c != null && m.isAnnotationPresent(Property.class)) covered.addAll(List.of(c.value()));
      }
    }
    Set<String> missing = new TreeSet<>();
    for (Class<?> op : ops) if (!covered.contains(op)) missing.add(op.getSimpleName());
    if (!missing.isEmpty()) fail("ops without a gradient property (@Property @Covers(...)): " + missing);
  }

  /** The compiled test classes of this package. */
  private static List<Class<?>> testClasses() throws IOException, URISyntaxException, ClassNotFoundException {
    Path dir = Path.of(OpCoverageTest.class.getResource("OpCoverageTest.class").toURI()).getParent();
    List<Class<?>> classes = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String f = p.getFileName().toString();
        if (f.endsWith(".class") && !f.contains("$")) {
          classes.add(Class.forName("dev.cnn.engine." + f.substring(0, f.length() - 6)));
        }
      }
    }
    return classes;
  }
}
