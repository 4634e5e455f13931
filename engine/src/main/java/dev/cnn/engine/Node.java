package dev.cnn.engine;

/**
 * One recorded application of an op: the op (holding what its backward needs) and its inputs.
 * The output variable points here through its {@code creator} field; the graph is the set of
 * nodes reachable from a result through the inputs' creators.
 */
final class Node {
  final Op op;
  final Variable[] inputs;
  /** Set when a backward without retainGraph has released the op's saved buffers. */
  boolean freed;

  Node(Op op, Variable[] inputs) {
    this.op = op;
    this.inputs = inputs;
  }
}
