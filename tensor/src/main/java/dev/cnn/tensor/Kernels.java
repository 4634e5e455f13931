package dev.cnn.tensor;

import java.lang.reflect.InvocationTargetException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Chooses, once per JVM, between the scalar kernels and the Vector API kernels, and says why.
 *
 * <p>The choice, in order:
 * <ol>
 *   <li>the system property {@code cnn.kernels} or the environment variable {@code CNN_KERNELS}:
 *       {@code scalar} forces the scalar path everywhere, {@code vector} requires the SIMD path
 *       (an error if it is unavailable), {@code auto} (the default) takes SIMD when it can;
 *   <li>the module {@code jdk.incubator.vector} must be in the boot layer (the JVM was started
 *       with {@code --add-modules jdk.incubator.vector});
 *   <li>the preferred vector width must be at least 128 bits.
 * </ol>
 * The outcome is logged in one line. Classes that import {@code jdk.incubator.vector} are loaded
 * by name only after these checks pass (as Lucene does), so a JVM without the module never
 * touches them.
 *
 * <p>Each kernel family (GEMM, element-wise, convolution, ...) has a package-private interface, a
 * {@code Scalar...} implementation and a {@code Vector...} implementation whose constructor takes
 * the vector width in bits; tests construct both directly, at 128 and 256 bits.
 */
public final class Kernels {
  /** System property that selects the kernels: auto, scalar or vector. */
  public static final String PROPERTY = "cnn.kernels";
  /** Environment variable that selects the kernels when the property is not set. */
  public static final String ENV = "CNN_KERNELS";

  private static final String ENABLE_HINT =
      "start java with --add-modules jdk.incubator.vector (the ./cnn launcher does this)";

  private Kernels() {}

  /** The implementation that runs in this JVM. */
  public static KernelMode mode() {
    return decision().mode;
  }

  /** Width of the SIMD registers the vector kernels use, in bits; 0 in scalar mode. */
  public static int vectorBits() {
    return decision().bits;
  }

  /** One line that says which kernels run and why. */
  public static String describe() {
    return decision().reason;
  }

  /**
   * The implementation of one kernel family for the mode in force: the vector class named
   * {@code vectorClass} (constructed with the vector width in bits) or the scalar one.
   */
  static <T> T select(Class<T> family, String vectorClass, T scalar) {
    Decision d = Holder.DECISION; // never throws: a bad setting reads as SCALAR here
    if (d.mode == KernelMode.SCALAR) return scalar;
    return newVector(family, vectorClass, d.bits);
  }

  /**
   * Throws the error of a bad {@code cnn.kernels} / {@code CNN_KERNELS} setting, if there is one.
   * Each facade calls this before it touches its kernel holder, so the holder's initialiser never
   * runs while the setting is bad: the caller gets this IllegalArgumentException on every call,
   * never an ExceptionInInitializerError (after which the holder class would be unusable, a
   * NoClassDefFoundError on every later use). Cheap: one read of a constant.
   */
  static void requireValidSetting() {
    decision();
  }

  /**
   * The requested choice, {@code auto}, {@code scalar} or {@code vector}, from the system property
   * (which wins) or the environment variable; {@code auto} when neither is set or both are blank.
   *
   * @param property the value of {@code -Dcnn.kernels}, or null
   * @param env the value of {@code CNN_KERNELS}, or null
   * @throws IllegalArgumentException naming the value, where it was set, the accepted values and
   *     the fix
   */
  static String requested(String property, String env) {
    boolean fromProperty = property != null && !property.isBlank();
    String raw = fromProperty ? property : env;
    if (raw == null || raw.isBlank()) return "auto";
    String v = raw.trim().toLowerCase(Locale.ROOT);
    if (v.equals("auto") || v.equals("scalar") || v.equals("vector")) return v;
    String source = fromProperty ? "-D" + PROPERTY + "=" + raw : ENV + "=" + raw;
    throw new IllegalArgumentException("kernel choice '" + raw + "' (set by " + source + ") is not one of"
        + " auto, scalar, vector; set " + (fromProperty ? "-D" + PROPERTY : ENV) + " to auto (SIMD when"
        + " available, the default), scalar or vector, or unset it");
  }

