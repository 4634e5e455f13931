package dev.cnn.bench;

import dev.cnn.tensor.Rng;

/**
 * The images {@link TrainSpeed} trains on: a fixed set of 8-bit grey-scale images with integer
 * labels, read a batch at a time in an order the caller chooses. Fashion-MNIST stores its images
 * this way; {@link #synthetic} makes a set of the same shape from a seed, because the time of a
 * training step does not depend on the pixel values. (A loader for real data, for a
 * {@code --data DIR} option, implements the same three methods.)
 */
interface TrainingImages {
  /** Number of images. */
  int size();

  /** The shape of one image, {@code [C, H, W]}. */
  int[] imageShape();

  /** Number of classes; labels lie in {@code [0, classes)}. */
  int classes();

  /**
   * Copies the images {@code order[from], ..., order[from + count - 1]} into {@code x}
   * ({@code count x C x H x W} floats, pixel / 255, as torchvision's {@code ToTensor}) and their
   * labels into {@code labels}.
   *
   * @param x modified: its first {@code count * C * H * W} floats
   * @param labels modified: its first {@code count} entries
   */
  void batch(int[] order, int from, int count, float[] x, int[] labels);

  /** One line for the report: where the images come from. */
  String describe();

  /**
   * {@code count} images of {@code shape} with uniform random bytes as pixels and uniform labels
   * in {@code [0, classes)}, from {@code seed}.
   */
  static TrainingImages synthetic(int count, int[] shape, int classes, long seed) {
    int pixels = shape[0] * shape[1] * shape[2];
    byte[] data = new byte[Math.multiplyExact(count, pixels)];
    int[] labels = new int[count];
    Rng rng = new Rng(seed);
    for (int i = 0; i < data.length; i += 8) {
      long bits = rng.nextLong();
      for (int b = 0; b < 8 && i + b < data.length; b++) data[i + b] = (byte) (bits >>> (8 * b));
    }
    for (int i = 0; i < count; i++) labels[i] = rng.nextInt(classes);
    int[] imageShape = shape.clone();
    return new TrainingImages() {
      @Override
      public int size() {
        return count;
      }

      @Override
      public int[] imageShape() {
        return imageShape.clone();
      }

      @Override
      public int classes() {
        return classes;
      }

      @Override
      public void batch(int[] order, int from, int n, float[] x, int[] y) {
        for (int s = 0; s < n; s++) {
          int image = order[from + s];
          for (int p = 0; p < pixels; p++) x[s * pixels + p] = (data[image * pixels + p] & 0xff) / 255f;
          y[s] = labels[image];
        }
      }

      @Override
      public String describe() {
        return "synthetic: " + count + " random images " + imageShape[0] + "x" + imageShape[1] + "x"
            + imageShape[2] + ", " + classes + " classes, seed " + seed;
      }
    };
  }
}
