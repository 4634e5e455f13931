package dev.cnn.optim;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Variable;
import dev.cnn.layers.ClassificationLoss;
import dev.cnn.layers.Model;
import dev.cnn.tensor.Batch;
import dev.cnn.tensor.BatchSource;
import dev.cnn.tensor.Workspace;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;

/**
 * The training loop: for each epoch, for each batch, forward, loss, backward, (clip), step; then
 * validation, the epoch's metrics, and the callbacks, which may stop training.
 *
 * <pre>
 * Trainer trainer = Trainer.builder(model, CrossEntropyLoss.of(), Adam.adam(1e-3).build(model.parameters()))
 *     .epochs(15)
 *     .callbacks(EarlyStopping.on(Metric.VAL_LOSS).patience(3).restoreBestWeights(true).build())
 *     .build();
 * Trainer.Result result = trainer.fit(trainBatches, validationBatches);
 * </pre>
 *
 * <p>The loop in {@link #fit} is written out in full; the examples show the same loop by hand.
 * The learning rate of epoch e is {@code baseLr * schedule.factor(e) * scale} (for a schedule that
 * changes it before every step, {@code schedule.factor(e, step, batchesPerEpoch)}), where scale is what
 * callbacks such as {@link ReduceLrOnPlateau} applied, and baseLr is the optimiser's rate when the
 * trainer is built, unless the {@link TrainingState} being resumed already records one (the first
 * fit records it there, so a resumed run keeps the original base even though the schedule and
 * the callbacks have changed the optimiser's rate since).
 */
public final class Trainer {
  private final Model model;
  private final ClassificationLoss loss;
  private final Optimizer optimizer;
  private final int epochs;
  private final LrSchedule schedule;
  private final double clipNorm;
  private final List<Callback> callbacks;
  private final Progress progress;
  private final double baseLr;
  private final Diagnostics diagnostics;

  private Trainer(Builder b) {
    this.model = b.model;
    this.loss = b.loss;
    this.optimizer = b.optimizer;
    this.epochs = b.epochs;
    this.schedule = b.schedule;
    this.clipNorm = b.clipNorm;
    this.callbacks = List.copyOf(b.callbacks);
    this.progress = b.progress;
    this.baseLr = b.optimizer.learningRate();
    this.diagnostics = b.diagnostics ? new Diagnostics(b.model) : null;
  }

  public static Builder builder(Model model, ClassificationLoss loss, Optimizer optimizer) {
    return new Builder(model, loss, optimizer);
  }

  /** What a run produced: the metrics of every epoch and why it stopped early (null if it did not). */
  public record Result(List<EpochMetrics> history, String stopReason, List<Diagnostics.Epoch> diagnostics) {}

  /**
   * Trains from epoch 0; {@code validation} may be null. The progress display knows each epoch's
   * batch count when {@code train} is a {@link BatchSource} (such as {@code data}'s
   * {@code DataLoader}) or a {@code Collection}; for any other {@code Iterable} it shows batches
   * done without a total or an ETA.
   */
  public Result fit(Iterable<Batch> train, Iterable<Batch> validation) {
    return fit(train, validation, new TrainingState());
  }

