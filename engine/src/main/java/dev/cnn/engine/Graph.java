package dev.cnn.engine;

import dev.cnn.tensor.Shapes;
import dev.cnn.tensor.Tensor;
import dev.cnn.tensor.TensorMath;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Recording ops and running backward over what was recorded.
 *
 * <p><b>Recording</b> ({@link #record}): an op computes its result eagerly, then hands it here
 * with the op object (which holds whatever its backward needs) and its inputs. If any input
 * requires a gradient and no {@link NoGrad} scope is open, the result gets a {@link Node} that
 * remembers them; otherwise it is a plain constant and the op object is dropped.
 *
 * <p><b>Backward</b> ({@link #backward}), in three steps, all iterative so that a graph a million
 * ops deep needs no deep stack:
 * <ol>
 *   <li>Walk the graph from the root and count, for every node, how many edges lead into it from
 *       nodes that use its output (its consumers).
 *   <li>Start with the root's node, whose output gradient is the seed. A node is ready once all
 *       its consumers have passed their contribution down, so its output gradient is complete
 *       (Kahn's algorithm: the order is a reverse topological order). Run its backward, which
 *       returns one gradient per input; add each into the input's pending gradient (or into a
 *       leaf's {@code grad}). A node's pending gradient is dropped once used.
 *   <li>Unless the graph is retained, release each op's saved buffers right after its backward
 *       and mark the node freed; a second backward through it fails with an explanation.
 * </ol>
 * The order is fixed by the graph (first-in first-out over the inputs in argument order), so
 * gradients are summed in the same order on every run: backward is deterministic.
 */
final class Graph {
  private Graph() {}

  /** Whether an op applied now to these inputs must be recorded. */
  static boolean recording(Variable... inputs) {
    if (NoGrad.active()) return false;
    for (Variable v : inputs) {
      if (v.requiresGrad()) return true;
    }
    return false;
  }

  /**
   * The variable holding an op's result: recorded with its op and inputs when any input requires
   * a gradient (and no {@link NoGrad} scope is open), a constant otherwise.
   */
  static Variable record(Op op, Tensor result, Variable... inputs) {
    if (!recording(inputs)) return new Variable(result, false, null, null);
    return new Variable(result, true, new Node(op, inputs.clone()), null);
  }

  static void backward(Variable root, Tensor seed, boolean retainGraph) {
    Shapes.requireNonNull("backward", "seed", seed, "a tensor with the variable's shape");
    if (!root.requiresGrad()) {
      throw new IllegalStateException("backward: " + root + " does not require a gradient: no input"
          + " of the ops that made it requires one, or it was computed inside a NoGrad scope."
          + " Make the weights parameters (Variable.parameter) and compute outside NoGrad.");
    }
    if (!Arrays.equals(seed.shape(), root.shape()) || seed.dtype() != root.dtype()) {
      throw Shapes.error("backward", "the seed is " + seed.dtype() + " " + Shapes.format(seed.shape())
          + " for " + root, "a seed of the variable's dtype and shape " + root.dtype() + " "
          + Shapes.format(root.shape()));
    }
    if (root.creator == null) { // a leaf: dL/dleaf = seed
      root.accumulateGrad(seed);
      return;
    }
    Map<Node, Variable> retained = new IdentityHashMap<>();
    if (root.keepsGrad()) retained.put(root.creator, root);
    Map<Node, Integer> consumers = countConsumers(root.creator, retained);
    Map<Node, Tensor> pending = new IdentityHashMap<>();
    pending.put(root.creator, seed);
    ArrayDeque<Node> ready = new ArrayDeque<>();
    ready.add(root.creator);
    while (!ready.isEmpty()) {
      Node node = ready.removeFirst();
      Tensor gradOut = pending.remove(node);
      Variable keeper = retained.get(node);
      if (keeper != null) keeper.accumulateGrad(gradOut);
      boolean[] needs = new boolean[node.inputs.length];
      for (int i = 0; i < needs.length; i++) needs[i] = node.inputs[i].requiresGrad();
      Tensor[] gradIn = node.op.backward(gradOut, needs);
      check(node, gradIn, needs);
      if (!retainGraph) {
        node.op.release();
        node.freed = true;
      }
      for (int i = 0; i < needs.length; i++) {
        if (!needs[i] || gradIn[i] == null) continue;
        Variable input = node.inputs[i];
        Node producer = input.creator;
        if (producer == null) {
          input.accumulateGrad(gradIn[i]);
          continue;
        }
        Tensor sofar = pending.get(producer);
        pending.put(producer, sofar == null ? gradIn[i] : TensorMath.add(sofar, gradIn[i]));
        int left = consumers.merge(producer, -1, Integer::sum);
        if (left == 0) ready.addLast(producer);
      }
    }
  }

  /**
   * For every node reachable from {@code root} through inputs that require a gradient, the number
   * of edges into it (an input used twice by one op counts twice). Intermediate variables that
   * keep their gradient ({@link Variable#retainGrad()}) go into {@code retained}, by their node.
   * Fails if a node was freed.
   */
  private static Map<Node, Integer> countConsumers(Node root, Map<Node, Variable> retained) {
    Map<Node, Integer> consumers = new IdentityHashMap<>();
    ArrayDeque<Node> stack = new ArrayDeque<>();
    consumers.put(root, 0);
    stack.push(root);
    while (!stack.isEmpty()) {
      Node node = stack.pop();
      if (node.freed) {
        throw new IllegalStateException("backward: the graph through op '" + node.op.name()
            + "' was already freed by an earlier backward(), which releases the buffers it saved."
            + " Pass retainGraph = true to the first backward to run backward twice, or"
            + " recompute the forward pass.");
      }
      for (Variable input : node.inputs) {
        Node producer = input.creator;
        if (producer == null || !input.requiresGrad()) continue;
        if (input.keepsGrad()) retained.put(producer, input);
        Integer count = consumers.get(producer);
        if (count == null) stack.push(producer);
        consumers.put(producer, count == null ? 1 : count + 1);
      }
    }
    return consumers;
  }

  /** An op's backward must return one gradient per input, shaped like that input. */
  private static void check(Node node, Tensor[] gradIn, boolean[] needs) {
    if (gradIn == null || gradIn.length != node.inputs.length) {
      throw new IllegalStateException("op '" + node.op.name() + "' returned "
          + (gradIn == null ? "null" : gradIn.length + " gradients") + " for "
          + node.inputs.length + " inputs (a bug in the op)");
    }
    for (int i = 0; i < gradIn.length; i++) {
      if (!needs[i] || gradIn[i] == null) continue;
      Variable in = node.inputs[i];
      if (!Arrays.equals(gradIn[i].shape(), in.shape()) || gradIn[i].dtype() != in.dtype()) {
        throw new IllegalStateException("op '" + node.op.name() + "' returned a gradient of "
            + gradIn[i].dtype() + " " + Shapes.format(gradIn[i].shape()) + " for input " + i
            + " of " + in.dtype() + " " + Shapes.format(in.shape()) + " (a bug in the op)");
      }
    }
  }
}
