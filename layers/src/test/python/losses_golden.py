#!/usr/bin/python3
"""Golden values for the losses of dev.cnn.layers, computed by PyTorch.

Writes layers/src/test/resources/golden/losses.json: for each case, the loss and its options,
the inputs (logits and labels, or input and target), the loss value, a probe v shaped like the
value (1 for a scalar loss, random for reduction NONE), and the gradient of sum(v * loss) with
respect to the logits (the input). LossesGoldenTest (Java) recomputes both in float32.

Inputs are drawn in float32 (so Java reads exactly the same numbers) and PyTorch computes in
float64 from them, so the reference values carry no float32 rounding of their own.

Where PyTorch has the loss, it is called directly: F.cross_entropy (weight, label_smoothing,
reduction 'none'/'sum'/'mean'), F.binary_cross_entropy_with_logits (pos_weight) and F.mse_loss.
What PyTorch lacks is written out here from reduction='none', and says so in its case name:
  - per-sample weights s (cross-entropy and focal): NONE s_i l_i, SUM sum_i s_i l_i,
    MEAN sum_i s_i l_i / sum_i s_i w_{y_i}, BATCH_MEAN sum_i s_i l_i / N;
  - BATCH_MEAN without sample weights: sum_i l_i / N (Keras' class_weight semantics);
  - focal loss, FL_i = -alpha_{y_i} (1 - p_{i,y_i})^gamma log p_{i,y_i} (Lin et al. 2017),
    with the same reductions, alpha in the role of the class weights w.
For BCE and MSE, BATCH_MEAN is PyTorch's 'mean' (every element has weight 1).

Regenerate (Debian's PyTorch; the python on PATH may lack torch):
    apt-get install -y python3-torch
    /usr/bin/python3 layers/src/test/python/losses_golden.py
The output is deterministic for a given PyTorch version; commit the JSON.
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

torch.manual_seed(20261129)
DT = torch.float64


def tensor(*shape, lo=-1.0, hi=1.0):
    """Uniform float32 values in [lo, hi), held in float64."""
    return (torch.rand(tuple(shape), dtype=torch.float32) * (hi - lo) + lo).to(DT)


def labels(n, k):
    return torch.randint(0, k, (n,))


def encode(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def floats(t):
    return None if t is None else [float(v) for v in t.tolist()]


def reduce_weighted(per_sample, reduction, divisor_weights):
    """per_sample: s_i l_i [N]; divisor_weights: s_i w_{y_i} [N] (the MEAN divisor's terms)."""
    if reduction == "NONE":
        return per_sample
    if reduction == "SUM":
        return per_sample.sum()
    if reduction == "MEAN":
        return per_sample.sum() / divisor_weights.sum()
    if reduction == "BATCH_MEAN":
        return per_sample.sum() / per_sample.shape[0]
    raise ValueError(reduction)


CASES = []


def record(name, loss, params, fn, x, inputs):
    """Runs fn(x) in float64 and records the value and d sum(v * value) / dx."""
    leaf = x.clone().requires_grad_(True)
    out = fn(leaf)
    v = torch.ones((), dtype=DT) if out.dim() == 0 else tensor(*out.shape)
    (out * v).sum().backward()
    CASES.append({
        "name": name,
        "loss": loss,
        "params": params,
        "inputs": inputs,
        "output": encode(out),
        "probe": encode(v),
        "grad": encode(leaf.grad),
    })


# ---------------------------------------------------------------- cross-entropy
def ce_case(name, n, k, reduction, weight=False, smoothing=0.0, sample_weights=False, scale=3.0):
    x = tensor(n, k, lo=-scale, hi=scale)
    y = labels(n, k)
    w = tensor(k, lo=0.2, hi=2.0) if weight else None
    s = tensor(n, lo=0.0, hi=2.0) if sample_weights else None
    by_hand = sample_weights or reduction == "BATCH_MEAN"

    def fn(z):
        if not by_hand:
            return F.cross_entropy(z, y, weight=w, label_smoothing=smoothing, reduction=reduction.lower())
        per = F.cross_entropy(z, y, weight=w, label_smoothing=smoothing, reduction="none")
        sw = s if s is not None else torch.ones(n, dtype=DT)
        wy = w[y] if w is not None else torch.ones(n, dtype=DT)
        return reduce_weighted(sw * per, reduction, sw * wy)

    params = {"reduction": reduction, "classWeights": floats(w), "labelSmoothing": smoothing,
              "sampleWeights": floats(s)}
    record(name, "cross_entropy", params, fn, x, {"logits": encode(x), "labels": y.tolist()})


ce_case("ce_plain_mean", 4, 5, "MEAN")
ce_case("ce_plain_sum", 3, 4, "SUM")
ce_case("ce_plain_none", 5, 3, "NONE")
ce_case("ce_plain_batch_mean_by_hand", 4, 3, "BATCH_MEAN")
ce_case("ce_large_logits_mean", 3, 4, "MEAN", scale=40.0)
ce_case("ce_weight_mean", 6, 4, "MEAN", weight=True)
ce_case("ce_weight_sum", 4, 5, "SUM", weight=True)
ce_case("ce_weight_none", 5, 3, "NONE", weight=True)
ce_case("ce_weight_batch_mean_by_hand", 6, 4, "BATCH_MEAN", weight=True)
ce_case("ce_smoothing_mean", 4, 5, "MEAN", smoothing=0.1)
ce_case("ce_smoothing_none", 3, 6, "NONE", smoothing=0.25)
ce_case("ce_weight_smoothing_mean", 7, 4, "MEAN", weight=True, smoothing=0.2)
ce_case("ce_weight_smoothing_sum", 5, 3, "SUM", weight=True, smoothing=0.3)
ce_case("ce_weight_smoothing_none", 4, 5, "NONE", weight=True, smoothing=0.15)
ce_case("ce_weight_smoothing_batch_mean_by_hand", 5, 4, "BATCH_MEAN", weight=True, smoothing=0.1)
ce_case("ce_sample_weights_mean_by_hand", 5, 4, "MEAN", sample_weights=True)
ce_case("ce_sample_weights_weight_smoothing_mean_by_hand", 6, 3, "MEAN", weight=True, smoothing=0.1,
        sample_weights=True)
ce_case("ce_sample_weights_weight_sum_by_hand", 4, 5, "SUM", weight=True, sample_weights=True)
ce_case("ce_sample_weights_weight_none_by_hand", 4, 3, "NONE", weight=True, sample_weights=True)
ce_case("ce_sample_weights_weight_batch_mean_by_hand", 5, 4, "BATCH_MEAN", weight=True, sample_weights=True)


# ---------------------------------------------------------------- focal loss (written out)
def focal_case(name, n, k, gamma, reduction, alpha=False, sample_weights=False, scale=3.0):
    x = tensor(n, k, lo=-scale, hi=scale)
    y = labels(n, k)
    a = tensor(k, lo=0.1, hi=1.0) if alpha else None
    s = tensor(n, lo=0.0, hi=2.0) if sample_weights else None

    def fn(z):
        log_p = F.log_softmax(z, 1).gather(1, y[:, None]).squeeze(1)
        ay = a[y] if a is not None else torch.ones(n, dtype=DT)
        fl = -ay * (1 - log_p.exp()) ** gamma * log_p
        sw = s if s is not None else torch.ones(n, dtype=DT)
        return reduce_weighted(sw * fl, reduction, sw * ay)

    params = {"reduction": reduction, "gamma": gamma, "alpha": floats(a), "sampleWeights": floats(s)}
    record(name, "focal", params, fn, x, {"logits": encode(x), "labels": y.tolist()})


focal_case("focal_gamma2_mean", 5, 4, 2.0, "MEAN")
focal_case("focal_gamma2_alpha_mean", 6, 3, 2.0, "MEAN", alpha=True)
focal_case("focal_gamma0_5_alpha_sum", 4, 5, 0.5, "SUM", alpha=True)
focal_case("focal_gamma1_5_none", 4, 4, 1.5, "NONE")
focal_case("focal_gamma3_alpha_batch_mean", 5, 3, 3.0, "BATCH_MEAN", alpha=True)
focal_case("focal_gamma2_alpha_sample_weights_mean", 5, 4, 2.0, "MEAN", alpha=True, sample_weights=True)
focal_case("focal_gamma1_alpha_sample_weights_none", 4, 3, 1.0, "NONE", alpha=True, sample_weights=True)
focal_case("focal_gamma2_confident_mean", 4, 3, 2.0, "MEAN", scale=12.0)


# ---------------------------------------------------------------- binary cross-entropy from logits
def bce_case(name, shape, reduction, pos_weight=None, soft=False):
    x = tensor(*shape, lo=-4, hi=4)
    t = tensor(*shape, lo=0, hi=1) if soft else torch.randint(0, 2, shape).to(DT)
    if pos_weight == "scalar":
        pw = tensor(1, lo=0.5, hi=4.0)
        pw_param = float(pw[0])
    elif pos_weight == "per_class":
        pw = tensor(shape[-1], lo=0.2, hi=4.0)
        pw_param = floats(pw)
    else:
        pw, pw_param = None, None
    torch_reduction = "mean" if reduction == "BATCH_MEAN" else reduction.lower()

    def fn(z):
        return F.binary_cross_entropy_with_logits(z, t, pos_weight=pw, reduction=torch_reduction)

    record(name, "bce", {"reduction": reduction, "posWeight": pw_param}, fn, x,
           {"logits": encode(x), "target": encode(t)})


bce_case("bce_plain_mean", (4, 3), "MEAN")
bce_case("bce_soft_targets_sum", (3, 5), "SUM", soft=True)
bce_case("bce_pos_weight_scalar_mean", (5, 2), "MEAN", pos_weight="scalar")
bce_case("bce_pos_weight_per_class_mean", (6, 4), "MEAN", pos_weight="per_class")
bce_case("bce_pos_weight_per_class_none", (3, 4), "NONE", pos_weight="per_class", soft=True)
bce_case("bce_pos_weight_per_class_3d_sum", (2, 3, 4), "SUM", pos_weight="per_class")
bce_case("bce_pos_weight_scalar_batch_mean", (4, 3), "BATCH_MEAN", pos_weight="scalar", soft=True)
bce_case("bce_vector_mean", (7,), "MEAN")


# ---------------------------------------------------------------- mean squared error
def mse_case(name, shape, reduction):
    x = tensor(*shape, lo=-2, hi=2)
    t = tensor(*shape, lo=-2, hi=2)
    torch_reduction = "mean" if reduction == "BATCH_MEAN" else reduction.lower()
    record(name, "mse", {"reduction": reduction}, lambda z: F.mse_loss(z, t, reduction=torch_reduction), x,
           {"logits": encode(x), "target": encode(t)})


mse_case("mse_mean", (4, 3), "MEAN")
mse_case("mse_sum_4d", (2, 3, 2, 2), "SUM")
mse_case("mse_none", (3, 2), "NONE")
mse_case("mse_batch_mean", (5,), "BATCH_MEAN")


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden", "losses.json")
    out = os.path.normpath(out)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    doc = {"generator": "layers/src/test/python/losses_golden.py", "torch": torch.__version__,
           "grad": "d sum(probe * output) / d logits", "cases": CASES}
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=None, separators=(",", ":"))
        f.write("\n")
    os.replace(tmp, out)
    print("wrote %d cases to %s" % (len(CASES), out), file=sys.stderr)


if __name__ == "__main__":
    main()
