#!/usr/bin/python3
"""Golden trajectories for the optimisers, schedules and gradient clipping of dev.cnn.optim,
computed by PyTorch in float64.

Writes optim/src/test/resources/golden/optim.json with the data of the problems ("problems") and
three sections:

  "optimizers": for each case, the problem, the optimiser and its options (PyTorch's names),
      the learning rate of each of the 20 steps (constant, or changed half-way in a few cases to
      check that the update uses the rate in force), the initial parameters, the loss before each
      step, and every parameter after every step. OptimGoldenTest (Java) replays each case with
      the engine's float64 ops and this module's Optimizer and compares every step.
  "schedules": for each schedule, the base rate and the rate PyTorch's scheduler gives in each
      epoch (epoch e = the rate after e calls of scheduler.step()); for the schedules stepped per
      batch (one-cycle, a warm-up in steps) "steps_per_epoch" is set and "lrs" holds the rate
      before every step.
  "clipping": gradients, max_norm, the total norm clip_grad_norm_ returns and the clipped
      gradients.

Problems (both non-convex, both with several parameter tensors or elements):
  "mlp": a 3-4-2 perceptron with tanh on a fixed batch of 6 samples and mean squared error,
      loss = mean((tanh(X W1^T + b1) W2^T + b2 - Y)^2), parameters W1 [4,3], b1 [4], W2 [2,4], b2 [2];
  "rosenbrock": the 3-dimensional Rosenbrock function of one parameter x [3],
      loss = sum_{i=0,1} 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2, from x = (-1.2, 1.0, 0.5).

Every optimiser option is exercised: SGD momentum, dampening, Nesterov, weight decay; Adam
betas, eps, coupled weight decay, amsgrad; AdamW (decoupled) with the same; RMSprop alpha, eps,
momentum, centered, weight decay; and, for each, weight decay with the one-dimensional parameters
in a group of their own without it (the engine's decayBiasAndNorm(false)). PyTorch's single-tensor (foreach=False) code path is used,
which is the one its documentation writes out as the algorithm.

CosineAnnealingLR is recorded only up to T_max: beyond it PyTorch's rate rises again (it is a
periodic function there), while LrSchedule.cosine holds the minimum, as documented.

Regenerate (Debian's PyTorch; the python on PATH may lack torch):
    apt-get install -y python3-torch
    /usr/bin/python3 optim/src/test/python/optim_golden.py
The output is deterministic for a given PyTorch version; commit the JSON.
"""
import json
import math
import os
import sys
import warnings

import torch

DT = torch.float64
STEPS = 20
torch.manual_seed(20261130)

# ---------------------------------------------------------------------------------- problems

MLP_X = torch.rand(6, 3, dtype=DT) * 2 - 1
MLP_Y = torch.rand(6, 2, dtype=DT) * 2 - 1
MLP_INIT = {
    "w1": torch.rand(4, 3, dtype=DT) * 2 - 1,
    "b1": torch.rand(4, dtype=DT) * 0.2 - 0.1,
    "w2": torch.rand(2, 4, dtype=DT) * 2 - 1,
    "b2": torch.rand(2, dtype=DT) * 0.2 - 0.1,
}
ROSEN_INIT = {"x": torch.tensor([-1.2, 1.0, 0.5], dtype=DT)}


def mlp_loss(p):
    h = torch.tanh(MLP_X @ p["w1"].T + p["b1"])
    out = h @ p["w2"].T + p["b2"]
    return ((out - MLP_Y) ** 2).mean()


def rosen_loss(p):
    x = p["x"]
    a, b = x[:-1], x[1:]
    return (100 * (b - a * a) ** 2 + (1 - a) ** 2).sum()


PROBLEMS = {
    "mlp": (MLP_INIT, mlp_loss),
    "rosenbrock": (ROSEN_INIT, rosen_loss),
}

# ------------------------------------------------------------------------------ optimisers

