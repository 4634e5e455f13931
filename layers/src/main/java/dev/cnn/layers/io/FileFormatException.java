package dev.cnn.layers.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that cannot be read because its content is damaged or is not what it claims to be (a
 * truncated safetensors file, a header that lies about a tensor, an architecture file with a
 * missing field). The message names the file and, where one is involved, the tensor or layer;
 * {@link #file()} and {@link #item()} give them to programs.
 */
public final class FileFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final String item;

  /**
   * @param file the file being read
   * @param item the tensor or layer the problem concerns, or null when it concerns the whole file
   * @param message what was expected and what was found
   */
  public FileFormatException(Path file, String item, String message) {
    this(file, item, message, null);
  }

  public FileFormatException(Path file, String item, String message, Throwable cause) {
    super(file + ": " + message, cause);
    this.file = file;
    this.item = item;
  }

  /** The file that could not be read. */
  public Path file() {
    return file;
  }

  /** The tensor or layer concerned, or null when the problem is with the file as a whole. */
  public String item() {
    return item;
  }
}
