package dev.cnn.layers;

import dev.cnn.engine.Mode;
import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.Rng;
import dev.cnn.tensor.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ObjIntConsumer;

/**
 * A model whose layers form a graph: a node may take the output of any earlier node, and merge
 * nodes join several (in the spirit of Keras' functional API). Residual and branching networks
 * are built this way; {@link Sequential} is the simple case of the same {@link Model}.
 *
 * <pre>
 * GraphModel.Builder b = GraphModel.builder(1, 28, 28);              // the input node is "input"
 * String h = b.add("conv", Conv2d.builder(1, 16).kernel(3).padding(1).build(), GraphModel.INPUT);
 * String r = b.add("relu", new ReLU(), h);
 * String c = b.add("conv2", Conv2d.builder(16, 16).kernel(3).padding(1).build(), r);
 * String s = b.merge("sum", GraphModel.Merge.ADD, c, h);            // a skip connection
 * ...
 * GraphModel model = b.build(out, 42);                               // shapes checked, weights from 42
 * </pre>
 *
 * <p>Nodes are added in an order where every input already exists, so the graph has no cycle and
 * runs in that order. {@link Builder#build} infers every node's output shape; a node whose inputs
 * do not fit fails there, naming the node, its kind, its inputs' shapes and what it needs.
 * Parameters are named by node ({@code "conv.weight"}); node names have no dots. Every node but
 * the output must feed another (a dangling branch is refused as a mistake). The same seed gives
 * the same weights: each layer draws from its own child of the seed's generator, in node order.
 */
public final class GraphModel implements Model {
  /** The name of the model's input node. */
  public static final String INPUT = "input";

  /** How a merge node joins its inputs. */
  public enum Merge {
    /** Element-wise sum of inputs of one shape (a residual connection). */
    ADD,
    /** Concatenation along the first per-sample axis (channels for images, features for vectors). */
    CONCAT;

    /** The name in architecture files: "add", "concat". */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The merge a {@link #label()} names, or null. */
    public static Merge parse(String label) {
      for (Merge m : values()) if (m.label().equals(label)) return m;
      return null;
    }
  }

  /**
   * One node: a layer with one input ({@code merge} null), or a merge of several ({@code layer}
   * null); {@code shape} is its per-sample output shape.
   */
  public record Node(String name, Layer layer, Merge merge, List<String> inputs, int[] shape) {
    public Node {
      inputs = List.copyOf(inputs);
      shape = shape.clone();
    }

    @Override
    public int[] shape() {
      return shape.clone();
    }

    /** The layer's {@link Layer#typeName()}, or the merge's: "add", "concat". */
    public String kind() {
      return layer != null ? layer.typeName() : merge.label();
    }
  }

  private final int[] inputShape;
  private final List<Node> nodes;
  private final String output;
  private final List<Layer> layers = new ArrayList<>();
  private final List<String> layerNames = new ArrayList<>();
  private final List<int[]> layerShapes = new ArrayList<>();

  private GraphModel(int[] inputShape, List<Node> nodes, String output) {
    this.inputShape = inputShape;
    this.nodes = nodes;
    this.output = output;
    for (Node n : nodes) {
      if (n.layer() != null) {
        layers.add(n.layer());
        layerNames.add(n.name());
        layerShapes.add(n.shape());
      }
    }
  }

  /** A builder for a model whose samples have this shape. */
  public static Builder builder(int... inputShape) {
    return new Builder(inputShape);
  }

  @Override
  public Variable forward(Variable x, Mode mode) {
    return forward(x, mode, null);
  }

  @Override
  public Variable forward(Variable x, Mode mode, ObjIntConsumer<Variable> observer) {
    ModelChecks.forwardArguments("GraphModel", this, x, mode);
    Map<String, Variable> values = new HashMap<>();
    values.put(INPUT, x);
    int layerIndex = 0;
    for (Node n : nodes) {
      Variable y;
      if (n.layer() != null) {
        y = n.layer().forward(values.get(n.inputs().get(0)), mode);
        if (observer != null) observer.accept(y, layerIndex);
        layerIndex++;
      } else {
        Variable[] in = new Variable[n.inputs().size()];
        for (int i = 0; i < in.length; i++) in[i] = values.get(n.inputs().get(i));
        y = n.merge() == Merge.ADD ? sum(in) : Ops.concat(1, in);
      }
      values.put(n.name(), y);
    }
    return values.get(output);
  }

  private static Variable sum(Variable[] in) {
    Variable y = in[0];
    for (int i = 1; i < in.length; i++) y = Ops.add(y, in[i]);
    return y;
  }

  @Override
  public int[] inputShape() {
    return inputShape.clone();
  }