# (name, optimizer, options without lr, learning rate per problem)
CONFIGS = [
    ("sgd", "sgd", {}, {"mlp": 0.1, "rosenbrock": 1e-4}),
    ("sgd_momentum", "sgd", {"momentum": 0.9}, {"mlp": 0.1, "rosenbrock": 1e-4}),
    ("sgd_momentum_dampening", "sgd", {"momentum": 0.9, "dampening": 0.5}, {"mlp": 0.1, "rosenbrock": 1e-4}),
    ("sgd_nesterov", "sgd", {"momentum": 0.9, "nesterov": True}, {"mlp": 0.1, "rosenbrock": 1e-4}),
    ("sgd_weight_decay", "sgd", {"weight_decay": 0.05}, {"mlp": 0.1, "rosenbrock": 1e-4}),
    ("sgd_momentum_dampening_weight_decay", "sgd", {"momentum": 0.5, "dampening": 0.3, "weight_decay": 0.1},
     {"mlp": 0.1, "rosenbrock": 1e-4}),
    ("sgd_nesterov_weight_decay", "sgd", {"momentum": 0.8, "nesterov": True, "weight_decay": 0.05},
     {"mlp": 0.1, "rosenbrock": 1e-4}),
    ("adam", "adam", {}, {"mlp": 0.01, "rosenbrock": 0.01}),
    ("adam_betas_eps", "adam", {"betas": [0.8, 0.95], "eps": 1e-3}, {"mlp": 0.01, "rosenbrock": 0.01}),
    ("adam_weight_decay", "adam", {"weight_decay": 0.1}, {"mlp": 0.01, "rosenbrock": 0.01}),
    ("adam_amsgrad", "adam", {"amsgrad": True}, {"mlp": 0.01, "rosenbrock": 0.01}),
    ("adam_amsgrad_betas_weight_decay", "adam", {"amsgrad": True, "betas": [0.5, 0.9], "weight_decay": 0.05},
     {"mlp": 0.02, "rosenbrock": 0.02}),
    ("adamw", "adamw", {}, {"mlp": 0.01, "rosenbrock": 0.01}),
    ("adamw_weight_decay", "adamw", {"weight_decay": 0.5}, {"mlp": 0.02, "rosenbrock": 0.02}),
    ("adamw_amsgrad_betas_eps", "adamw", {"amsgrad": True, "betas": [0.7, 0.99], "eps": 1e-4, "weight_decay": 0.1},
     {"mlp": 0.01, "rosenbrock": 0.01}),
    ("rmsprop", "rmsprop", {}, {"mlp": 0.01, "rosenbrock": 0.001}),
    ("rmsprop_alpha_eps", "rmsprop", {"alpha": 0.9, "eps": 1e-3}, {"mlp": 0.01, "rosenbrock": 0.001}),
    ("rmsprop_momentum", "rmsprop", {"momentum": 0.9}, {"mlp": 0.01, "rosenbrock": 0.001}),
    ("rmsprop_centered", "rmsprop", {"centered": True}, {"mlp": 0.01, "rosenbrock": 0.001}),
    ("rmsprop_weight_decay", "rmsprop", {"weight_decay": 0.1}, {"mlp": 0.01, "rosenbrock": 0.001}),
    ("rmsprop_centered_momentum_weight_decay", "rmsprop",
     {"centered": True, "momentum": 0.5, "weight_decay": 0.1, "alpha": 0.95}, {"mlp": 0.01, "rosenbrock": 0.001}),
    # decay_bias_and_norm False: two parameter groups, the one-dimensional parameters (b1, b2; all
    # of Rosenbrock's x) with weight_decay 0
    ("sgd_momentum_weight_decay_not_on_bias", "sgd", {"momentum": 0.9, "weight_decay": 0.1, "decay_bias_and_norm": False},
     {"mlp": 0.1, "rosenbrock": 1e-4}),
    ("adam_weight_decay_not_on_bias", "adam", {"weight_decay": 0.1, "decay_bias_and_norm": False},
     {"mlp": 0.01, "rosenbrock": 0.01}),
    ("adamw_weight_decay_not_on_bias", "adamw", {"weight_decay": 0.5, "decay_bias_and_norm": False},
     {"mlp": 0.02, "rosenbrock": 0.02}),
    ("rmsprop_weight_decay_not_on_bias", "rmsprop", {"weight_decay": 0.1, "decay_bias_and_norm": False},
     {"mlp": 0.01, "rosenbrock": 0.001}),
]
# Cases whose learning rate changes after step 10 (to this fraction of the first rate).
LR_CHANGE = {"sgd_momentum": 0.5, "adamw_weight_decay": 0.25, "rmsprop_centered": 2.0, "adam": 0.1}


