package dev.cnn.data;

import java.util.List;
import java.util.Optional;

/** A view of some samples of a dataset, by index (repeats allowed). */
final class Subset implements Dataset {
  private final Dataset base;
  private final int[] indices;

  Subset(Dataset base, int[] indices) {
    this.base = base;
    this.indices = indices.clone();
    for (int i : this.indices) {
      if (i < 0 || i >= base.size()) {
        throw new IllegalArgumentException("subset: index " + i + " is outside the dataset's [0, " + base.size() + ")");
      }
    }
  }

  @Override
  public int size() {
    return indices.length;
  }

  @Override
  public int[] sampleShape() {
    return base.sampleShape();
  }

  @Override
  public List<String> classNames() {
    return base.classNames();
  }

  @Override
  public int label(int i) {
    return base.label(indices[i]);
  }

  @Override
  public void read(int i, float[] dst, int offset) {
    base.read(indices[i], dst, offset);
  }

  @Override
  public Optional<String> source(int i) {
    return base.source(indices[i]);
  }

  @Override
  public Optional<int[]> storedShape(int i) {
    return base.storedShape(indices[i]);
  }
}
