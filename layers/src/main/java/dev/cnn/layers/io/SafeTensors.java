package dev.cnn.layers.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.zip.CRC32;

/**
 * Reading and writing tensors in the safetensors format (the format of Hugging Face's
 * {@code safetensors} library, which PyTorch users save state dicts in).
 *
 * <h2>Layout</h2>
 * <pre>
 * bytes 0..7      N, the header length: an unsigned 64-bit little-endian integer
 * bytes 8..8+N    the header: UTF-8 JSON, an object
 *                   {"__metadata__": {"key": "value", ...},          (optional; strings only)
 *                    "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}
 * bytes 8+N..     the data section: every tensor's elements, row-major, little-endian, at
 *                 [begin, end) counted from the start of the data section
 * </pre>
 * Loaded dtypes: {@code F32} (as {@link DType#FLOAT32}) and {@code F64}
 * ({@link DType#FLOAT64}). The bits are copied, not converted, so a round trip is exact for
 * every value, NaN payloads, -0.0, subnormals and infinities included. The other safetensors
 * dtypes (integers, F16, BF16, ...) are understood for checking the layout, and can be skipped
 * with {@link #read(Path, Predicate)}, but are not loaded.
 *
 * <h2>Writing</h2>
 * Deterministic, as the reference implementation does it: tensors ordered by element size,
 * largest first (so every tensor starts at a multiple of its element size and can be mapped
 * in place), then by name; the header padded with spaces to a multiple of 8 bytes; metadata
 * keys in sorted order. The same tensors give the same bytes. The header also records each
 * tensor's CRC-32 under {@value #CHECKSUM_KEY} (a metadata entry that other readers ignore:
 * 8 hex digits per tensor, separated by spaces, in data order), so that damage inside the data
 * is detected too, and the damaged tensor named. Files are written atomically
 * ({@link AtomicFiles}): the old file is replaced only once the new one is complete on disk.
 *
 * <h2>Reading</h2>
 * The header and the layout are checked completely before any tensor data is read, and each
 * tensor's checksum as it is read. Each problem is a {@link FileFormatException} that names the
 * file and (where one is concerned) the tensor: a file shorter than the length
 * field, a header length beyond the file or above {@value #MAX_HEADER_BYTES} bytes, a header that
 * is not UTF-8 JSON or not an object, duplicate names, an unknown dtype, a shape whose element
 * count does not match its byte range, offsets out of range, overlapping, leaving gaps, data
 * after the last tensor, truncated data, and (for files that record one) a wrong checksum.
 */
public final class SafeTensors {
  /** The largest header accepted when reading: 100 MB (the reference implementation's limit). */
  public static final long MAX_HEADER_BYTES = 100_000_000L;

  /**
   * The metadata key under which each tensor's CRC-32 is written: 8 hex digits per tensor,
   * separated by single spaces, in the order of the tensors in the data section.
   */
  public static final String CHECKSUM_KEY = "cnn.tensor_crc32";

  private static final String METADATA = "__metadata__";
  private static final int CHUNK_ELEMENTS = 1 << 16;
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private SafeTensors() {}

  /** What a safetensors file holds: tensors by name in file order, and the metadata. */
  public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    public Contents {
      tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
      metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
  }

  // ---------------------------------------------------------------- writing