def make_optimizer(kind, params, lr, options):
    opts = dict(options)
    if "betas" in opts:
        opts["betas"] = tuple(opts["betas"])
    if not opts.pop("decay_bias_and_norm", True):
        params = [{"params": [p for p in params if p.dim() > 1]},
                  {"params": [p for p in params if p.dim() == 1], "weight_decay": 0.0}]
    if kind == "sgd":
        return torch.optim.SGD(params, lr=lr, foreach=False, **opts)
    if kind == "adam":
        return torch.optim.Adam(params, lr=lr, foreach=False, **opts)
    if kind == "adamw":
        return torch.optim.AdamW(params, lr=lr, foreach=False, **opts)
    if kind == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, foreach=False, **opts)
    raise ValueError(kind)


def encode(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def optimizer_case(name, kind, options, problem, lr):
    init, loss_fn = PROBLEMS[problem]
    params = {k: v.clone().requires_grad_(True) for k, v in init.items()}
    opt = make_optimizer(kind, list(params.values()), lr, options)
    lrs = [lr] * STEPS
    if name in LR_CHANGE:
        lrs = [lr if s < STEPS // 2 else lr * LR_CHANGE[name] for s in range(STEPS)]
    losses, trajectory = [], []
    for s in range(STEPS):
        for group in opt.param_groups:
            group["lr"] = lrs[s]
        opt.zero_grad()
        loss = loss_fn(params)
        loss.backward()
        opt.step()
        losses.append(float(loss))
        trajectory.append({k: encode(v) for k, v in params.items()})
        for k, v in params.items():
            if not torch.isfinite(v).all():
                sys.exit(f"{name} on {problem} diverged at step {s + 1}; lower its learning rate")
    return {
        "name": f"{name}/{problem}",
        "optimizer": kind,
        "options": options,
        "problem": problem,
        "lrs": lrs,
        "initial": {k: encode(v) for k, v in init.items()},
        "losses": losses,
        "steps": trajectory,
    }


# ------------------------------------------------------------------------------- schedules

def lr_sequence(make, base, epochs):
    p = torch.zeros(1, dtype=DT, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base)
    sched = make(opt)
    out = []
    for _ in range(epochs):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return out


S = torch.optim.lr_scheduler
SCHEDULES = [
    # (name, java description, base lr, epochs, factory)
    ("step", {"kind": "step", "step_size": 3, "gamma": 0.5}, 0.1, 12,
     lambda o: S.StepLR(o, step_size=3, gamma=0.5)),
    ("step_one", {"kind": "step", "step_size": 1, "gamma": 0.9}, 0.05, 8,
     lambda o: S.StepLR(o, step_size=1, gamma=0.9)),
    ("exponential", {"kind": "exponential", "gamma": 0.9}, 0.1, 15,
     lambda o: S.ExponentialLR(o, gamma=0.9)),
    ("cosine", {"kind": "cosine", "t_max": 10, "min_factor": 0.0}, 0.1, 11,
     lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.0)),
    ("cosine_min", {"kind": "cosine", "t_max": 7, "min_factor": 0.1}, 0.2, 8,
     lambda o: S.CosineAnnealingLR(o, T_max=7, eta_min=0.02)),
    ("linear_warmup", {"kind": "constant", "warmup": 5, "start_factor": 0.1}, 0.1, 10,
     lambda o: S.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=5)),
    ("warmup_cosine", {"kind": "cosine", "t_max": 10, "min_factor": 0.0, "warmup": 4, "start_factor": 0.25},
     0.1, 15, lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.25, total_iters=4),
                                          S.CosineAnnealingLR(o, T_max=10)], milestones=[4])),
    ("warmup_step", {"kind": "step", "step_size": 2, "gamma": 0.5, "warmup": 3, "start_factor": 0.5},
     0.1, 12, lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.5, total_iters=3),
                                          S.StepLR(o, step_size=2, gamma=0.5)], milestones=[3])),
    ("warmup_exponential", {"kind": "exponential", "gamma": 0.8, "warmup": 2, "start_factor": 0.1},
     0.3, 10, lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=2),
                                          S.ExponentialLR(o, gamma=0.8)], milestones=[2])),
]


