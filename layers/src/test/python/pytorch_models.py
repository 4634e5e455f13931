#!/usr/bin/python3
"""PyTorch reference models for ModelFiles.importPyTorch (PyTorchImportTest, Java).

Writes into layers/src/test/resources/pytorch/:
  fashionnet.safetensors, fashionnet.json   the reference FashionNet (nn.Sequential, 28x28 grey
                                            images, 10 classes) with PyTorch's default init
  bnnet.safetensors, bnnet.json             a small batch-norm net (3x8x8 inputs, 5 classes)
                                            whose running statistics, weight and bias are not
                                            at their initial values

Each .safetensors file is the model's state_dict() exactly as PyTorch holds it: float32 tensors
plus, for batch norm, the int64 num_batches_tracked counter (which the import skips). It is
written by hand (struct + json; the `safetensors` package is not needed): an 8-byte
little-endian header length, the JSON header padded with spaces to a multiple of 8 bytes, then
the raw little-endian data (tools/pt2safetensors.py writes it). The data is laid out in state-dict
order while the header lists the names sorted, so the Java reader is exercised on a file whose
order differs from its own.

Each .json file holds a small input batch (float32 values) and the eval-mode logits. The logits
are computed in float64 (model.double() on the same float32 weights, input cast to double), so
the reference carries no float32 rounding of its own; Java computes in float32 and compares.

Regenerate (Debian's PyTorch; the python on PATH may lack torch):
    apt-get install -y python3-torch
    /usr/bin/python3 layers/src/test/python/pytorch_models.py
The output is deterministic for a given PyTorch version; commit the files.
"""
import copy
import json
import os
import sys

import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "pytorch")

# The safetensors writer of tools/pt2safetensors.py (one home for it).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "tools"))
from pt2safetensors import save_safetensors  # noqa: E402


def encode(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def reference(name, model, x, notes):
    """Saves the weights and the float64 eval-mode logits for input x (float32)."""
    model.eval()
    state = model.state_dict()
    save_safetensors(state, os.path.join(OUT, name + ".safetensors"), {"format": "pt"})
    logits = float64_logits(model, x)
    doc = {
        "model": name,
        "notes": notes,
        "torch_version": torch.__version__,
        "weights": name + ".safetensors",
        "state_dict": {k: list(v.shape) for k, v in state.items()},
        "input": encode(x.double()),
        "logits": encode(logits),
    }
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


def fashionnet_module():
    """The reference FashionNet as nn.Sequential, with PyTorch's default init (seed it first)."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10))


def float64_logits(model, x):
    """Eval-mode logits in float64 from the model's float32 weights (the model is left as it was)."""
    exact = copy.deepcopy(model).double().eval()
    with torch.no_grad():
        return exact(x.double())


def fashionnet():
    torch.manual_seed(20261128)
    model = fashionnet_module()
    x = torch.rand(3, 1, 28, 28, dtype=torch.float32)
    reference("fashionnet", model, x,
              "nn.Sequential(Conv2d(1,32,3,padding=1), ReLU, MaxPool2d(2), Conv2d(32,64,3,padding=1), ReLU,"
              " MaxPool2d(2), Flatten, Linear(3136,128), ReLU, Dropout(0.5), Linear(128,10));"
              " torch.manual_seed(20261128), default init; input: 3 images, U[0,1)")


def bnnet():
    torch.manual_seed(20261129)
    model = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(8 * 4 * 4, 5))
    with torch.no_grad():
        bn = model[1]
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.uniform_(-0.5, 0.5)
    model.train()
    with torch.no_grad():
        for _ in range(20):  # moves running_mean / running_var well away from 0 / 1
            model(torch.randn(16, 3, 8, 8, dtype=torch.float32) * 3.0 + 1.0)
    x = torch.randn(4, 3, 8, 8, dtype=torch.float32)
    reference("bnnet", model, x,
              "nn.Sequential(Conv2d(3,8,3,padding=1), BatchNorm2d(8), ReLU, MaxPool2d(2), Flatten, Linear(128,5));"
              " torch.manual_seed(20261129); BatchNorm weight U[0.5,1.5), bias U[-0.5,0.5); running stats from"
              " 20 train-mode passes over N(1, 3^2) batches of 16; input: 4 samples, N(0,1)")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    fashionnet()
    bnnet()
