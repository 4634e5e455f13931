package dev.cnn.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Every {@link LayerType} has a gradient property: a jqwik {@code @Property} annotated
 * {@code @CoversLayer} with that type in {@link LayerGradientProperties}.
 */
class LayerCoverageTest {
  @Test
  void everyLayerTypeHasAGradientProperty() {
    EnumSet<LayerType> covered = EnumSet.noneOf(LayerType.class);
    int properties = 0;
    for (Method m : LayerGradientProperties.class.getDeclaredMethods()) {
      CoversLayer c = m.getAnnotation(CoversLayer.class);
      if (c != null) {
        assertTrue(m.isAnnotationPresent(Property.class), m.getName() + " has @CoversLayer but is not a @Property");
        covered.addAll(List.of(c.value()));
        properties++;
      }
    }
    Set<LayerType> missing = EnumSet.complementOf(covered);
    assertTrue(missing.isEmpty(), "layer types without a gradient property (@Property @CoversLayer(...)): " + missing);
    assertTrue(properties >= 10, "only " + properties + " properties carry @CoversLayer");
  }
}
