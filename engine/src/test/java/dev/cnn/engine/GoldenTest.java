package dev.cnn.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnn.tensor.Conv2dSpec;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Pool2dSpec;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * PyTorch's values for every op (golden/ops.json, written by src/test/python/golden.py; see its
 * header to regenerate): the engine, in float32, reproduces each case's output and the gradients
 * of {@code L = sum(probe * output)} with respect to every input.
 *
 * <p>Tolerance: 1e-5 relative, per element, against {@code max(|expected|, rms(expected))}. The
 * floor is there because the error of a float32 sum (a convolution, a matmul, a softmax
 * denominator) is relative to the size of its terms, not of its result: an element that
 * cancels to near zero carries the absolute error of its terms. float32's unit roundoff is 6e-8,
 * so 1e-5 leaves room for sums of a few hundred terms and still catches any wrong formula.
 */
class GoldenTest {
  private static final double RTOL = 1e-5;
  private static final JsonNode DOC = load();

  private static JsonNode load() {
    try (InputStream in = GoldenTest.class.getResourceAsStream("/golden/ops.json")) {
      assertNotNull(in, "golden/ops.json is missing from the test resources");
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new AssertionError("cannot read golden/ops.json", e);
    }
  }

  @TestFactory
  Stream<DynamicTest> everyCaseMatchesPyTorch() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : DOC.get("cases")) {
      tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> check(c)));
    }
    return tests.stream();
  }

  /** Every op of the engine (Op's permits list) has at least one golden case. */
  @Test
  void everyOpHasAGoldenCase() {
    Set<String> covered = new TreeSet<>();
    for (JsonNode c : DOC.get("cases")) covered.add(c.get("op").asText());
    Set<String> missing = new TreeSet<>();
    for (Class<?> op : Op.class.getPermittedSubclasses()) {
      if (op == CustomOp.class) continue; // a user's op has no PyTorch twin; CustomOpProperties covers it
      String name = op.getSimpleName().replaceFirst("Op$", "");
      name = Character.toLowerCase(name.charAt(0)) + name.substring(1);
      if (!covered.contains(name)) missing.add(op.getSimpleName());
    }
    assertTrue(missing.isEmpty(), "ops without a PyTorch golden case: " + missing);
  }

  private static void check(JsonNode c) {
    Map<String, Variable> in = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = c.get("inputs").fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      in.put(f.getKey(), Variable.parameter(tensor(f.getValue()), f.getKey()));
    }
    JsonNode p = c.get("params");
    Tensor runningMean = null, runningVar = null;
    if (c.has("running")) {
      runningMean = tensor(c.get("running").get("mean_before"));
      runningVar = tensor(c.get("running").get("var_before"));
    }
    Variable out = apply(c.get("op").asText(), p, in, runningMean, runningVar);
    String name = c.get("name").asText();
    compare(name + " output", c.get("output"), out.value());
    out.backward(tensor(c.get("probe")), false);
    Iterator<Map.Entry<String, JsonNode>> grads = c.get("grads").fields();
    int checked = 0;
    while (grads.hasNext()) {
      Map.Entry<String, JsonNode> g = grads.next();
      Variable v = in.get(g.getKey());
      assertNotNull(v.grad(), name + ": no gradient for input " + g.getKey());
      compare(name + " d/d" + g.getKey(), g.getValue(), v.grad());
      checked++;
    }
    assertTrue(checked > 0, name + ": the case has no gradients");
    if (c.has("running")) {
      compare(name + " running mean", c.get("running").get("mean_after"), runningMean);
      compare(name + " running var", c.get("running").get("var_after"), runningVar);
    }
  }

  private static Variable apply(String op, JsonNode p, Map<String, Variable> in, Tensor runningMean, Tensor runningVar) {
    Variable x = in.get("x"), a = in.get("a"), b = in.get("b");
    switch (op) {
      case "add": return Ops.add(a, b);
      case "sub": return Ops.sub(a, b);
      case "mul": return Ops.mul(a, b);
      case "div": return Ops.div(a, b);
      case "neg": return Ops.neg(x);
      case "exp": return Ops.exp(x);
      case "log": return Ops.log(x);
      case "sqrt": return Ops.sqrt(x);
      case "pow": return Ops.pow(x, p.get("p").asDouble());
      case "abs": return Ops.abs(x);
      case "clamp": return Ops.clamp(x, p.get("lo").asDouble(), p.get("hi").asDouble());
      case "relu": return Ops.relu(x);
      case "leakyRelu": return Ops.leakyRelu(x, p.get("slope").asDouble());
      case "elu": return Ops.elu(x, p.get("alpha").asDouble());
      case "gelu": return Ops.gelu(x);
      case "silu": return Ops.silu(x);
      case "sigmoid": return Ops.sigmoid(x);
      case "tanh": return Ops.tanh(x);
      case "softplus": return Ops.softplus(x);
      case "linear": return Ops.linear(x, in.get("w"), b);
      case "softmax": return Ops.softmax(x, p.get("axis").asInt());
      case "logSoftmax": return Ops.logSoftmax(x, p.get("axis").asInt());
      case "sum":
        return p.get("axes").size() == 0 ? Ops.sum(x) : Ops.sum(x, p.get("keepDims").asBoolean(), ints(p.get("axes")));
      case "mean":
        return p.get("axes").size() == 0 ? Ops.mean(x) : Ops.mean(x, p.get("keepDims").asBoolean(), ints(p.get("axes")));
      case "max":
        return p.get("axes").size() == 0 ? Ops.max(x) : Ops.max(x, p.get("keepDims").asBoolean(), ints(p.get("axes")));
      case "reshape": return Ops.reshape(x, ints(p.get("shape")));
      case "flatten": return Ops.flatten(x, p.get("start").asInt());
      case "permute": return Ops.permute(x, ints(p.get("order")));
      case "transpose": return Ops.transpose(x, p.get("axis1").asInt(), p.get("axis2").asInt());
      case "concat": return Ops.concat(p.get("axis").asInt(), in.values().toArray(new Variable[0]));
      case "slice": return Ops.slice(x, p.get("axis").asInt(), p.get("start").asInt(), p.get("end").asInt());
      case "matmul": return Ops.matmul(a, b);
      case "conv2d":
        return Ops.conv2d(x, in.get("w"), b, Conv2dSpec.of(p.get("stride").asInt(), p.get("pad").asInt(),
            p.get("dilation").asInt(), p.get("groups").asInt()));
      case "maxPool2d":
        return Ops.maxPool2d(x, Pool2dSpec.of(p.get("kernel").asInt(), p.get("stride").asInt(), p.get("pad").asInt()));
      case "avgPool2d":
        return Ops.avgPool2d(x, Pool2dSpec.of(p.get("kernel").asInt(), p.get("stride").asInt(), p.get("pad").asInt()));
      case "globalAvgPool2d": return Ops.globalAvgPool2d(x);
      case "adaptiveAvgPool2d": return Ops.adaptiveAvgPool2d(x, p.get("out_h").asInt(), p.get("out_w").asInt());
      case "dropout":
        return Ops.dropout(x, p.get("p").asDouble(), Mode.TRAIN, new Rng(p.get("seed").asLong()));
      case "batchNorm":
        return Ops.batchNorm(x, in.get("gamma"), in.get("beta"), runningMean, runningVar,
            p.get("momentum").asDouble(), p.get("eps").asDouble(), p.get("training").asBoolean() ? Mode.TRAIN : Mode.EVAL);
      default:
        throw new AssertionError("golden case for an unknown op '" + op + "': add it to GoldenTest.apply");
    }
  }

  /** Compares element by element with the tolerance explained in the class comment. */
  private static void compare(String what, JsonNode expected, Tensor actual) {
    assertArrayEquals(ints(expected.get("shape")), actual.shape(), what + ": shape");
    JsonNode data = expected.get("data");
    double ss = 0;
    for (JsonNode v : data) ss += v.asDouble() * v.asDouble();
    double rms = data.size() == 0 ? 0 : Math.sqrt(ss / data.size());
    for (int i = 0; i < data.size(); i++) {
      double e = data.get(i).asDouble(), got = actual.getFlat(i);
      double tol = RTOL * Math.max(Math.abs(e), rms);
      if (!(Math.abs(got - e) <= tol)) {
        throw new AssertionError(String.format(java.util.Locale.ROOT,
            "%s: element %d is %.9g, PyTorch says %.9g (|difference| %.3g > tolerance %.3g)",
            what, i, got, e, Math.abs(got - e), tol));
      }
    }
  }

  private static Tensor tensor(JsonNode node) {
    JsonNode data = node.get("data");
    float[] v = new float[data.size()];
    for (int i = 0; i < v.length; i++) v[i] = (float) data.get(i).asDouble();
    return Tensor.of(v, ints(node.get("shape")));
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
    return out;
  }
}
