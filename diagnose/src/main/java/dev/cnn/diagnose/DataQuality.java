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
 * @param oddTrain training images stored in another size or colour mode than most
 * @param oddTest test images stored in another size or colour mode than most
 * @param trainIndex each checked training image's position in the dataset's training split (the
 *     number shown and written; the identity when the whole split was checked)
 */
public record DataQuality(int trainImages, int testImages, Duplicates.Result duplicates,
    List<Outliers.Blank> blankTrain, List<Outliers.Blank> blankTest, Outliers.FarFromClass farTrain,
    Outliers.FarFromClass farTest, Shift.Result shift, List<Outliers.OddFormat> oddTrain,
    List<Outliers.OddFormat> oddTest, int[] trainIndex) {

  /**
   * The robust z-score above which an image counts as far from its class here: Iglewicz and
   * Hoaglin's 3.5 ({@link Outliers#DEFAULT_Z}). It finds images that are not of the dataset at all
   * (noise, another source) even with a small model, but distances to a centroid are skewed to the
   * right, so it also flags part of the ordinary tail (5.6% of Fashion-MNIST's images): the finding
   * is information, never a warning, and the gallery shows the farthest first. A stricter cut-off
   * (6) or z-scores of log-distances lose the planted foreign images with a small model.
   */
  public static final double FAR_Z = Outliers.DEFAULT_Z;

  public DataQuality {
    Objects.requireNonNull(duplicates, "duplicates");
    Objects.requireNonNull(shift, "shift");
    blankTrain = List.copyOf(blankTrain);
    blankTest = List.copyOf(blankTest);
    oddTrain = List.copyOf(oddTrain);
    oddTest = List.copyOf(oddTest);
    if (trainIndex == null) {
      trainIndex = new int[trainImages];
      for (int i = 0; i < trainImages; i++) trainIndex[i] = i;
    } else if (trainIndex.length != trainImages) {
      throw new IllegalArgumentException("DataQuality: " + trainIndex.length + " training indices for " + trainImages
          + " training images; expected one each");
    } else {
      trainIndex = trainIndex.clone();
    }
  }

  /** The dataset position of checked training image i. */
  public int trainIndex(int i) {
    return trainIndex[i];
  }

  @Override
  public int[] trainIndex() {
    return trainIndex.clone();
  }

  /**
   * Runs every check on a training and a test set.
   *
   * @param trainFeatures the network's features of the training images ({@link Features#penultimate}),
   *     or null to skip the feature-space outliers
   * @param testFeatures the same for the test images, or null
   * @param trainIndex each training image's position in the dataset's training split, or null (identity)
   */
  public static DataQuality of(Dataset train, Dataset test, float[][] trainFeatures, float[][] testFeatures,
      int[] trainIndex) {
    Duplicates.Result duplicates = Duplicates.find(train, test);
    Outliers.FarFromClass farTrain = trainFeatures == null ? null
        : Outliers.farFromClass(trainFeatures, train.labels(), FAR_Z);
    Outliers.FarFromClass farTest = testFeatures == null ? null
        : Outliers.farFromClass(testFeatures, test.labels(), FAR_Z);
    return new DataQuality(train.size(), test.size(), duplicates, Outliers.blank(train), Outliers.blank(test),
        farTrain, farTest, Shift.of(train, test), Outliers.oddFormat(train), Outliers.oddFormat(test), trainIndex);
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