  @Override
  public int[] outputShape() {
    for (Node n : nodes) if (n.name().equals(output)) return n.shape().clone();
    throw new IllegalStateException("no output node"); // build() checked it
  }

  @Override
  public int[] outputShape(int i) {
    return layerShapes.get(i).clone();
  }

  @Override
  public List<Layer> layers() {
    return Collections.unmodifiableList(layers);
  }

  @Override
  public List<String> layerNames() {
    return Collections.unmodifiableList(layerNames);
  }

  @Override
  public int[] outputShapeFor(int[] sampleShape) {
    List<String> names = new ArrayList<>();
    List<Layer> nodeLayers = new ArrayList<>();
    List<Merge> merges = new ArrayList<>();
    List<List<String>> inputs = new ArrayList<>();
    for (Node n : nodes) {
      names.add(n.name());
      nodeLayers.add(n.layer());
      merges.add(n.merge());
      inputs.add(n.inputs());
    }
    return Builder.inferShapes(sampleShape, names, nodeLayers, merges, inputs).get(output).clone();
  }

  /** The name of the output node. */
  public String outputNode() {
    return output;
  }

  /** The nodes in the order they run (the input node is implicit). */
  public List<Node> nodes() {
    return nodes;
  }

  /** Every node's inputs by node name, in node order (merge nodes included). */
  public Map<String, List<String>> connections() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Node n : nodes) out.put(n.name(), n.inputs());
    return out;
  }

  /** The table of {@link Summary}, one row per node with its inputs ("Connected to"). */
  @Override
  public Summary summary() {
    List<Summary.Row> rows = new ArrayList<>();
    for (Node n : nodes) {
      long trainable = 0, buffers = 0;
      if (n.layer() != null) {
        for (Variable v : n.layer().parameters().values()) trainable += v.value().size();
        for (var t : n.layer().buffers().values()) buffers += t.size();
      }
      rows.add(new Summary.Row(n.name(), n.layer() == null ? null : n.layer().type(), n.kind(), n.shape(), trainable,
          buffers, n.inputs()));
    }
    return Summary.of("GraphModel, input [N, " + Shapes.format(inputShape).substring(1) + ", output '" + output + "'",
        rows, true);
  }

  /** Building a {@link GraphModel}: nodes in an order where each input exists, then {@link #build}. */
  public static final class Builder {
    private final int[] inputShape;
    private final List<String> names = new ArrayList<>();
    private final List<Layer> layers = new ArrayList<>();
    private final List<Merge> merges = new ArrayList<>();
    private final List<List<String>> inputs = new ArrayList<>();

    private Builder(int[] inputShape) {
      if (inputShape == null || inputShape.length == 0) {
        throw new IllegalArgumentException("GraphModel: no input shape; expected the per-sample shape, e.g. (1, 28, 28)");
      }
      for (int d : inputShape) {
        if (d < 1) {
          throw new IllegalArgumentException("GraphModel: input shape " + Arrays.toString(inputShape)
              + "; expected every dimension >= 1");
        }
      }
      this.inputShape = inputShape.clone();
    }

    /**
     * Adds a layer node fed by the node {@code input} ({@link #INPUT} for the model's input).
     *
     * @return the node's name, to feed later nodes
     * @throws IllegalArgumentException for a bad or taken name, or an input that does not exist yet
     */
    public String add(String name, Layer layer, String input) {
      if (layer == null) throw new IllegalArgumentException("GraphModel: node '" + name + "' has a null layer");
      checkNew(name);
      checkInputs(name, List.of(input));
      names.add(name);
      layers.add(layer);
      merges.add(null);
      inputs.add(List.of(input));
      return name;
    }

    /**
     * Adds a merge node that joins two or more earlier nodes.
     *
     * @return the node's name
     */
    public String merge(String name, Merge merge, String... from) {
      if (merge == null) throw new IllegalArgumentException("GraphModel: node '" + name + "' has no merge kind");
      checkNew(name);
      if (from == null || from.length < 2) {
        throw new IllegalArgumentException("GraphModel: merge node '" + name + "' has " + (from == null ? 0 : from.length)
            + " inputs; expected two or more");
      }
      checkInputs(name, List.of(from));
      names.add(name);
      layers.add(null);
      merges.add(merge);
      inputs.add(List.of(from));
      return name;
    }

    private void checkNew(String name) {
      if (name == null || name.isEmpty() || name.contains(".")) {
        throw new IllegalArgumentException("GraphModel: node name '" + name + "'; expected a non-empty name without dots");
      }
      if (name.equals(INPUT) || names.contains(name)) {
        throw new IllegalArgumentException("GraphModel: node name '" + name + "' is taken"
            + (name.equals(INPUT) ? " by the model's input" : "") + "; give every node its own name");
      }
    }

    private void checkInputs(String name, List<String> from) {
      for (String in : from) {
        if (in == null || (!in.equals(INPUT) && !names.contains(in))) {
          throw new IllegalArgumentException("GraphModel: node '" + name + "' takes '" + in + "', which is not a node"
              + " added before it; add nodes in an order where each input exists (the nodes so far: "
              + (names.isEmpty() ? "[" + INPUT + "]" : INPUT + ", " + names) + ")");
        }
      }
    }

    /** Checks every node and creates the weights from this seed; {@code output} is the output node. */
    public GraphModel build(String output, long seed) {
      return build(output, new Rng(seed));
    }

    /**
     * Checks every node (shape inference, and that every node but the output feeds another) and
     * creates the weights from the generator.
     *
     * @throws IllegalArgumentException naming the node that does not fit, its inputs' shapes and
     *     what it needs; an unknown output; or a node whose result is never used
     */
    public GraphModel build(String output, Rng rng) {
      if (!names.contains(output)) {
        throw new IllegalArgumentException("GraphModel: the output '" + output + "' is not a node; the nodes are " + names);
      }
      Map<String, int[]> shapes = inferShapes(inputShape, names, layers, merges, inputs);
      List<Node> nodes = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        nodes.add(new Node(names.get(i), layers.get(i), merges.get(i), inputs.get(i), shapes.get(names.get(i))));
      }
      java.util.Set<String> used = new java.util.HashSet<>();
      inputs.forEach(used::addAll);
      for (String n : names) {
        if (!n.equals(output) && !used.contains(n)) {
          throw new IllegalArgumentException("GraphModel: node '" + n + "' feeds no other node and is not the output '"
              + output + "'; connect it, or leave it out");
        }
      }
      for (Node n : nodes) { // every layer its own child generator, in node order
        if (n.layer() == null) continue;
        n.layer().build(shapes.get(n.inputs().get(0)), rng.split());
        n.layer().nameParameters(n.name());
      }
      return new GraphModel(inputShape.clone(), List.copyOf(nodes), output);
    }

    /**
     * Every node's per-sample output shape, by name ({@link #INPUT}'s too), for samples of shape
     * {@code inputShape}.
     *
     * @throws IllegalArgumentException naming the first node that does not fit its inputs
     */
    static Map<String, int[]> inferShapes(int[] inputShape, List<String> names, List<Layer> layers, List<Merge> merges,
        List<List<String>> inputs) {
      Map<String, int[]> shapes = new HashMap<>();
      shapes.put(INPUT, inputShape);
      for (int i = 0; i < names.size(); i++) {
        String name = names.get(i);
        List<int[]> in = new ArrayList<>();
        for (String s : inputs.get(i)) in.add(shapes.get(s));
        int[] shape = layers.get(i) != null ? layerShape(name, layers.get(i), inputs.get(i).get(0), in.get(0))
            : mergeShape(name, merges.get(i), inputs.get(i), in);
        shapes.put(name, shape);
      }
      return shapes;
    }

    private static int[] layerShape(String name, Layer layer, String from, int[] in) {
      try {
        return layer.outputShape(in).clone();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("GraphModel: node '" + name + "' (" + layer.typeName() + ") does not fit its"
            + " input '" + from + "' " + Shapes.format(in) + ": " + e.getMessage(), e);
      }
    }

    private static int[] mergeShape(String name, Merge merge, List<String> from, List<int[]> in) {
      int[] first = in.get(0);
      for (int i = 1; i < in.size(); i++) {
        int[] s = in.get(i);
        boolean fits = merge == Merge.ADD ? Arrays.equals(first, s)
            : s.length == first.length && Arrays.equals(Arrays.copyOfRange(s, 1, s.length),
                Arrays.copyOfRange(first, 1, first.length));
        if (!fits) {
          StringBuilder shapes = new StringBuilder();
          for (int j = 0; j < in.size(); j++) {
            shapes.append(j == 0 ? "" : ", ").append('\'').append(from.get(j)).append("' ").append(Shapes.format(in.get(j)));
          }
          throw new IllegalArgumentException("GraphModel: node '" + name + "' (" + merge.label() + ") does not fit its"
              + " inputs " + shapes + ": " + (merge == Merge.ADD ? "add needs inputs of one shape (a projection, e.g."
              + " a 1x1 Conv2d, can match them)" : "concat needs inputs that differ in the first axis only"));
        }
      }
      if (merge == Merge.ADD) return first.clone();
      int[] out = first.clone();
      for (int i = 1; i < in.size(); i++) out[0] += in.get(i)[0];
      return out;
    }
  }
}
