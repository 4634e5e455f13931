package dev.cnn.layers.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One protocol-buffers message being written, field by field, in the binary wire format: the
 * little that {@link OnnxExport} needs, so that writing an ONNX file takes no protobuf library and
 * no generated classes.
 *
 * <p>The wire format: every field is a key, the varint {@code (fieldNumber << 3) | wireType}, then
 * its value:
 * <pre>
 *   wire type 0 (varint):  int32, int64, enums, bools; 7 bits per byte, low bits first, the high
 *                          bit set on every byte but the last (negative numbers take 10 bytes)
 *   wire type 2 (length):  strings, bytes, embedded messages, packed repeated numbers:
 *                          the length as a varint, then that many bytes
 *   wire type 5 (32-bit):  float, fixed32: 4 bytes, little-endian
 * </pre>
 * A repeated field is the same key written once per element, or (numbers) one length-delimited
 * field holding the elements back to back ("packed"). Fields may come in any order; a reader takes
 * the last value of a singular field.
 */
final class ProtoWriter {
  private static final int VARINT = 0;
  private static final int LENGTH_DELIMITED = 2;
  private static final int FIXED32 = 5;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** An integer field (int32, int64, an enum): key and varint. */
  ProtoWriter varint(int field, long value) {
    key(field, VARINT);
    rawVarint(value);
    return this;
  }

  /** A float field: key and 4 little-endian bytes. */
  ProtoWriter float32(int field, float value) {
    key(field, FIXED32);
    int bits = Float.floatToRawIntBits(value);
    for (int i = 0; i < 4; i++) out.write(bits >>> (8 * i));
    return this;
  }

  /** A string field, UTF-8. */
  ProtoWriter string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  /** A bytes field. */
  ProtoWriter bytes(int field, byte[] value) {
    key(field, LENGTH_DELIMITED);
    rawVarint(value.length);
    out.writeBytes(value);
    return this;
  }

  /** An embedded message field. */
  ProtoWriter message(int field, ProtoWriter message) {
    return bytes(field, message.toByteArray());
  }

  /** A packed repeated int64 field (written even when empty, as an empty list). */
  ProtoWriter packedInt64(int field, long... values) {
    ProtoWriter packed = new ProtoWriter();
    for (long v : values) packed.rawVarint(v);
    return bytes(field, packed.toByteArray());
  }

  /** The floats as little-endian IEEE 754 bytes, the layout of ONNX's {@code raw_data}. */
  static byte[] littleEndian(float[] values) {
    ByteBuffer buf = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(values);
    return buf.array();
  }

  /** The message's bytes so far. */
  byte[] toByteArray() {
    return out.toByteArray();
  }

  private void key(int field, int wireType) {
    rawVarint(((long) field << 3) | wireType);
  }

  private void rawVarint(long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
