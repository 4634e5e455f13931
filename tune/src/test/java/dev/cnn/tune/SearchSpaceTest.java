package dev.cnn.tune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.tensor.Rng;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SearchSpaceTest {
  private static final SearchSpace MIXED = SearchSpace.parse(List.of(
      "lr=log:1e-4..1e-1", "dropout=0..0.5", "epochs=int:2..6", "filters=int-log:8..64",
      "batch-size=32,64,128", "optimizer=adam,sgd", "seed=3"));

  @Test
  void everyFormParses() {
    List<Parameter> ps = MIXED.parameters();
    assertEquals(new Parameter.Continuous("lr", 1e-4, 1e-1, true), ps.get(0));
    assertEquals(new Parameter.Continuous("dropout", 0, 0.5, false), ps.get(1));
    assertEquals(new Parameter.IntRange("epochs", 2, 6, false), ps.get(2));
    assertEquals(new Parameter.IntRange("filters", 8, 64, true), ps.get(3));
    assertEquals(new Parameter.Categorical("batch-size", List.of("32", "64", "128")), ps.get(4));
    assertEquals(new Parameter.Categorical("optimizer", List.of("adam", "sgd")), ps.get(5));
    assertEquals(new Parameter.Categorical("seed", List.of("3")), ps.get(6));
    assertEquals(List.of("lr", "dropout", "epochs", "filters", "batch-size", "optimizer", "seed"), MIXED.names());
    // 1 + 1 + 1 + 1 for the ranges, 3 + 2 + 1 one-hot coordinates for the categoricals
    assertEquals(10, MIXED.dimensions());
  }

  @Test
  void spacesAroundPartsAreDropped() {
    SearchSpace s = SearchSpace.parse(List.of(" lr = log: 1e-4 .. 1e-1 ", "opt= adam , sgd", "x=-5..10"));
    assertEquals(new Parameter.Continuous("lr", 1e-4, 1e-1, true), s.parameters().get(0));
    assertEquals(new Parameter.Categorical("opt", List.of("adam", "sgd")), s.parameters().get(1));
    assertEquals(new Parameter.Continuous("x", -5, 10, false), s.parameters().get(2));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "lr                 | no '='",
      "=0..1              | the name before '=' is empty",
      "lr=                | nothing after '='",
      "lr=0.5..0.5        | is empty (low = high)",
      "lr=1..0.5          | is reversed (low > high)",
      "lr=log:0..1        | must be > 0 at both ends; use e.g. log:1e-5..1",
      "lr=log:-1e-3..1e-1 | must be > 0 at both ends",
      "epochs=int-log:0..8 | must be > 0 at both ends; use e.g. int-log:1..8",
      "lr=abc..1          | 'abc' is not a number",
      "lr=0..1e999        | too large",
      "lr=log:1e-4        | expected a range low..high",
      "lr=0..             | lacks an end",
      "lr=0..1..2         | more than one '..'",
      "epochs=int:2.5..6  | '2.5' is not an integer",
      "epochs=int:6..2    | is reversed",
      "epochs=int:3..3    | is empty",
      "epochs=int:1..99999999999 | does not fit in an int",
      "optimizer=adam,,sgd | a blank value",
      "optimizer=adam,sgd,adam | the value 'adam' is listed twice",
      "my lr=0..1         | contains a space",
  })
  void badSpecsSayWhatIsWrong(String spec, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SearchSpace.parse(List.of(spec)));
    assertTrue(e.getMessage().startsWith("search space: " + spec + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void duplicateNamesAndEmptyListsAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SearchSpace.parse(List.of("lr=0..1", "dropout=0..0.5", "lr=log:1e-4..1")));
    assertEquals("search space: lr=log:1e-4..1: the name lr is already given by lr=0..1; give each parameter once",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SearchSpace.parse(List.of()));
    assertThrows(IllegalArgumentException.class, () -> new SearchSpace(List.of(
        new Parameter.Continuous("a", 0, 1, false), new Parameter.IntRange("a", 0, 1, false))));
  }

  @Test
  void theLogMidpointIsTheGeometricMean() {
    SearchSpace s = SearchSpace.parse(List.of("lr=log:1e-4..1e-2"));
    assertEquals(Map.of("lr", "0.001"), s.decode(new double[] {0.5}));
    assertEquals(Map.of("lr", "0.0001"), s.decode(new double[] {0}));
    assertEquals(Map.of("lr", "0.01"), s.decode(new double[] {1}));
    assertEquals(0.5, s.encode(Map.of("lr", "1e-3"))[0], 1e-12);
    assertEquals(0.25, s.encode(Map.of("lr", "0.000316227766"))[0], 1e-9);
  }

  @Test
  void aLinearRangeIsLinear() {
    SearchSpace s = SearchSpace.parse(List.of("x=-5..10"));
    assertEquals(Map.of("x", "2.5"), s.decode(new double[] {0.5}));
    assertEquals(Map.of("x", "-5"), s.decode(new double[] {-0.2})); // clamped to the cube
    assertEquals(Map.of("x", "10"), s.decode(new double[] {1.7}));
    assertEquals(1.0 / 3, s.encode(Map.of("x", "0"))[0], 1e-15);
  }

  @Test
  void realValuesHaveSixSignificantDigits() {
    Parameter.Continuous c = new Parameter.Continuous("lr", 1e-9, 1e9, true);
    assertEquals("0.00123457", c.format(0.0012345678901));
    assertEquals("1.23457E-7", c.format(1.2345678e-7));
    assertEquals("123457", c.format(123456.789));
    assertEquals("100", c.format(100.0));
    // an end with more digits than 6 is written in full rather than rounded out of the range
    Parameter.Continuous tight = new Parameter.Continuous("x", 0, 0.12345678, false);
    assertEquals("0.12345678", tight.format(0.12345678));
  }

  @Test
  void integersOwnEqualSlicesOfTheInterval() {
    SearchSpace s = SearchSpace.parse(List.of("epochs=int:2..6"));
    // five integers, each a fifth of [0, 1]: 2 on [0, 0.2), 3 on [0.2, 0.4), ...
    assertEquals("2", s.decode(new double[] {0.0}).get("epochs"));
    assertEquals("2", s.decode(new double[] {0.19}).get("epochs"));
    assertEquals("3", s.decode(new double[] {0.21}).get("epochs"));
    assertEquals("4", s.decode(new double[] {0.5}).get("epochs"));
    assertEquals("6", s.decode(new double[] {1.0}).get("epochs"));
    assertEquals(0.5, s.encode(Map.of("epochs", "4"))[0], 1e-15);
    assertEquals(0.1, s.encode(Map.of("epochs", "2"))[0], 1e-15);
    SearchSpace logs = SearchSpace.parse(List.of("filters=int-log:8..64"));
    // the log-space midpoint of [7.5, 64.5] is sqrt(7.5 * 64.5) = 22.0
    assertEquals("22", logs.decode(new double[] {0.5}).get("filters"));
  }

  @Test
  void categoricalsAreOneHotAndDecodeByArgMax() {
    SearchSpace s = SearchSpace.parse(List.of("opt=adam,sgd,rmsprop", "x=0..1"));
    assertArrayEquals(new double[] {0, 1, 0, 0.25}, s.encode(Map.of("opt", "sgd", "x", "0.25")), 1e-15);
    assertEquals("rmsprop", s.decode(new double[] {0.2, 0.5, 0.9, 0}).get("opt"));
    assertEquals("adam", s.decode(new double[] {0.7, 0.7, 0.1, 0}).get("opt")); // ties: the first
  }

  @Test
  void encodeThenDecodeGivesThePointBack() {
    Rng rng = new Rng(11);
    for (int i = 0; i < 500; i++) {
      Map<String, String> point = MIXED.sample(rng);
      assertEquals(point, MIXED.decode(MIXED.encode(point)));
    }
  }

  @Test
  void decodeThenEncodeIsIdempotent() {
    Rng rng = new Rng(12);
    for (int i = 0; i < 500; i++) {
      double[] u = new double[MIXED.dimensions()];
      for (int j = 0; j < u.length; j++) u[j] = rng.nextDouble();
      Map<String, String> point = MIXED.decode(u);
      double[] snapped = MIXED.encode(point);
      assertEquals(point, MIXED.decode(snapped));
      assertArrayEquals(snapped, MIXED.encode(MIXED.decode(snapped)), 0);
    }
  }

  @Test
  void decodeKeepsParameterOrder() {
    assertEquals(MIXED.names(), List.copyOf(MIXED.decode(new double[MIXED.dimensions()]).keySet()));
  }

  @Test
  void encodeRejectsMissingUnknownAndOutOfRangeValues() {
    SearchSpace s = SearchSpace.parse(List.of("lr=log:1e-4..1e-1", "epochs=int:2..6", "opt=adam,sgd"));
    Map<String, String> good = new LinkedHashMap<>(Map.of("lr", "0.01", "epochs", "3", "opt", "adam"));
    s.encode(good);
    Map<String, String> missing = new HashMap<>(good);
    missing.remove("epochs");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> s.encode(missing)).getMessage()
        .contains("no value for epochs"));
    Map<String, String> unknown = new HashMap<>(good);
    unknown.put("momentum", "0.9");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> s.encode(unknown)).getMessage()
        .contains("no parameter momentum"));
    Map<String, String> outside = new HashMap<>(good);
    outside.put("lr", "0.5");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> s.encode(outside)).getMessage()
        .contains("lr=0.5: outside the range log:1.0E-4..0.1"));
    Map<String, String> notInt = new HashMap<>(good);
    notInt.put("epochs", "3.5");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> s.encode(notInt)).getMessage()
        .contains("epochs=3.5: not an integer"));
    Map<String, String> notListed = new HashMap<>(good);
    notListed.put("opt", "lbfgs");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> s.encode(notListed)).getMessage()
        .contains("opt=lbfgs: not one of [adam, sgd]"));
    assertThrows(IllegalArgumentException.class, () -> s.decode(new double[3]));
  }

  @Test
  void samplesStayInTheirRangesAndCoverThem() {
    Rng rng = new Rng(13);
    Set<String> optimizers = new HashSet<>(), epochs = new HashSet<>();
    int lrBelow1e3 = 0, n = 2000;
    for (int i = 0; i < n; i++) {
      Map<String, String> p = MIXED.sample(rng);
      double lr = Double.parseDouble(p.get("lr"));
      double dropout = Double.parseDouble(p.get("dropout"));
      int filters = Integer.parseInt(p.get("filters"));
      assertTrue(lr >= 1e-4 && lr <= 1e-1, p.toString());
      assertTrue(dropout >= 0 && dropout <= 0.5, p.toString());
      assertTrue(filters >= 8 && filters <= 64, p.toString());
      if (lr < 1e-3) lrBelow1e3++;
      optimizers.add(p.get("optimizer"));
      epochs.add(p.get("epochs"));
      assertEquals("3", p.get("seed"));
    }
    assertEquals(Set.of("adam", "sgd"), optimizers);
    assertEquals(Set.of("2", "3", "4", "5", "6"), epochs);
    // log-uniform: a third of the draws in [1e-4, 1e-3), a decade of the three (binomial sd about 21)
    assertEquals(n / 3.0, lrBelow1e3, 100);
  }

  @Test
  void theGridIsTheProductInOdometerOrder() {
    SearchSpace s = SearchSpace.parse(List.of("lr=log:1e-4..1e-2", "epochs=int:2..4", "opt=adam,sgd"));
    List<Map<String, String>> grid = s.grid(3);
    assertEquals(3 * 3 * 2, grid.size());
    assertEquals(List.of("0.0001", "2", "adam"), List.copyOf(grid.get(0).values()));
    assertEquals(List.of("0.0001", "2", "sgd"), List.copyOf(grid.get(1).values()));
    assertEquals(List.of("0.0001", "3", "adam"), List.copyOf(grid.get(2).values()));
    assertEquals(List.of("0.001", "2", "adam"), List.copyOf(grid.get(6).values()));
    assertEquals(List.of("0.01", "4", "sgd"), List.copyOf(grid.get(17).values()));
    assertEquals(grid.size(), new HashSet<>(grid).size());
    assertEquals(grid, s.grid(3));
  }

  @Test
  void gridValuesPerKindOfParameter() {
    assertEquals(List.of("0", "0.25", "0.5"), axis("d=0..0.5", 3));
    assertEquals(List.of("0.25"), axis("d=0..0.5", 1));
    assertEquals(List.of("1", "34", "67", "100"), axis("n=int:1..100", 4));
    assertEquals(List.of("8", "16", "32", "64"), axis("f=int-log:8..64", 4));
    assertEquals(List.of("2", "3", "4"), axis("e=int:2..4", 10)); // all the integers when they are few
    assertEquals(List.of("a", "b", "c"), axis("o=a,b,c", 2));
    assertEquals(1 * 4 * 4, SearchSpace.parse(List.of("seed=3", "a=0..1", "b=int:1..9")).grid(4).size());
    assertThrows(IllegalArgumentException.class, () -> SearchSpace.parse(List.of("a=0..1")).grid(0));
    assertThrows(IllegalArgumentException.class,
        () -> SearchSpace.parse(List.of("a=0..1", "b=0..1", "c=0..1")).grid(101));
  }

  private static List<String> axis(String spec, int points) {
    String name = spec.substring(0, spec.indexOf('='));
    return SearchSpace.parse(List.of(spec)).grid(points).stream().map(p -> p.get(name)).toList();
  }

  @Test
  void parametersCheckThemselves() {
    assertThrows(IllegalArgumentException.class, () -> new Parameter.Continuous("x", 0, Double.NaN, false));
    assertThrows(IllegalArgumentException.class, () -> new Parameter.Continuous("", 0, 1, false));
    assertThrows(IllegalArgumentException.class, () -> new Parameter.IntRange("n", 0, 4, true));
    assertThrows(IllegalArgumentException.class, () -> new Parameter.Categorical("c", List.of()));
    assertThrows(IllegalArgumentException.class, () -> new Parameter.Categorical("c", List.of(" ")));
  }
}