def schedule_case(name, spec, base, epochs, make):
    return {"name": name, "spec": spec, "base_lr": base, "lrs": lr_sequence(make, base, epochs)}


# Schedules stepped after every optimiser step (scheduler.step() per batch): "lrs" holds the rate
# before each of epochs * steps_per_epoch steps.
STEP_SCHEDULES = [
    # (name, java description, base lr, epochs, steps per epoch, factory)
    ("one_cycle", {"kind": "one_cycle", "epochs": 3, "pct_start": 0.3, "div_factor": 25.0, "final_div_factor": 1e4},
     0.1, 3, 5, lambda o: S.OneCycleLR(o, max_lr=0.1, epochs=3, steps_per_epoch=5, cycle_momentum=False)),
    ("one_cycle_custom", {"kind": "one_cycle", "epochs": 4, "pct_start": 0.25, "div_factor": 10.0,
                          "final_div_factor": 100.0},
     0.05, 4, 7, lambda o: S.OneCycleLR(o, max_lr=0.05, epochs=4, steps_per_epoch=7, pct_start=0.25, div_factor=10.0,
                                        final_div_factor=100.0, cycle_momentum=False)),
    ("warmup_steps", {"kind": "constant", "warmup_steps": 7, "start_factor": 0.1}, 0.1, 3, 4,
     lambda o: S.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=7)),
]


def step_schedule_case(name, spec, base, epochs, steps, make):
    case = schedule_case(name, spec, base, epochs * steps, make)
    case["steps_per_epoch"] = steps
    return case


# -------------------------------------------------------------------------------- clipping

def clipping_case(name, shapes, scale, max_norm):
    grads = [torch.randn(*s, dtype=DT) * scale for s in shapes]
    params = [torch.zeros(*s, dtype=DT, requires_grad=True) for s in shapes]
    for p, g in zip(params, grads):
        p.grad = g.clone()
    total = torch.nn.utils.clip_grad_norm_(params, max_norm)
    return {
        "name": name,
        "max_norm": max_norm,
        "grads": [encode(g) for g in grads],
        "total_norm": float(total),
        "clipped": [encode(p.grad) for p in params],
    }


CLIPPING = [
    ("clips", [(4, 3), (4,), (2, 4), (2,)], 1.0, 1.0),
    ("clips_hard", [(5, 5), (5,), (3, 2, 2)], 10.0, 0.1),
    ("below_max", [(3, 3), (3,)], 0.1, 5.0),
    ("single", [(7,)], 2.0, 1.5),
]


def main():
    warnings.simplefilter("ignore")  # SequentialLR's step(0) and epoch-argument deprecation notes
    doc = {
        "generator": "optim/src/test/python/optim_golden.py",
        "torch_version": torch.__version__,
        "steps": STEPS,
        "problems": {"mlp": {"x": encode(MLP_X), "y": encode(MLP_Y)}, "rosenbrock": {}},
        "optimizers": [optimizer_case(n, k, o, prob, lrs[prob])
                       for (n, k, o, lrs) in CONFIGS for prob in ("mlp", "rosenbrock")],
        "schedules": [schedule_case(*s) for s in SCHEDULES] + [step_schedule_case(*s) for s in STEP_SCHEDULES],
        "clipping": [clipping_case(*c) for c in CLIPPING],
    }
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden", "optim.json")
    out = os.path.normpath(out)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    # Compact JSON, one case per line (the numbers are most of the file).
    with open(out, "w") as f:
        f.write("{\n")
        head = [k for k in doc if not isinstance(doc[k], list)]
        for k in head:
            f.write(f" {json.dumps(k)}: {json.dumps(doc[k], separators=(',', ':'))},\n")
        lists = [k for k in doc if isinstance(doc[k], list)]
        for i, k in enumerate(lists):
            f.write(f" {json.dumps(k)}: [\n")
            f.write(",\n".join("  " + json.dumps(c, separators=(",", ":")) for c in doc[k]))
            f.write("\n ]" + ("," if i + 1 < len(lists) else "") + "\n")
        f.write("}\n")
    print(f"wrote {out}: {len(doc['optimizers'])} optimiser cases, {len(doc['schedules'])} schedules,"
          f" {len(doc['clipping'])} clipping cases (torch {torch.__version__})")


if __name__ == "__main__":
    main()
