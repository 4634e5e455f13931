package dev.cnn.layers;

/**
 * Batch normalisation per channel of images, as PyTorch's {@code nn.BatchNorm2d}: input
 * {@code [C, H, W]} per sample. Makes {@link BatchNorm} layers of {@link BatchNorm.Input#IMAGES},
 * which architecture files call {@code batch_norm2d} with the size key {@code channels}; the class
 * comment of {@link BatchNorm} gives the formula, the parameters and buffers and the defaults.
 */
public final class BatchNorm2d {
  private BatchNorm2d() {}

  /** Batch norm over {@code channels} channels with PyTorch's defaults (momentum 0.1, eps 1e-5). */
  public static BatchNorm of(int channels) {
    return builder(channels).build();
  }

  /** Options of a batch norm over {@code channels} channels. */
  public static BatchNorm.Builder builder(int channels) {
    return BatchNorm.builder(BatchNorm.Input.IMAGES, channels);
  }
}
