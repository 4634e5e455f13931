#!/usr/bin/python3
"""Golden values for every layer type, computed by PyTorch's torch.nn modules.

Writes layers/src/test/resources/golden/layers.json. Each case holds:
  type, config      the layer's LayerType label and its config map, exactly as the Java layer's
                    config() writes it (LayersGoldenTest rebuilds the layer with
                    LayerType.create(config) and checks that config() gives the map back);
  torch_defaults    true when the torch module was made with its required arguments only, so
                    the config records PyTorch's defaults (the Java test compares them with the
                    Java layer's defaults);
  input_shape, seed the per-sample input shape and the seed of the one-layer Sequential the Java
                    test builds around the layer;
  mode              "train" or "eval";
  input, parameters, buffers (before the forward pass), output, probe v;
  grads             the gradients of L = sum(v * output) with respect to the input ("input") and
                    every parameter (by its local name: "weight", "bias");
  buffers_after     for layers with buffers: their values after the forward pass (batch norm
                    updates its running statistics in train mode).

Inputs and parameters are drawn in float32 (so Java reads exactly the same numbers) and PyTorch
computes in float64 from them, so the reference values carry no float32 rounding of their own.
PyTorch's num_batches_tracked buffer is left out: the Java batch norm layers do not keep it.

Dropout: the Java layer draws its mask from the generator Sequential hands it, the child
new Rng(seed).split() of the model's seed, taking one nextDouble() per element in row-major
order and keeping the element when the draw is >= p. This script reproduces that stream:
SplittableRandom below is java.util.SplittableRandom's SplitMix64 (split() =
new SplittableRandom(nextLong(), mixGamma(nextSeed()))), so the test exercises the layer exactly as
a built model runs it.

Regenerate (Debian's PyTorch; the python3 on PATH may lack torch):
    apt-get install -y python3-torch
    /usr/bin/python3 layers/src/test/python/layers_golden.py
The output is deterministic for a given PyTorch version; commit the JSON.
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(20261205)
DT = torch.float64
MASK64 = (1 << 64) - 1
GOLDEN_GAMMA = 0x9E3779B97F4A7C15


class SplittableRandom:
    """java.util.SplittableRandom: nextLong, nextDouble and split, bit for bit."""

    def __init__(self, seed, gamma=GOLDEN_GAMMA):
        self.seed = seed & MASK64
        self.gamma = gamma

    @staticmethod
    def mix64(z):
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    @staticmethod
    def mix_gamma(z):
        z = ((z ^ (z >> 33)) * 0xFF51AFD7ED558CCD) & MASK64
        z = ((z ^ (z >> 33)) * 0xC4CEB9FE1A85EC53) & MASK64
        z = (z ^ (z >> 33)) | 1
        transitions = bin(z ^ (z >> 1)).count("1")
        return z ^ 0xAAAAAAAAAAAAAAAA if transitions < 24 else z

    def next_seed(self):
        self.seed = (self.seed + self.gamma) & MASK64
        return self.seed

    def next_long(self):
        return self.mix64(self.next_seed())

    def next_double(self):
        return (self.next_long() >> 11) * 2.0 ** -53

    def split(self):
        return SplittableRandom(self.next_long(), self.mix_gamma(self.next_seed()))


def tensor(*shape, lo=-1.0, hi=1.0):
    """Uniform float32 values in [lo, hi), held in float64."""
    return (torch.rand(tuple(shape), dtype=torch.float32) * (hi - lo) + lo).to(DT)


def away_from_zero(*shape):
    """Uniform in [-1, -0.1] and [0.1, 1] (times 3): no kinks within reach of rounding."""
    t = tensor(*shape)
    return (torch.sign(t) * (0.1 + 0.9 * t.abs()) * 3).to(torch.float32).to(DT)


def distinct(*shape):
    """A random permutation of well-separated values: no ties for max pooling."""
    n = 1
    for s in shape:
        n *= s
    values = torch.linspace(-1, 1, n, dtype=torch.float32)[torch.randperm(n)]
    return values.reshape(shape).to(DT)


def encode(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


CASES = []


def case(name, layer_type, config, module, x, mode="train", seed=1, torch_defaults=False, fn=None,
         params=None, buffers=None):
    """Sets the module's parameters and buffers (float32 draws), runs it in float64 in the given
    mode on x, probes the output with a random v and records every gradient.

    params / buffers: name -> tensor to copy in (default: fresh uniform draws for every parameter;
    buffers keep their initial values unless given). fn replaces module(x) (dropout's mask)."""
    module = module.double()
    module.train(mode == "train")
    with torch.no_grad():
        for pname, p in module.named_parameters():
            p.copy_(params[pname] if params and pname in params else tensor(*p.shape))
        for bname, b in module.named_buffers():
            if buffers and bname in buffers:
                b.copy_(buffers[bname])
    own_buffers = {k: b for k, b in module.named_buffers() if k != "num_batches_tracked"}
    buffers_before = {k: encode(b.clone()) for k, b in own_buffers.items()}
    leaf = x.clone().requires_grad_(True)
    out = fn(leaf) if fn else module(leaf)
    v = tensor(*out.shape)
    (out * v).sum().backward()
    grads = {"input": encode(leaf.grad)}
    for pname, p in module.named_parameters():
        grads[pname] = encode(p.grad)
    entry = {
        "name": name,
        "type": layer_type,
        "config": config,
        "torch_defaults": torch_defaults,
        "input_shape": list(x.shape[1:]),
        "seed": seed,
        "mode": mode,
        "input": encode(x),
        "parameters": {k: encode(p) for k, p in module.named_parameters()},
        "buffers": buffers_before,
        "output": encode(out),
        "probe": encode(v),
        "grads": grads,
    }
    if own_buffers:
        entry["buffers_after"] = {k: encode(b) for k, b in own_buffers.items()}
    CASES.append(entry)


# ---------------------------------------------------------------- convolution and dense
def conv_config(m):
    return {"in": m.in_channels, "out": m.out_channels, "kernel": m.kernel_size[0], "stride": m.stride[0],
            "padding": str(m.padding[0]), "dilation": m.dilation[0], "groups": m.groups,
            "bias": m.bias is not None, "weight_init": "torch_default", "bias_init": "torch_default"}


m = nn.Conv2d(3, 4, 3)
case("conv2d_defaults", "conv2d", conv_config(m), m, tensor(2, 3, 5, 6), torch_defaults=True)
m = nn.Conv2d(3, 4, 3, padding=1)
case("conv2d_3x3_pad1", "conv2d", conv_config(m), m, tensor(2, 3, 5, 5))
m = nn.Conv2d(4, 6, 3, stride=2, padding=2, dilation=2, groups=2, bias=False)
case("conv2d_stride2_dil2_groups2_nobias", "conv2d", conv_config(m), m, tensor(2, 4, 9, 8))


def dense_config(m):
    return {"in": m.in_features, "out": m.out_features, "bias": m.bias is not None,
            "weight_init": "torch_default", "bias_init": "torch_default"}


m = nn.Linear(7, 5)
case("dense_defaults", "dense", dense_config(m), m, tensor(4, 7), torch_defaults=True)
m = nn.Linear(6, 3, bias=False)
case("dense_nobias", "dense", dense_config(m), m, tensor(2, 6))


# ---------------------------------------------------------------- pooling, flatten
def pool_config(m):
    return {"kernel": m.kernel_size, "stride": m.stride, "padding": m.padding}


m = nn.MaxPool2d(2)
case("max_pool2d_defaults", "max_pool2d", pool_config(m), m, distinct(2, 3, 6, 7), torch_defaults=True)
m = nn.MaxPool2d(3, stride=2, padding=1)
case("max_pool2d_k3_s2_p1", "max_pool2d", pool_config(m), m, distinct(1, 2, 7, 6))
m = nn.AvgPool2d(2)
case("avg_pool2d_defaults", "avg_pool2d", pool_config(m), m, tensor(2, 3, 6, 7), torch_defaults=True)
m = nn.AvgPool2d(3, stride=2, padding=1)
case("avg_pool2d_k3_s2_p1", "avg_pool2d", pool_config(m), m, tensor(2, 2, 7, 6))
case("global_avg_pool2d", "global_avg_pool2d", {}, nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten()),
     tensor(2, 3, 4, 5))
