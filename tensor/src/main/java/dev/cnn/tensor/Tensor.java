package dev.cnn.tensor;

import java.util.Arrays;

/**
 * A dense, contiguous, row-major n-dimensional array of {@link DType#FLOAT32} or
 * {@link DType#FLOAT64} numbers. Images are laid out NCHW.
 *
 * <p>The element at index {@code (i0, i1, ..., ik)} of a tensor with shape {@code (d0, ..., dk)}
 * lives at {@code data[((i0 * d1 + i1) * d2 + i2) ... ]}: the last index varies fastest.
 *
 * <p>A tensor is a shape plus a reference to its storage array; {@link #reshape} returns a view
 * that shares the storage, {@link #copy} a new tensor with its own. The storage is exposed
 * through {@link #floatData()} and {@link #doubleData()} (not copied) so that kernels and layers
 * can work on it in place; that is a deliberate trade of encapsulation for speed.
 *
 * <p>Inside a {@link Workspace} scope, {@link #zeros} and the kernels built on it borrow float32
 * storage from a per-thread pool until the scope closes; after that the tensor is not
 * {@link #isLive() live}, and reading or writing it throws instead of showing another tensor's
 * numbers.
 */
public final class Tensor {
  private final DType dtype;
  private final int[] shape;
  private final float[] f; // storage when FLOAT32
  private final double[] d; // storage when FLOAT64
  /** Non-null when f is on loan from a {@link Workspace} scope (shared with views). */
  private final Workspace.Lease lease;

  private Tensor(DType dtype, int[] shape, float[] f, double[] d) {
    this(dtype, shape, f, d, null);
  }

  private Tensor(DType dtype, int[] shape, float[] f, double[] d, Workspace.Lease lease) {
    this.dtype = dtype;
    this.shape = shape;
    this.f = f;
    this.d = d;
    this.lease = lease;
  }

  // ---------------------------------------------------------------- creation

  /** A float32 tensor of zeros. */
  public static Tensor zeros(int... shape) {
    return zeros(DType.FLOAT32, shape);
  }

  /**
   * A tensor of zeros. Inside a {@link Workspace} scope a float32 tensor's storage is a recycled
   * array, on loan until the scope closes.
   */
  public static Tensor zeros(DType dtype, int... shape) {
    return make(dtype, true, shape);
  }

  /**
   * A tensor for a kernel that writes every one of its elements before anything reads it (a
   * convolution's or an element-wise op's result): inside a {@link Workspace} scope, a recycled
   * float32 array that is not zeroed first, so its contents are stale until written; otherwise
   * zeros. Saves one pass over memory per result (zeroing took 5% of a training step).
   */
  static Tensor forOverwrite(DType dtype, int... shape) {
    return make(dtype, false, shape);
  }

  private static Tensor make(DType dtype, boolean zeroed, int... shape) {
    if (dtype == null) {
      throw new IllegalArgumentException("tensor: dtype is null, expected DType.FLOAT32 or DType.FLOAT64");
    }
    int[] s = shape.clone();
    int n = Shapes.size(s);
    if (dtype == DType.FLOAT64) return new Tensor(dtype, s, null, new double[n]);
    Workspace.Lease lease = Workspace.lend(n, zeroed);
    return new Tensor(dtype, s, lease == null ? new float[n] : lease.array, null, lease);
  }

  /** A tensor of ones. */
  public static Tensor ones(DType dtype, int... shape) {
    return full(dtype, 1.0, shape);
  }

  /** A tensor with every element equal to {@code value} (rounded to float for FLOAT32). */
  public static Tensor full(DType dtype, double value, int... shape) {
    Tensor t = zeros(dtype, shape);
    if (dtype == DType.FLOAT32) Arrays.fill(t.f, (float) value);
    else Arrays.fill(t.d, value);
    return t;
  }

  /** A float32 tensor holding a copy of {@code data}, viewed with {@code shape}. */
  public static Tensor of(float[] data, int... shape) {
    checkLength(data.length, shape);
    return new Tensor(DType.FLOAT32, shape.clone(), data.clone(), null);
  }

  /** A float64 tensor holding a copy of {@code data}, viewed with {@code shape}. */
  public static Tensor of(double[] data, int... shape) {
    checkLength(data.length, shape);
    return new Tensor(DType.FLOAT64, shape.clone(), null, data.clone());
  }

  /** A float32 tensor that uses {@code data} as its storage (no copy). */
  public static Tensor wrap(float[] data, int... shape) {
    checkLength(data.length, shape);
    return new Tensor(DType.FLOAT32, shape.clone(), data, null);
  }

