package dev.cnn.data;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The compact text form of an {@link Augmentation} for the command line ({@code --augment SPEC}):
 * comma-separated {@code key=value} items and flags, for example
 * {@code rotate=10,shift=0.1,zoom=0.1,hflip,fill=reflect,erase=0.25,crop=4}.
 *
 * <pre>
 *   rotate=DEG          rotation range in degrees, [0, 180]
 *   shift=F             width and height shift, fraction of the size, [0, 1)
 *   wshift=F, hshift=F  width or height shift alone
 *   shear=DEG           shear range in degrees, [0, 90)
 *   zoom=Z | LO:HI      zoom factors in [1-Z, 1+Z] (Z in [0, 1)), or in [LO, HI]
 *   hflip, vflip        flip with probability 1/2
 *   fill=MODE           nearest (default), constant, reflect, wrap
 *   cval=V              the value for fill=constant (default 0)
 *   brightness=B | LO:HI  multiply by a factor in [1-B, 1+B], or in [LO, HI]
 *   contrast=C | LO:HI    scale deviations from the mean by a factor in [1-C, 1+C], or [LO, HI]
 *   crop=P              pad by P pixels and crop back at a random place
 *   erase=P             random erasing with probability P
 *   erase-area=LO:HI    erased fraction of the area (default 0.02:0.33)
 *   erase-ratio=LO:HI   erased aspect ratio (default 0.3:3.3)
 *   erase-value=V|random  fill of the erased rectangle (default 0)
 *   normalize           per-channel standardisation fitted on the training set
 *   none                no augmentation (also the empty string)
 * </pre>
 *
 * Keys may come in any order and each at most once; the steps are applied in the builder's fixed
 * order (see {@link Augmentation}). Whitespace around items is ignored. Errors name the item and
 * list the valid keys.
 */
public final class AugmentationSpec {
  /** The valid keys, in the order the help lists them. */
  public static final String KEYS = "rotate, shift, wshift, hshift, shear, zoom, hflip, vflip, fill, cval, brightness, "
      + "contrast, crop, erase, erase-area, erase-ratio, erase-value, normalize, none";

  private static final Set<String> FLAGS = Set.of("hflip", "vflip", "normalize", "none");

  private AugmentationSpec() {}

  /**
   * Parses a spec that does not use {@code normalize}.
   *
   * @throws IllegalArgumentException naming the bad item, for an unknown key, a malformed or
   *     out-of-range value, a repeated key, or {@code normalize} (which needs the training set:
   *     use {@link #parse(String, Dataset)})
   */
  public static Augmentation parse(String spec) {
    return parse(spec, null);
  }