case("flatten", "flatten", {}, nn.Flatten(), tensor(2, 3, 2, 4))


# ---------------------------------------------------------------- dropout
def dropout_case(name, module, shape, seed, mode, torch_defaults=False):
    p = module.p
    x = tensor(*shape)
    fn = None
    if mode == "train":
        child = SplittableRandom(seed).split()  # the generator Sequential.build(seed) gives layer 0
        n = x.numel()
        u = torch.tensor([child.next_double() for _ in range(n)], dtype=DT).reshape(shape)
        mask = (u >= p).to(DT)
        fn = lambda leaf: leaf * mask / (1 - p)
    case(name, "dropout", {"p": p}, module, x, mode=mode, seed=seed, torch_defaults=torch_defaults, fn=fn)


dropout_case("dropout_defaults_train", nn.Dropout(), (2, 2, 3, 3), 20261205, "train", torch_defaults=True)
dropout_case("dropout_p0_3_train", nn.Dropout(0.3), (4, 5), -42, "train")
dropout_case("dropout_eval", nn.Dropout(0.3), (3, 4), 7, "eval")


# ---------------------------------------------------------------- batch norm
def bn_case(name, layer_type, key, module, shape, mode, torch_defaults=False):
    c = shape[1]
    config = {key: module.num_features, "momentum": module.momentum, "eps": module.eps}
    case(name, layer_type, config, module, tensor(*shape, lo=-2, hi=3), mode=mode, torch_defaults=torch_defaults,
         params={"weight": tensor(c, lo=0.5, hi=1.5), "bias": tensor(c)},
         buffers={"running_mean": tensor(c), "running_var": tensor(c, lo=0.5, hi=2)})


