#!/usr/bin/python3
"""The PyTorch side of PyTorchConverterTest (Java): writes, into the directory given,

  fashionnet.pt        torch.save(model.state_dict()) of the reference FashionNet (seed 20261203)
  checkpoint.pth       a training checkpoint: {"epoch", "model_state_dict", "optimizer_state_dict"}
                       after two Adam steps (so the weights are not the initial ones)
  whole_model.pt       torch.save(model) (a pickled nn.Module, which the converter refuses
                       without --allow-pickle)
  fashionnet.json, checkpoint.json   an input batch and the float64 eval-mode logits of each

The test converts the .pt files with tools/pt2safetensors.py, imports them with
ModelFiles.importPyTorch and compares the logits. Run with /usr/bin/python3 (Debian's PyTorch).
"""
import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_models import encode, fashionnet_module, float64_logits  # noqa: E402


def reference(out, name, model, x):
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump({"model": name, "input": encode(x.double()), "logits": encode(float64_logits(model, x))}, f)


def main(out):
    torch.manual_seed(20261203)
    model = fashionnet_module()
    x = torch.rand(2, 1, 28, 28, dtype=torch.float32)
    torch.save(model.state_dict(), os.path.join(out, "fashionnet.pt"))
    reference(out, "fashionnet", model, x)

    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    model.train()
    for _ in range(2):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(torch.rand(8, 1, 28, 28)), torch.randint(0, 10, (8,)))
        loss.backward()
        opt.step()
    torch.save({"epoch": 1, "model_state_dict": model.state_dict(), "optimizer_state_dict": opt.state_dict()},
               os.path.join(out, "checkpoint.pth"))
    reference(out, "checkpoint", model, x)
    torch.save(model, os.path.join(out, "whole_model.pt"))


if __name__ == "__main__":
    main(sys.argv[1])
