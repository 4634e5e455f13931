package dev.cnn.cli;

import dev.cnn.data.ImageFolder;
import dev.cnn.data.SyntheticShapes;
import dev.cnn.engine.GraphExport;
import dev.cnn.engine.Mode;
import dev.cnn.engine.Variable;
import dev.cnn.layers.Architectures;
import dev.cnn.layers.CrossEntropyLoss;
import dev.cnn.layers.GraphModel;
import dev.cnn.layers.Layer;
import dev.cnn.layers.LayerType;
import dev.cnn.layers.Model;
import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.io.AtomicFiles;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cnn explain}: one image through a model and back, layer by layer: what a student sees of
 * one step of backpropagation through a real network.
 *
 * <p>Forward (inference mode: batch norm uses its running statistics, dropout is off, but the graph
 * is recorded), then the cross-entropy of the logits against {@code --label} (default: the
 * predicted class), then backward. For each layer in order: its output shape and statistics, the
 * gradient of the loss with respect to that output (its norm), the norms of its parameters'
 * gradients, and for a ReLU the fraction of units that pass a gradient. {@code --layer} prints one
 * layer's numbers (the first channel of the first sample); {@code --out} writes the model as a
 * graph of layers with the tensor shapes on its edges ({@code model.dot}) and the autograd graph of
 * the step ({@code autograd.dot}), and PNGs of both when Graphviz is installed.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
    description = {"One image through a model and back: per layer, the output's shape and statistics, the"
        + " gradient's norm, the parameter gradients' norms, the fraction of ReLU units that pass gradient.",
        "Without --image: the first test image of the built-in shapes dataset (for a 1x28x28 model), else a"
            + " random image from --seed."})
