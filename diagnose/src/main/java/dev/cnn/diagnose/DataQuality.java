package dev.cnn.diagnose;

import dev.cnn.data.Dataset;
import java.util.List;
import java.util.Objects;

/**
 * What is wrong with the data rather than the model: duplicates within the training set (with
 * their labels compared), training images that are also in the test set (leaks), blank images,
 * images far from their class in the network's feature space, and differences between the
 * training and the test set (class proportions, brightness, contrast).
 *
 * @param trainImages the training images checked
 * @param testImages the test images checked
 * @param duplicates exact and near duplicates, within the training set and between it and the test set
 * @param blankTrain training images with (almost) no variation: blank or constant
 * @param blankTest test images with (almost) no variation
 * @param farTrain training images far from their class in feature space, or null (no features)
 * @param farTest test images far from their class in feature space, or null (no features)
 * @param shift the training set against the test set
 */
public record DataQuality(int trainImages, int testImages, Duplicates.Result duplicates,
    List<Outliers.Blank> blankTrain, List<Outliers.Blank> blankTest, Outliers.FarFromClass farTrain,
    Outliers.FarFromClass farTest, Shift.Result shift) {

  public DataQuality {
    Objects.requireNonNull(duplicates, "duplicates");
    Objects.requireNonNull(shift, "shift");
    blankTrain = List.copyOf(blankTrain);
    blankTest = List.copyOf(blankTest);
  }

  /**
   * Runs every check on a training and a test set.
   *
   * @param trainFeatures the network's features of the training images ({@link Features#penultimate}),
   *     or null to skip the feature-space outliers
   * @param testFeatures the same for the test images, or null
   */
  public static DataQuality of(Dataset train, Dataset test, float[][] trainFeatures, float[][] testFeatures) {
    Duplicates.Result duplicates = Duplicates.find(train, test);
    Outliers.FarFromClass farTrain = trainFeatures == null ? null
        : Outliers.farFromClass(trainFeatures, train.labels());
    Outliers.FarFromClass farTest = testFeatures == null ? null : Outliers.farFromClass(testFeatures, test.labels());
    return new DataQuality(train.size(), test.size(), duplicates, Outliers.blank(train), Outliers.blank(test),
        farTrain, farTest, Shift.of(train, test));
  }

  /** Test images with a copy (exact or near) in the training set. */
  public int leaks() {
    return duplicates.trainTest().size();
  }

  /** Training images with another training image that is the same (exact or near). */
  public int trainDuplicates() {
    return duplicates.withinTrain().size();
  }
}
