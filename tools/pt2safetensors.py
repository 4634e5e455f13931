#!/usr/bin/python3
"""Converts a PyTorch checkpoint (.pt, .pth) to safetensors, for ModelFiles.importPyTorch.

    /usr/bin/python3 tools/pt2safetensors.py model.pt model.safetensors
    /usr/bin/python3 tools/pt2safetensors.py checkpoint.pth model.safetensors --key model_state_dict
    /usr/bin/python3 tools/pt2safetensors.py whole_model.pt model.safetensors --allow-pickle

Needs only PyTorch (Debian: apt-get install python3-torch; run it with /usr/bin/python3, the
python on PATH may lack torch). Debian has no Python `safetensors` package, so the file is written
here by hand, in the format's documented layout: an 8-byte little-endian header length, a JSON
header ({"__metadata__": {...}, NAME: {"dtype", "shape", "data_offsets"}, ...}, names sorted,
padded with spaces to a multiple of 8 bytes), then each tensor's raw little-endian bytes.

What the input may hold:
  * a state dict (what `torch.save(model.state_dict(), path)` writes), or
  * a dict holding one under --key, or under the first of "state_dict", "model_state_dict",
    "model" found (the usual training checkpoints), or
  * with --allow-pickle only, a whole nn.Module (`torch.save(model, path)`).
By default the file is loaded with `torch.load(..., weights_only=True)`, which refuses arbitrary
pickled objects: loading a pickle can run code, so --allow-pickle is for files you trust. (PyTorch
1.13's safe loader also refuses plain floats, so a training checkpoint that records its loss or
learning rate needs --allow-pickle there.)

Tensors are written as float32 (F32; float16 and bfloat16 are widened), float64 (F64) or int64
(I64, e.g. batch norm's num_batches_tracked, which the import skips). Other entries of the state
dict are skipped with a note on stderr. The output is written to a temporary file beside it and
renamed into place, so an interrupted run leaves no half-written file.
"""
import argparse
import json
import os
import struct
import sys
import tempfile

import torch

DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}
WIDENED = (torch.float16, torch.bfloat16)
STATE_KEYS = ("state_dict", "model_state_dict", "model")


def save_safetensors(state, path, metadata):
    """Writes a dict of name -> tensor in the safetensors layout (see the module docstring), atomically.

    The data goes in the dict's order while the header lists the names sorted."""
    header = {}
    chunks = []
    offset = 0
    for name, t in state.items():
        t = t.detach().contiguous().cpu()
        if t.dtype not in DTYPES:
            raise ValueError(f"tensor '{name}' is {t.dtype}; expected one of {sorted(str(d) for d in DTYPES)}")
        # numpy's '<' byte order makes the bytes little-endian on any machine.
        data = t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    ordered = {"__metadata__": {k: str(v) for k, v in metadata.items()}}
    for name in sorted(header):
        ordered[name] = header[name]
    text = json.dumps(ordered, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".pt2safetensors-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(struct.pack("<Q", len(text)))
            f.write(text)
            for data in chunks:
                f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def state_dict_of(obj, key, source):
    """The state dict inside what torch.load returned (see the module docstring)."""
    if isinstance(obj, torch.nn.Module):
        return obj.state_dict()
    if not isinstance(obj, dict):
        raise ValueError(f"{source} holds a {type(obj).__name__}, not a state dict or a checkpoint dict")
    if key is not None:
        if key not in obj:
            raise ValueError(f"{source} has no key '{key}'; its keys are {sorted(map(str, obj))}")
        return state_dict_of(obj[key], None, f"{source}[{key!r}]")
    if any(torch.is_tensor(v) for v in obj.values()):
        return obj
    for k in STATE_KEYS:
        if k in obj:
            return state_dict_of(obj[k], None, f"{source}[{k!r}]")
    raise ValueError(f"{source} holds no tensors and none of the keys {list(STATE_KEYS)}; its keys are"
                     f" {sorted(map(str, obj))}: name the one that holds the state dict with --key")


def convert(source, target, key=None, allow_pickle=False):
    """Converts source (.pt) to target (.safetensors); returns the names written, in order."""
    try:
        obj = torch.load(source, map_location="cpu", weights_only=not allow_pickle)
    except Exception as e:  # torch raises UnpicklingError (or others) for objects weights_only refuses
        if allow_pickle:
            raise
        raise ValueError(f"{source}: torch.load(weights_only=True) refused it ({type(e).__name__}: {e}). If you"
                         " trust the file (a whole model, or a checkpoint holding more than tensors: PyTorch 1.13's"
                         " safe loader rejects even plain floats), add --allow-pickle") from e
    state = {}
    for name, value in state_dict_of(obj, key, source).items():
        if not torch.is_tensor(value):
            print(f"pt2safetensors: skipping '{name}': a {type(value).__name__}, not a tensor", file=sys.stderr)
            continue
        if value.dtype in WIDENED:
            value = value.float()
        elif value.dtype not in DTYPES:
            print(f"pt2safetensors: skipping '{name}': dtype {value.dtype}", file=sys.stderr)
            continue
        state[name] = value
    if not state:
        raise ValueError(f"{source}: no tensors to write")
    save_safetensors(state, target, {"format": "pt", "source": os.path.basename(source)})
    return list(state)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Convert a PyTorch .pt/.pth state dict to safetensors"
                                             " (for ModelFiles.importPyTorch).")
    ap.add_argument("source", help="the .pt or .pth file")
    ap.add_argument("target", help="the .safetensors file to write")
    ap.add_argument("--key", help="the checkpoint key that holds the state dict (default: the dict itself, or"
                                  " the first of " + ", ".join(STATE_KEYS) + ")")
    ap.add_argument("--allow-pickle", action="store_true",
                    help="load arbitrary pickled objects (a whole nn.Module): only for files you trust")
    o = ap.parse_args(argv)
    if not os.path.isfile(o.source):
        ap.error(f"{o.source}: no such file")
    try:
        names = convert(o.source, o.target, o.key, o.allow_pickle)
    except ValueError as e:
        print(f"pt2safetensors: {e}", file=sys.stderr)
        return 1
    print(f"wrote {o.target}: {len(names)} tensors ({', '.join(names[:4])}{', ...' if len(names) > 4 else ''})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