  /**
   * Parses a spec; {@code normalize} fits a {@link Normalization} on {@code trainingSet}.
   *
   * @param trainingSet the data the normalisation statistics come from; may be null when the spec
   *     has no {@code normalize}
   */
  public static Augmentation parse(String spec, Dataset trainingSet) {
    if (spec == null) throw new IllegalArgumentException("--augment: spec is null, expected e.g. 'rotate=10,hflip' or 'none'");
    Map<String, String> items = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (String raw : spec.split(",", -1)) {
      String item = raw.trim();
      if (item.isEmpty()) {
        if (spec.trim().isEmpty()) continue;
        throw new IllegalArgumentException("--augment: empty item in '" + spec + "', expected comma-separated key=value items");
      }
      int eq = item.indexOf('=');
      String key = (eq < 0 ? item : item.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
      String value = eq < 0 ? null : item.substring(eq + 1).trim();
      if (!KEYS_SET.contains(key)) {
        throw new IllegalArgumentException("--augment: unknown key '" + key + "' in '" + item + "'; valid keys: " + KEYS);
      }
      if (!seen.add(key)) throw new IllegalArgumentException("--augment: key '" + key + "' given twice in '" + spec + "'");
      if (FLAGS.contains(key) && value != null) {
        throw new IllegalArgumentException("--augment: '" + key + "' is a flag and takes no value, found '" + item + "'");
      }
      if (!FLAGS.contains(key) && (value == null || value.isEmpty())) {
        throw new IllegalArgumentException("--augment: '" + key + "' needs a value, as in '" + example(key) + "', found '" + item + "'");
      }
      items.put(key, value);
    }
    if (items.containsKey("none")) {
      if (items.size() > 1) throw new IllegalArgumentException("--augment: 'none' cannot be combined with other keys, found '" + spec + "'");
      return Augmentation.identity();
    }
    Augmentation.Builder b = Augmentation.builder();
    for (Map.Entry<String, String> e : items.entrySet()) {
      String key = e.getKey();
      String v = e.getValue();
      try {
        apply(b, key, v, trainingSet);
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("--augment: " + key + (v == null ? "" : "=" + v) + ": " + ex.getMessage(), ex);
      }
    }
    return b.build();
  }

  private static final Set<String> KEYS_SET = Set.of(KEYS.split(", "));

  private static void apply(Augmentation.Builder b, String key, String v, Dataset trainingSet) {
    switch (key) {
      case "rotate":
        b.rotation(number(v, "degrees"));
        break;
      case "shift":
        b.shift(number(v, "a fraction of the size"));
        break;
      case "wshift":
        b.widthShift(number(v, "a fraction of the width"));
        break;
      case "hshift":
        b.heightShift(number(v, "a fraction of the height"));
        break;
      case "shear":
        b.shear(number(v, "degrees"));
        break;
      case "zoom": {
        double[] r = rangeAround(v, "zoom");
        b.zoom(r[0], r[1]);
        break;
      }
      case "hflip":
        b.horizontalFlip();
        break;
      case "vflip":
        b.verticalFlip();
        break;
      case "fill":
        b.fill(FillMode.parse(v));
        break;
      case "cval":
        b.fillValue(number(v, "a number"));
        break;
      case "brightness": {
        double[] r = rangeAround(v, "brightness");
        b.brightness(r[0], r[1]);
        break;
      }
      case "contrast": {
        double[] r = rangeAround(v, "contrast");
        b.contrast(r[0], r[1]);
        break;
      }
      case "crop": {
        double p = number(v, "pixels");
        if (p != Math.rint(p)) throw new IllegalArgumentException("'" + v + "' is not a whole number of pixels");
        b.crop((int) Math.max(Math.min(p, Integer.MAX_VALUE), Integer.MIN_VALUE));
        break;
      }
      case "erase":
        b.erase(number(v, "a probability"));
        break;
      case "erase-area": {
        double[] r = pair(v);
        b.eraseArea(r[0], r[1]);
        break;
      }
      case "erase-ratio": {
        double[] r = pair(v);
        b.eraseRatio(r[0], r[1]);
        break;
      }
      case "erase-value":
        if (v.equalsIgnoreCase("random")) b.eraseRandom();
        else b.eraseValue(number(v, "a number or 'random'"));
        break;
      case "normalize":
        if (trainingSet == null) {
          throw new IllegalArgumentException("needs the training set to fit its mean and std; "
              + "parse the spec with AugmentationSpec.parse(spec, trainingSet)");
        }
        b.normalize(Normalization.fit(trainingSet));
        break;
      default:
        throw new AssertionError(key);
    }
  }

  /** {@code X} as {@code [1-X, 1+X]} (X in [0, 1)), or {@code LO:HI} as it is. */
  private static double[] rangeAround(String v, String what) {
    if (v.contains(":")) return pair(v);
    double x = number(v, "a number in [0, 1) or LO:HI");
    ConfigChecks.inHalfOpen("augmentation", what, x, 0, 1, "");
    return new double[] {1 - x, 1 + x};
  }

  private static double[] pair(String v) {
    String[] p = v.split(":", -1);
    if (p.length != 2) throw new IllegalArgumentException("'" + v + "' is not a range, expected LO:HI such as 0.8:1.2");
    return new double[] {number(p[0], "LO of LO:HI"), number(p[1], "HI of LO:HI")};
  }

  private static double number(String v, String expected) {
    try {
      double d = Double.parseDouble(v.trim());
      if (!Double.isFinite(d)) throw new NumberFormatException();
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + v + "' is not a number, expected " + expected);
    }
  }

  private static String example(String key) {
    switch (key) {
      case "zoom":
      case "brightness":
      case "contrast":
        return key + "=0.2 or " + key + "=0.8:1.2";
      case "fill":
        return "fill=reflect";
      case "erase-area":
        return "erase-area=0.02:0.33";
      case "erase-ratio":
        return "erase-ratio=0.3:3.3";
      case "erase-value":
        return "erase-value=0 or erase-value=random";
      case "crop":
        return "crop=4";
      default:
        return key + "=0.1";
    }
  }
}
