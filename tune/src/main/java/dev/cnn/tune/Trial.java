package dev.cnn.tune;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One evaluation of the objective at a point of the search space.
 *
 * @param number the trial's position in its study, from 0
 * @param params the point, name to value as strings (copied, order kept)
 * @param state how the trial ended
 * @param value the objective; a number for a {@link State#COMPLETE} trial, NaN otherwise
 * @param curve the intermediate values the trial reported, one per epoch (possibly empty; a
 *     {@link State#PRUNED} trial was stopped after its last entry)
 */
public record Trial(int number, Map<String, String> params, State state, double value, List<Double> curve) {

  /** How a trial ended. */
  public enum State {
    /** It ran to the end and has a value. */
    COMPLETE,
    /** It was stopped early because its curve looked worse than other trials'. */
    PRUNED,
    /** It threw, diverged or was killed: no value. */
    FAILED
  }

  /** Checks the fields; the message names the field, what was expected and what was found. */
  public Trial {
    if (number < 0) throw new IllegalArgumentException("trial: number = " + number + "; expected 0 or more");
    if (params == null) throw new IllegalArgumentException("trial " + number + ": params is null");
    if (state == null) throw new IllegalArgumentException("trial " + number + ": state is null");
    if (state == State.COMPLETE && Double.isNaN(value)) {
      throw new IllegalArgumentException("trial " + number + ": COMPLETE with value NaN; a complete trial needs "
          + "its objective (mark it FAILED if it has none)");
    }
    if (state != State.COMPLETE && !Double.isNaN(value)) {
      throw new IllegalArgumentException("trial " + number + ": " + state + " with value " + value
          + "; only a COMPLETE trial has a value (give NaN)");
    }
    if (curve == null) throw new IllegalArgumentException("trial " + number + ": curve is null; give List.of()");
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    curve = List.copyOf(curve);
  }

  /** A trial that ran to the end with this objective value and per-epoch curve. */
  public static Trial complete(int number, Map<String, String> params, double value, List<Double> curve) {
    return new Trial(number, params, State.COMPLETE, value, curve);
  }

  /** A trial stopped early after reporting this curve. */
  public static Trial pruned(int number, Map<String, String> params, List<Double> curve) {
    return new Trial(number, params, State.PRUNED, Double.NaN, curve);
  }

  /** A trial that failed, with whatever curve it reported before. */
  public static Trial failed(int number, Map<String, String> params, List<Double> curve) {
    return new Trial(number, params, State.FAILED, Double.NaN, curve);
  }
}
