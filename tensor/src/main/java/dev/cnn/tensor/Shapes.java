package dev.cnn.tensor;

import java.util.Arrays;

/** Helpers for shapes ({@code int[]}, outermost dimension first) and shape errors. */
public final class Shapes {
  private Shapes() {}

  /** Number of elements of a shape: the product of its dimensions (1 for a scalar shape). */
  public static int size(int... shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "shape " + format(shape) + " has a negative dimension; every dimension must be >= 0");
      }
      n *= d;
      if (n > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(
            "shape " + format(shape) + " has more than 2^31 elements, the largest a Java array holds;"
                + " use a smaller batch or image size");
      }
    }
    return (int) n;
  }

  /** Row-major strides: {@code stride[i]} is the distance between neighbours along axis i. */
  public static int[] strides(int... shape) {
    int[] s = new int[shape.length];
    int acc = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= shape[i];
    }
    return s;
  }

  /** "[2, 3, 4]". */
  public static String format(int... shape) {
    return Arrays.toString(shape);
  }

  /**
   * Throws an {@link IllegalArgumentException} naming the op, what it got and what it expected:
   * {@code "gemm: A has shape [3, 4] but expected [3, 5] (k must match B's rows)"}.
   */
  public static IllegalArgumentException error(String op, String what, String expected) {
    return new IllegalArgumentException(op + ": " + what + ", expected " + expected);
  }

  /**
   * Checks that an argument is not null: {@code "conv2d: inputShape is null, expected an int[]"}.
   *
   * @return the argument
   */
  public static <T> T requireNonNull(String op, String name, T value, String expected) {
    if (value == null) throw error(op, name + " is null", expected);
    return value;
  }

  /** Checks that an argument is positive. */
  public static void checkPositive(String op, String name, int value) {
    if (value <= 0) {
      throw error(op, name + " is " + value, name + " >= 1");
    }
  }

  /** Checks that an argument is non-negative. */
  public static void checkNonNegative(String op, String name, int value) {
    if (value < 0) {
      throw error(op, name + " is " + value, name + " >= 0");
    }
  }

  /**
   * Checks that {@code array} holds the elements {@code [offset, offset + count)}.
   *
   * @param op name of the calling op, for the message
   * @param name name of the array argument, for the message
   */
  public static void checkRange(String op, String name, int length, int offset, long count) {
    if (offset < 0 || offset + count > length) {
      throw error(
          op,
          name + " has " + length + " elements and offset " + offset,
          "at least offset + " + count + " = " + (offset + count) + " elements");
    }
  }
}
