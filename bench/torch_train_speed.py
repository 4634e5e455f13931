#!/usr/bin/python3
"""PyTorch twin of dev.cnn.bench.TrainSpeed: how fast PyTorch trains the reference FashionNet.

Same model (Conv 1->32 3x3 pad 1, ReLU, MaxPool 2; Conv 32->64 3x3 pad 1, ReLU, MaxPool 2;
Flatten; Linear 3136->128, ReLU, Dropout 0.5; Linear 128->10), loss (mean cross-entropy),
optimiser (Adam, lr 1e-3), batch (64), data (60,000 random 8-bit 1x28x28 images and labels,
converted to float / 255 a batch at a time in a shuffled order), and measurement (warm-up steps,
then each timed step timed on its own; images/s over the timed steps; inference in batches of
256 in eval mode under torch.no_grad()). Prints the same keys as TrainSpeed, as text or one JSON
object (--json).

Run with Debian's python3-torch (/usr/bin/python3). Threads: --threads T calls
torch.set_num_threads(T); bench/train-speed.sh also sets OPENBLAS_NUM_THREADS=1 and
OMP_NUM_THREADS=T.
"""
import argparse
import json
import statistics
import sys
import time

import torch
import torch.nn as nn

EPOCH_IMAGES = 60_000


def fashionnet(classes=10):
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(128, classes))


def percentile(values, p):
    s = sorted(values)
    rank = p / 100 * (len(s) - 1)
    lo, hi = int(rank), min(int(rank) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (rank - lo)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=torch.get_num_threads())
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--warmup", type=int, default=40)
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--epoch", action="store_true", help="time one whole epoch instead of --steps steps")
    ap.add_argument("--infer-batch", type=int, default=256)
    ap.add_argument("--infer-batches", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    o = ap.parse_args()

    torch.set_num_threads(o.threads)
    torch.manual_seed(o.seed)
    g = torch.Generator().manual_seed(o.seed)
    images = torch.randint(0, 256, (EPOCH_IMAGES, 1, 28, 28), dtype=torch.uint8, generator=g)
    labels = torch.randint(0, 10, (EPOCH_IMAGES,), generator=g)

    model = fashionnet()
    adam = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    model.train()

    state = {"order": torch.randperm(EPOCH_IMAGES, generator=g), "position": 0}

    def restart():
        state["order"] = torch.randperm(EPOCH_IMAGES, generator=g)
        state["position"] = 0

    def step():
        if state["position"] == EPOCH_IMAGES:
            restart()
        n = min(o.batch, EPOCH_IMAGES - state["position"])
        idx = state["order"][state["position"]:state["position"] + n]
        state["position"] += n
        x = images[idx].float().div_(255)
        y = labels[idx]
        adam.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        adam.step()
        return loss.item()

    for _ in range(o.warmup):
        step()
    steps = (EPOCH_IMAGES + o.batch - 1) // o.batch if o.epoch else o.steps
    if o.epoch:
        restart()
    millis, losses = [], []
    start = time.perf_counter()
    for _ in range(steps):
        t0 = time.perf_counter()
        losses.append(step())
        millis.append((time.perf_counter() - t0) * 1e3)
    total = time.perf_counter() - start
    trained = EPOCH_IMAGES if o.epoch else o.batch * steps
    rate = trained / total

    model.eval()
    b = o.infer_batch
    batches = EPOCH_IMAGES // b
    warm = 5
    with torch.no_grad():
        for i in range(warm + o.infer_batches):
            if i == warm:
                t0 = time.perf_counter()
            j = i % batches
            model(images[j * b:(j + 1) * b].float().div_(255))
        infer = b * o.infer_batches / (time.perf_counter() - t0)

    r = {
        "engine": "pytorch",
        "version": torch.__version__,
        "kernels": "mkldnn %s, interop threads %d" % (torch.backends.mkldnn.is_available(), torch.get_num_interop_threads()),
        "data": "synthetic: %d random images 1x28x28, 10 classes, seed %d" % (EPOCH_IMAGES, o.seed),
        "threads": o.threads,
        "batch": o.batch,
        "warmup_steps": o.warmup,
        "steps": steps,
        "ms_per_step_median": statistics.median(millis),
        "ms_per_step_mean": statistics.fmean(millis),
        "ms_per_step_p10": percentile(millis, 10),
        "ms_per_step_p90": percentile(millis, 90),
        "images_per_s": rate,
        "epoch_s_estimate": EPOCH_IMAGES / rate,
        "epoch_s": total if o.epoch else None,
        "infer_batch": b,
        "infer_images_per_s": infer,
        "alloc_mb_per_step": None,
        "gc_ms_per_step": None,
        "gc_count": None,
        "first_loss": losses[0],
        "last_loss": losses[-1],
    }
    if o.json:
        print(json.dumps(r))
        return
    print("FashionNet training, PyTorch %s, %d thread(s), batch %d" % (torch.__version__, o.threads, o.batch))
    print("step: median %.2f ms, mean %.2f ms (p10 %.2f, p90 %.2f) over %d steps after %d warm-up steps" % (
        r["ms_per_step_median"], r["ms_per_step_mean"], r["ms_per_step_p10"], r["ms_per_step_p90"], steps, o.warmup))
    print("training: %.0f images/s, epoch of %d images: %.1f s%s" % (
        rate, EPOCH_IMAGES, r["epoch_s_estimate"], " (measured: %.1f s)" % total if o.epoch else " (estimate)"))
    print("inference, batch %d: %.0f images/s" % (b, infer))
    print("loss: %.4f first timed step, %.4f last" % (losses[0], losses[-1]))


if __name__ == "__main__":
    sys.exit(main())
