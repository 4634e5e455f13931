package dev.cnn.layers.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.tensor.DType;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safetensors reader and writer: exact round trips, the byte layout (checked against bytes
 * built by hand), and every kind of damage yielding an error that names the file and the
 * tensor. Damaged files are made by hand: bytes flipped, files cut short, headers that lie.
 */
class SafeTensorsTest {
  @TempDir Path dir;

  // ---------------------------------------------------------------- round trips

  /** Random values plus every special float: NaNs with payloads, -0.0, subnormals, infinities. */
  private static float[] specialFloats(Rng rng, int n) {
    float[] special = {
      0.0f, -0.0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Math.nextDown(Float.MIN_NORMAL),
      Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
      Float.intBitsToFloat(0x7fc00001), Float.intBitsToFloat(0xffc12345), Float.intBitsToFloat(0x7f800001),
      Float.intBitsToFloat(0x7fbfffff), Float.intBitsToFloat(0x00000abc), 1.0f, -1.0f
    };
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      // Half special values, half arbitrary bit patterns (which include more NaNs and subnormals).
      out[i] = i < special.length ? special[i] : rng.nextInt(2) == 0
          ? special[rng.nextInt(special.length)] : Float.intBitsToFloat((int) rng.nextLong());
    }
    return out;
  }

  private static double[] specialDoubles(Rng rng, int n) {
    double[] special = {
      0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, Math.nextDown(Double.MIN_NORMAL),
      Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN,
      Double.longBitsToDouble(0x7ff8000000000001L), Double.longBitsToDouble(0xfff0000000000abcL),
      Double.longBitsToDouble(0x7ff0000000000001L), Double.longBitsToDouble(0x000000000000beefL), 1.0 / 3
    };
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = i < special.length ? special[i] : rng.nextInt(2) == 0
          ? special[rng.nextInt(special.length)] : Double.longBitsToDouble(rng.nextLong());
    }
    return out;
  }

  private static void assertBitsEqual(Tensor expected, Tensor actual, String name) {
    assertEquals(expected.dtype(), actual.dtype(), name);
    assertArrayEquals(expected.shape(), actual.shape(), name);
    for (int i = 0; i < expected.size(); i++) {
      if (expected.dtype() == DType.FLOAT32) {
        assertEquals(Float.floatToRawIntBits(expected.floatData()[i]), Float.floatToRawIntBits(actual.floatData()[i]),
            name + " element " + i);
      } else {
        assertEquals(Double.doubleToRawLongBits(expected.doubleData()[i]),
            Double.doubleToRawLongBits(actual.doubleData()[i]), name + " element " + i);
      }
    }
  }

  @Test
  void roundTripIsBitExactForFloat32AndFloat64() throws IOException {
    Rng rng = new Rng(7);
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("conv.weight", Tensor.wrap(specialFloats(rng, 2 * 3 * 5 * 5), 2, 3, 5, 5));
    tensors.put("big", Tensor.wrap(specialFloats(rng, 70_001), 70_001)); // more than one write chunk
    tensors.put("f64", Tensor.wrap(specialDoubles(rng, 37), 37));
    tensors.put("f64.matrix", Tensor.wrap(specialDoubles(rng, 12), 3, 4));
    tensors.put("scalar", Tensor.scalar(DType.FLOAT32, -0.0));
    tensors.put("empty", Tensor.zeros(DType.FLOAT32, 0, 5));
    tensors.put("empty64", Tensor.zeros(DType.FLOAT64, 3, 0));
    Map<String, String> meta = Map.of("format", "cnn", "note", "ünïcödé ✓");
    Path f = dir.resolve("t.safetensors");
    SafeTensors.write(f, tensors, meta);

    SafeTensors.Contents c = SafeTensors.read(f);
    assertEquals(tensors.keySet(), c.tensors().keySet());
    tensors.forEach((name, t) -> assertBitsEqual(t, c.tensors().get(name), name));
    assertEquals(meta, c.metadata(), "metadata comes back without the checksum entry");
  }

  @Test
  void randomRoundTrips() throws IOException {
    for (long seed = 1; seed <= 20; seed++) {
      Rng rng = new Rng(seed);
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      int count = 1 + rng.nextInt(6);
      for (int k = 0; k < count; k++) {
        int[] shape = new int[rng.nextInt(4)];
        for (int d = 0; d < shape.length; d++) shape[d] = rng.nextInt(6);
        int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        tensors.put("t" + rng.nextInt(1000) + "." + k, rng.nextInt(2) == 0
            ? Tensor.wrap(specialFloats(rng, n), shape) : Tensor.wrap(specialDoubles(rng, n), shape));
      }
      Path f = dir.resolve("r" + seed + ".safetensors");
      SafeTensors.write(f, tensors);
      Map<String, Tensor> back = SafeTensors.read(f).tensors();
      assertEquals(tensors.keySet(), back.keySet(), "seed " + seed);
      for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
        assertBitsEqual(e.getValue(), back.get(e.getKey()), "seed " + seed + " " + e.getKey());
      }
    }
  }

  @Test
  void theSameTensorsGiveTheSameBytesWhateverTheMapOrder() throws IOException {
    Rng rng = new Rng(3);
    Map<String, Tensor> a = new LinkedHashMap<>();
    a.put("z", Tensor.wrap(specialFloats(rng, 6), 2, 3));
    a.put("a", Tensor.wrap(specialDoubles(rng, 3), 3));
    a.put("m", Tensor.wrap(specialFloats(rng, 1), 1));
    Map<String, Tensor> b = new TreeMap<>(a);
    Path fa = dir.resolve("a.safetensors"), fb = dir.resolve("b.safetensors");
    SafeTensors.write(fa, a, Map.of("k1", "v1", "k2", "v2"));
    SafeTensors.write(fb, b, new TreeMap<>(Map.of("k2", "v2", "k1", "v1")));
    assertArrayEquals(Files.readAllBytes(fa), Files.readAllBytes(fb));
  }

  // ---------------------------------------------------------------- layout

  private static long headerLength(byte[] file) {
    return ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  private static String headerText(byte[] file) {
    return new String(file, 8, (int) headerLength(file), StandardCharsets.UTF_8);
  }

  private static String crc(byte[] bytes) {
    CRC32 c = new CRC32();
    c.update(bytes);
    return String.format("%08x", c.getValue());
  }

  private static byte[] le(float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) b.putFloat(v);
    return b.array();
  }

  private static byte[] le(double... values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) b.putDouble(v);
    return b.array();
  }

  /** The exact bytes of a small file, built by hand from the format's description. */
  @Test
  void layoutMatchesTheFormatByteForByte() throws IOException {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("w", Tensor.of(new float[] {1.5f, -0.0f, 3f, Float.MIN_VALUE}, 2, 2));
    tensors.put("b", Tensor.of(new float[] {-2f}, 1));
    tensors.put("d", Tensor.of(new double[] {0.1, -7}, 2));
    Path f = dir.resolve("exact.safetensors");
    SafeTensors.write(f, tensors, Map.of("format", "cnn"));

    // F64 first (larger elements), then F32 by name: d, b, w.
    byte[] d = le(0.1, -7), b = le(-2f), w = le(1.5f, -0.0f, 3f, Float.MIN_VALUE);
    String json = "{\"__metadata__\":{\"cnn.tensor_crc32\":\"" + crc(d) + " " + crc(b) + " " + crc(w) + "\","
        + "\"format\":\"cnn\"},"
        + "\"d\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[16,20]},"
        + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[20,36]}}";
    while (json.length() % 8 != 0) json += " ";
    ByteBuffer expected = ByteBuffer.allocate(8 + json.length() + 36).order(ByteOrder.LITTLE_ENDIAN);
    expected.putLong(json.length()).put(json.getBytes(StandardCharsets.US_ASCII)).put(d).put(b).put(w);
    assertArrayEquals(expected.array(), Files.readAllBytes(f));
  }

  @Test
  void headerIsPaddedWithSpacesToAMultipleOf8() throws IOException {
    for (int nameLength = 1; nameLength <= 9; nameLength++) {
      Path f = dir.resolve("pad" + nameLength + ".safetensors");
      SafeTensors.write(f, Map.of("x".repeat(nameLength), Tensor.of(new float[] {1f}, 1)));
      byte[] bytes = Files.readAllBytes(f);
      long n = headerLength(bytes);
      assertEquals(0, n % 8, "header length " + n);
      String header = headerText(bytes);
      String trimmed = header.stripTrailing();
      assertTrue(trimmed.endsWith("}"), header);
      assertTrue(header.length() - trimmed.length() < 8, "at most 7 spaces of padding");
      assertTrue(header.substring(trimmed.length()).chars().allMatch(ch -> ch == ' '), "padding is spaces");
      assertEquals(8 + n + 4, bytes.length);
    }
  }

  /** A file as another writer makes it: data in a different order from the header, no checksum, I64. */
  @Test
  void readsFilesFromOtherWriters() throws IOException {
    byte[] counter = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(42).array();
    byte[] data = concat(le(4f, 5f), counter, le(1f, 2f, 3f));
    String json = "{\"b\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [16, 28]},"
        + " \"n.num_batches_tracked\": {\"shape\": [], \"dtype\": \"I64\", \"data_offsets\": [8, 16]},"
        + " \"a\": {\"data_offsets\": [0, 8], \"dtype\": \"F32\", \"shape\": [1, 2]},"
        + " \"__metadata__\": {\"format\": \"pt\"}}";
    Path f = raw("foreign.safetensors", json, data);

    FileFormatException e = assertThrows(FileFormatException.class, () -> SafeTensors.read(f));
    assertMessage(e, f, "n.num_batches_tracked", "I64", "F32 and F64");

    SafeTensors.Contents c = SafeTensors.read(f, name -> !name.endsWith("num_batches_tracked"));
    assertEquals(List.of("a", "b"), List.copyOf(c.tensors().keySet()), "file (data) order");
    assertArrayEquals(new float[] {4f, 5f}, c.tensors().get("a").floatData());
    assertArrayEquals(new int[] {1, 2}, c.tensors().get("a").shape());
    assertArrayEquals(new float[] {1f, 2f, 3f}, c.tensors().get("b").floatData());
    assertEquals(Map.of("format", "pt"), c.metadata());
  }

  @Test
  void writeRejectsReservedNamesAndKeys() {
    Path f = dir.resolve("x.safetensors");
    Tensor t = Tensor.zeros(1);
    assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(f, Map.of("__metadata__", t)));
    assertThrows(IllegalArgumentException.class,
        () -> SafeTensors.write(f, Map.of("a", t), Map.of(SafeTensors.CHECKSUM_KEY, "0")));
    assertFalse(Files.exists(f));
  }

  // ---------------------------------------------------------------- damage

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) n += p.length;
    ByteBuffer b = ByteBuffer.allocate(n);
    for (byte[] p : parts) b.put(p);
    return b.array();
  }

  /** A file with this header text (padded) and data, and no checksum. */
  private Path raw(String name, String json, byte[] data) throws IOException {
    byte[] h = json.getBytes(StandardCharsets.UTF_8);
    int padded = (h.length + 7) / 8 * 8;
    byte[] header = Arrays.copyOf(h, padded);
    Arrays.fill(header, h.length, padded, (byte) ' ');
    return bytes(name, concat(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array(), header,
        data));
  }

  private Path bytes(String name, byte[] content) throws IOException {
    Path f = dir.resolve(name);
    Files.write(f, content);
    return f;
  }

  /** The standard two tensors, "a" (F32 [2, 3]) and "b" (F64 [2]), as header text for raw(). */
  private static String header(String aEntry, String bEntry) {
    return "{\"a\":" + aEntry + ",\"b\":" + bEntry + "}";
  }

  private static final String A_OK = "{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[16,40]}";
  private static final String B_OK = "{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}";
  private static final byte[] DATA = concat(le(1.0, 2.0), le(1f, 2f, 3f, 4f, 5f, 6f));

  private static FileFormatException assertMessage(FileFormatException e, Path f, String tensor, String... words) {
    String m = e.getMessage();
    assertTrue(m.contains(f.toString()), "names the file: " + m);
    if (tensor != null) {
      assertTrue(m.contains("'" + tensor + "'"), "names tensor " + tensor + ": " + m);
      assertEquals(tensor, e.item(), m);
    }
    for (String w : words) assertTrue(m.contains(w), "mentions '" + w + "': " + m);
    return e;
  }

  private static FileFormatException fails(Path f) {
    return assertThrows(FileFormatException.class, () -> SafeTensors.read(f));
  }

  @Test
  void theHandBuiltBaselineIsValid() throws IOException {
    Path f = raw("ok.safetensors", header(A_OK, B_OK), DATA);
    SafeTensors.Contents c = SafeTensors.read(f);
    assertArrayEquals(new double[] {1.0, 2.0}, c.tensors().get("b").doubleData());
    assertArrayEquals(new float[] {1f, 2f, 3f, 4f, 5f, 6f}, c.tensors().get("a").floatData());
  }

  @Test
  void fileShorterThanTheLengthField() throws IOException {
    Path f = bytes("short.safetensors", new byte[] {1, 2, 3, 4, 5});
    assertMessage(fails(f), f, null, "5 bytes", "8-byte");
    Path empty = bytes("empty.safetensors", new byte[0]);
    assertMessage(fails(empty), empty, null, "0 bytes");
  }

  @Test
  void headerLengthBeyondTheFile() throws IOException {
    byte[] good = Files.readAllBytes(raw("ok.safetensors", header(A_OK, B_OK), DATA));
    ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).putLong(0, good.length);
    Path f = bytes("long.safetensors", good);
    assertMessage(fails(f), f, null, "header length", "truncated");
  }

  @Test
  void absurdHeaderLength() throws IOException {
    for (long n : new long[] {100_000_001L, 1L << 40, -1L}) {
      byte[] b = new byte[16];
      ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n);
      Path f = bytes("absurd" + n + ".safetensors", b);
      assertMessage(fails(f), f, null, Long.toUnsignedString(n), "limit");
    }
  }

  @Test
  void headerNotJson() throws IOException {
    Path f = raw("notjson.safetensors", "{\"a\": {\"dtype\": \"F32\", ", new byte[0]);
    assertMessage(fails(f), f, null, "not valid JSON");
    Path g = raw("trailing.safetensors", header(A_OK, B_OK) + " {}", DATA);
    assertMessage(fails(g), g, null, "not valid JSON");
    Path u = bytes("utf8.safetensors", concat(
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(8).array(),
        new byte[] {'{', '"', (byte) 0xff, (byte) 0xfe, '"', ':', '1', '}'}));
    assertMessage(fails(u), u, null, "UTF-8");
  }

  @Test
  void headerNotAnObject() throws IOException {
    Path f = raw("array.safetensors", "[1, 2, 3]", new byte[0]);
    assertMessage(fails(f), f, null, "an array", "object");
    Path g = raw("string.safetensors", "\"hello\"", new byte[0]);
    assertMessage(fails(g), g, null, "a string", "object");
  }

  @Test
  void duplicateTensorNames() throws IOException {
    Path f = raw("dup.safetensors", "{\"a\":" + B_OK + ",\"a\":" + A_OK + "}", DATA);
    assertMessage(fails(f), f, null, "Duplicate", "'a'");
  }

  @Test
  void unknownAndUnsupportedDtypes() throws IOException {
    Path f = raw("f99.safetensors", header(A_OK.replace("F32", "F99"), B_OK), DATA);
    assertMessage(fails(f), f, "a", "'F99'", "unknown", "F32", "F64");
    Path g = raw("f16.safetensors", header(A_OK, B_OK.replace("\"F64\",\"shape\":[2]", "\"F16\",\"shape\":[8]")),
        DATA);
    assertMessage(fails(g), g, "b", "F16", "F32 and F64");
    Path h = raw("numeric.safetensors", header(A_OK.replace("\"F32\"", "32"), B_OK), DATA);
    assertMessage(fails(h), h, "a", "dtype");
  }

  @Test
  void shapeDisagreesWithTheByteCount() throws IOException {
    Path f = raw("shape.safetensors", header(A_OK.replace("[2,3]", "[2,2]"), B_OK), DATA);
    assertMessage(fails(f), f, "a", "[2, 2]", "16 bytes", "24 bytes");
    Path g = raw("negative.safetensors", header(A_OK.replace("[2,3]", "[2,-3]"), B_OK), DATA);
    assertMessage(fails(g), g, "a", "shape");
    Path h = raw("huge.safetensors", header(A_OK.replace("[2,3]", "[2147483647,2147483647,2147483647]"), B_OK), DATA);
    assertMessage(fails(h), h, "a", "bytes");
  }

  @Test
  void malformedEntries() throws IOException {
    Path f = raw("nooffsets.safetensors", header("{\"dtype\":\"F32\",\"shape\":[2,3]}", B_OK), DATA);
    assertMessage(fails(f), f, "a", "data_offsets");
    Path g = raw("extra.safetensors", header(A_OK.replace("}", ",\"offset\":3}"), B_OK), DATA);
    assertMessage(fails(g), g, "a", "unknown field 'offset'");
    Path h = raw("backwards.safetensors", header(A_OK.replace("[16,40]", "[40,16]"), B_OK), DATA);
    assertMessage(fails(h), h, "a", "end before they begin");
    Path m = raw("meta.safetensors", "{\"__metadata__\":{\"k\":3}," + header(A_OK, B_OK).substring(1), DATA);
    assertMessage(fails(m), m, null, "'k'", "strings");
    Path n = raw("entry.safetensors", header("[1]", B_OK), DATA);
    assertMessage(fails(n), n, "a", "an array");
  }

  @Test
  void offsetsOutOfRange() throws IOException {
    // a claims [16, 48], 32 bytes, as an F32 [8]: consistent on its own, but beyond the 40-byte data.
    Path f = raw("range.safetensors", header("{\"dtype\":\"F32\",\"shape\":[8],\"data_offsets\":[16,48]}", B_OK), DATA);
    assertMessage(fails(f), f, "a", "[16, 48]", "40 bytes", "truncated");
  }

  @Test
  void overlappingTensors() throws IOException {
    // b at [0, 16], a at [8, 32]: bytes 8..16 would belong to both.
    Path f = raw("overlap.safetensors", header(A_OK.replace("[16,40]", "[8,32]"), B_OK),
        Arrays.copyOf(DATA, 32));
    assertMessage(fails(f), f, "a", "overlap", "'b'");
  }

  @Test
  void gapsBetweenTensors() throws IOException {
    Path f = raw("gap.safetensors", header(A_OK.replace("[16,40]", "[20,44]"), B_OK), Arrays.copyOf(DATA, 44));
    assertMessage(fails(f), f, "a", "gap", "16", "20");
    Path g = raw("start.safetensors", header(A_OK.replace("[16,40]", "[4,28]"), B_OK.replace("[0,16]", "[28,44]")),
        Arrays.copyOf(DATA, 44));
    assertMessage(fails(g), g, "a", "gap", "byte 0");
  }

  @Test
  void trailingBytes() throws IOException {
    Path ok = dir.resolve("t.safetensors");
    SafeTensors.write(ok, Map.of("a", Tensor.zeros(2, 3), "b", Tensor.zeros(DType.FLOAT64, 2)));
    Path f = bytes("trailing.safetensors", concat(Files.readAllBytes(ok), new byte[] {0, 0, 0}));
    assertMessage(fails(f), f, "a", "3 trailing bytes", "'a'");
    Path g = raw("notensors.safetensors", "{}", new byte[] {1});
    assertMessage(fails(g), g, null, "1 trailing byte after", "no tensors");
  }

  @Test
  void truncatedData() throws IOException {
    Path ok = dir.resolve("t.safetensors");
    SafeTensors.write(ok, Map.of("a", Tensor.zeros(2, 3), "b", Tensor.zeros(DType.FLOAT64, 2)));
    byte[] good = Files.readAllBytes(ok);
    for (int cut : new int[] {1, 4, 23}) {
      Path f = bytes("cut" + cut + ".safetensors", Arrays.copyOf(good, good.length - cut));
      assertMessage(fails(f), f, "a", "truncated");
    }
    // Cut into the first tensor (b, F64 first): a lies entirely beyond, b partly.
    Path f = bytes("cut30.safetensors", Arrays.copyOf(good, good.length - 30));
    assertMessage(fails(f), f, "b", "truncated");
  }

  @Test
  void flippedDataBytesAreCaughtByTheChecksumNamingTheTensor() throws IOException {
    Path ok = dir.resolve("t.safetensors");
    Rng rng = new Rng(11);
    SafeTensors.write(ok, Map.of("a", Tensor.uniform(rng, DType.FLOAT32, -1, 1, 2, 3),
        "b", Tensor.uniform(rng, DType.FLOAT64, -1, 1, 2)));
    byte[] good = Files.readAllBytes(ok);
    int dataStart = 8 + (int) headerLength(good);
    // b (F64) occupies the first 16 data bytes, a (F32) the next 24.
    for (int offset : new int[] {0, 15, 16, 39}) {
      for (int bit : new int[] {0, 7}) {
        byte[] bad = good.clone();
        bad[dataStart + offset] ^= (byte) (1 << bit);
        Path f = bytes("flip" + offset + "_" + bit + ".safetensors", bad);
        assertMessage(fails(f), f, offset < 16 ? "b" : "a", "CRC-32");
      }
    }
  }

  @Test
  void flippedHeaderBytesAreCaught() throws IOException {
    Path ok = dir.resolve("t.safetensors");
    SafeTensors.write(ok, Map.of("a", Tensor.zeros(2, 3), "b", Tensor.zeros(DType.FLOAT64, 2)));
    byte[] good = Files.readAllBytes(ok);
    String header = headerText(good);
    // Every single-character lie about a number in the header is caught by some check.
    // (The digits of the checksum key's own name are skipped: renaming the key only drops the check.)
    int key = header.indexOf(SafeTensors.CHECKSUM_KEY);
    int caught = 0, tried = 0;
    for (int i = 0; i < header.length(); i++) {
      char c = header.charAt(i);
      if (!Character.isDigit(c) || (i >= key && i < key + SafeTensors.CHECKSUM_KEY.length())) continue;
      byte[] bad = good.clone();
      bad[8 + i] = (byte) (c == '9' ? '1' : c + 1);
      Path f = bytes("hdr" + i + ".safetensors", bad);
      tried++;
      FileFormatException e = fails(f);
      assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
      caught++;
    }
    assertEquals(tried, caught);
    assertTrue(tried > 10);
  }

  @Test
  void malformedChecksumMetadata() throws IOException {
    String meta = "{\"__metadata__\":{\"cnn.tensor_crc32\":\"1234\"},";
    Path f = raw("crc.safetensors", meta + header(A_OK, B_OK).substring(1), DATA);
    assertMessage(fails(f), f, null, "cnn.tensor_crc32", "8 hex digits");
  }

  @Test
  void missingFileIsNamed() {
    Path f = dir.resolve("nothing-here.safetensors");
    IOException e = assertThrows(IOException.class, () -> SafeTensors.read(f));
    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
  }
}
