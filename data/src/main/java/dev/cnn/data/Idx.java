package dev.cnn.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX files of MNIST and Fashion-MNIST, compressed with gzip or not.
 *
 * <p>An IDX file is a big-endian header followed by the data. The header is a 4-byte magic
 * number {@code 0x0000TTDD} (TT the element type, {@code 0x08} for unsigned bytes; DD the number
 * of dimensions), then one 4-byte size per dimension. Images are {@code 0x00000803}: count, rows,
 * columns, then {@code count * rows * columns} pixel bytes, row after row. Labels are
 * {@code 0x00000801}: count, then one byte per label.
 *
 * <p>A file is read as gzip when its first two bytes are gzip's magic {@code 1f 8b}, whatever
 * its name. Every check happens before the data is allocated: the magic number, each dimension
 * at least 1, and the claimed data size against the file: a raw file must be exactly header plus
 * data long; a gzip file cannot expand more than 1032-fold (deflate's largest ratio), so a
 * header claiming more than that is refused, as is anything over one Java array (2^31 - 9
 * bytes). After the data, the stream must end: trailing bytes mean the header is wrong. A
 * truncated or corrupt gzip stream (gzip checks its CRC-32 at the end) fails with the file named.
 * Every problem is an {@link IOException} whose message starts with the file's path.
 */
public final class Idx {
  /** Magic number of an IDX images file: unsigned bytes, 3 dimensions. */
  public static final int IMAGES_MAGIC = 0x00000803;
  /** Magic number of an IDX labels file: unsigned bytes, 1 dimension. */
  public static final int LABELS_MAGIC = 0x00000801;
  /** Deflate expands at most about 1032:1 (258-byte matches coded in 2 bits); a gzip file cannot hold more. */
  static final long MAX_GZIP_RATIO = 1032;
  /** The largest byte array the JVM reliably allocates. */
  static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  private Idx() {}

  /** The pixels of an IDX images file: {@code count} images of {@code rows x cols} bytes, row-major. */
  public record Images(int count, int rows, int cols, byte[] pixels) {}

  /**
   * Reads an images file and its labels file into a dataset of shape {@code [1, rows, cols]},
   * pixels scaled to [0, 1] on read. Sample i's {@link Dataset#source} is the images file's name
   * and i, e.g. {@code t10k-images-idx3-ubyte #17}.
   *
   * @param classNames indexed by label; every label must be below {@code classNames.size()}
   * @throws IOException naming the file: missing, unreadable, wrong magic, bad dimensions,
   *     truncated or corrupt, label counts differing from image counts, or a label outside the
   *     class range
   */
  public static ByteImageDataset read(Path images, Path labels, List<String> classNames) throws IOException {
    if (classNames.isEmpty()) {
      throw new IllegalArgumentException("Idx.read: no class names given; expected one per label value");
    }
    Images im = readImages(images);
    int[] lab = readLabels(labels);
    if (lab.length != im.count()) {
      throw new IOException(labels + ": " + lab.length + " labels, but " + images + " holds " + im.count()
          + " images; expected one label per image (are these files from the same split?)");
    }
    for (int i = 0; i < lab.length; i++) {
      if (lab[i] >= classNames.size()) {
        throw new IOException(labels + ": label " + lab[i] + " of image " + i + " is outside [0, "
            + classNames.size() + "), the " + classNames.size() + " classes " + classNames
            + "; expected a labels file for these classes");
      }
    }
    return new ByteImageDataset(im.pixels(), lab, new int[] {1, im.rows(), im.cols()}, classNames,
        images.getFileName().toString());
  }

  /** Reads an IDX images file ({@code 0x00000803}); see the class comment for the checks. */
  public static Images readImages(Path file) throws IOException {
    try (Source src = Source.open(file)) {
      int magic = src.readInt("the magic number");
      checkMagic(file, magic, IMAGES_MAGIC, "images");
      long count = src.readUnsignedInt("the image count");
      long rows = src.readUnsignedInt("the row count");
      long cols = src.readUnsignedInt("the column count");
      if (count == 0) {
        throw new IOException(file + ": the header says 0 images; expected at least one");
      }
      if (rows == 0 || cols == 0) {
        throw new IOException(file + ": the header says images of " + rows + " x " + cols
            + " pixels; expected at least 1 x 1");
      }
      long bytes;
      try {
        bytes = Math.multiplyExact(Math.multiplyExact(count, rows), cols); // each factor is below 2^32
      } catch (ArithmeticException overflow) {
        bytes = Long.MAX_VALUE;
      }
      if (bytes > MAX_ARRAY) {
        throw new IOException(file + ": the header claims " + count + " images of " + rows + " x " + cols
            + " pixels, more than one Java array can hold (" + MAX_ARRAY + " bytes); the header is corrupt"
            + " or this is not an images file");
      }
      src.checkClaimedSize(16, bytes, count + " images of " + rows + " x " + cols + " pixels");
      byte[] pixels = new byte[(int) bytes];
      src.readFully(pixels, "pixel data");
      src.expectEnd();
      return new Images((int) count, (int) rows, (int) cols, pixels);
    }
  }

  /** Reads an IDX labels file ({@code 0x00000801}): one value 0..255 per sample. */
  public static int[] readLabels(Path file) throws IOException {
    try (Source src = Source.open(file)) {
      int magic = src.readInt("the magic number");
      checkMagic(file, magic, LABELS_MAGIC, "labels");
      long count = src.readUnsignedInt("the label count");
      if (count == 0) {
        throw new IOException(file + ": the header says 0 labels; expected at least one");
      }
      if (count > MAX_ARRAY) {
        throw new IOException(file + ": the header claims " + count + " labels, more than one Java array"
            + " can hold; the header is corrupt or this is not a labels file");
      }
      src.checkClaimedSize(8, count, count + " labels");
      byte[] raw = new byte[(int) count];
      src.readFully(raw, "label data");
      src.expectEnd();
      int[] labels = new int[raw.length];
      for (int i = 0; i < raw.length; i++) labels[i] = raw[i] & 0xFF;
      return labels;
    }
  }

  private static void checkMagic(Path file, int magic, int expected, String what) throws IOException {
    if (magic == expected) return;
    String found = String.format(Locale.ROOT, "0x%08X", magic);
    String wanted = String.format(Locale.ROOT, "0x%08X", expected);
    String hint;
    if (magic == LABELS_MAGIC) {
      hint = "this is an IDX labels file; are the images and labels paths swapped?";
    } else if (magic == IMAGES_MAGIC) {
      hint = "this is an IDX images file; are the images and labels paths swapped?";
    } else if ((magic >>> 16) == 0 && ((magic >>> 8) & 0xFF) != 0x08) {
      hint = String.format(Locale.ROOT, "this is an IDX file of element type 0x%02X; only unsigned bytes (0x08) are supported",
          (magic >>> 8) & 0xFF);
    } else if ((magic >>> 16) == 0 && ((magic >>> 8) & 0xFF) == 0x08) {
      hint = "this IDX file has " + (magic & 0xFF) + " dimensions";
    } else {
      hint = "this is not an IDX file";
    }
    throw new IOException(file + ": magic number " + found + "; expected " + wanted + " (an IDX " + what
        + " file of unsigned bytes): " + hint);
  }

  /** A file's bytes after the optional gzip layer, with the file's path for messages. */
  private static final class Source implements AutoCloseable {
    private final Path file;
    private final InputStream in;
    private final boolean gzip;
    private final long fileSize;

    private Source(Path file, InputStream in, boolean gzip, long fileSize) {
      this.file = file;
      this.in = in;
      this.gzip = gzip;
      this.fileSize = fileSize;
    }

    static Source open(Path file) throws IOException {
      long size;
      try {
        size = Files.size(file);
      } catch (NoSuchFileException e) {
        throw new IOException(file + ": no such file", e);
      }
      if (Files.isDirectory(file)) throw new IOException(file + ": is a directory; expected an IDX file");
      if (size == 0) throw new IOException(file + ": is empty (0 bytes); expected an IDX file: download it again");
      InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
      try {
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        InputStream in = raw;
        if (gzip) {
          try {
            in = new GZIPInputStream(raw, 1 << 16);
          } catch (EOFException e) {
            throw new IOException(file + ": the gzip header is cut short (" + size + " bytes); the file is"
                + " truncated: delete it and download it again", e);
          } catch (ZipException e) {
            throw new IOException(file + ": not a valid gzip file (" + e.getMessage() + ")", e);
          }
        }
        return new Source(file, in, gzip, size);
      } catch (IOException | RuntimeException e) {
        raw.close();
        throw e;
      }
    }

    int readInt(String what) throws IOException {
      byte[] b = new byte[4];
      readFully(b, what);
      return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }

    long readUnsignedInt(String what) throws IOException {
      return Integer.toUnsignedLong(readInt(what));
    }

    /** Refuses a header whose data could not be in this file, before anything is allocated. */
    void checkClaimedSize(long headerBytes, long dataBytes, String claim) throws IOException {
      if (!gzip) {
        if (fileSize != headerBytes + dataBytes) {
          throw new IOException(file + ": the header claims " + claim + " (" + (headerBytes + dataBytes)
              + " bytes with the header), but the file has " + fileSize + " bytes; the file is "
              + (fileSize < headerBytes + dataBytes ? "truncated or the header is corrupt" : "longer than its header says")
              + ": download it again");
        }
      } else if (headerBytes + dataBytes > MAX_GZIP_RATIO * fileSize) {
        throw new IOException(file + ": the header claims " + claim + " (" + (headerBytes + dataBytes)
            + " bytes), but a gzip file of " + fileSize + " bytes decompresses to at most "
            + MAX_GZIP_RATIO * fileSize + " bytes; the header is corrupt: download the file again");
      }
    }

    void readFully(byte[] dst, String what) throws IOException {
      int n = 0;
      try {
        while (n < dst.length) {
          int r = in.read(dst, n, dst.length - n);
          if (r < 0) break;
          n += r;
        }
      } catch (EOFException e) {
        throw truncated(what, n, dst.length, e);
      } catch (ZipException e) {
        throw new IOException(file + ": the gzip data is corrupt (" + e.getMessage() + ") while reading " + what
            + "; delete the file and download it again", e);
      }
      if (n < dst.length) throw truncated(what, n, dst.length, null);
    }

    private IOException truncated(String what, int got, int wanted, Exception cause) {
      return new IOException(file + ": the " + (gzip ? "gzip stream" : "file") + " ends early: " + got + " of "
          + wanted + " bytes of " + what + " (truncated download?); delete the file and download it again", cause);
    }

    /** After the data the stream must end; a gzip stream's CRC-32 and length are checked here. */
    void expectEnd() throws IOException {
      int next;
      try {
        next = in.read();
      } catch (EOFException e) {
        throw new IOException(file + ": the gzip stream ends before its trailer (truncated download?);"
            + " delete the file and download it again", e);
      } catch (ZipException e) {
        throw new IOException(file + ": the gzip data is corrupt (" + e.getMessage() + "); delete the file"
            + " and download it again", e);
      }
      if (next >= 0) {
        throw new IOException(file + ": more data follows what the header describes; expected the "
            + (gzip ? "decompressed stream" : "file") + " to end there: the header is wrong or this is not an IDX file");
      }
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
