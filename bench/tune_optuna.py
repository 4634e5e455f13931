#!/usr/bin/env python3
"""Optuna's side of bench/tune-vs-optuna.sh: the same test functions, budget and seeds as
dev.cnn.tune.TuneBenchmark, one JSON line per seed in the same format.

    /usr/bin/python3 bench/tune_optuna.py --function branin --sampler tpe --budget 30 --seeds 20
"""
import argparse
import json
import math
import random

import optuna

HARTMANN_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8],
              [17, 8, 0.05, 10, 0.1, 14]]
HARTMANN_P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
              [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]
HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2]


def branin(x):
    x1, x2 = x
    b, c, r, s, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 6, 10, 1 / (8 * math.pi)
    return (x2 - b * x1 ** 2 + c * x1 - r) ** 2 + s * (1 - t) * math.cos(x1) + s


def hartmann6(x):
    total = 0.0
    for i in range(4):
        inner = sum(HARTMANN_A[i][j] * (x[j] - HARTMANN_P[i][j] * 1e-4) ** 2 for j in range(6))
        total -= HARTMANN_ALPHA[i] * math.exp(-inner)
    return total


def rosenbrock4_scaled(x):
    """Picheny et al.'s rescaled 4-D Rosenbrock on [0, 1]^4 (as dev.cnn.tune.TestFunctions.NOISY4)."""
    z = [15 * v - 5 for v in x]
    s = sum(100 * (z[i + 1] - z[i] ** 2) ** 2 + (1 - z[i]) ** 2 for i in range(3))
    return (s - 3.827e5) / 3.755e5


NOISY4_SD = 0.1

FUNCTIONS = {
    "branin": (branin, [(-5, 10), (0, 15)], 0.397887, 0.0),
    "hartmann6": (hartmann6, [(0, 1)] * 6, -3.32237, 0.0),
    "noisy4": (rosenbrock4_scaled, [(0, 1)] * 4, -3.827e5 / 3.755e5, NOISY4_SD),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--function", required=True)
    ap.add_argument("--sampler", choices=["tpe", "random"], required=True)
    ap.add_argument("--budget", type=int, default=30)
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--first-seed", type=int, default=0)
    a = ap.parse_args()
    f, bounds, minimum, noise = FUNCTIONS[a.function]
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    for seed in range(a.first_seed, a.first_seed + a.seeds):
        sampler = optuna.samplers.TPESampler(seed=seed) if a.sampler == "tpe" else optuna.samplers.RandomSampler(seed)
        rng = random.Random(seed)
        clean = {}

        def objective(t):
            x = [t.suggest_float(f"x{i + 1}", lo, hi) for i, (lo, hi) in enumerate(bounds)]
            clean[t.number] = f(x)
            return clean[t.number] + noise * rng.gauss(0, 1)

        study = optuna.create_study(sampler=sampler, direction="minimize")
        study.optimize(objective, n_trials=a.budget)
        # Best so far by the observed (noisy) value; its regret by the noise-free value of that point.
        best_seen, best_clean, by_eval = math.inf, math.inf, []
        for t in study.trials:
            if t.value < best_seen:
                best_seen, best_clean = t.value, clean[t.number]
            by_eval.append(best_clean)
        print(json.dumps({"function": a.function, "sampler": "optuna-" + a.sampler, "seed": seed,
                          "best_by_eval": by_eval, "regret_by_eval": [b - minimum for b in by_eval]}))


if __name__ == "__main__":
    main()
