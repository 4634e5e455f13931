package dev.cnn.data;

import java.util.List;
import java.util.Optional;

/** A dataset that answers every {@link Dataset} question from another one and adds its own details. */
abstract class ForwardingDataset implements Dataset {
  private final Dataset base;

  ForwardingDataset(Dataset base) {
    this.base = base;
  }

  @Override
  public int size() {
    return base.size();
  }

  @Override
  public int[] sampleShape() {
    return base.sampleShape();
  }

  @Override
  public int sampleSize() {
    return base.sampleSize();
  }

  @Override
  public List<String> classNames() {
    return base.classNames();
  }

  @Override
  public int label(int i) {
    return base.label(i);
  }

  @Override
  public int[] labels() {
    return base.labels();
  }

  @Override
  public void read(int i, float[] dst, int offset) {
    base.read(i, dst, offset);
  }

  @Override
  public Optional<String> source(int i) {
    return base.source(i);
  }

  @Override
  public Optional<int[]> storedShape(int i) {
    return base.storedShape(i);
  }
}