  /** A float64 tensor that uses {@code data} as its storage (no copy). */
  public static Tensor wrap(double[] data, int... shape) {
    checkLength(data.length, shape);
    return new Tensor(DType.FLOAT64, shape.clone(), null, data);
  }

  /** A scalar (rank 0) tensor. */
  public static Tensor scalar(DType dtype, double value) {
    return full(dtype, value);
  }

  /** Independent draws from the uniform distribution on [lo, hi). */
  public static Tensor uniform(Rng rng, DType dtype, double lo, double hi, int... shape) {
    if (!(lo <= hi) || Double.isInfinite(hi - lo)) {
      throw new IllegalArgumentException(
          "uniform: bounds are [" + lo + ", " + hi + "), expected finite lo <= hi");
    }
    Tensor t = zeros(dtype, shape);
    if (dtype == DType.FLOAT64) {
      for (int i = 0; i < t.size(); i++) t.setFlat(i, rng.uniform(lo, hi));
      return t;
    }
    // Rounding to float can land on hi itself (often when hi - lo is small against |hi|), which
    // [lo, hi) excludes: step down to the float below.
    float smallest = (float) lo < lo ? Math.nextUp((float) lo) : (float) lo;
    if (lo < hi && !(smallest < hi)) {
      throw new IllegalArgumentException("uniform: no float32 value lies in [" + lo + ", " + hi
          + "); widen the interval or use FLOAT64");
    }
    float[] f = t.floatData();
    for (int i = 0; i < f.length; i++) {
      float v = (float) rng.uniform(lo, hi);
      while (v >= hi && v > smallest) v = Math.nextDown(v);
      f[i] = Math.max(v, smallest);
    }
    return t;
  }

  /** Independent draws from the normal distribution with the given mean and standard deviation. */
  public static Tensor normal(Rng rng, DType dtype, double mean, double std, int... shape) {
    if (!(std >= 0) || Double.isInfinite(std) || !Double.isFinite(mean)) {
      throw new IllegalArgumentException(
          "normal: mean " + mean + " and std " + std + ", expected finite values with std >= 0");
    }
    Tensor t = zeros(dtype, shape);
    for (int i = 0; i < t.size(); i++) t.setFlat(i, mean + std * rng.nextGaussian());
    return t;
  }

  private static void checkLength(int length, int[] shape) {
    int n = Shapes.size(shape);
    if (n != length) {
      throw new IllegalArgumentException(
          "tensor: "
              + length
              + " values cannot fill shape "
              + Shapes.format(shape)
              + ", which needs "
              + n);
    }
  }

  // ---------------------------------------------------------------- shape

  public DType dtype() {
    return dtype;
  }

  /** A copy of the shape. */
  public int[] shape() {
    return shape.clone();
  }

  /** Number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** Size of dimension {@code axis}; negative axes count from the end. */
  public int dim(int axis) {
    return shape[normalizeAxis(axis)];
  }

  /** Number of elements. */
  public int size() {
    return dtype == DType.FLOAT32 ? f.length : d.length;
  }

  /** Turns a possibly negative axis into an index in [0, rank). */
  public int normalizeAxis(int axis) {
    int a = axis < 0 ? axis + shape.length : axis;
    if (a < 0 || a >= shape.length) {
      throw new IllegalArgumentException(
          "axis " + axis + " is out of range for a tensor of rank " + shape.length
              + " with shape " + Shapes.format(shape) + "; expected -" + shape.length + " <= axis < "
              + shape.length);
    }
    return a;
  }

  /**
   * A view with another shape over the same storage. One dimension may be -1; it is inferred.
   * Writes through the view are seen by this tensor.
   */
  public Tensor reshape(int... newShape) {
    int[] s = newShape.clone();
    int infer = -1;
    long known = 1;
    for (int i = 0; i < s.length; i++) {
      if (s[i] == -1) {
        if (infer >= 0) {
          throw new IllegalArgumentException(
              "reshape: " + Shapes.format(newShape) + " has more than one -1; at most one is inferred");
        }
        infer = i;
      } else {
        known *= s[i];
      }
    }
    if (infer >= 0) {
      if (known == 0 || size() % known != 0) {
        throw new IllegalArgumentException(
            "reshape: cannot infer -1 in " + Shapes.format(newShape) + " for " + size()
                + " elements of shape " + Shapes.format(shape));
      }
      s[infer] = (int) (size() / known);
    }
    if (Shapes.size(s) != size()) {
      throw new IllegalArgumentException(
          "reshape: shape " + Shapes.format(shape) + " has " + size() + " elements but "
              + Shapes.format(newShape) + " has " + Shapes.size(s) + "; the counts must match");
    }
    return new Tensor(dtype, s, f, d, lease);
  }