final class ExplainCommand implements Callable<Integer> {
  /** The most numbers --layer prints along each side of a plane. */
  static final int SHOW = 8;

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "NAME|DIR",
      description = "A built-in architecture (fashionnet, lenet5, vgg-small, resnet-small; untrained, from --seed) or"
          + " the --out directory of 'cnn train'.")
  String model;

  @Option(names = "--image", paramLabel = "FILE", description = "The image (PNG, JPEG, ...), resized to the model's input.")
  Path image;

  @Option(names = "--label", paramLabel = "N", description = "The class the loss is computed against (default: the"
      + " predicted one).")
  Integer label;

  @Option(names = "--layer", paramLabel = "NAME", description = "Also print this layer's numbers.")
  String layer;

  @Option(names = "--out", paramLabel = "DIR", description = "Write model.dot and autograd.dot (and PNGs with Graphviz).")
  Path out;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of a built-in model's weights and of a random image"
      + " (default 42).")
  long seed = 42;

  @Override
  public Integer call() throws Exception {
    PrintWriter o = spec.commandLine().getOut();
    if (image != null && !Files.isRegularFile(image)) {
      throw new ParameterException(spec.commandLine(), "--image " + image + ": no such file");
    }
    Model m;
    List<String> classNames;
    String source;
    if (Files.isDirectory(Path.of(model))) {
      ModelDir md = ModelDir.load(Path.of(model));
      m = md.model();
      classNames = md.classNames();
      source = "the trained model in " + model;
    } else if (Architectures.NAMES.contains(model)) {
      m = Architectures.byName(model, new int[] {1, 28, 28}, 10, seed);
      classNames = new ArrayList<>();
      for (int c = 0; c < 10; c++) classNames.add(Integer.toString(c));
      source = model + ", untrained (weights from seed " + seed + ")";
    } else {
      throw new ParameterException(spec.commandLine(), "--model " + model + ": not a directory and not a built-in"
          + " architecture; expected one of " + Architectures.NAMES + " or the --out directory of 'cnn train'");
    }
    List<String> names = m.layerNames();
    if (layer != null && !names.contains(layer)) {
      throw new ParameterException(spec.commandLine(), "--layer " + layer + ": the model has no such layer; its layers"
          + " are " + names);
    }
    int classes = m.outputShape()[0];
    if (label != null && (label < 0 || label >= classes)) {
      throw new ParameterException(spec.commandLine(), "--label " + label + ": expected a class from 0 to "
          + (classes - 1));
    }

    int[] in = m.inputShape();
    float[] sample = sample(in);
    int[] batchShape = new int[in.length + 1];
    batchShape[0] = 1;
    System.arraycopy(in, 0, batchShape, 1, in.length);
    Variable x = Variable.leaf(Tensor.of(sample, batchShape), true);
    Variable[] outputs = new Variable[names.size()];
    m.zeroGrad();
    Variable logits = m.forward(x, Mode.EVAL, (y, i) -> outputs[i] = y.retainGrad());
    int predicted = dev.cnn.tensor.TensorMath.argmax(logits.value());
    int target = label != null ? label : predicted;
    Variable loss = CrossEntropyLoss.of().compute(logits, new int[] {target});
    loss.backward(Tensor.ones(loss.dtype()), true);

    o.println("model: " + source);
    o.println("input: " + (image != null ? image.toString() : describeDefaultImage(in)) + ", shape "
        + Shapes.format(batchShape) + ", loss against class " + target + " (" + classNames.get(target) + "): "
        + String.format(Locale.ROOT, "%.4f", loss.value().getFlat(0)) + "; predicted " + predicted + " ("
        + classNames.get(predicted) + ")");
    o.println();
    o.printf("%-14s %-14s %-16s %9s %9s %9s %9s  %10s  %s%n", "layer", "type", "output", "mean", "std", "min", "max",
        "|dL/dout|", "parameter gradients, ReLU pass");
    for (int i = 0; i < names.size(); i++) {
      Layer l = m.layers().get(i);
      Tensor y = outputs[i].value();
      double[] s = stats(y);
      StringBuilder extra = new StringBuilder();
      for (Map.Entry<String, Variable> p : l.parameters().entrySet()) {
        Tensor g = p.getValue().grad();
        extra.append(String.format(Locale.ROOT, "%s %.3g  ", p.getKey(), g == null ? 0.0 : norm(g)));
      }
      if (l.type() == LayerType.RELU) extra.append(String.format(Locale.ROOT, "%.1f%% pass", 100 * positive(y)));
      Tensor g = outputs[i].grad();
      o.printf(Locale.ROOT, "%-14s %-14s %-16s %9.4f %9.4f %9.4f %9.4f  %10.4g  %s%n", names.get(i), l.typeName(),
          Shapes.format(y.shape()), s[0], s[1], s[2], s[3], g == null ? 0.0 : norm(g), extra.toString().trim());
    }
    o.println();
    o.println("Read the columns in order for the forward pass, the gradients from the bottom up: each |dL/dout| is what"
        + " the layer below receives.");

    if (layer != null) {
      int i = names.indexOf(layer);
      Variable y = outputs[i];
      o.println();
      o.println("layer " + layer + " (" + m.layers().get(i).typeName() + "): output " + Shapes.format(y.shape()));
      plane(o, "output, first channel", y.value());
      if (y.grad() != null) plane(o, "dL/d output, first channel", y.grad());
      for (Map.Entry<String, Variable> p : m.layers().get(i).parameters().entrySet()) {
        plane(o, p.getKey() + " " + Shapes.format(p.getValue().shape()) + ", first slice", p.getValue().value());
        if (p.getValue().grad() != null) plane(o, "dL/d " + p.getKey() + ", first slice", p.getValue().grad());
      }
    }

    if (out != null) {
      Files.createDirectories(out);
      AtomicFiles.writeString(out.resolve("model.dot"), modelDot(m));
      GraphExport.writeDot(loss, out.resolve("autograd.dot"));
      o.println();
      o.println("wrote " + out.resolve("model.dot") + " (layers, with the shapes on the edges) and "
          + out.resolve("autograd.dot") + " (every op of this step)");
      if (GraphExport.dotAvailable()) {
        render(out.resolve("model.dot"), out.resolve("model.png"));
        GraphExport.renderPng(loss, out.resolve("autograd.png"));
        o.println("and their pictures, model.png and autograd.png");
      } else {
        o.println("(install Graphviz for PNGs: apt-get install graphviz; or run dot -Tpng model.dot -o model.png)");
      }
    }
    o.flush();
    return 0;
  }

  private float[] sample(int[] in) throws java.io.IOException {
    if (image != null) return ImageFolder.readSample(image, in);
    if (Arrays.equals(in, new int[] {1, 28, 28})) {
      SyntheticShapes shapes = SyntheticShapes.builder().seed(42).trainSize(1).testSize(1).build();
      float[] s = new float[28 * 28];
      shapes.test().read(0, s, 0);
      return s;
    }
    return Tensor.uniform(new dev.cnn.tensor.Rng(seed), dev.cnn.tensor.DType.FLOAT32, 0, 1, in).floatData();
  }

  private static String describeDefaultImage(int[] in) {
    return Arrays.equals(in, new int[] {1, 28, 28}) ? "the first test image of the shapes dataset (seed 42)"
        : "a random image";
  }

  /** Mean, standard deviation, min, max. */
  private static double[] stats(Tensor t) {
    float[] d = t.to(dev.cnn.tensor.DType.FLOAT32).floatData();
    double sum = 0, sq = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
    for (float v : d) {
      sum += v;
      sq += (double) v * v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    double mean = sum / d.length;
    return new double[] {mean, Math.sqrt(Math.max(0, sq / d.length - mean * mean)), min, max};
  }

  private static double norm(Tensor t) {
    double s = 0;
    for (float v : t.to(dev.cnn.tensor.DType.FLOAT32).floatData()) s += (double) v * v;
    return Math.sqrt(s);
  }

  private static double positive(Tensor t) {
    float[] d = t.floatData();
    int n = 0;
    for (float v : d) if (v > 0) n++;
    return (double) n / d.length;
  }

  /** The first plane of a tensor ([.., H, W] -> its first H x W; vectors as one row), at most SHOW x SHOW. */
  private static void plane(PrintWriter o, String title, Tensor t) {
    float[] d = t.to(dev.cnn.tensor.DType.FLOAT32).floatData();
    int[] s = t.shape();
    int w = s.length >= 1 ? s[s.length - 1] : 1, h = s.length >= 2 ? s[s.length - 2] : 1;
    o.println("  " + title + (h > SHOW || w > SHOW ? " (top-left " + Math.min(h, SHOW) + " x " + Math.min(w, SHOW) + ")" : "")
        + ":");
    for (int r = 0; r < Math.min(h, SHOW); r++) {
      StringBuilder line = new StringBuilder("   ");
      for (int c = 0; c < Math.min(w, SHOW); c++) line.append(String.format(Locale.ROOT, " %9.4f", d[r * w + c]));
      o.println(line);
    }
  }

  /** The model as a graph of layers, each edge labelled with the per-sample shape it carries. */
  static String modelDot(Model m) {
    StringBuilder dot = new StringBuilder("digraph model {\n  rankdir=TB;\n  node [fontname=\"Helvetica\", fontsize=10,"
        + " shape=box];\n  edge [fontname=\"Helvetica\", fontsize=9];\n  input [label=\"input\", style=dashed];\n");
    if (m instanceof GraphModel g) {
      for (GraphModel.Node n : g.nodes()) {
        dot.append("  \"").append(n.name()).append("\" [label=\"").append(n.name()).append("\\n").append(n.kind())
            .append("\"];\n");
        for (String from : n.inputs()) {
          int[] shape = from.equals(GraphModel.INPUT) ? g.inputShape() : shapeOf(g, from);
          dot.append("  \"").append(from).append("\" -> \"").append(n.name()).append("\" [label=\"")
              .append(Shapes.format(shape)).append("\"];\n");
        }
      }
    } else {
      String prev = "input";
      int[] shape = m.inputShape();
      for (int i = 0; i < m.layers().size(); i++) {
        String name = m.layerNames().get(i);
        dot.append("  \"").append(name).append("\" [label=\"").append(name).append("\\n")
            .append(m.layers().get(i).typeName()).append("\"];\n");
        dot.append("  \"").append(prev).append("\" -> \"").append(name).append("\" [label=\"")
            .append(Shapes.format(shape)).append("\"];\n");
        prev = name;
        shape = m.outputShape(i);
      }
      dot.append("  output [style=dashed];\n  \"").append(prev).append("\" -> output [label=\"")
          .append(Shapes.format(shape)).append("\"];\n");
    }
    return dot.append("}\n").toString();
  }

  private static int[] shapeOf(GraphModel g, String node) {
    for (GraphModel.Node n : g.nodes()) if (n.name().equals(node)) return n.shape();
    throw new IllegalStateException("no node " + node);
  }

  private static void render(Path dotFile, Path png) throws java.io.IOException, InterruptedException {
    Process p = new ProcessBuilder("dot", "-Tpng", dotFile.toString(), "-o", png.toString()).redirectErrorStream(true)
        .start();
    p.getInputStream().readAllBytes();
    if (p.waitFor() != 0) throw new java.io.IOException("dot -Tpng " + dotFile + " failed");
  }
}
