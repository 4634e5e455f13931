package dev.cnn.layers;

/**
 * Batch normalisation per feature of vectors, as PyTorch's {@code nn.BatchNorm1d}: input
 * {@code [C]} per sample. Makes {@link BatchNorm} layers of {@link BatchNorm.Input#VECTORS}, which
 * architecture files call {@code batch_norm1d} with the size key {@code features}; the class
 * comment of {@link BatchNorm} gives the formula, the parameters and buffers and the defaults.
 */
public final class BatchNorm1d {
  private BatchNorm1d() {}

  /** Batch norm over {@code features} features with PyTorch's defaults (momentum 0.1, eps 1e-5). */
  public static BatchNorm of(int features) {
    return builder(features).build();
  }

  /** Options of a batch norm over {@code features} features. */
  public static BatchNorm.Builder builder(int features) {
    return BatchNorm.builder(BatchNorm.Input.VECTORS, features);
  }
}
