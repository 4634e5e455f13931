package dev.cnn.cli;

import dev.cnn.engine.CustomOp;
import dev.cnn.engine.GradCheck;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cnn gradcheck --op CLASS}: the standard gradient checks on a user's {@link CustomOp}: for
 * each input and each of several shapes, its backward against float64 central differences
 * ({@link GradCheck}, the full Jacobian for small inputs), the other inputs held fixed. Prints one
 * line per input and shape; exits 1 naming the worst element when a gradient is wrong.
 *
 * <p>The class must be a {@link CustomOp} with a public constructor without arguments, on the
 * class path ({@code CNN_CLASSPATH=my-ops.jar ./cnn gradcheck --op com.example.MyOp}). Inputs are
 * float64, uniform in [-2, 2] with |x| >= 0.05 (away from a kink at zero by far more than the
 * step), every input of the same shape.
 */
@Command(name = "gradcheck", mixinStandardHelpOptions = true,
    description = {"Check a CustomOp's backward against float64 central differences: each input, several shapes,"
        + " the worst element of each; exit 1 if a gradient is wrong.",
        "The op: a dev.cnn.engine.CustomOp with a public no-argument constructor, on the class path"
            + " (CNN_CLASSPATH=my-ops.jar ./cnn gradcheck --op com.example.MyOp)."})
final class GradcheckCommand implements Callable<Integer> {
  /** The shapes checked unless {@code --shape} is given: a vector, a matrix, an NCHW batch. */
  static final List<int[]> STANDARD_SHAPES = List.of(new int[] {5}, new int[] {3, 4}, new int[] {2, 3, 4, 5});

  @Spec CommandSpec spec;

  @Option(names = "--op", required = true, paramLabel = "CLASS", description = "The op's fully qualified class name.")
  String op;

  @Option(names = "--inputs", paramLabel = "N", description = "How many inputs the op takes (default 1).")
  int inputs = 1;

  @Option(names = "--shape", paramLabel = "D,D,...", split = ",",
      description = "Check this input shape only (default: [5], [3, 4] and [2, 3, 4, 5]).")
  int[] shape;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of the input values and probes (default 1).")
  long seed = 1;

  @Override
  public Integer call() {
    if (inputs < 1 || inputs > 8) {
      throw new ParameterException(spec.commandLine(), "--inputs " + inputs + ": expected 1 to 8 inputs");
    }
    if (shape != null) {
      for (int d : shape) {
        if (d < 1 || d > 64) {
          throw new ParameterException(spec.commandLine(), "--shape " + Arrays.toString(shape)
              + ": expected sizes from 1 to 64 (a gradient check runs two forwards per element)");
        }
      }
    }
    Constructor<? extends CustomOp> make = constructor(op);
    PrintWriter out = spec.commandLine().getOut();
    List<int[]> shapes = shape != null ? List.<int[]>of(shape) : STANDARD_SHAPES;
    GradCheck.Report worstFailure = null;
    String worstWhere = null;
    int checks = 0, failed = 0;
    for (int[] s : shapes) {
      Rng rng = new Rng(seed);
      Tensor[] at = new Tensor[inputs];
      for (int i = 0; i < inputs; i++) at[i] = awayFromZero(rng, s);
      for (int i = 0; i < inputs; i++) {
        final int input = i;
        GradCheck.Report r = GradCheck.of(in -> apply(make, at, input, in[0]), at[i]).seed(seed).bySize().check();
        checks++;
        String where = "input " + i + ", shape " + Arrays.toString(s);
        out.printf(Locale.ROOT, "%-28s %s  worst |difference| %.3g (tolerance %.3g), %d values%n", where,
            r.passed() ? "ok    " : "FAILED", r.error(), r.tolerance(), r.checked());
        if (!r.passed()) {
          failed++;
          if (worstFailure == null || r.error() > worstFailure.error()) {
            worstFailure = r;
            worstWhere = where;
          }
        }
      }
    }
    out.flush();
    if (worstFailure != null) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("cnn gradcheck: " + simpleName(op) + "'s backward is wrong in " + failed + " of " + checks
          + " checks; the worst, " + worstWhere + ": " + worstFailure);
      err.flush();
      return 1;
    }
    out.println(simpleName(op) + ": " + checks + " checks passed");
    out.flush();
    return 0;
  }

  /** The op applied with input {@code i} replaced by the variable under test, the others constant. */
  private static Variable apply(Constructor<? extends CustomOp> make, Tensor[] at, int i, Variable x) {
    Variable[] in = new Variable[at.length];
    for (int k = 0; k < at.length; k++) in[k] = k == i ? x : Variable.constant(at[k]);
    CustomOp o;
    try {
      o = make.newInstance();
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(make.getDeclaringClass().getName() + "'s constructor failed: " + e.getCause(), e);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot create " + make.getDeclaringClass().getName() + ": " + e, e);
    }
    return o.apply(in);
  }

  @SuppressWarnings("unchecked")
  private static Constructor<? extends CustomOp> constructor(String name) {
    Class<?> c;
    try {
      c = Class.forName(name, false, Thread.currentThread().getContextClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("--op " + name + ": no such class on the class path; give the fully qualified"
          + " name (com.example.MyOp, Outer$Inner for a nested class) and put its jar on CNN_CLASSPATH");
    }
    if (!CustomOp.class.isAssignableFrom(c)) {
      throw new IllegalArgumentException("--op " + name + " is not a dev.cnn.engine.CustomOp; gradcheck checks ops"
          + " written as CustomOp subclasses (forward and backward)");
    }
    if (Modifier.isAbstract(c.getModifiers())) {
      throw new IllegalArgumentException("--op " + name + " is abstract; give a concrete CustomOp");
    }
    try {
      Constructor<? extends CustomOp> k = (Constructor<? extends CustomOp>) c.getDeclaredConstructor();
      k.setAccessible(true);
      return k;
    } catch (NoSuchMethodException | RuntimeException e) {
      throw new IllegalArgumentException("--op " + name + " has no constructor without arguments; add one (gradcheck"
          + " makes a new op object for every application)");
    }
  }

  /** Uniform in [-2, -0.05] and [0.05, 2]. */
  private static Tensor awayFromZero(Rng rng, int[] shape) {
    Tensor t = Tensor.uniform(rng, DType.FLOAT64, -2, 2, shape);
    double[] d = t.doubleData();
    for (int i = 0; i < d.length; i++) d[i] = Math.copySign(0.05 + Math.abs(d[i]) * 0.975, d[i]);
    return t;
  }

  private static String simpleName(String className) {
    return className.substring(Math.max(className.lastIndexOf('.'), className.lastIndexOf('$')) + 1);
  }
}