  /** A tensor with its own copy of the storage (never on loan: it outlives a {@link Workspace} scope). */
  public Tensor copy() {
    checkLive();
    return new Tensor(dtype, shape.clone(), f == null ? null : f.clone(), d == null ? null : d.clone());
  }

  /** This tensor converted to {@code target} (a copy, even when the type is the same). */
  public Tensor to(DType target) {
    if (target == dtype) return copy();
    Tensor t = zeros(target, shape);
    for (int i = 0; i < size(); i++) t.setFlat(i, getFlat(i));
    return t;
  }

  // ---------------------------------------------------------------- element access

  /** The storage of a float32 tensor (not a copy). */
  public float[] floatData() {
    checkLive();
    if (f == null) {
      throw new IllegalStateException(
          "floatData: tensor is " + dtype + ", expected FLOAT32; convert with to(DType.FLOAT32)");
    }
    return f;
  }

  /** The storage of a float64 tensor (not a copy). */
  public double[] doubleData() {
    if (d == null) {
      throw new IllegalStateException(
          "doubleData: tensor is " + dtype + ", expected FLOAT64; convert with to(DType.FLOAT64)");
    }
    return d;
  }

  /** The element at a flat (row-major) index, widened to double. */
  public double getFlat(int i) {
    checkLive();
    return f != null ? f[i] : d[i];
  }

  /** Sets the element at a flat index (rounded to float for FLOAT32). */
  public void setFlat(int i, double value) {
    checkLive();
    if (f != null) f[i] = (float) value;
    else d[i] = value;
  }

  /**
   * Whether the storage can still be used: false once the {@link Workspace} scope that lent it
   * has closed (the array may then hold another tensor's numbers).
   */
  public boolean isLive() {
    return lease == null || !lease.recycled;
  }

  /** Whether this tensor and {@code other} use the same storage array (one is a view of the other). */
  public boolean sharesStorage(Tensor other) {
    return other != null && (f != null ? f == other.f : d == other.d);
  }

  Workspace.Lease lease() {
    return lease;
  }

  private void checkLive() {
    if (lease != null && lease.recycled) {
      throw new IllegalStateException("tensor " + dtype + " " + Shapes.format(shape) + " was created inside a"
          + " Workspace scope that has closed, and its storage now belongs to other tensors; copy() what must"
          + " outlive the scope before it closes, or create it outside the scope");
    }
  }

  /** The element at a multi-index, widened to double. */
  public double get(int... index) {
    return getFlat(flatIndex(index));
  }

  /** Sets the element at a multi-index. */
  public void set(double value, int... index) {
    setFlat(flatIndex(index), value);
  }

  /** Row-major flat index of a multi-index, with bounds checks that name the axis. */
  public int flatIndex(int... index) {
    if (index.length != shape.length) {
      throw new IllegalArgumentException(
          "index " + Arrays.toString(index) + " has " + index.length + " components, expected "
              + shape.length + " for shape " + Shapes.format(shape));
    }
    int flat = 0;
    for (int i = 0; i < shape.length; i++) {
      if (index[i] < 0 || index[i] >= shape[i]) {
        throw new IndexOutOfBoundsException(
            "index " + Arrays.toString(index) + " is out of bounds on axis " + i + " for shape "
                + Shapes.format(shape) + "; expected 0 <= index < " + shape[i]);
      }
      flat = flat * shape[i] + index[i];
    }
    return flat;
  }

  /** A copy of the elements as doubles, in row-major order. */
  public double[] toDoubleArray() {
    double[] out = new double[size()];
    for (int i = 0; i < out.length; i++) out[i] = getFlat(i);
    return out;
  }

  @Override
  public String toString() {
    if (!isLive()) return "Tensor(" + dtype + ", " + Shapes.format(shape) + ", recycled by its Workspace)";
    StringBuilder sb = new StringBuilder("Tensor(").append(dtype).append(", ").append(Shapes.format(shape));
    int n = Math.min(size(), 8);
    sb.append(", [");
    for (int i = 0; i < n; i++) sb.append(i == 0 ? "" : ", ").append(getFlat(i));
    return sb.append(size() > n ? ", ...])" : "])").toString();
  }
}
