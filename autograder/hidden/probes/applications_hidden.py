"""Worker-side probes for the hidden unit-09 suite (the public ones in tests/probes/applications.py
are reused by name). They run the student's code and return data only."""
import torch


def png_pair(genlab, png, key, value):
    """add_png_text, then the student's own read_png_text of the result."""
    out = genlab.applications.add_png_text(png, key, value)
    return {"png": bytes(out), "read": genlab.applications.read_png_text(bytes(out))}


MAX_BYTES = 1 << 20   # a MIDI or PNG file of these tests is a few KB: report the size of anything over 1 MB


def outcomes(genlab, function, calls):
    """genlab.applications.<function>(*args, **kwargs) for each [args, kwargs] in `calls`, each
    reported as data: {"value": result} ({"size": n} instead for bytes over MAX_BYTES) or
    {"raised": exception type name, "message": its text}. NotImplementedError propagates."""
    fn = getattr(genlab.applications, function)
    out = []
    for args, kwargs in calls:
        try:
            value = fn(*args, **(kwargs or {}))
        except NotImplementedError:
            raise
        except Exception as exc:
            out.append({"raised": type(exc).__name__, "message": str(exc)[:300]})
            continue
        if isinstance(value, (bytes, bytearray)) and len(value) > MAX_BYTES:
            out.append({"size": len(value)})
        else:
            out.append({"value": bytes(value) if isinstance(value, bytearray) else value})
    return out


def read_png_text_of_prefixes(genlab, png, lengths):
    """outcomes of read_png_text(png[:k]) for each k in `lengths`, cut here in the worker (an
    empty bytes object cannot cross the protocol: it pickles as a call to bytes())."""
    return outcomes(genlab, "read_png_text", [[[png[:k]], {}] for k in lengths])