  /**
   * The one of three width-specific objects (each vector kernel has a body subclass per width, so
   * that its species is a constant the JIT can see) that matches {@code bits}.
   *
   * @throws IllegalArgumentException if bits is not 128, 256 or 512
   */
  static <T> T byWidth(int bits, Supplier<? extends T> w128, Supplier<? extends T> w256, Supplier<? extends T> w512) {
    switch (bits) {
      case 128:
        return w128.get();
      case 256:
        return w256.get();
      case 512:
        return w512.get();
      default:
        throw new IllegalArgumentException("vector width is " + bits + " bits, expected 128, 256 or 512");
    }
  }

  /** Constructs a vector implementation reflectively, for the given width. */
  static <T> T newVector(Class<T> family, String vectorClass, int bits) {
    try {
      Class<?> c = Class.forName(vectorClass, true, Kernels.class.getClassLoader());
      return family.cast(c.getDeclaredConstructor(int.class).newInstance(bits));
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) throw (RuntimeException) cause;
      throw new IllegalStateException("cannot construct " + vectorClass + ": " + cause, cause);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot construct " + vectorClass + ": " + e, e);
    }
  }

  private static final class Holder {
    static final Decision DECISION = Decision.make();
  }

  /**
   * The choice, made once. A bad setting is kept as an error and thrown (as an
   * IllegalArgumentException naming the setting) by every call that needs kernels, instead of
   * escaping the class initialiser as an ExceptionInInitializerError.
   */
  private static final class Decision {
    final KernelMode mode;
    final int bits;
    final String reason;
    final RuntimeException error;

    private Decision(KernelMode mode, int bits, String reason, RuntimeException error) {
      this.mode = mode;
      this.bits = bits;
      this.reason = reason;
      this.error = error;
    }

    static Decision make() {
      return make(System.getProperty(PROPERTY), System.getenv(ENV));
    }

    /** The decision for these settings of the property and the variable (null when unset). */
    static Decision make(String property, String env) {
      String requested;
      try {
        requested = requested(property, env);
      } catch (IllegalArgumentException e) {
        return failed(e);
      }
      if (requested.equals("scalar")) {
        return chosen(KernelMode.SCALAR, 0,
            "scalar kernels (forced by " + PROPERTY + "=scalar or " + ENV + "=scalar)");
      }
      boolean moduleThere = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
      int bits = moduleThere ? probeBits() : 0;
      String why = !moduleThere ? "module jdk.incubator.vector is not available"
          : bits < 128 ? "the preferred vector width is " + bits + " bits, below the 128 the vector kernels need"
          : null;
      if (why == null) {
        return chosen(KernelMode.VECTOR, bits, "vector kernels, " + bits + "-bit SIMD (jdk.incubator.vector)");
      }
      if (requested.equals("vector")) {
        return failed(new IllegalStateException(
            PROPERTY + "=vector was requested but " + why + "; " + ENABLE_HINT));
      }
      return chosen(KernelMode.SCALAR, 0, "scalar kernels: " + why + "; to enable SIMD, " + ENABLE_HINT);
    }

    private static Decision chosen(KernelMode mode, int bits, String reason) {
      if (mode == KernelMode.VECTOR) Log.debug(reason);
      else Log.info(reason);
      return new Decision(mode, bits, reason, null);
    }

    /** A bad setting: not logged, since every use of the kernels throws {@code error} itself. */
    private static Decision failed(RuntimeException error) {
      return new Decision(KernelMode.SCALAR, 0, error.getMessage(), error);
    }

    private static int probeBits() {
      try {
        Class<?> probe = Class.forName("dev.cnn.tensor.VectorProbe");
        return (Integer) probe.getMethod("preferredBits").invoke(null);
      } catch (ReflectiveOperationException | LinkageError e) {
        return 0;
      }
    }
  }

  /** The decision for explicit settings, made afresh (for tests; the JVM's own is made once). */
  static KernelMode decide(String property, String env) {
    Decision d = Decision.make(property, env);
    if (d.error instanceof IllegalArgumentException) {
      throw new IllegalArgumentException(d.error.getMessage(), d.error);
    }
    if (d.error != null) throw new IllegalStateException(d.error.getMessage(), d.error);
    return d.mode;
  }

  private static Decision decision() {
    Decision d = Holder.DECISION;
    if (d.error instanceof IllegalArgumentException) {
      throw new IllegalArgumentException(d.error.getMessage(), d.error);
    }
    if (d.error != null) throw new IllegalStateException(d.error.getMessage(), d.error);
    return d;
  }
}
