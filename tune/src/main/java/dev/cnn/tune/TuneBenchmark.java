package dev.cnn.tune;

import dev.cnn.tensor.Rng;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a sampler on a test function for several seeds and prints, per seed, the best value and
 * the regret after each evaluation, as one JSON line:
 * <pre>
 *   java -cp cnn-tune.jar:cnn-tensor.jar:ejml... dev.cnn.tune.TuneBenchmark \
 *       --function branin|hartmann6|noisy4 --sampler random|bayes|grid \
 *       [--budget 30] [--seeds 20] [--first-seed 0]
 *
 *   {"function":"branin","sampler":"bayes","seed":3,"best_by_eval":[v1,...],"regret_by_eval":[r1,...]}
 * </pre>
 * {@code best_by_eval[t]} is the smallest value observed in evaluations 1 .. t+1 (with noise, for
 * a noisy function); {@code regret_by_eval[t]} is the noise-free value of that best point minus
 * the function's known minimum, so 0 is optimal. Seed s runs with {@code new Rng(s)}: its first
 * split drives the sampler, its second the noise. The grid sampler takes the fewest points per
 * range whose grid holds the budget (ceil(budget^(1/d))), in grid order, so a budget smaller than
 * the grid stops part way through it. How long each seed took goes to standard error.
 */
public final class TuneBenchmark {
  private TuneBenchmark() {}

  private static final String USAGE = "usage: TuneBenchmark --function branin|hartmann6|noisy4 "
      + "--sampler random|bayes|grid [--budget 30] [--seeds 20] [--first-seed 0]";

  /** The defaults: a budget of 30 evaluations, 20 seeds from 0. */
  static final int DEFAULT_BUDGET = 30, DEFAULT_SEEDS = 20;

  /** Runs the benchmark; on a bad argument prints the problem and the usage and exits with status 2. */
  public static void main(String[] args) {
    try {
      run(args, System.out, System.err);
    } catch (IllegalArgumentException e) {
      System.err.println("TuneBenchmark: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
    }
  }

  /** The benchmark with its output streams: JSON lines to {@code out}, timings to {@code log}. */
  static void run(String[] args, PrintStream out, PrintStream log) {
    String function = null, sampler = null;
    int budget = DEFAULT_BUDGET, seeds = DEFAULT_SEEDS;
    long firstSeed = 0;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) throw new IllegalArgumentException(flag + " needs a value");
      String value = args[++i];
      switch (flag) {
        case "--function" -> function = value;
        case "--sampler" -> sampler = value;
        case "--budget" -> budget = positive(flag, value);
        case "--seeds" -> seeds = positive(flag, value);
        case "--first-seed" -> firstSeed = parseLong(flag, value);
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    if (function == null) throw new IllegalArgumentException("--function is required");
    if (sampler == null) throw new IllegalArgumentException("--sampler is required");
    TestFunctions.TestFunction f = TestFunctions.byName(function);
    Sampler s = sampler(sampler, f.space(), budget);
    for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
      long start = System.nanoTime();
      Result r = optimise(f, s, budget, new Rng(seed));
      out.println(json(f.name(), sampler, seed, r));
      out.flush();
      log.printf(Locale.ROOT, "%s %s seed %d: %.2f s, final regret %.6g%n", f.name(), sampler, seed,
          (System.nanoTime() - start) / 1e9, r.regretByEval[budget - 1]);
    }
  }

  /** Best value so far and its regret after each evaluation. */
  record Result(double[] bestByEval, double[] regretByEval) {}

  /** One run: {@code budget} suggestions and evaluations (minimising), tracked as in the class comment. */
  static Result optimise(TestFunctions.TestFunction f, Sampler sampler, int budget, Rng rng) {
    Rng samplerRng = rng.split(), noiseRng = rng.split();
    List<Trial> history = new ArrayList<>();
    double[] best = new double[budget], regret = new double[budget];
    double bestValue = Double.POSITIVE_INFINITY, bestRegret = Double.NaN;
    for (int t = 0; t < budget; t++) {
      Map<String, String> params = sampler.suggest(f.space(), history, Direction.MINIMIZE, samplerRng);
      double value = f.value(params, noiseRng);
      history.add(Trial.complete(t, params, value, List.of()));
      if (value < bestValue) {
        bestValue = value;
        bestRegret = f.noiseFree(params) - f.minimum();
      }
      best[t] = bestValue;
      regret[t] = bestRegret;
    }
    return new Result(best, regret);
  }

  /** The sampler of this name; the grid's points per range hold the budget (class comment). */
  static Sampler sampler(String name, SearchSpace space, int budget) {
    return switch (name) {
      case "random" -> new RandomSampler();
      case "bayes" -> new BayesSampler();
      case "grid" -> new GridSampler(gridPointsFor(budget, space.parameters().size()));
      default -> throw new IllegalArgumentException("unknown sampler '" + name + "'; expected random, bayes or grid");
    };
  }

  /** The fewest points k per range with k^d &gt;= budget. */
  static int gridPointsFor(int budget, int d) {
    int k = 1;
    while (Math.pow(k, d) < budget) k++;
    return k;
  }

  static String json(String function, String sampler, long seed, Result r) {
    return "{\"function\":\"" + function + "\",\"sampler\":\"" + sampler + "\",\"seed\":" + seed
        + ",\"best_by_eval\":" + array(r.bestByEval) + ",\"regret_by_eval\":" + array(r.regretByEval) + "}";
  }

  /** A JSON array of numbers; a non-finite number (not valid JSON) is written null. */
  private static String array(double[] values) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < values.length; i++) {
      if (i > 0) sb.append(',');
      sb.append(Double.isFinite(values[i]) ? Double.toString(values[i]) : "null");
    }
    return sb.append(']').toString();
  }

  private static int positive(String flag, String value) {
    long v = parseLong(flag, value);
    if (v < 1 || v > Integer.MAX_VALUE) throw new IllegalArgumentException(flag + " " + value + ": expected >= 1");
    return (int) v;
  }

  private static long parseLong(String flag, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " " + value + ": not an integer", e);
    }
  }
}
