#!/usr/bin/python3
"""Golden values for the engine's ops, computed by PyTorch.

Writes engine/src/test/resources/golden/ops.json: for each case, the op and its hyperparameters,
the inputs, the output, a random probe tensor v, and the gradients of the probe loss
L = sum(v * output) with respect to every differentiable input. GoldenTest (Java) recomputes
the output and the gradients in float32 and compares.

Inputs are drawn in float32 (so Java reads exactly the same numbers) and PyTorch computes in
float64 from them, so the reference values carry no float32 rounding of their own.

Regenerate (Debian's PyTorch; the python on PATH may lack torch):
    apt-get install -y python3-torch
    /usr/bin/python3 engine/src/test/python/golden.py
The output is deterministic for a given PyTorch version; commit the JSON.
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

torch.manual_seed(20261128)
DT = torch.float64
MASK64 = (1 << 64) - 1


def tensor(*shape, lo=-1.0, hi=1.0):
    """Uniform float32 values in [lo, hi), held in float64."""
    return (torch.rand(tuple(shape), dtype=torch.float32) * (hi - lo) + lo).to(DT)


def away_from_zero(*shape):
    """Uniform in [-1, -0.1] and [0.1, 1]: no kinks within reach of rounding."""
    t = tensor(*shape)
    return (torch.sign(t) * (0.1 + 0.9 * t.abs())).to(torch.float32).to(DT)


def distinct(*shape):
    """A random permutation of well-separated values: no ties for max and max-pooling."""
    n = 1
    for s in shape:
        n *= s
    values = torch.linspace(-1, 1, n, dtype=torch.float32)[torch.randperm(n)]
    return values.reshape(shape).to(DT)


def splitmix_doubles(seed, count):
    """The first `count` values of java.util.SplittableRandom(seed).nextDouble()."""
    gamma = 0x9E3779B97F4A7C15
    state = seed & MASK64
    out = []
    for _ in range(count):
        state = (state + gamma) & MASK64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        z = z ^ (z >> 31)
        out.append((z >> 11) * 2.0 ** -53)
    return out


def encode(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


CASES = []


def case(name, op, fn, inputs, params=None, diff=None, extra=None):
    """Runs fn(**inputs) in float64, probes it with a random v and records all gradients."""
    leaves = {}
    for key, value in inputs.items():
        leaf = value.clone()
        if diff is None or key in diff:
            leaf.requires_grad_(True)
        leaves[key] = leaf
    out = fn(**leaves)
    v = tensor(*out.shape)
    (out * v).sum().backward()
    grads = {k: encode(t.grad) for k, t in leaves.items() if t.grad is not None}
    entry = {
        "name": name,
        "op": op,
        "params": params or {},
        "inputs": {k: encode(t) for k, t in inputs.items()},
        "output": encode(out),
        "probe": encode(v),
        "grads": grads,
    }
    if extra:
        entry.update(extra())  # after the forward pass: it may read state the op updated
    CASES.append(entry)


# ---------------------------------------------------------------- arithmetic, broadcasting
case("add_broadcast", "add", lambda a, b: a + b, {"a": tensor(2, 3, 4), "b": tensor(3, 1)})
case("sub_broadcast", "sub", lambda a, b: a - b, {"a": tensor(4), "b": tensor(2, 3, 4)})
case("mul_broadcast", "mul", lambda a, b: a * b, {"a": tensor(2, 1, 4), "b": tensor(3, 1)})
case("div_broadcast", "div", lambda a, b: a / b, {"a": tensor(2, 3), "b": tensor(2, 1, lo=0.5, hi=2)})

# ---------------------------------------------------------------- element-wise
case("neg", "neg", lambda x: -x, {"x": tensor(3, 4)})
case("exp", "exp", lambda x: torch.exp(x), {"x": tensor(3, 4, lo=-2, hi=2)})
case("log", "log", lambda x: torch.log(x), {"x": tensor(3, 4, lo=0.2, hi=3)})
case("sqrt", "sqrt", lambda x: torch.sqrt(x), {"x": tensor(3, 4, lo=0.2, hi=3)})
case("pow_3", "pow", lambda x: x ** 3, {"x": tensor(3, 4)}, {"p": 3.0})
case("pow_neg_1_5", "pow", lambda x: x ** -1.5, {"x": tensor(3, 4, lo=0.3, hi=2)}, {"p": -1.5})
case("abs", "abs", lambda x: x.abs(), {"x": away_from_zero(3, 4)})
case("clamp", "clamp", lambda x: x.clamp(-0.4, 0.3), {"x": tensor(4, 5)}, {"lo": -0.4, "hi": 0.3})

# ---------------------------------------------------------------- activations
case("relu", "relu", lambda x: F.relu(x), {"x": away_from_zero(3, 5)})
case("leaky_relu", "leakyRelu", lambda x: F.leaky_relu(x, 0.1), {"x": away_from_zero(3, 5)}, {"slope": 0.1})
case("elu", "elu", lambda x: F.elu(x, 1.3), {"x": away_from_zero(3, 5)}, {"alpha": 1.3})
case("gelu", "gelu", lambda x: F.gelu(x), {"x": tensor(3, 5, lo=-3, hi=3)})
case("silu", "silu", lambda x: F.silu(x), {"x": tensor(3, 5, lo=-3, hi=3)})
case("sigmoid", "sigmoid", lambda x: torch.sigmoid(x), {"x": tensor(3, 5, lo=-3, hi=3)})
case("softplus", "softplus", lambda x: F.softplus(x), {"x": tensor(3, 5, lo=-6, hi=6)})
case("tanh", "tanh", lambda x: torch.tanh(x), {"x": tensor(3, 5, lo=-3, hi=3)})
case("softmax_axis1", "softmax", lambda x: torch.softmax(x, 1),
     {"x": tensor(2, 5, 3, lo=-3, hi=3)}, {"axis": 1})
case("log_softmax_last", "logSoftmax", lambda x: torch.log_softmax(x, -1),
     {"x": tensor(4, 6, lo=-3, hi=3)}, {"axis": -1})

# ---------------------------------------------------------------- reductions
case("sum_all", "sum", lambda x: x.sum(), {"x": tensor(3, 4)}, {"axes": [], "keepDims": False})
case("sum_axes_keep", "sum", lambda x: x.sum(dim=(0, 2), keepdim=True), {"x": tensor(2, 3, 4)},
     {"axes": [0, 2], "keepDims": True})
case("mean_axis_neg", "mean", lambda x: x.mean(dim=-1), {"x": tensor(2, 3, 4)}, {"axes": [-1], "keepDims": False})
case("mean_all", "mean", lambda x: x.mean(), {"x": tensor(5, 2)}, {"axes": [], "keepDims": False})
case("max_axis", "max", lambda x: x.max(dim=1).values, {"x": distinct(3, 4, 2)}, {"axes": [1], "keepDims": False})
case("max_axis_keep", "max", lambda x: x.max(dim=0, keepdim=True).values, {"x": distinct(4, 3)},
     {"axes": [0], "keepDims": True})

# ---------------------------------------------------------------- shapes
case("reshape", "reshape", lambda x: x.reshape(4, -1), {"x": tensor(2, 3, 4)}, {"shape": [4, -1]})
case("flatten", "flatten", lambda x: torch.flatten(x, 1), {"x": tensor(2, 3, 2, 2)}, {"start": 1})
case("permute", "permute", lambda x: x.permute(2, 0, 1), {"x": tensor(2, 3, 4)}, {"order": [2, 0, 1]})
case("transpose", "transpose", lambda x: x.transpose(0, 2), {"x": tensor(2, 3, 4)}, {"axis1": 0, "axis2": 2})
case("concat_axis1", "concat", lambda a, b, c: torch.cat([a, b, c], 1),
     {"a": tensor(2, 1, 3), "b": tensor(2, 4, 3), "c": tensor(2, 2, 3)}, {"axis": 1})
case("slice_axis", "slice", lambda x: x[:, 1:4], {"x": tensor(3, 5, 2)}, {"axis": 1, "start": 1, "end": 4})
case("slice_negative", "slice", lambda x: x[..., -3:-1], {"x": tensor(2, 6)}, {"axis": -1, "start": -3, "end": -1})

# ---------------------------------------------------------------- matmul
case("matmul_2d", "matmul", lambda a, b: a @ b, {"a": tensor(5, 7), "b": tensor(7, 3)})
case("matmul_batch_broadcast", "matmul", lambda a, b: a @ b, {"a": tensor(2, 1, 3, 4), "b": tensor(3, 4, 5)})

case("linear_bias", "linear", lambda x, w, b: F.linear(x, w, b), {"x": tensor(4, 7), "w": tensor(3, 7), "b": tensor(3)})
case("linear_nobias", "linear", lambda x, w: F.linear(x, w), {"x": tensor(2, 5), "w": tensor(6, 5)})

# ---------------------------------------------------------------- convolution and pooling
def conv_case(name, n, cin, cout, h, w, k, stride, pad, dil, groups, bias):
    inputs = {"x": tensor(n, cin, h, w), "w": tensor(cout, cin // groups, k, k)}
    if bias:
        inputs["b"] = tensor(cout)
        fn = lambda x, w, b: F.conv2d(x, w, b, stride, pad, dil, groups)
    else:
        fn = lambda x, w: F.conv2d(x, w, None, stride, pad, dil, groups)
    case(name, "conv2d", fn, inputs,
         {"stride": stride, "pad": pad, "dilation": dil, "groups": groups})


conv_case("conv2d_3x3_pad1_bias", 2, 3, 4, 6, 6, 3, 1, 1, 1, 1, True)
conv_case("conv2d_stride2_pad2_dil2_groups2", 2, 4, 6, 9, 8, 3, 2, 2, 2, 2, True)
conv_case("conv2d_5x5_stride3_nobias", 1, 2, 3, 11, 10, 5, 3, 0, 1, 1, False)
conv_case("conv2d_depthwise_1x1", 2, 3, 3, 4, 5, 1, 1, 0, 1, 3, True)

case("max_pool2d_k2", "maxPool2d", lambda x: F.max_pool2d(x, 2), {"x": distinct(2, 3, 6, 6)},
     {"kernel": 2, "stride": 2, "pad": 0})
case("max_pool2d_k3_s2_p1", "maxPool2d", lambda x: F.max_pool2d(x, 3, 2, 1), {"x": distinct(1, 2, 7, 6)},
     {"kernel": 3, "stride": 2, "pad": 1})
case("avg_pool2d_k3_s2_p1", "avgPool2d", lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=True),
     {"x": tensor(2, 2, 7, 6)}, {"kernel": 3, "stride": 2, "pad": 1})
case("global_avg_pool2d", "globalAvgPool2d", lambda x: F.adaptive_avg_pool2d(x, 1), {"x": tensor(2, 3, 4, 5)})

# ---------------------------------------------------------------- dropout (the engine's mask)
# The engine draws one java.util.SplittableRandom double per element in row-major order and
# keeps the element when it is >= p; the same stream is reproduced here.
def dropout_case(name, shape, p, seed):
    x = tensor(*shape)
    u = torch.tensor(splitmix_doubles(seed, x.numel()), dtype=DT).reshape(shape)
    mask = (u >= p).to(DT)
    case(name, "dropout", lambda x: x * mask / (1 - p), {"x": x}, {"p": p, "seed": seed})


dropout_case("dropout_p0_3", (4, 5), 0.3, 12345)
dropout_case("dropout_p0_5_4d", (2, 2, 3, 3), 0.5, -7)

# ---------------------------------------------------------------- batch norm
def batchnorm_case(name, shape, training, momentum, eps):
    c = shape[1]
    x = tensor(*shape, lo=-2, hi=3)
    gamma = tensor(c, lo=0.5, hi=1.5)
    beta = tensor(c)
    running_mean = tensor(c)
    running_var = tensor(c, lo=0.5, hi=2)
    rm, rv = running_mean.clone(), running_var.clone()
    case(name, "batchNorm",
         lambda x, gamma, beta: F.batch_norm(x, rm, rv, gamma, beta, training, momentum, eps),
         {"x": x, "gamma": gamma, "beta": beta},
         {"training": training, "momentum": momentum, "eps": eps},
         extra=lambda: {"running": {"mean_before": encode(running_mean), "var_before": encode(running_var),
                            "mean_after": encode(rm), "var_after": encode(rv)}})


batchnorm_case("batchnorm2d_train", (3, 4, 3, 2), True, 0.1, 1e-5)
batchnorm_case("batchnorm1d_train", (6, 5), True, 0.3, 1e-3)
batchnorm_case("batchnorm2d_eval", (2, 3, 2, 2), False, 0.1, 1e-5)

# (appended last, so that the cases above keep their random draws)
# adaptive average pooling: 7 -> 3 rows (overlapping windows of 3), 5 -> 2 columns; then larger than the input
case("adaptive_avg_pool2d_7x5_to_3x2", "adaptiveAvgPool2d", lambda x: F.adaptive_avg_pool2d(x, (3, 2)),
     {"x": tensor(2, 3, 7, 5)}, {"out_h": 3, "out_w": 2})
case("adaptive_avg_pool2d_3x2_to_4x5", "adaptiveAvgPool2d", lambda x: F.adaptive_avg_pool2d(x, (4, 5)),
     {"x": tensor(1, 2, 3, 2)}, {"out_h": 4, "out_w": 5})


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden", "ops.json")
    out = os.path.normpath(out)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    doc = {"generator": "engine/src/test/python/golden.py", "torch": torch.__version__,
           "loss": "sum(probe * output)", "cases": CASES}
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=None, separators=(",", ":"))
        f.write("\n")
    os.replace(tmp, out)
    print("wrote %d cases to %s" % (len(CASES), out), file=sys.stderr)


if __name__ == "__main__":
    main()
