#!/usr/bin/python3
"""Golden values for dev.cnn.data.AffineTransform, computed by scipy.ndimage.

Writes data/src/test/resources/golden/affine.txt. Each case builds the inverse affine map the way
Keras' ImageDataGenerator does (apply_affine_transform: rotation @ shift @ shear @ zoom, centred by
transform_matrix_offset_center with o = n/2 - 0.5) and resamples a random float32 image with
scipy.ndimage.affine_transform(order=1, mode=..., cval=...), as Keras does per channel. Our fill
mode WRAP is scipy's 'grid-wrap' (period n, the pattern Keras documents as abcd|abcd|abcd); the
other modes have the same names.

The format is plain text, one case per three lines:
    case NAME MODE CVAL H W THETA_DEG TR TC SHEAR_DEG ZR ZC
    input H*W float32 values (row-major)
    output H*W float64 values
AffineGoldenTest (Java) recomputes the output in float32 and compares within 1e-5.

Regenerate (Debian's scipy; the python on PATH may lack it):
    apt-get install -y python3-scipy
    /usr/bin/python3 data/src/test/python/affine_golden.py
The output is deterministic for a given numpy and scipy; commit it.
"""
import os

import numpy as np
import scipy
from scipy import ndimage

rng = np.random.default_rng(20260501)


def keras_inverse_map(theta, tr, tc, shear, zr, zc, h, w):
    """Keras' apply_affine_transform matrix (rows, cols coordinates), centred at (n - 1) / 2."""
    m = np.eye(3)
    if theta != 0:
        t = np.deg2rad(theta)
        m = m @ np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]])
    if tr != 0 or tc != 0:
        m = m @ np.array([[1, 0, tr], [0, 1, tc], [0, 0, 1]])
    if shear != 0:
        s = np.deg2rad(shear)
        m = m @ np.array([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]])
    if zr != 1 or zc != 1:
        m = m @ np.array([[zr, 0, 0], [0, zc, 0], [0, 0, 1]])
    o_r, o_c = h / 2 - 0.5, w / 2 - 0.5
    offset = np.array([[1, 0, o_r], [0, 1, o_c], [0, 0, 1]])
    reset = np.array([[1, 0, -o_r], [0, 1, -o_c], [0, 0, 1]])
    return offset @ m @ reset


SCIPY_MODE = {"nearest": "nearest", "reflect": "reflect", "constant": "constant", "wrap": "grid-wrap"}


def case(name, mode, cval, h, w, theta, tr, tc, shear, zr, zc):
    x = rng.uniform(-1, 1, size=(h, w)).astype(np.float32)
    a = keras_inverse_map(theta, tr, tc, shear, zr, zc, h, w)
    y = ndimage.affine_transform(x.astype(np.float64), a[:2, :2], a[:2, 2], order=1,
                                 mode=SCIPY_MODE[mode], cval=cval)
    head = f"case {name} {mode} {cval!r} {h} {w} {theta!r} {tr!r} {tc!r} {shear!r} {zr!r} {zc!r}"
    return "\n".join([head,
                      "input " + " ".join(repr(float(v)) for v in x.ravel()),
                      "output " + " ".join(repr(float(v)) for v in y.ravel())])


def main():
    lines = [f"# scipy {scipy.__version__}, numpy {np.__version__}; see data/src/test/python/affine_golden.py"]
    for mode in ["nearest", "reflect", "wrap", "constant"]:
        for i in range(12):
            h, w = int(rng.integers(3, 10)), int(rng.integers(3, 10))
            cval = float(np.float32(rng.uniform(-2, 2))) if mode == "constant" else 0.0
            theta = float(rng.uniform(-180, 180)) if i % 4 != 1 else 0.0
            tr = float(rng.uniform(-0.5, 0.5) * h)
            tc = float(rng.uniform(-0.5, 0.5) * w)
            shear = float(rng.uniform(-60, 60)) if i % 4 != 2 else 0.0
            zr = float(rng.uniform(0.5, 1.6)) if i % 4 != 3 else 1.0
            zc = float(rng.uniform(0.5, 1.6)) if i % 4 != 3 else 1.0
            lines.append(case(f"{mode}-{i}", mode, cval, h, w, theta, tr, tc, shear, zr, zc))
        # exact maps: whole-pixel shifts and a quarter turn (snapping makes them exact in Java)
        lines.append(case(f"{mode}-shift", mode, 0.0, 5, 7, 0.0, 2.0, -3.0, 0.0, 1.0, 1.0))
        if mode != "constant":
            lines.append(case(f"{mode}-zoom-out", mode, 0.0, 6, 6, 0.0, 0.0, 0.0, 0.0, 2.0, 2.0))
    out = os.path.join(os.path.dirname(__file__), "..", "resources", "golden", "affine.txt")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {len(lines) - 1} cases to {os.path.normpath(out)}")


if __name__ == "__main__":
    main()