bn_case("batch_norm1d_defaults_train", "batch_norm1d", "features", nn.BatchNorm1d(5), (6, 5), "train", True)
bn_case("batch_norm1d_eval", "batch_norm1d", "features", nn.BatchNorm1d(4, eps=1e-3, momentum=0.3), (3, 4), "eval")
bn_case("batch_norm1d_momentum_train", "batch_norm1d", "features", nn.BatchNorm1d(3, eps=1e-3, momentum=0.3),
        (4, 3), "train")
bn_case("batch_norm2d_defaults_train", "batch_norm2d", "channels", nn.BatchNorm2d(4), (3, 4, 3, 2), "train", True)
bn_case("batch_norm2d_eval", "batch_norm2d", "channels", nn.BatchNorm2d(3), (2, 3, 2, 2), "eval")
bn_case("batch_norm2d_momentum_train", "batch_norm2d", "channels", nn.BatchNorm2d(2, eps=1e-2, momentum=0.25),
        (2, 2, 3, 3), "train")

# ---------------------------------------------------------------- activations
case("relu", "relu", {}, nn.ReLU(), away_from_zero(2, 3, 4))
m = nn.LeakyReLU()
case("leaky_relu_defaults", "leaky_relu", {"slope": m.negative_slope}, m, away_from_zero(3, 5), torch_defaults=True)
m = nn.LeakyReLU(0.2)
case("leaky_relu_0_2", "leaky_relu", {"slope": m.negative_slope}, m, away_from_zero(2, 2, 3, 3))
m = nn.ELU()
case("elu_defaults", "elu", {"alpha": m.alpha}, m, away_from_zero(3, 5), torch_defaults=True)
m = nn.ELU(0.5)
case("elu_0_5", "elu", {"alpha": m.alpha}, m, away_from_zero(2, 3, 2, 2))
case("gelu", "gelu", {}, nn.GELU(), tensor(3, 6, lo=-3, hi=3))
case("silu", "silu", {}, nn.SiLU(), tensor(2, 2, 3, 3, lo=-3, hi=3))
case("sigmoid", "sigmoid", {}, nn.Sigmoid(), tensor(3, 6, lo=-3, hi=3))
case("tanh", "tanh", {}, nn.Tanh(), tensor(2, 3, 4, lo=-3, hi=3))
case("softmax_axis1_features", "softmax", {"axis": 1}, nn.Softmax(dim=1), tensor(4, 6, lo=-3, hi=3))
case("softmax_axis1_channels", "softmax", {"axis": 1}, nn.Softmax(dim=1), tensor(2, 4, 3, 2, lo=-3, hi=3))
case("softmax_axis_last", "softmax", {"axis": -1}, nn.Softmax(dim=-1), tensor(2, 3, 5, lo=-3, hi=3))
# (appended last, so that the cases above keep their random draws)
case("global_max_pool2d", "global_max_pool2d", {}, nn.Sequential(nn.AdaptiveMaxPool2d(1), nn.Flatten()),
     distinct(2, 3, 4, 5))
