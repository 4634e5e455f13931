#!/usr/bin/python3
"""Checks exported ONNX files with the ONNX project's own checker (Debian's python3-onnx).

For each file given: onnx.checker.check_model with full_check (the graph is well formed, every
operator exists in the file's opset with valid attributes, and shape inference succeeds), then
prints one JSON line: the file, its IR version and opset, the operator types it uses, and the
output shape that ONNX's shape inference derives (a symbolic dimension as its name).
OnnxCheckerTest runs it; exit code 1 and the checker's message on the first invalid file.
"""
import json
import sys

import onnx
from onnx import checker, shape_inference


def dims(value_info):
    return [d.dim_param if d.dim_param else d.dim_value for d in value_info.type.tensor_type.shape.dim]


def main(paths):
    for path in paths:
        model = onnx.load(path)
        try:
            checker.check_model(model, full_check=True)
        except checker.ValidationError as e:
            print("%s: %s" % (path, e), file=sys.stderr)
            return 1
        inferred = shape_inference.infer_shapes(model, strict_mode=True)
        known = {v.name: v for v in list(inferred.graph.value_info) + list(inferred.graph.output)}
        last = inferred.graph.node[-1].output[0]
        print(json.dumps({
            "file": path,
            "ir_version": model.ir_version,
            "opset": [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")][0],
            "ops": sorted({n.op_type for n in model.graph.node}),
            "inferred_output": dims(known[last]),
        }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