  /**
   * Trains from the epoch after those recorded in {@code state} (a fresh state starts at 0, a
   * state restored from a checkpoint resumes), recording into it as it goes.
   */
  public Result fit(Iterable<Batch> train, Iterable<Batch> validation, TrainingState state) {
    if (Workspace.active()) {
      throw new IllegalStateException("Trainer.fit: called inside an open Workspace scope, which would keep"
          + " every step's arrays until it closes; call fit outside the scope (it opens one per batch itself)");
    }
    if (Double.isNaN(state.baseLr)) state.baseLr = baseLr;
    final double base = state.baseLr;
    TrainingContext ctx = new TrainingContext(model, optimizer, state.history, state, callbacks);
    ctx.setLearningRateScale(state.lrScale);
    callbacks.forEach(c -> c.onTrainBegin(ctx));
    for (int epoch = state.history.size(); epoch < epochs && !ctx.stopRequested(); epoch++) {
      int batches = batchCount(train, epoch);
      if (schedule.perStep() && batches < 1) {
        throw new IllegalArgumentException("Trainer.fit: the schedule sets the rate before every step and needs the"
            + " number of batches per epoch, which this training data does not say; pass a DataLoader (a BatchSource)"
            + " or a list of batches");
      }
      optimizer.setLearningRate(base * (schedule.perStep() ? schedule.factor(epoch, 0, batches) : schedule.factor(epoch))
          * ctx.learningRateScale());
      double lr = optimizer.learningRate();
      for (Callback c : callbacks) c.onEpochBegin(ctx, epoch);
      progress.epochBegin(epoch, epochs, batches);
      if (diagnostics != null) diagnostics.epochBegin();
      long start = System.nanoTime(), waited = 0;
      double lossSum = 0;
      long samples = 0, correct = 0;
      Iterator<Batch> it = train.iterator();
      for (int index = 0; ; index++) {
        long t0 = System.nanoTime();
        if (!it.hasNext()) break;
        Batch batch = it.next();
        waited += System.nanoTime() - t0;

        double value;
        // The step's activations and gradients live in a workspace: the next step reuses their arrays.
        try (Workspace step = Workspace.open()) {
          optimizer.zeroGrad();
          Variable logits = diagnostics != null
              ? diagnostics.forward(Variable.constant(batch.inputs()))
              : model.forward(Variable.constant(batch.inputs()), Mode.TRAIN);
          Variable batchLoss = loss.compute(logits, batch.labels());
          value = batchLoss.value().getFlat(0);
          for (Callback c : callbacks) c.onBatchLoss(ctx, epoch, index, value);
          if (ctx.stopRequested()) break; // e.g. a NaN loss: no step with its gradients
          batchLoss.backward();
          if (diagnostics != null) diagnostics.afterBackward(); // before clipping: the norms as computed
          if (!Double.isNaN(clipNorm)) GradientClipping.byGlobalNorm(model.parameters().values(), clipNorm);
          if (schedule.perStep()) {
            optimizer.setLearningRate(base * schedule.factor(epoch, index, batches) * ctx.learningRateScale());
          }
          optimizer.step();
          correct += countCorrect(logits, batch.labels());
        }

        lossSum += value * batch.size();
        samples += batch.size();
        for (Callback c : callbacks) c.onBatchEnd(ctx, epoch, index, value);
        progress.batch(index, lossSum / samples, samples, (System.nanoTime() - start) / 1e9);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (samples == 0 && !ctx.stopRequested()) {
        throw new IllegalArgumentException("Trainer.fit: the training data gave no batches in epoch " + (epoch + 1)
            + "; expected at least one batch every epoch (an Iterable that can be iterated only once, such as"
            + " one wrapping an iterator, runs dry after the first epoch: pass a list or a loader)");
      }
      if (samples == 0) break; // stopped on the epoch's first batch
      double valLoss = Double.NaN, valAccuracy = Double.NaN;
      if (validation != null) {
        Evaluation v = Evaluator.evaluate(model, loss, validation, null);
        valLoss = v.loss();
        valAccuracy = v.accuracy();
      }
      EpochMetrics m = new EpochMetrics(epoch, lossSum / samples, (double) correct / samples, valLoss, valAccuracy,
          lr, seconds, waited / 1e9);
      state.history.add(m);
      if (diagnostics != null) state.diagnostics.add(diagnostics.epochEnd(epoch));
      progress.epochEnd(m, epochs);
      for (Callback c : callbacks) c.onEpochEnd(ctx, m);
      state.lrScale = ctx.learningRateScale();
      state.stopReason = ctx.stopReason();
      for (Callback c : callbacks) c.onEpochComplete(ctx, m);
    }
    callbacks.forEach(c -> c.onTrainEnd(ctx));
    return new Result(List.copyOf(state.history), ctx.stopReason(), List.copyOf(state.diagnostics));
  }

  /**
   * The number of batches epoch {@code epoch} of {@code train} holds, for the progress display: a
   * {@link BatchSource}'s count for that epoch, a collection's size, otherwise -1 (unknown).
   */
  static int batchCount(Iterable<Batch> train, int epoch) {
    if (train instanceof BatchSource source) return Math.max(-1, source.batches(epoch));
    if (train instanceof Collection<?> batches) return batches.size();
    return -1;
  }

  private static int countCorrect(Variable logits, int[] labels) {
    int[] predicted = Evaluator.predictions(logits.value());
    int n = 0;
    for (int i = 0; i < labels.length; i++) if (predicted[i] == labels[i]) n++;
    return n;
  }

  /**
   * The epochs done so far, the learning-rate scale and the base learning rate: what a resumed run
   * continues from. Passing the same state to a second {@link #fit} (with a trainer whose epochs
   * go further) continues the run.
   */
  public static final class TrainingState {
    final List<EpochMetrics> history = new ArrayList<>();
    final List<Diagnostics.Epoch> diagnostics = new ArrayList<>();
    double lrScale = 1;
    double baseLr = Double.NaN;
    String stopReason;

    public List<EpochMetrics> history() {
      return List.copyOf(history);
    }

    public double learningRateScale() {
      return lrScale;
    }

    /** The base learning rate of the run (before schedule and scale), NaN before the first fit. */
    public double baseLearningRate() {
      return baseLr;
    }

    /** The number of epochs done (the next fit starts at this epoch index). */
    public int epochsDone() {
      return history.size();
    }

    /**
     * Why a callback stopped the run at the end of the last epoch recorded, or null: a
     * checkpoint keeps it, so that a run that was stopped (early stopping, a NaN loss) is not
     * resumed by accident. {@link Trainer#fit} itself does not look at it.
     */
    public String stopReason() {
      return stopReason;
    }

    /**
     * A state that continues after these epochs; the base learning rate is then the resuming
     * trainer's (build it with the optimiser at its base rate, before restoring the optimiser's
     * state, or use {@link #after(List, double, double)}).
     */
    public static TrainingState after(List<EpochMetrics> done, double lrScale) {
      TrainingState s = new TrainingState();
      s.history.addAll(done);
      s.lrScale = lrScale;
      return s;
    }

    /** A state that continues after these epochs of a run whose base learning rate was baseLr. */
    public static TrainingState after(List<EpochMetrics> done, double lrScale, double baseLr) {
      TrainingState s = after(done, lrScale);
      s.baseLr = Optimizer.Hyper.nonNegative("TrainingState", "base learning rate", baseLr);
      return s;
    }
  }

  /** The loop's settings, validated as they are set. */
  public static final class Builder {
    private final Model model;
    private final ClassificationLoss loss;
    private final Optimizer optimizer;
    private int epochs = 10;
    private LrSchedule schedule = LrSchedule.constant();
    private double clipNorm = Double.NaN;
    private final List<Callback> callbacks = new ArrayList<>();
    private Progress progress = Progress.none();
    private boolean diagnostics;

    private Builder(Model model, ClassificationLoss loss, Optimizer optimizer) {
      if (model == null || loss == null || optimizer == null) {
        throw new IllegalArgumentException("Trainer: the model, the loss and the optimiser must all be given");
      }
      this.model = model;
      this.loss = loss;
      this.optimizer = optimizer;
    }

    public Builder epochs(int n) {
      if (n < 1) throw new IllegalArgumentException("Trainer: epochs = " + n + "; expected >= 1");
      this.epochs = n;
      return this;
    }

    public Builder schedule(LrSchedule s) {
      if (s == null) throw new IllegalArgumentException("Trainer: schedule is null; use LrSchedule.constant()");
      this.schedule = s;
      return this;
    }

    /** Clips the gradients' global L2 norm to this value before every step. */
    public Builder clipGradientNorm(double maxNorm) {
      if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
        throw new IllegalArgumentException("Trainer: clip norm = " + maxNorm + "; expected a finite value > 0");
      }
      this.clipNorm = maxNorm;
      return this;
    }

    public Builder callbacks(Callback... cs) {
      for (Callback c : cs) {
        if (c == null) throw new IllegalArgumentException("Trainer: a callback is null");
        callbacks.add(c);
      }
      return this;
    }

    public Builder progress(Progress p) {
      if (p == null) throw new IllegalArgumentException("Trainer: progress is null; use Progress.none()");
      this.progress = p;
      return this;
    }

    /**
     * Records per-parameter gradient norms and the fraction of zero outputs of every ReLU layer
     * each epoch (a little slower; off by default).
     */
    public Builder diagnostics(boolean on) {
      this.diagnostics = on;
      return this;
    }

    public Trainer build() {
      return new Trainer(this);
    }
  }
}
