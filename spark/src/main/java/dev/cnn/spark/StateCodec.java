package dev.cnn.spark;

import dev.cnn.tensor.DType;
import dev.cnn.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named tensors as bytes, for what travels between the driver and the workers (a model's state
 * dict, an optimiser's state): Spark moves a {@code byte[]} as it is, so none of the engine's
 * classes is ever serialized. The layout, big-endian ({@link DataOutputStream}):
 * <pre>
 *   int count;  then per tensor: UTF name, byte dtype (0 float32, 1 float64), int rank, int[rank] shape,
 *               the values (float or double each)
 * </pre>
 * Only for the wire: files are safetensors ({@code SafeTensors}).
 */
public final class StateCodec {
  private StateCodec() {}

  /** The tensors, in the map's order, as bytes. */
  public static byte[] encode(Map<String, Tensor> tensors) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(tensors.size());
      for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
        Tensor t = e.getValue();
        out.writeUTF(e.getKey());
        out.writeByte(t.dtype() == DType.FLOAT32 ? 0 : 1);
        out.writeInt(t.rank());
        for (int d : t.shape()) out.writeInt(d);
        if (t.dtype() == DType.FLOAT32) {
          for (float v : t.floatData()) out.writeFloat(v);
        } else {
          for (double v : t.doubleData()) out.writeDouble(v);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  /**
   * The tensors of {@link #encode}, in order.
   *
   * @throws IllegalArgumentException if the bytes are not such an encoding
   */
  public static Map<String, Tensor> decode(byte[] data) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int count = in.readInt();
      for (int i = 0; i < count; i++) {
        String name = in.readUTF();
        int dtype = in.readByte(), rank = in.readInt();
        int[] shape = new int[rank];
        for (int d = 0; d < rank; d++) shape[d] = in.readInt();
        Tensor t = Tensor.zeros(dtype == 0 ? DType.FLOAT32 : DType.FLOAT64, shape);
        if (dtype == 0) {
          float[] f = t.floatData();
          for (int k = 0; k < f.length; k++) f[k] = in.readFloat();
        } else {
          double[] d = t.doubleData();
          for (int k = 0; k < d.length; k++) d[k] = in.readDouble();
        }
        out.put(name, t);
      }
      if (in.read() != -1) throw new IllegalArgumentException("StateCodec: bytes left after " + count + " tensors");
    } catch (IOException e) {
      throw new IllegalArgumentException("StateCodec: not an encoding of named tensors (" + e + ")", e);
    }
    return out;
  }

  /**
   * The element-wise mean of several states with the same names and shapes, summed in double in
   * the order given (so the same states give the same mean, bit for bit), each tensor in its dtype.
   */
  public static Map<String, Tensor> mean(java.util.List<Map<String, Tensor>> states) {
    Map<String, Tensor> first = states.get(0);
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : first.entrySet()) {
      int n = e.getValue().size();
      double[] sum = new double[n];
      for (Map<String, Tensor> s : states) {
        Tensor t = s.get(e.getKey());
        if (t == null || t.size() != n) {
          throw new IllegalArgumentException("StateCodec.mean: '" + e.getKey() + "' differs between the states");
        }
        Tensor d = t.to(DType.FLOAT64);
        double[] v = d.doubleData();
        for (int k = 0; k < n; k++) sum[k] += v[k];
      }
      for (int k = 0; k < n; k++) sum[k] /= states.size();
      out.put(e.getKey(), Tensor.of(sum, e.getValue().shape()).to(e.getValue().dtype()));
    }
    return out;
  }
}
