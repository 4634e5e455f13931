package dev.cnn.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files for tests. */
final class IdxFiles {
  private IdxFiles() {}

  /** An images file: the header as given (the counts may lie) followed by {@code pixels}. */
  static byte[] images(int magic, int count, int rows, int cols, byte[] pixels) {
    ByteBuffer b = ByteBuffer.allocate(16 + pixels.length);
    b.putInt(magic).putInt(count).putInt(rows).putInt(cols).put(pixels);
    return b.array();
  }

  static byte[] images(int count, int rows, int cols, byte[] pixels) {
    return images(Idx.IMAGES_MAGIC, count, rows, cols, pixels);
  }

  /** {@code count} images of {@code rows x cols} with pixel value {@code (i * 7 + k) % 256}. */
  static byte[] pattern(int count, int rows, int cols) {
    byte[] p = new byte[count * rows * cols];
    for (int i = 0; i < count; i++) {
      for (int k = 0; k < rows * cols; k++) p[i * rows * cols + k] = (byte) ((i * 7 + k) % 256);
    }
    return p;
  }

  static byte[] labels(int magic, int count, byte[] labels) {
    ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
    b.putInt(magic).putInt(count).put(labels);
    return b.array();
  }

  static byte[] labels(int... labels) {
    byte[] l = new byte[labels.length];
    for (int i = 0; i < labels.length; i++) l[i] = (byte) labels[i];
    return labels(Idx.LABELS_MAGIC, labels.length, l);
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  static Path write(Path file, byte[] data) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, data);
    return file;
  }

  /** Writes a split's two files (gzip) of {@code count} 4 x 3 images into {@code dir}. */
  static void writeSplit(Path dir, StandardDatasets.Split split, int count, int classes) throws IOException {
    int[] lab = new int[count];
    for (int i = 0; i < count; i++) lab[i] = i % classes;
    write(dir.resolve(split.imagesFile() + ".gz"), gzip(images(count, 4, 3, pattern(count, 4, 3))));
    write(dir.resolve(split.labelsFile() + ".gz"), gzip(labels(lab)));
  }
}