  /** Writes the tensors without metadata; see {@link #write(Path, Map, Map)}. */
  public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
    write(file, tensors, Map.of());
  }

  /**
   * Writes the tensors and metadata to {@code file}, atomically (see the class comment for the
   * order and padding). The tensors are not modified.
   *
   * @throws IllegalArgumentException if a name is null or {@code "__metadata__"}, a tensor is
   *     null, or the metadata holds a null or the reserved key {@value #CHECKSUM_KEY}
   * @throws IOException if the file cannot be written; the old file is then intact
   */
  public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    AtomicFiles.write(file, body(tensors, metadata));
  }

  /**
   * The file content as an {@link AtomicFiles.Body}, for staging it with other files. The
   * arguments are checked now; the tensors are read when the body runs.
   */
  public static AtomicFiles.Body body(Map<String, Tensor> tensors, Map<String, String> metadata) {
    List<Map.Entry<String, Tensor>> order = ordered(tensors);
    Map<String, String> meta = new TreeMap<>();
    if (metadata != null) {
      metadata.forEach((k, v) -> {
        if (k == null || v == null) {
          throw new IllegalArgumentException("safetensors metadata: key '" + k + "' has value " + v
              + "; keys and values must be non-null strings");
        }
        if (k.equals(CHECKSUM_KEY)) {
          throw new IllegalArgumentException("safetensors metadata: '" + CHECKSUM_KEY + "' is reserved for the"
              + " checksum the writer adds itself; use another key");
        }
        meta.put(k, v);
      });
    }
    return out -> {
      StringJoiner sums = new StringJoiner(" ");
      for (Map.Entry<String, Tensor> e : order) {
        CRC32 crc = new CRC32();
        encode(e.getValue(), buf -> crc.update(buf));
        sums.add(String.format("%08x", crc.getValue()));
      }
      meta.put(CHECKSUM_KEY, sums.toString());
      byte[] header = header(order, meta);
      ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
      AtomicFiles.writeFully(out, length);
      AtomicFiles.writeFully(out, ByteBuffer.wrap(header));
      for (Map.Entry<String, Tensor> e : order) encode(e.getValue(), buf -> AtomicFiles.writeFully(out, buf));
    };
  }

  /** The tensors in file order: larger elements first, then by name. */
  private static List<Map.Entry<String, Tensor>> ordered(Map<String, Tensor> tensors) {
    if (tensors == null) throw new IllegalArgumentException("safetensors: the tensor map is null");
    List<Map.Entry<String, Tensor>> order = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      if (e.getKey() == null || e.getKey().equals(METADATA)) {
        throw new IllegalArgumentException("safetensors: tensor name '" + e.getKey() + "' is not allowed; expected a"
            + " non-null name other than " + METADATA);
      }
      if (e.getValue() == null) throw new IllegalArgumentException("safetensors: tensor '" + e.getKey() + "' is null");
      order.add(Map.entry(e.getKey(), e.getValue()));
    }
    order.sort(Comparator.<Map.Entry<String, Tensor>>comparingInt(e -> -e.getValue().dtype().bytes())
        .thenComparing(Map.Entry::getKey));
    return order;
  }

  /** The header JSON, padded with spaces to a multiple of 8 bytes. */
  private static byte[] header(List<Map.Entry<String, Tensor>> order, Map<String, String> meta)
      throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode m = root.putObject(METADATA);
    meta.forEach(m::put);
    long offset = 0;
    for (Map.Entry<String, Tensor> e : order) {
      Tensor t = e.getValue();
      ObjectNode info = root.putObject(e.getKey());
      info.put("dtype", label(t.dtype()));
      ArrayNode shape = info.putArray("shape");
      for (int d : t.shape()) shape.add(d);
      long end = offset + (long) t.size() * t.dtype().bytes();
      info.putArray("data_offsets").add(offset).add(end);
      offset = end;
    }
    byte[] json = JSON.writeValueAsBytes(root);
    int padded = (json.length + 7) / 8 * 8;
    byte[] out = Arrays.copyOf(json, padded);
    Arrays.fill(out, json.length, padded, (byte) ' ');
    return out;
  }

  private interface Sink {
    void accept(ByteBuffer buf) throws IOException;
  }

  /** Hands the tensor's elements, little-endian, to the sink in chunks. */
  private static void encode(Tensor t, Sink sink) throws IOException {
    int n = t.size();
    int per = Math.min(CHUNK_ELEMENTS, Math.max(n, 1));
    ByteBuffer buf = ByteBuffer.allocate(per * t.dtype().bytes()).order(ByteOrder.LITTLE_ENDIAN);
    for (int start = 0; start < n; start += per) {
      int len = Math.min(per, n - start);
      buf.clear();
      if (t.dtype() == DType.FLOAT32) buf.asFloatBuffer().put(t.floatData(), start, len);
      else buf.asDoubleBuffer().put(t.doubleData(), start, len);
      buf.limit(len * t.dtype().bytes());
      sink.accept(buf);
    }
  }

  private static String label(DType dtype) {
    return dtype == DType.FLOAT32 ? "F32" : "F64";
  }

  // ---------------------------------------------------------------- reading

  /**
   * Reads every tensor and the metadata of a safetensors file, checking the layout completely
   * first (see the class comment). The metadata is returned without {@value #CHECKSUM_KEY}.
   *
   * @throws FileFormatException naming the file and the tensor when the file is damaged or not
   *     safetensors
   * @throws IOException if the file cannot be read at all (missing, no permission)
   */
  public static Contents read(Path file) throws IOException {
    return read(file, name -> true);
  }

  /**
   * Reads the tensors whose names {@code include} accepts, and the metadata. The others are
   * checked like the rest of the layout (and hashed when the file records a checksum) but not
   * loaded, so they may have dtypes this reader cannot load, such as the I64
   * {@code num_batches_tracked} counters in a PyTorch state dict.
   *
   * @throws FileFormatException naming the file and the tensor when the file is damaged, or an
   *     included tensor's dtype is neither F32 nor F64
   */
  public static Contents read(Path file, Predicate<String> include) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      Header h = readHeader(file, ch);
      Map<String, String> meta = new LinkedHashMap<>(h.metadata);
      String[] recorded = checksums(file, meta.remove(CHECKSUM_KEY), h.entries.size());
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      for (int i = 0; i < h.entries.size(); i++) {
        Entry e = h.entries.get(i);
        CRC32 crc = new CRC32();
        if (include.test(e.name)) {
          if (e.dtype == null) {
            throw new FileFormatException(file, e.name, "tensor '" + e.name + "': dtype " + e.label + " cannot be"
                + " loaded; supported dtypes are F32 and F64 (convert it before saving, e.g. tensor.float() in"
                + " PyTorch)");
          }
          tensors.put(e.name, readTensor(file, ch, h.dataStart, e, crc));
        } else if (recorded != null) {
          hashBytes(file, ch, h.dataStart, e, crc);
        }
        if (recorded != null) {
          String actual = String.format("%08x", crc.getValue());
          if (!recorded[i].equalsIgnoreCase(actual)) {
            throw new FileFormatException(file, e.name, "tensor '" + e.name + "': its bytes have CRC-32 " + actual
                + ", but the header records " + recorded[i] + " (" + CHECKSUM_KEY + "): the data was changed after"
                + " the file was written (a damaged disk or an incomplete copy); restore the file from a good copy");
          }
        }
      }
      return new Contents(tensors, meta);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, "no such file; expected a safetensors file");
    }
  }

  /**
   * One tensor's header entry. {@code dtype} is null for the safetensors dtypes this reader knows
   * the size of but does not load (integers, half precision, ...).
   */
  private record Entry(String name, String label, DType dtype, int[] shape, long begin, long end) {}

  /** Element sizes of the safetensors dtypes, for checking the layout of every entry. */
  private static final Map<String, Integer> DTYPE_BYTES = Map.ofEntries(
      Map.entry("BOOL", 1), Map.entry("U8", 1), Map.entry("I8", 1), Map.entry("F8_E5M2", 1),
      Map.entry("F8_E4M3", 1), Map.entry("I16", 2), Map.entry("U16", 2), Map.entry("F16", 2),
      Map.entry("BF16", 2), Map.entry("I32", 4), Map.entry("U32", 4), Map.entry("F32", 4),
      Map.entry("I64", 8), Map.entry("U64", 8), Map.entry("F64", 8));

  /** The parsed header: entries sorted by offset, metadata, and where the data section starts. */
  private record Header(List<Entry> entries, Map<String, String> metadata, long dataStart) {}

  private static Header readHeader(Path file, FileChannel ch) throws IOException {
    long size = ch.size();
    if (size < 8) {
      throw new FileFormatException(file, null, "the file has " + size + " bytes, fewer than the 8-byte header"
          + " length that starts a safetensors file; it is truncated or not a safetensors file");
    }
    ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(file, null, ch, lenBuf, 0);
    long n = lenBuf.flip().getLong();
    if (n < 0 || n > MAX_HEADER_BYTES) {
      throw new FileFormatException(file, null, "the header length field says " + Long.toUnsignedString(n)
          + " bytes, more than the " + MAX_HEADER_BYTES + "-byte limit; the file is damaged or not a safetensors"
          + " file");
    }
    if (n > size - 8) {
      throw new FileFormatException(file, null, "the header length field says " + n + " bytes, but only "
          + (size - 8) + " bytes follow it; the file is truncated or not a safetensors file");
    }
    ByteBuffer hb = ByteBuffer.allocate((int) n);
    readFully(file, null, ch, hb, 8);
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(hb.flip()).toString();
    } catch (CharacterCodingException e) {
      throw new FileFormatException(file, null, "the " + n + "-byte header is not valid UTF-8 (" + e.getMessage()
          + "); the file is damaged or not a safetensors file", e);
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      String at = e.getLocation() == null ? "" : " at character " + e.getLocation().getCharOffset();
      throw new FileFormatException(file, null, "the header is not valid JSON (" + e.getOriginalMessage() + at
          + "); the file is damaged or not a safetensors file", e);
    }
    if (root == null || !root.isObject()) {
      throw new FileFormatException(file, null, "the header is " + kind(root) + "; expected a JSON object of"
          + " tensor entries");
    }
    long dataStart = 8 + n;
    long dataLength = size - dataStart;
    Map<String, String> metadata = new LinkedHashMap<>();
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<String, JsonNode> f : root.properties()) {
      if (f.getKey().equals(METADATA)) metadata = metadata(file, f.getValue());
      else entries.add(entry(file, f.getKey(), f.getValue()));
    }
    checkLayout(file, entries, dataLength);
    return new Header(entries, metadata, dataStart);
  }

  private static Map<String, String> metadata(Path file, JsonNode node) throws FileFormatException {
    if (!node.isObject()) {
      throw new FileFormatException(file, METADATA, METADATA + " is " + kind(node) + "; expected an object of"
          + " string values");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> f : node.properties()) {
      if (!f.getValue().isTextual()) {
        throw new FileFormatException(file, METADATA, METADATA + " entry '" + f.getKey() + "' is "
            + kind(f.getValue()) + "; safetensors metadata values are strings");
      }
      out.put(f.getKey(), f.getValue().textValue());
    }
    return out;
  }

  /** One tensor entry, checked on its own: fields, dtype, shape, offsets and their byte count. */
  private static Entry entry(Path file, String name, JsonNode node) throws FileFormatException {
    String where = "tensor '" + name + "': ";
    if (!node.isObject()) {
      throw new FileFormatException(file, name, where + "the header entry is " + kind(node) + "; expected an object"
          + " with dtype, shape and data_offsets");
    }
    for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
      String k = keys.next();
      if (!k.equals("dtype") && !k.equals("shape") && !k.equals("data_offsets")) {
        throw new FileFormatException(file, name, where + "unknown field '" + k + "'; a tensor entry has only"
            + " dtype, shape and data_offsets");
      }
    }
    JsonNode dt = node.get("dtype");
    if (dt == null || !dt.isTextual()) {
      throw new FileFormatException(file, name, where + "dtype is " + kind(dt) + "; expected a string such as"
          + " \"F32\"");
    }
    String label = dt.textValue();
    Integer size = DTYPE_BYTES.get(label);
    if (size == null) {
      throw new FileFormatException(file, name, where + "dtype '" + label + "' is unknown; safetensors dtypes are "
          + new TreeMap<>(DTYPE_BYTES).keySet() + ", of which this reader loads F32 and F64");
    }
    DType dtype = label.equals("F32") ? DType.FLOAT32 : label.equals("F64") ? DType.FLOAT64 : null;
    JsonNode sh = node.get("shape");
    if (sh == null || !sh.isArray()) {
      throw new FileFormatException(file, name, where + "shape is " + kind(sh) + "; expected an array of"
          + " dimensions");
    }
    int[] shape = new int[sh.size()];
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = sh.get(i);
      if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0) {
        throw new FileFormatException(file, name, where + "shape " + sh + " has dimension " + d + " at position " + i
            + "; expected integers from 0 to " + Integer.MAX_VALUE);
      }
      shape[i] = d.intValue();
    }
    JsonNode off = node.get("data_offsets");
    if (off == null || !off.isArray() || off.size() != 2) {
      throw new FileFormatException(file, name, where + "data_offsets is " + (off == null ? "missing" : off)
          + "; expected [begin, end]");
    }
    long[] be = new long[2];
    for (int i = 0; i < 2; i++) {
      JsonNode v = off.get(i);
      if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
        throw new FileFormatException(file, name, where + "data_offsets " + off + " holds " + v + "; expected"
            + " non-negative integers");
      }
      be[i] = v.longValue();
    }
    if (be[0] > be[1]) {
      throw new FileFormatException(file, name, where + "data_offsets " + off + " end before they begin; expected"
          + " begin <= end");
    }
    long elements = elements(shape);
    long span = be[1] - be[0];
    if (elements < 0 || elements * size != span) {
      throw new FileFormatException(file, name, where + "shape " + Shapes.format(shape) + " of " + label
          + " needs " + (elements < 0 ? "more than 2^62" : Long.toString(elements * size)) + " bytes, but"
          + " data_offsets " + off + " span " + span + " bytes");
    }
    if (elements > Integer.MAX_VALUE - 8) {
      throw new FileFormatException(file, name, where + "shape " + Shapes.format(shape) + " has " + elements
          + " elements, more than a Java array holds");
    }
    return new Entry(name, label, dtype, shape, be[0], be[1]);
  }

  /** The product of the dimensions, or -1 when it exceeds 2^62. */
  private static long elements(int[] shape) {
    long n = 1;
    for (int d : shape) if (d == 0) return 0;
    for (int d : shape) {
      if (n > (1L << 62) / d) return -1;
      n *= d;
    }
    return n;
  }

  /**
   * The byte ranges must tile the data section exactly: sorted by offset, the first begins at 0,
   * each begins where the previous one ends, and the last ends at the end of the file.
   */
  private static void checkLayout(Path file, List<Entry> entries, long dataLength) throws FileFormatException {
    entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long pos = 0;
    Entry prev = null;
    for (Entry e : entries) {
      if (e.begin < pos) {
        throw new FileFormatException(file, e.name, "tensor '" + e.name + "': data_offsets " + range(e)
            + " overlap tensor '" + prev.name + "' at " + range(prev) + "; every byte belongs to one tensor");
      }
      if (e.begin > pos) {
        throw new FileFormatException(file, e.name, "tensor '" + e.name + "': data_offsets " + range(e) + " begin at"
            + " byte " + e.begin + ", but " + (prev == null ? "the data section begins at byte 0"
                : "the previous tensor '" + prev.name + "' ends at byte " + pos) + ": bytes " + pos + " to "
            + e.begin + " belong to no tensor (a gap)");
      }
      if (e.end > dataLength) {
        throw new FileFormatException(file, e.name, "tensor '" + e.name + "': data_offsets " + range(e)
            + " reach beyond the data section, which has " + dataLength + " bytes; the file is truncated");
      }
      pos = e.end;
      prev = e;
    }
    if (pos < dataLength) {
      throw new FileFormatException(file, prev == null ? null : prev.name, (dataLength - pos) + " trailing byte" + (dataLength - pos == 1 ? "" : "s")
          + " after " + (prev == null ? "the header, which lists no tensors" : "the last tensor '" + prev.name
              + "', which ends at byte " + pos + " of the " + dataLength + "-byte data section")
          + "; the file is damaged or was appended to");
    }
  }

  private static String range(Entry e) {
    return "[" + e.begin + ", " + e.end + "]";
  }

  private static Tensor readTensor(Path file, FileChannel ch, long dataStart, Entry e, CRC32 crc)
      throws IOException {
    Tensor t = Tensor.zeros(e.dtype, e.shape);
    int n = t.size();
    int bytes = e.dtype.bytes();
    int per = Math.min(CHUNK_ELEMENTS, Math.max(n, 1));
    ByteBuffer buf = ByteBuffer.allocate(per * bytes).order(ByteOrder.LITTLE_ENDIAN);
    long pos = dataStart + e.begin;
    for (int start = 0; start < n; start += per) {
      int len = Math.min(per, n - start);
      buf.clear().limit(len * bytes);
      readFully(file, e.name, ch, buf, pos);
      pos += (long) len * bytes;
      buf.flip();
      crc.update(buf.duplicate());
      if (e.dtype == DType.FLOAT32) buf.asFloatBuffer().get(t.floatData(), start, len);
      else buf.asDoubleBuffer().get(t.doubleData(), start, len);
    }
    return t;
  }

  /** The recorded checksums, one per entry in data order, or null when the file records none. */
  private static String[] checksums(Path file, String recorded, int count) throws FileFormatException {
    if (recorded == null) return null;
    String[] sums = recorded.isEmpty() ? new String[0] : recorded.split(" ", -1);
    boolean ok = sums.length == count;
    for (String s : sums) ok &= s.matches("[0-9a-fA-F]{8}");
    if (!ok) {
      throw new FileFormatException(file, CHECKSUM_KEY, "metadata '" + CHECKSUM_KEY + "' is \"" + recorded + "\"; expected "
          + count + " CRC-32 values of 8 hex digits separated by spaces, one per tensor");
    }
    return sums;
  }

  /** Feeds the bytes of a tensor that is not loaded to the checksum. */
  private static void hashBytes(Path file, FileChannel ch, long dataStart, Entry e, CRC32 crc) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(1 << 18);
    for (long pos = e.begin; pos < e.end; ) {
      int len = (int) Math.min(buf.capacity(), e.end - pos);
      buf.clear().limit(len);
      readFully(file, e.name, ch, buf, dataStart + pos);
      crc.update(buf.flip());
      pos += len;
    }
  }

  /** Fills buf from the channel at position pos; the end of the file first is an error. */
  private static void readFully(Path file, String tensor, FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    long p = pos;
    while (buf.hasRemaining()) {
      int r = ch.read(buf, p);
      if (r < 0) {
        throw new FileFormatException(file, tensor, (tensor == null ? "" : "tensor '" + tensor + "': ")
            + "the file ends at byte " + p + " while " + buf.remaining() + " more bytes were expected; it is"
            + " truncated (or shrank while being read)");
      }
      p += r;
    }
  }

  private static String kind(JsonNode node) {
    if (node == null || node.isMissingNode()) return "missing";
    if (node.isNull()) return "null";
    if (node.isObject()) return "an object";
    if (node.isArray()) return "an array";
    if (node.isTextual()) return "a string";
    if (node.isNumber()) return "a number (" + node + ")";
    if (node.isBoolean()) return "a boolean (" + node + ")";
    return node.getNodeType().toString();
  }
}
