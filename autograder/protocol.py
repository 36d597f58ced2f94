"""What crosses the boundary between the judge and the worker, and how.

Both sides import this file (the worker gets a read-only copy of it), so it depends on nothing
but the standard library and torch.

Data: tensors, numbers, strings, bytes, None, and lists, tuples and dicts (string keys) of those.
It travels as `torch.save` output and is read back with `torch.load(weights_only=True)`, which
rebuilds plain tensors and containers and refuses everything else: nothing the worker sends can
run code in the judge. Tensors travel detached, on the CPU, as plain `torch.Tensor`.

Framing: an 8-byte big-endian length, then the payload.

What the judge reads may not come from `to_data` at all: student code runs in the worker's process,
so it can replace `to_data` or write frames on the channel itself. `loads` and `check_data` are
therefore the judge's own checks, each bounded by the frame's size: a compressed archive (a 262 KB
frame that inflates to 256 MB), a pickle of millions of operations (the weights_only unpickler is
plain Python, about 0.5 s per MB), a list that shares itself (2**25 leaves in 1.4 KB took 150 s to
walk), and tensors that are not plain dense CPU data (an expanded view of 10**12 elements on one
float, sparse, meta, quantized) are all refused before the judge computes anything on them.

torch is imported inside the functions, not at the top: the judge imports this file before it
starts the worker, and imports torch only once the worker is starting (the two imports overlap).
"""
import io
import struct
import zipfile

MAX_FRAME_BYTES = 512 * 1024 * 1024
MAX_PICKLE_BYTES = 8 * 1024 * 1024   # the structure around the tensors; a list of 100,000 floats is 0.9 MB
MAX_VALUES = 1_000_000               # containers, scalars and tensors in one value, shared ones counted each time
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
    """The judge's own check of what it loaded: plain containers (string keys), scalars and plain
    dense CPU tensors, at most MAX_VALUES of them and MAX_FRAME_BYTES of tensor data in all. It
    walks without recursion and counts a shared part each time it is reached, so a value that
    shares itself exponentially (a 1.4 KB frame) stops after MAX_VALUES steps."""
    import torch
    stack, seen, tensor_bytes = [(value, _path)], 0, 0
    while stack:
        v, path = stack.pop()
        seen += 1
        if seen > MAX_VALUES:
            raise NotData(f"{_path} holds more than {MAX_VALUES} values; return bulk data as tensors")
        if type(v) in _SCALARS:
            continue
        if type(v) is torch.Tensor:
            _check_tensor(v, path)
            tensor_bytes += v.numel() * v.element_size()
            if tensor_bytes > MAX_FRAME_BYTES:
                raise NotData(f"{_path} holds more than {MAX_FRAME_BYTES} bytes of tensors")
            continue
        if type(v) in (list, tuple):
            stack.extend((x, f"{path}[{i}]") for i, x in enumerate(v))
            continue
        if type(v) is dict and all(type(k) is str for k in v):
            stack.extend((x, f"{path}[{k!r}]") for k, x in v.items())
            continue
        raise NotData(f"{path}: unexpected {type(v).__name__}")
    return value


def _check_tensor(t, path):
    """A tensor as to_data sends it: dense (strided), contiguous, on the CPU, not quantized, not
    nested, no autograd. Contiguous means its elements are all in its storage, which came in the
    frame: an expanded view (stride 0) of a single number is not."""
    import torch
    kind = ("nested" if t.is_nested else "quantized" if t.is_quantized else
            f"{t.layout} (not strided)" if t.layout is not torch.strided else
            f"{t.device.type} (not cpu)" if t.device.type != "cpu" else None)
    if kind:
        raise NotData(f"{path}: a {kind} tensor; only plain dense CPU tensors can be returned")
    if t.requires_grad or not t.is_contiguous():
        raise NotData(f"{path}: a tensor that requires grad or is not contiguous; to_data sends neither")


def dumps(obj) -> bytes:
    import torch
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


def loads(payload: bytes):
    import torch
    return torch.load(io.BytesIO(payload), weights_only=True, map_location="cpu")


def load_reply(payload: bytes):
    """The judge's reading of a worker's frame: `loads` then `check_data`, after refusing, before
    torch reads anything, an archive with a compressed entry (torch would inflate it to whatever
    size it declares) or a pickle over MAX_PICKLE_BYTES (its structure, parsed in plain Python)."""
    try:
        entries = zipfile.ZipFile(io.BytesIO(payload)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise NotData(f"not a torch.save archive ({exc})") from None
    for entry in entries:
        if entry.compress_type != zipfile.ZIP_STORED:
            raise NotData(f"{entry.filename} is compressed; torch.save never compresses")
        if entry.filename.endswith(".pkl") and entry.file_size > MAX_PICKLE_BYTES:
            raise NotData(f"{entry.file_size} bytes of lists, dicts and numbers (over {MAX_PICKLE_BYTES}); "
                          "return bulk data as tensors")
    return check_data(loads(payload))


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
