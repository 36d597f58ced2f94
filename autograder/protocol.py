"""What crosses the boundary between the judge and the worker, and how.

Both sides import this file (the worker gets a read-only copy of it), so it depends on nothing
but the standard library and torch.

Data: tensors, numbers, strings, bytes, None, and lists, tuples and dicts (string keys) of those.
It travels as `torch.save` output and is read back with `torch.load(weights_only=True)`, which
rebuilds plain tensors and containers and refuses everything else: nothing the worker sends can
run code in the judge. Tensors travel detached, on the CPU, as plain `torch.Tensor`.

Framing: an 8-byte big-endian length, then the payload.

torch is imported inside the functions, not at the top: the judge imports this file before it
starts the worker, and imports torch only once the worker is starting (the two imports overlap).
"""
import io
import struct

MAX_FRAME_BYTES = 512 * 1024 * 1024
_HEADER = struct.Struct(">Q")

_SCALARS = (bool, int, float, str, bytes, type(None))


class NotData(TypeError):
    """A value that cannot cross the boundary (a module, a generator, a custom object...)."""


def to_data(value, _path="result"):
    """Return `value` as plain data, or raise NotData naming where the offending part is."""
    import torch
    if type(value) in _SCALARS:
        return value
    if isinstance(value, torch.Tensor):
        # A subclass could override __eq__ or __torch_function__: send only the numbers.
        t = torch.Tensor._make_subclass(torch.Tensor, value.detach()) if type(value) is not torch.Tensor else value.detach()
        return t.to("cpu").clone().contiguous()
    if type(value) in (list, tuple):
        return type(value)(to_data(v, f"{_path}[{i}]") for i, v in enumerate(value))
    if type(value) is dict:
        out = {}
        for k, v in value.items():
            if type(k) is not str:
                raise NotData(f"{_path} has a key of type {type(k).__name__}; only string keys can be returned")
            out[k] = to_data(v, f"{_path}[{k!r}]")
        return out
    if hasattr(value, "_asdict") and isinstance(value, tuple):  # a namedtuple: keep its values
        return tuple(to_data(v, f"{_path}[{i}]") for i, v in enumerate(value))
    raise NotData(f"{_path} is a {type(value).__module__}.{type(value).__qualname__}; "
                  "expected a tensor, a number, a string, or a list/tuple/dict of those")


def check_data(value, _path="result"):
    """The judge's own check of what it loaded (belt and braces after weights_only)."""
    import torch
    if type(value) in _SCALARS or type(value) is torch.Tensor:
        return value
    if type(value) in (list, tuple):
        for i, v in enumerate(value):
            check_data(v, f"{_path}[{i}]")
        return value
    if type(value) is dict and all(type(k) is str for k in value):
        for k, v in value.items():
            check_data(v, f"{_path}[{k!r}]")
        return value
    raise NotData(f"{_path}: unexpected {type(value).__name__}")


def dumps(obj) -> bytes:
    import torch
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


def loads(payload: bytes):
    import torch
    return torch.load(io.BytesIO(payload), weights_only=True, map_location="cpu")


def write_frame(stream, payload: bytes):
    stream.write(_HEADER.pack(len(payload)))
    stream.write(payload)
    stream.flush()


def read_exact(stream, n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            raise EOFError("the other side closed the channel")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def read_frame(stream) -> bytes:
    (n,) = _HEADER.unpack(read_exact(stream, _HEADER.size))
    if n > MAX_FRAME_BYTES:
        raise ValueError(f"frame of {n} bytes is over the {MAX_FRAME_BYTES}-byte limit")
    return read_exact(stream, n)
