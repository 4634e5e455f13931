package dev.cnn.layers;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a jqwik gradient property as the proof for these losses; {@link LossCoverageTest} checks
 * that every class in {@link Loss}'s permits list has one.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface CoversLoss {
  Class<? extends Loss>[] value();
}
