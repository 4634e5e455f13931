package dev.cnn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * PyTorch's values for every loss (golden/losses.json, written by
 * src/test/python/losses_golden.py; see its header to regenerate): the losses, in float32,
 * reproduce each case's value and the gradient of {@code sum(probe * value)} with respect to the
 * logits.
 *
 * <p>Tolerance: 1e-5 relative, per element, against {@code max(|expected|, rms(expected))}, as in
 * the engine's GoldenTest: float32's unit roundoff is 6e-8, a loss is a sum of a few dozen
 * log-softmax or softplus terms, and an element that cancels to near zero carries the absolute
 * error of its terms, hence the rms floor. Any wrong formula (a missing weight, a wrong divisor,
 * the smoothing term weighted by the target's class) is off by far more.
 */
class LossesGoldenTest {
  private static final double RTOL = 1e-5;
  private static final JsonNode DOC = load();
  /** The "loss" field of a case, for each loss class. */
  private static final Map<String, Class<? extends Loss>> KINDS = Map.of("cross_entropy", CrossEntropyLoss.class,
      "focal", FocalLoss.class, "bce", BinaryCrossEntropyLoss.class, "mse", MseLoss.class);

  private static JsonNode load() {
    try (InputStream in = LossesGoldenTest.class.getResourceAsStream("/golden/losses.json")) {
      assertNotNull(in, "golden/losses.json is missing from the test resources");
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new AssertionError("cannot read golden/losses.json", e);
    }
  }

  @TestFactory
  Stream<DynamicTest> everyCaseMatchesPyTorch() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : DOC.get("cases")) {
      tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> check(c)));
    }
    assertTrue(tests.size() >= 30, "only " + tests.size() + " golden cases");
    return tests.stream();
  }

  /** Every class in Loss's permits list has at least one golden case, under each reduction. */
  @Test
  void everyLossHasGoldenCasesForEveryReduction() {
    Set<String> covered = new TreeSet<>();
    for (JsonNode c : DOC.get("cases")) {
      covered.add(c.get("loss").asText() + " " + c.get("params").get("reduction").asText());
    }
    Set<String> missing = new TreeSet<>();
    for (Class<?> loss : Loss.class.getPermittedSubclasses()) {
      String kind = KINDS.entrySet().stream().filter(e -> e.getValue() == loss).map(Map.Entry::getKey)
          .findFirst().orElse(null);
      if (kind == null) {
        missing.add(loss.getSimpleName() + " (no golden kind: add it to KINDS)");
        continue;
      }
      for (Reduction r : Reduction.values()) {
        if (!covered.contains(kind + " " + r)) missing.add(loss.getSimpleName() + " " + r);
      }
    }
    assertTrue(missing.isEmpty(), "losses without a PyTorch golden case: " + missing);
  }

  private static void check(JsonNode c) {
    String name = c.get("name").asText();
    JsonNode p = c.get("params");
    JsonNode in = c.get("inputs");
    Reduction reduction = Reduction.valueOf(p.get("reduction").asText());
    Variable logits = Variable.parameter(tensor(in.get("logits")), "logits");
    Variable out;
    switch (c.get("loss").asText()) {
      case "cross_entropy": {
        CrossEntropyLoss loss = CrossEntropyLoss.builder().classWeights(doubles(p.get("classWeights")))
            .labelSmoothing(p.get("labelSmoothing").asDouble()).reduction(reduction).build();
        double[] s = doubles(p.get("sampleWeights"));
        int[] y = ints(in.get("labels"));
        out = s == null ? loss.compute(logits, y) : loss.compute(logits, y, s);
        break;
      }
      case "focal": {
        FocalLoss loss = FocalLoss.builder().gamma(p.get("gamma").asDouble()).alpha(doubles(p.get("alpha")))
            .reduction(reduction).build();
        double[] s = doubles(p.get("sampleWeights"));
        int[] y = ints(in.get("labels"));
        out = s == null ? loss.compute(logits, y) : loss.compute(logits, y, s);
        break;
      }
      case "bce": {
        BinaryCrossEntropyLoss.Builder b = BinaryCrossEntropyLoss.builder().reduction(reduction);
        JsonNode pw = p.get("posWeight");
        if (pw.isArray()) b.posWeight(doubles(pw));
        else if (pw.isNumber()) b.posWeight(pw.asDouble());
        out = b.build().compute(logits, tensor(in.get("target")));
        break;
      }
      case "mse":
        out = MseLoss.of(reduction).compute(logits, tensor(in.get("target")));
        break;
      default:
        throw new AssertionError("golden case for an unknown loss '" + c.get("loss").asText()
            + "': add it to LossesGoldenTest.check");
    }
    compare(name + " value", c.get("output"), out.value());
    out.backward(tensor(c.get("probe")), false);
    compare(name + " d/dlogits", c.get("grad"), logits.grad());
  }

  /** Compares element by element with the tolerance explained in the class comment. */
  private static void compare(String what, JsonNode expected, Tensor actual) {
    assertNotNull(actual, what + ": missing");
    assertArrayEquals(ints(expected.get("shape")), actual.shape(), what + ": shape");
    JsonNode data = expected.get("data");
    double ss = 0;
    for (JsonNode v : data) ss += v.asDouble() * v.asDouble();
    double rms = data.size() == 0 ? 0 : Math.sqrt(ss / data.size());
    for (int i = 0; i < data.size(); i++) {
      double e = data.get(i).asDouble(), got = actual.getFlat(i);
      double tol = RTOL * Math.max(Math.abs(e), rms);
      if (!(Math.abs(got - e) <= tol)) {
        throw new AssertionError(String.format(Locale.ROOT,
            "%s: element %d is %.9g, PyTorch says %.9g (|difference| %.3g > tolerance %.3g)",
            what, i, got, e, Math.abs(got - e), tol));
      }
    }
  }

  /** A float32 tensor (the golden inputs are float32 values). */
  private static Tensor tensor(JsonNode node) {
    JsonNode data = node.get("data");
    float[] v = new float[data.size()];
    for (int i = 0; i < v.length; i++) v[i] = (float) data.get(i).asDouble();
    return Tensor.of(v, ints(node.get("shape")));
  }

  private static double[] doubles(JsonNode array) {
    if (array == null || array.isNull()) return null;
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) out[i] = array.get(i).asDouble();
    return out;
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
    return out;
  }
}
