package dev.cnn.engine;

import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The graph that made a variable, as Graphviz DOT: variables are boxes (name, dtype and shape;
 * parameters shaded), ops are ellipses (name and hyperparameters), edges follow the data from
 * inputs to outputs. The text is the same on every run for the same graph.
 *
 * <pre>
 * GraphExport.writeDot(loss, Path.of("loss.dot"));            // atomically
 * GraphExport.renderPng(loss, Path.of("loss.png"));   // needs Graphviz' dot on the PATH
 * </pre>
 */
public final class GraphExport {
  private GraphExport() {}

  /** The DOT text of the graph ending at {@code root}. */
  public static String toDot(Variable root) {
    Map<Variable, String> ids = new IdentityHashMap<>();
    Map<Node, Variable> outputs = new IdentityHashMap<>();
    List<Variable> order = new ArrayList<>();
    ArrayDeque<Variable> todo = new ArrayDeque<>();
    todo.add(root);
    ids.put(root, "v0");
    while (!todo.isEmpty()) { // breadth-first from the root: ids follow distance from the output
      Variable v = todo.removeFirst();
      order.add(v);
      if (v.creator == null) continue;
      outputs.put(v.creator, v);
      for (Variable in : v.creator.inputs) {
        if (!ids.containsKey(in)) {
          ids.put(in, "v" + ids.size());
          todo.addLast(in);
        }
      }
    }
    StringBuilder dot = new StringBuilder("digraph autograd {\n  rankdir=BT;\n"
        + "  node [fontname=\"Helvetica\", fontsize=10];\n");
    for (Variable v : order) {
      String label = (v.name() != null ? v.name() + "\\n" : "") + v.dtype().name().toLowerCase()
          + " " + Shapes.format(v.shape());
      String style = v.isLeaf() && v.requiresGrad() ? ", style=filled, fillcolor=\"#dde8f5\""
          : v.isLeaf() ? ", style=dashed" : "";
      dot.append("  ").append(ids.get(v)).append(" [shape=box, label=\"").append(escape(label))
          .append('"').append(style).append("];\n");
    }
    for (Variable v : order) {
      if (v.creator == null) continue;
      Op op = v.creator.op;
      String opId = "op" + ids.get(v).substring(1);
      String label = op.name() + (op.attributes().isEmpty() ? "" : "\\n" + op.attributes());
      dot.append("  ").append(opId).append(" [shape=ellipse, label=\"").append(escape(label))
          .append("\"];\n");
      Variable[] inputs = v.creator.inputs;
      for (int i = 0; i < inputs.length; i++) {
        dot.append("  ").append(ids.get(inputs[i])).append(" -> ").append(opId)
            .append(inputs.length > 1 ? " [label=\"" + i + "\"]" : "").append(";\n");
      }
      dot.append("  ").append(opId).append(" -> ").append(ids.get(v)).append(";\n");
    }
    return dot.append("}\n").toString();
  }

  /**
   * Writes the DOT text to {@code file} atomically ({@link AtomicFiles}: a temporary file next to
   * it, flushed, then renamed over it).
   */
  public static void writeDot(Variable root, Path file) throws IOException {
    AtomicFiles.writeString(file, toDot(root));
  }

  /** Whether Graphviz' {@code dot} can be run. */
  public static boolean dotAvailable() {
    try {
      Process p = new ProcessBuilder("dot", "-V").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Renders the graph to a PNG with Graphviz' {@code dot}, written atomically
   * ({@link AtomicFiles}): the DOT text goes to dot's standard input and its standard output
   * into a temporary file that replaces {@code png} once dot has succeeded.
   *
   * @throws IOException if dot is missing (the message says how to install it) or fails; the old
   *     {@code png}, if any, is then unchanged
   */
  public static void renderPng(Variable root, Path png) throws IOException {
    if (!dotAvailable()) {
      throw new IOException("cannot render " + png + ": Graphviz' 'dot' is not on the PATH;"
          + " install it (apt-get install graphviz) or write the DOT text with writeDot");
    }
    byte[] dot = toDot(root).getBytes(StandardCharsets.UTF_8);
    AtomicFiles.writeStream(png, out -> {
      Process p = new ProcessBuilder("dot", "-Tpng").start();
      // stdin and stderr on threads of their own, so that no full pipe can block dot.
      IOException[] inputError = new IOException[1];
      Thread input = daemon("dot-stdin", () -> {
        try (OutputStream in = p.getOutputStream()) {
          in.write(dot);
        } catch (IOException e) {
          inputError[0] = e;
        }
      });
      ByteArrayOutputStream messages = new ByteArrayOutputStream();
      Thread errors = daemon("dot-stderr", () -> {
        try (InputStream err = p.getErrorStream()) {
          err.transferTo(messages);
        } catch (IOException e) {
          // the messages are only for the error text
        }
      });
      try (InputStream image = p.getInputStream()) {
        image.transferTo(out);
        if (!p.waitFor(60, TimeUnit.SECONDS)) throw new IOException("dot did not finish rendering " + png + " within 60 s");
        input.join();
        errors.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while rendering " + png, e);
      } finally {
        p.destroyForcibly(); // no-op once it has exited
      }
      if (p.exitValue() != 0) {
        throw new IOException("dot failed to render " + png + ": " + messages.toString(StandardCharsets.UTF_8).strip());
      }
      if (inputError[0] != null) {
        throw new IOException("could not send the graph to dot for " + png + ": " + inputError[0], inputError[0]);
      }
    });
  }

  private static Thread daemon(String name, Runnable task) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static String escape(String s) {
    return s.replace("\"", "\\\"");
  }
}
