package dev.cnn.tensor;

/**
 * One batch of labelled samples, as a data loader hands it to a training loop: inputs
 * {@code [N, ...]} (images {@code [N, C, H, W]}) and one class label per sample. It lives in the
 * tensor module because both sides use it: {@code data} makes batches and {@code optim} consumes
 * them, and neither knows the other.
 *
 * <p>A loader may reuse the arrays of a batch once the next one is requested; a consumer that
 * keeps a batch must copy it.
 *
 * @param inputs {@code [N, ...]}
 * @param labels {@code int[N]}
 */
public record Batch(Tensor inputs, int[] labels) {
  public Batch {
    Shapes.requireNonNull("Batch", "inputs", inputs, "a tensor [N, ...]");
    Shapes.requireNonNull("Batch", "labels", labels, "one label per sample");
    if (inputs.rank() == 0 || inputs.dim(0) != labels.length) {
      throw Shapes.error("Batch", "inputs of shape " + Shapes.format(inputs.shape()) + " and "
          + labels.length + " labels", "one label per sample (the inputs' first axis)");
    }
  }

  /** The number of samples N. */
  public int size() {
    return labels.length;
  }
}