m = nn.AdaptiveAvgPool2d((3, 2))  # 7 -> 3 rows: overlapping windows of 3; 5 -> 2 columns
case("adaptive_avg_pool2d_7x5_to_3x2", "adaptive_avg_pool2d", {"output_height": 3, "output_width": 2}, m, tensor(2, 3, 7, 5))
m = nn.AdaptiveAvgPool2d(4)  # larger than the input: windows repeat pixels
case("adaptive_avg_pool2d_3x2_to_4x4", "adaptive_avg_pool2d", {"output_height": 4, "output_width": 4}, m, tensor(1, 2, 3, 2))


class SeparableConv2d(nn.Module):
    """A depthwise convolution (groups = in) then a 1x1 one, with the Java layer's parameter names."""

    def __init__(self, cin, cout, k, stride=1, padding=0, dilation=1, multiplier=1, bias=True):
        super().__init__()
        self.cin, self.stride, self.padding, self.dilation = cin, stride, padding, dilation
        self.depthwise_weight = nn.Parameter(torch.empty(cin * multiplier, 1, k, k))
        self.pointwise_weight = nn.Parameter(torch.empty(cout, cin * multiplier, 1, 1))
        self.bias = nn.Parameter(torch.empty(cout)) if bias else None

    def forward(self, x):
        d = F.conv2d(x, self.depthwise_weight, None, self.stride, self.padding, self.dilation, groups=self.cin)
        return F.conv2d(d, self.pointwise_weight, self.bias)


def separable_config(cin, cout, k, stride, padding, dilation, multiplier, bias):
    return {"in": cin, "out": cout, "kernel": k, "stride": stride, "padding": str(padding), "dilation": dilation,
            "depth_multiplier": multiplier, "bias": bias, "weight_init": "torch_default", "bias_init": "torch_default"}


case("separable_conv2d_3x3_pad1", "separable_conv2d", separable_config(3, 5, 3, 1, 1, 1, 1, True),
     SeparableConv2d(3, 5, 3, padding=1), tensor(2, 3, 6, 5))
case("separable_conv2d_stride2_dil2_mult2_nobias", "separable_conv2d", separable_config(2, 4, 3, 2, 2, 2, 2, False),
     SeparableConv2d(2, 4, 3, stride=2, padding=2, dilation=2, multiplier=2, bias=False), tensor(2, 2, 9, 8))


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden", "layers.json")
    out = os.path.normpath(out)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    doc = {"generator": "layers/src/test/python/layers_golden.py", "torch": torch.__version__,
           "loss": "sum(probe * output)", "cases": CASES}
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=None, separators=(",", ":"))
        f.write("\n")
    os.replace(tmp, out)
    print("wrote %d cases to %s" % (len(CASES), out), file=sys.stderr)


if __name__ == "__main__":
    main()
