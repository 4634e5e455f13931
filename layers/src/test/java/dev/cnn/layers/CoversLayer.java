package dev.cnn.layers;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a gradient property as the proof for these layer types; {@link LayerCoverageTest} checks
 * that every {@link LayerType} has one.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface CoversLayer {
  LayerType[] value();
}
