package dev.cnn.optim;

/**
 * What one epoch measured.
 *
 * @param epoch 0-based
 * @param loss mean training loss over the epoch's samples (each batch's loss weighted by its size)
 * @param accuracy fraction of training samples whose arg-max logit was the label
 * @param valLoss validation loss, NaN without validation data
 * @param valAccuracy validation accuracy, NaN without validation data
 * @param learningRate the rate in force during the epoch
 * @param seconds wall time of the training part of the epoch (validation excluded)
 * @param dataWaitSeconds time the loop spent waiting for batches (part of {@code seconds})
 */
public record EpochMetrics(int epoch, double loss, double accuracy, double valLoss, double valAccuracy,
    double learningRate, double seconds, double dataWaitSeconds) {}
