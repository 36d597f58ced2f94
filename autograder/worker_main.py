"""The worker: the only process that runs student code.

Started by `autograder.worker.SandboxWorker` as

    python worker_main.py SUBMISSION_DIR PROBE_DIR [PROBE_DIR ...]

(inside bubblewrap where available). It reads requests from stdin and answers on stdout, one
frame each (see protocol.py); everything the student prints goes to stderr, which the judge keeps
only the tail of. It imports only the standard library, torch and protocol.py until a request
asks for a student module.

Requests:  {"op": "import", "module": "vae"}
           {"op": "call",  "target": "vae.gaussian_kl", "args": [...], "kwargs": {...}, "seed": int}
           {"op": "probe", "target": "vae.reparameterize_grads", "kwargs": {...}, "seed": int}
           any of these with "isolated": True runs in a forked copy of the worker (serve_in_a_copy)
Answers:   {"ok": True, "value": data}  or
           {"ok": False, "type": "NotImplementedError", "message": str, "traceback": str}
"""
import importlib
import os
import random
import resource
import sys
import traceback

# ---- the channel: keep the real stdin/stdout for frames, send prints to stderr ----------------
_channel_in = os.fdopen(os.dup(0), "rb", buffering=0)
_channel_out = os.fdopen(os.dup(1), "wb")
_devnull = os.open(os.devnull, os.O_RDONLY)
os.dup2(_devnull, 0)
os.dup2(2, 1)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import probe_loader  # noqa: E402  (the copies next to this file)
import protocol  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)  # small ops on 2 cores: one thread was ~5x faster than two

# ---- limits: set before any student code runs; an unprivileged process cannot raise them ------
_MB = 1024 * 1024
_LIMITS = {
    "RLIMIT_AS": int(os.environ.get("GENLAB_WORKER_MEMORY_MB", "6144")) * _MB,
    "RLIMIT_FSIZE": 64 * _MB,
    "RLIMIT_NPROC": 256,
    "RLIMIT_CORE": 0,
    "RLIMIT_CPU": int(os.environ.get("GENLAB_WORKER_CPU_S", "900")),
}
for _name, _value in _LIMITS.items():
    _soft, _hard = resource.getrlimit(getattr(resource, _name))
    _value = _value if _hard == resource.RLIM_INFINITY else min(_value, _hard)
    try:
        resource.setrlimit(getattr(resource, _name), (_value, _value))
    except (ValueError, OSError):
        pass

SUBMISSION = os.path.abspath(sys.argv[1])
PROBE_DIRS = [os.path.abspath(p) for p in sys.argv[2:]]
sys.path.insert(0, SUBMISSION)


def student_traceback(exc):
    """The traceback trimmed to frames in the submission, plus the exception line."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(SUBMISSION)]
    text = "".join(traceback.format_list(frames)) + "".join(traceback.format_exception_only(type(exc), exc))
    return text.replace(SUBMISSION + os.sep, "").rstrip()


def student_function(exc):
    """The innermost submission function the exception passed through, e.g. "genlab.vae.VAE.encode":
    what the feedback names (a probe's own name would read like a function to write)."""
    name, tb = None, exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.startswith(SUBMISSION):
            qualname = getattr(code, "co_qualname", code.co_name)
            where = tb.tb_frame.f_globals.get("__name__", "genlab")
            name = where if qualname == "<module>" else f"{where}.{qualname}"
        tb = tb.tb_next
    return name


def import_student(module):
    return importlib.import_module(f"genlab.{module}")


probes = probe_loader.ProbeFinder(PROBE_DIRS)


def handle(request):
    op = request["op"]
    if op == "import":
        # The submission may have been copied in after this process started (a worker started
        # ahead of its grading): forget any cached listing of its folder.
        importlib.invalidate_caches()
        import_student(request["module"])
        return None
    seed = request.get("seed", 0)
    torch.manual_seed(seed)
    random.seed(seed)
    module, name = request["target"].split(".", 1)
    student_module = import_student(module)
    if op == "call":
        fn = student_module
        for part in name.split("."):
            fn = getattr(fn, part)
        return fn(*request.get("args", ()), **request.get("kwargs", {}))
    if op == "probe":
        import genlab
        return probes.find(request["target"])(genlab, **request.get("kwargs", {}))
    raise ValueError(f"unknown op {op!r}")


def answer(message):
    protocol.write_frame(_channel_out, protocol.dumps(message))


def serve(request):
    """The reply to one request, as a frame's payload."""
    try:
        value = protocol.to_data(handle(request))
        reply = {"ok": True, "value": value}
    except BaseException as exc:  # SystemExit and KeyboardInterrupt from student code included
        reply = {"ok": False, "type": type(exc).__name__, "message": str(exc)[:2000],
                 "traceback": student_traceback(exc)[-6000:], "function": student_function(exc)}
    try:
        return protocol.dumps(reply)
    except BaseException as exc:  # the value could not be written (e.g. over the size limit)
        return protocol.dumps({"ok": False, "type": type(exc).__name__,
                               "message": f"could not send the result back: {exc}", "traceback": ""})


def serve_in_a_copy(request):
    """Serve `request` in a forked copy of this process ({"isolated": True}: the training probes).

    Whatever the student's code changes while it runs (a hook on a module, a replaced method or
    function, a global, torch's random state) dies with the copy, so no later request can meet it.
    The copy's reply comes back through a pipe; a copy that ends without one is reported."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the copy
        os.close(read_end)
        try:
            payload = serve(request)
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        payload = pipe.read()
    _, status = os.waitpid(pid, 0)
    if payload:
        return payload
    how = (f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit status {os.WEXITSTATUS(status)}")
    return protocol.dumps({"ok": False, "type": "", "traceback": "",
                           "message": f"the process running this check ended ({how}) instead of answering: "
                                      "sys.exit, os._exit, a crash, or a resource limit"})


answer({"ok": True, "value": "ready"})
while True:
    try:
        request = protocol.loads(protocol.read_frame(_channel_in))
    except EOFError:
        break
    protocol.write_frame(_channel_out, serve_in_a_copy(request) if request.get("isolated") else serve(request))
sys.stdout.flush()
