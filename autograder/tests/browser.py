"""Headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: JSON
messages ending in a NUL byte on file descriptors 3 and 4), with nothing but the standard
library: no driver package, no browser download, no port. Debian's `chromium` package (.ci/run
installs it); GENLAB_CHROMIUM names another binary.

    with Browser() as b:
        b.open(Path("report/index.html"))
        facts = b.evaluate("document.title")
        Path("shot.png").write_bytes(b.screenshot(full_page=True))
"""
import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
         "--remote-debugging-pipe"]


def find_chromium():
    chosen = os.environ.get("GENLAB_CHROMIUM")
    if chosen:
        return chosen
    return next((shutil.which(c) for c in CANDIDATES if shutil.which(c)), None)


class Browser:
    def __init__(self, binary=None, width=1280, height=900, timeout=60):
        self.binary = binary or find_chromium()
        if not self.binary:
            raise FileNotFoundError("no Chromium found (apt-get install chromium, or set GENLAB_CHROMIUM)")
        self.width, self.height, self.timeout = width, height, timeout
        self.requests = []    # every URL the page asked for (Network.requestWillBeSent)

    def __enter__(self):
        self.profile = tempfile.mkdtemp(prefix="genlab-chromium-")
        to_browser_r, self._w = os.pipe()
        self._r, from_browser_w = os.pipe()
        # The child's ends moved above fd 10 first (close-on-exec), so that putting them on 3 and 4
        # clobbers neither; dup2 makes the copies on 3 and 4 inheritable, and nothing else is
        # (Python opens every file descriptor non-inheritable, PEP 446).
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_browser_r, from_browser_w)]
        os.close(to_browser_r)
        os.close(from_browser_w)

        def wire():  # in the child, before exec: the browser reads commands on fd 3, answers on fd 4
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)
        self.log = open(Path(self.profile) / "chromium.log", "w+b")  # a file: a full pipe would stall it
        try:
            self.proc = subprocess.Popen([self.binary, *FLAGS, f"--user-data-dir={self.profile}",
                                          f"--window-size={self.width},{self.height}"],
                                         stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
                                         preexec_fn=wire, close_fds=False)  # keeps the 3 and 4 wire() made
        finally:
            for fd in high:
                os.close(fd)
        self._buf, self._id, self.events = b"", 0, []
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Network", "Runtime"):
            self.send(f"{domain}.enable", session=True)
        self.send("Emulation.setDeviceMetricsOverride", session=True, width=self.width, height=self.height,
                  deviceScaleFactor=1, mobile=False)
        return self

    def __exit__(self, *exc):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._w)
        os.close(self._r)
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    # ---- the protocol ------------------------------------------------------------------------------
    def send(self, method, session=False, **params):
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        while True:
            reply = self._next()
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def _next(self):
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._r], [], [], left)[0]:
                raise TimeoutError(f"Chromium did not answer within {self.timeout} s")
            chunk = os.read(self._r, 1 << 20)
            if not chunk:
                self.log.seek(0)
                raise RuntimeError("Chromium closed the pipe: " + self.log.read().decode(errors="replace")[-2000:])
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        msg = json.loads(raw)
        if "method" in msg:  # an event
            self.events.append(msg)
            if msg["method"] == "Network.requestWillBeSent":
                self.requests.append(msg["params"]["request"]["url"])
        return msg

    def wait_for(self, method):
        while not any(e["method"] == method for e in self.events):
            self._next()

    # ---- what a test uses --------------------------------------------------------------------------
    def open(self, path):
        self.events.clear()
        self.send("Page.navigate", session=True, url=Path(path).resolve().as_uri())
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression):
        """The value of a JavaScript expression in the page (a promise is awaited)."""
        r = self.send("Runtime.evaluate", session=True, expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"the page raised: {r['exceptionDetails']}")
        return r["result"].get("value")

    def screenshot(self, full_page=False):
        """PNG bytes of the viewport, or of the whole page."""
        params = {"format": "png"}
        if full_page:
            size = self.send("Page.getLayoutMetrics", session=True)["cssContentSize"]
            params.update(captureBeyondViewport=True,
                          clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1})
        return base64.b64decode(self.send("Page.captureScreenshot", session=True, **params)["data"])
