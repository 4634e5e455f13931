package dev.cnn.tune;

import dev.cnn.tensor.Rng;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bayesian optimisation: a Gaussian process models the objective over the unit cube of the search
 * space, and the next point is where the expected improvement over the best value so far is
 * largest (Jones, Schonlau and Welch 1998; Snoek, Larochelle and Adams 2012).
 *
 * <p>One suggestion goes as follows.
 * <ol>
 *   <li><b>Initial design.</b> While the history has fewer than {@code initialRandom} trials (in
 *       any state), or fewer than 2 complete trials with a finite value, the point is random
 *       ({@link SearchSpace#sample}).
 *   <li><b>Model.</b> The complete trials' points are encoded into the unit cube
 *       ({@link SearchSpace#encode}) and their values v_i turned into y_i = (s v_i - m) / sd,
 *       with s = -1 when maximising and +1 when minimising (so that the process always models a
 *       quantity to minimise), m and sd the mean and sample standard deviation of the s v_i (sd = 1
 *       if they are all equal). A {@link GaussianProcess} is fitted to (X, y). Pruned and failed
 *       trials are not modelled.
 *   <li><b>Acquisition.</b> EI(u) = {@link ExpectedImprovement#ei}(mu(u), sqrt(var(u)), y*,
 *       {@value #XI}) with y* = min_i mu(x_i) the smallest posterior mean at a tried point,
 *       maximised over the cube:
 *       <ol type="a">
 *         <li>{@value #RANDOM_CANDIDATES} points uniform in the cube;
 *         <li>from each of the {@value #LOCAL_STARTS} best of them (distinct points), a greedy
 *             hill climb: for each step size sigma in {@link #LOCAL_STEP_SIZES} in turn,
 *             {@value #LOCAL_TRIES_PER_STEP} proposals u' = clamp(u + sigma z, 0, 1) with z
 *             standard normal in every coordinate, each accepted at once if EI(u') &gt; EI(u).
 *       </ol>
 *       The incumbent y* is the model's value at the tried points rather than the best
 *       observed y_i (the "plug-in" EI of Picheny, Wagner and Ginsbourger 2013): the two agree
 *       when the fitted noise is small, and with noise a lucky draw does not set a bar that no
 *       point can be expected to clear (on the noisy 4-D test function with a budget of 30 the
 *       median regret of 20 seeds was 0.021 with it and 0.033 with min y_i; Branin and Hartmann-6
 *       were the same within seed noise).
 *       <p>Every point is snapped before it is scored: u becomes encode(decode(u)), so an
 *       integer sits on its integer, a real on its 6-digit value, and each categorical block on
 *       the vertex of its largest coordinate: the process is only asked about points that can be
 *       run.
 *   <li><b>Result.</b> The point of largest EI, decoded. If it equals a point already in the
 *       history (EI can peak on a tried point when the process believes in noise, or in a small
 *       discrete space), a random point is returned instead: drawn again, up to
 *       {@value #MAX_RANDOM_DRAWS} times, while it too is in the history.
 * </ol>
 * Like every {@link Sampler}, it keeps no state: all randomness (restarts of the fit, candidates,
 * proposals) comes from the {@code rng} argument, so one history and one generator state give one
 * suggestion.
 */
public final class BayesSampler implements Sampler {
  /**
   * The fewest random trials before the model is used, with the default constructor: the initial
   * design is max({@value}, D + 1) points for a space of D unit-cube dimensions
   * ({@link SearchSpace#dimensions()}). D + 1 points in general position are the fewest that vary
   * every coordinate independently (a simplex), so each length scale has data before it is
   * fitted; five is a floor below which, in one or two dimensions, the marginal likelihood cannot
   * tell a smooth function from noise. Kept small on purpose: with a budget of tens of trials
   * every random one is one the model did not choose (published defaults range from a handful to
   * 10 D, the latter for budgets of hundreds).
   */
  public static final int MIN_INITIAL_RANDOM = 5;

  /**
   * The exploration margin xi of expected improvement, on standardised values: 0, plain expected
   * improvement as in Jones et al. (1998). A fixed margin such as 0.01 is measured
   * in standard deviations of the values so far, and for an objective with a long tail (Branin
   * ranges from 0.4 to 300, so 0.01 sd is about 0.5) it asks for more than is left to gain near
   * the optimum, so the search stops refining: on Branin with a budget of 30 the median regret of
   * 20 seeds was 0.033 with xi = 0.01 and 0.0022 with xi = 0 (Hartmann-6: 0.60 and 0.47; measured
   * with y* = min y_i). The
   * s phi(z) term of EI explores enough on its own.
   */
  public static final double XI = 0;

  /**
   * Random points scored first. Two thousand points in the cube leave a gap of about
   * 2000^(-1/d) per side (0.02 in 2-D, 0.28 in 6-D): coarse in many dimensions, which is what the
   * hill climb is for. Each costs one prediction, O(n^2) for n trials: a few ms in all.
   */
  static final int RANDOM_CANDIDATES = 2000;

  /** The best random points refined by hill climbing; several, because EI is often multimodal. */
  static final int LOCAL_STARTS = 5;

  /**
   * The hill climb's step sizes, in unit-cube coordinates, coarse to fine: from a tenth of the cube
   * (past the random candidates' spacing in up to about 6 dimensions) down to a thousandth
   * (finer than a length scale's lower bound, 0.01).
   */
  static final double[] LOCAL_STEP_SIZES = {0.1, 0.03, 0.01, 0.003, 0.001};

  /** Proposals per step size and start. */
  static final int LOCAL_TRIES_PER_STEP = 20;

  /** Random draws tried for a point not in the history before a repeated one is accepted. */
  static final int MAX_RANDOM_DRAWS = 100;

  private final int initialRandom;

  /** Initial design of max({@value #MIN_INITIAL_RANDOM}, D + 1) random trials, D = {@link SearchSpace#dimensions()}. */
  public BayesSampler() {
    this.initialRandom = -1;
  }

  /**
   * @param initialRandom how many trials are random before the model is used, 0 or more (the
   *     model needs at least 2 complete trials in any case)
   */
  public BayesSampler(int initialRandom) {
    if (initialRandom < 0) {
      throw new IllegalArgumentException("bayes sampler: initialRandom = " + initialRandom
          + "; expected 0 or more (e.g. " + MIN_INITIAL_RANDOM + ")");
    }
    this.initialRandom = initialRandom;
  }

  /** The initial design's size for this space: as given, or max({@value #MIN_INITIAL_RANDOM}, D + 1). */
  public int initialRandom(SearchSpace space) {
    return initialRandom >= 0 ? initialRandom : Math.max(MIN_INITIAL_RANDOM, space.dimensions() + 1);
  }

  @Override
  public Map<String, String> suggest(SearchSpace space, List<Trial> history, Direction direction, Rng rng) {
    List<Trial> complete = new ArrayList<>();
    for (Trial t : history) {
      if (t.state() == Trial.State.COMPLETE && Double.isFinite(t.value())) complete.add(t);
    }
    if (history.size() < initialRandom(space) || complete.size() < 2) return space.sample(rng);

    int n = complete.size();
    double[][] x = new double[n][];
    double[] y = new double[n];
    double sign = direction == Direction.MAXIMIZE ? -1 : 1;
    for (int i = 0; i < n; i++) {
      x[i] = space.encode(complete.get(i).params());
      y[i] = sign * complete.get(i).value();
    }
    standardise(y);
    GaussianProcess gp = GaussianProcess.fit(x, y, rng);
    double best = Double.POSITIVE_INFINITY; // y*: the smallest posterior mean at a tried point
    for (double[] xi : x) best = Math.min(best, gp.predict(xi)[0]);
    Candidate chosen = maximiseEi(space, gp, best, rng);

    Map<String, String> point = space.decode(chosen.u);
    Set<Map<String, String>> tried = new HashSet<>();
    for (Trial t : history) tried.add(t.params());
    if (!tried.contains(point)) return point;
    Map<String, String> random = space.sample(rng);
    for (int draw = 1; draw < MAX_RANDOM_DRAWS && tried.contains(random); draw++) random = space.sample(rng);
    return random;
  }

  /** A snapped point of the cube and its expected improvement. */
  private record Candidate(double[] u, double ei) {}

  /** Steps 3 a and b of the class comment. */
  private static Candidate maximiseEi(SearchSpace space, GaussianProcess gp, double best, Rng rng) {
    int d = space.dimensions();
    List<Candidate> candidates = new ArrayList<>(RANDOM_CANDIDATES);
    for (int c = 0; c < RANDOM_CANDIDATES; c++) {
      double[] u = new double[d];
      for (int j = 0; j < d; j++) u[j] = rng.nextDouble();
      candidates.add(score(space, gp, best, u));
    }
    candidates.sort(Comparator.comparingDouble((Candidate c) -> c.ei).reversed());

    List<Candidate> starts = new ArrayList<>();
    Set<Map<String, String>> seen = new HashSet<>();
    for (Candidate c : candidates) {
      if (starts.size() == LOCAL_STARTS) break;
      if (seen.add(space.decode(c.u))) starts.add(c);
    }

    Candidate overall = starts.get(0);
    for (Candidate start : starts) {
      Candidate current = start;
      for (double sigma : LOCAL_STEP_SIZES) {
        for (int tryNumber = 0; tryNumber < LOCAL_TRIES_PER_STEP; tryNumber++) {
          double[] u = current.u.clone();
          for (int j = 0; j < d; j++) u[j] = Math.min(1, Math.max(0, u[j] + sigma * rng.nextGaussian()));
          Candidate proposal = score(space, gp, best, u);
          if (proposal.ei > current.ei) current = proposal;
        }
      }
      if (current.ei > overall.ei) overall = current;
    }
    return overall;
  }

  /** Snaps u to a point that can be run (encode of decode) and scores it. */
  private static Candidate score(SearchSpace space, GaussianProcess gp, double best, double[] u) {
    double[] snapped = space.encode(space.decode(u));
    double[] prediction = gp.predict(snapped);
    return new Candidate(snapped, ExpectedImprovement.ei(prediction[0], Math.sqrt(prediction[1]), best, XI));
  }

  /** y := (y - mean) / sd in place, sd the sample standard deviation (1 if it is 0). */
  static void standardise(double[] y) {
    double mean = 0;
    for (double v : y) mean += v / y.length;
    double ss = 0;
    for (double v : y) ss += (v - mean) * (v - mean);
    double sd = y.length > 1 ? Math.sqrt(ss / (y.length - 1)) : 0;
    if (!(sd > 0)) sd = 1;
    for (int i = 0; i < y.length; i++) y[i] = (y[i] - mean) / sd;
  }

  @Override
  public String toString() {
    return initialRandom >= 0 ? "bayes(" + initialRandom + ")" : "bayes";
  }
}
