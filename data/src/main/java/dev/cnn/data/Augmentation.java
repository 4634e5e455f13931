package dev.cnn.data;

import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A random augmentation of one image sample {@code [C, H, W]}: a list of {@link Step}s applied in
 * order, each drawing its random choices from the generator it is given. The same generator state
 * gives the same output, bit for bit; the {@link DataLoader} hands each sample a generator derived
 * from {@code (seed, epoch, position)}, so results do not depend on thread timing.
 *
 * <p>{@link #builder()} gives the Keras {@code ImageDataGenerator} options (rotation, shifts,
 * shear, zoom, flips, fill modes, brightness) plus contrast, random crop with padding, random
 * erasing and per-channel normalisation, and puts the steps in this fixed order:
 *
 * <ol>
 *   <li>{@link AffineTransform}: rotation, shifts, shear and zoom as one inverse affine map about
 *       the image centre, sampled bilinearly (Keras' spline order 1);
 *   <li>{@link Flip} horizontal, then vertical;
 *   <li>{@link RandomCrop} (pad, then crop back to H x W);
 *   <li>{@link Brightness}, then {@link Contrast};
 *   <li>{@link Normalization};
 *   <li>{@link RandomErasing} (last, as in torchvision recipes, so a fill of 0 means "the mean").
 * </ol>
 *
 * Keras applies the affine map, then flips, then brightness, then standardisation: the same
 * relative order. For another order, compose the steps yourself with {@link #of(Step...)}.
 *
 * <p>Which steps keep values inside the input's {@code [min, max]}: the affine map, flips and crop
 * with fill modes NEAREST, REFLECT and WRAP (every output is a convex combination of input pixels);
 * with CONSTANT the range widens to include the fill value; random erasing stays in range with a
 * random fill (drawn from the sample's range) and otherwise adds its fill value. Brightness,
 * contrast and normalisation change the range by design; their bounds are given on each class.
 *
 * <p>An augmentation with no steps ({@link #identity()}, or a builder with nothing set) leaves
 * the input exactly as it is.
 */
public final class Augmentation {
  /** One transformation of a sample, applied in place. */
  public interface Step {
    /**
     * Transforms the sample {@code x[offset .. offset + c*h*w)}, laid out {@code [C, H, W]}, in
     * place, drawing random choices from {@code rng}.
     */
    void apply(float[] x, int offset, int channels, int height, int width, Rng rng);
  }

  private static final Augmentation IDENTITY = new Augmentation(List.of());

  private final List<Step> steps;

  private Augmentation(List<Step> steps) {
    this.steps = List.copyOf(steps);
  }

  /** The augmentation that changes nothing. */
  public static Augmentation identity() {
    return IDENTITY;
  }

  /** These steps, applied in this order. */
  public static Augmentation of(Step... steps) {
    return of(Arrays.asList(steps));
  }

  /** These steps, applied in this order. */
  public static Augmentation of(List<? extends Step> steps) {
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i) == null) throw new IllegalArgumentException("augmentation: step " + i + " is null, expected a Step");
    }
    return new Augmentation(new ArrayList<>(steps));
  }

  /** This augmentation followed by {@code next}. */
  public Augmentation then(Step next) {
    List<Step> all = new ArrayList<>(steps);
    all.add(next);
    return of(all);
  }

  /** Parses the command line's {@code --augment} syntax; see {@link AugmentationSpec}. */
  public static Augmentation parse(String spec) {
    return AugmentationSpec.parse(spec);
  }

  /** The steps, in the order they are applied. */
  public List<Step> steps() {
    return steps;
  }

  /** Whether this augmentation has no steps (and so returns its input unchanged). */
  public boolean isIdentity() {
    return steps.isEmpty();
  }

  /**
   * Augments the sample {@code x[offset .. offset + c*h*w)}, laid out {@code [C, H, W]}, in place.
   * {@code x} is modified.
   */
  public void apply(float[] x, int offset, int channels, int height, int width, Rng rng) {
    if (channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException("augmentation: sample shape [" + channels + ", " + height + ", " + width
          + "], expected every dimension >= 1");
    }
    if (offset < 0 || (long) offset + (long) channels * height * width > x.length) {
      throw new IllegalArgumentException("augmentation: sample of " + (long) channels * height * width + " floats at offset "
          + offset + " does not fit an array of " + x.length);
    }
    for (Step s : steps) s.apply(x, offset, channels, height, width, rng);
  }

  /**
   * An augmented copy of one sample of shape {@code [C, H, W]} (or {@code [H, W]}, taken as one
   * channel). The input is not modified.
   */
  public Tensor apply(Tensor sample, Rng rng) {
    int[] chw = chw(sample.shape());
    float[] x = sample.floatData().clone();
    apply(x, 0, chw[0], chw[1], chw[2], rng);
    return Tensor.wrap(x, sample.shape());
  }

  /**
   * The {@code [C, H, W]} of a sample shape: rank 3 as it is, rank 2 as one channel.
   *
   * @throws IllegalArgumentException for any other rank
   */
  static int[] chw(int[] shape) {
    if (shape.length == 3) return shape.clone();
    if (shape.length == 2) return new int[] {1, shape[0], shape[1]};
    throw new IllegalArgumentException("augmentation: sample shape " + Arrays.toString(shape)
        + ", expected an image [C, H, W] or [H, W]");
  }

  @Override
  public String toString() {
    if (steps.isEmpty()) return "none";
    return steps.stream().map(Object::toString).collect(Collectors.joining(", "));
  }

  /** A builder with every option off. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Typed, validated options; each setter checks its value at once and names it in the error.
   * Ranges follow Keras: {@code rotation(r)} draws an angle uniformly from {@code [-r, r]}
   * degrees, {@code zoom(z)} draws each axis' factor from {@code [1 - z, 1 + z]}.
   */
  public static final class Builder {
    private static final String WHO = "augmentation";
    private double rotation;
    private double heightShift;
    private double widthShift;
    private double shear;
    private double zoomLo = 1;
    private double zoomHi = 1;
    private FillMode fill = FillMode.NEAREST;
    private double fillValue;
    private boolean hflip;
    private boolean vflip;
    private int cropPadding;
    private double brightnessLo = 1;
    private double brightnessHi = 1;
    private double contrastLo = 1;
    private double contrastHi = 1;
    private Normalization normalization;
    private double eraseProbability;
    private double eraseAreaLo = RandomErasing.DEFAULT_AREA_LO;
    private double eraseAreaHi = RandomErasing.DEFAULT_AREA_HI;
    private double eraseRatioLo = RandomErasing.DEFAULT_RATIO_LO;
    private double eraseRatioHi = RandomErasing.DEFAULT_RATIO_HI;
    private double eraseValue;
    private boolean eraseRandom;

    private Builder() {}

    /** Rotation by an angle drawn from {@code [-degrees, degrees]}; degrees in [0, 180]. */
    public Builder rotation(double degrees) {
      rotation = ConfigChecks.inClosed(WHO, "rotation", degrees, 0, 180, " degrees");
      return this;
    }

    /** Horizontal shift by up to {@code fraction * width} pixels either way; fraction in [0, 1). */
    public Builder widthShift(double fraction) {
      widthShift = ConfigChecks.inHalfOpen(WHO, "width shift", fraction, 0, 1, "");
      return this;
    }

    /** Vertical shift by up to {@code fraction * height} pixels either way; fraction in [0, 1). */
    public Builder heightShift(double fraction) {
      heightShift = ConfigChecks.inHalfOpen(WHO, "height shift", fraction, 0, 1, "");
      return this;
    }

    /** Both shifts at once. */
    public Builder shift(double fraction) {
      return widthShift(fraction).heightShift(fraction);
    }

    /**
     * Shear by an angle drawn from {@code [-degrees, degrees]} (Keras' shear: counter-clockwise,
     * in degrees); degrees in [0, 90).
     */
    public Builder shear(double degrees) {
      shear = ConfigChecks.inHalfOpen(WHO, "shear", degrees, 0, 90, " degrees");
      return this;
    }

    /** Zoom factors drawn from {@code [1 - range, 1 + range]}; range in [0, 1). */
    public Builder zoom(double range) {
      ConfigChecks.inHalfOpen(WHO, "zoom", range, 0, 1, "");
      return zoom(1 - range, 1 + range);
    }

    /**
     * Zoom factors drawn from {@code [lo, hi]}, independently for rows and columns, as Keras'
     * {@code zoom_range=[lo, hi]}; {@code 0 < lo <= hi <= 10}. As in Keras the factor scales the
     * sampling grid: factors above 1 make the content smaller (zoom out), below 1 larger.
     */
    public Builder zoom(double lo, double hi) {
      ConfigChecks.positiveRange(WHO, "zoom range", lo, hi, 10);
      zoomLo = lo;
      zoomHi = hi;
      return this;
    }

    /** How the affine map and the crop fill pixels from outside the image (default NEAREST). */
    public Builder fill(FillMode mode) {
      if (mode == null) throw new IllegalArgumentException(WHO + ": fill mode is null, expected one of nearest, constant, reflect, wrap");
      fill = mode;
      return this;
    }

    /** The value used by {@link FillMode#CONSTANT} (Keras' cval; default 0); finite. */
    public Builder fillValue(double value) {
      fillValue = finite("fill value", value);
      return this;
    }

    /** Flips the columns with probability 1/2. */
    public Builder horizontalFlip() {
      hflip = true;
      return this;
    }

    /** Flips the rows with probability 1/2. */
    public Builder verticalFlip() {
      vflip = true;
      return this;
    }

    /** Pads each side by {@code padding} pixels and crops a random H x W window; padding in [0, 1024]. */
    public Builder crop(int padding) {
      cropPadding = (int) ConfigChecks.inClosed(WHO, "crop padding", padding, 0, 1024, " pixels");
      return this;
    }

    /** Multiplies every value by a factor drawn from {@code [lo, hi]}; {@code 0 <= lo <= hi <= 10}. */
    public Builder brightness(double lo, double hi) {
      ConfigChecks.range(WHO, "brightness range", lo, hi, 0, 10);
      brightnessLo = lo;
      brightnessHi = hi;
      return this;
    }

    /**
     * Scales each channel's deviation from its mean by a factor drawn from {@code [lo, hi]};
     * {@code 0 <= lo <= hi <= 10}.
     */
    public Builder contrast(double lo, double hi) {
      ConfigChecks.range(WHO, "contrast range", lo, hi, 0, 10);
      contrastLo = lo;
      contrastHi = hi;
      return this;
    }

    /** Normalises each channel with a fitted {@link Normalization}. */
    public Builder normalize(Normalization n) {
      if (n == null) throw new IllegalArgumentException(WHO + ": normalization is null, expected Normalization.fit(trainingSet)");
      normalization = n;
      return this;
    }

    /** Random erasing with this probability per sample; probability in [0, 1]. */
    public Builder erase(double probability) {
      eraseProbability = ConfigChecks.inClosed(WHO, "erase probability", probability, 0, 1, "");
      return this;
    }

    /** The erased area as a fraction of the image, drawn from {@code [lo, hi]}; {@code 0 < lo <= hi <= 1}. */
    public Builder eraseArea(double lo, double hi) {
      ConfigChecks.positiveRange(WHO, "erase area range", lo, hi, 1);
      eraseAreaLo = lo;
      eraseAreaHi = hi;
      return this;
    }

    /** The erased rectangle's aspect ratio h / w, log-uniform in {@code [lo, hi]}; {@code 0 < lo <= hi <= 100}. */
    public Builder eraseRatio(double lo, double hi) {
      ConfigChecks.positiveRange(WHO, "erase aspect ratio range", lo, hi, 100);
      eraseRatioLo = lo;
      eraseRatioHi = hi;
      return this;
    }

    /** Erases with this constant (default 0). */
    public Builder eraseValue(double value) {
      eraseValue = finite("erase value", value);
      eraseRandom = false;
      return this;
    }

    /** Erases with values drawn uniformly from the sample's own [min, max], per pixel. */
    public Builder eraseRandom() {
      eraseRandom = true;
      return this;
    }

    /** The augmentation; steps whose options were left off are omitted. */
    public Augmentation build() {
      List<Step> steps = new ArrayList<>();
      if (rotation != 0 || heightShift != 0 || widthShift != 0 || shear != 0 || zoomLo != 1 || zoomHi != 1) {
        steps.add(new AffineTransform(rotation, heightShift, widthShift, shear, zoomLo, zoomHi, fill, fillValue));
      }
      if (hflip) steps.add(Flip.horizontal());
      if (vflip) steps.add(Flip.vertical());
      if (cropPadding > 0) steps.add(new RandomCrop(cropPadding, fill, fillValue));
      if (brightnessLo != 1 || brightnessHi != 1) steps.add(new Brightness(brightnessLo, brightnessHi));
      if (contrastLo != 1 || contrastHi != 1) steps.add(new Contrast(contrastLo, contrastHi));
      if (normalization != null) steps.add(normalization);
      if (eraseProbability > 0) {
        steps.add(eraseRandom
            ? RandomErasing.randomFill(eraseProbability, eraseAreaLo, eraseAreaHi, eraseRatioLo, eraseRatioHi)
            : new RandomErasing(eraseProbability, eraseAreaLo, eraseAreaHi, eraseRatioLo, eraseRatioHi, eraseValue));
      }
      return steps.isEmpty() ? IDENTITY : new Augmentation(steps);
    }

    private static double finite(String name, double v) {
      if (!Double.isFinite(v)) throw new IllegalArgumentException(WHO + ": " + name + " = " + v + ", expected a finite number");
      return v;
    }
  }
}
