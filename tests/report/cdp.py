"""A minimal Chrome DevTools Protocol client over --remote-debugging-pipe (no websocket needed)."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

# Headless, and nothing the browser itself would fetch (updates, sync, field trials,
# safe-browsing lists): any request seen on the page is then the page's own doing.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--metrics-recording-only",
    "--no-first-run",
    "--no-default-browser-check",
    "--no-pings",
    "--mute-audio",
    "--hide-scrollbars",
    "--window-size=1400,1000",
)
NAMES = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")
SETTLED = """new Promise(done => {
  const check = () => document.querySelector('[aria-busy=true]') ? setTimeout(check, 5)
    : requestAnimationFrame(() => setTimeout(() => done(performance.now()), 0));
  check();
})"""


def find_browser() -> str | None:
    """The Chromium binary: $ICTS_SCAN_CHROMIUM, else the first of NAMES on PATH."""
    env = os.environ.get("ICTS_SCAN_CHROMIUM")
    if env:
        return env
    return next((p for p in map(shutil.which, NAMES) if p), None)


class CDPError(RuntimeError):
    """The browser answered a command with an error, died, or took too long."""


class Browser:
    """One headless Chromium; commands on its fd 3, answers and events from its fd 4."""

    def __init__(self, binary: str, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self.events: list[dict[str, Any]] = []
        self._next = 0
        self._buffer = b""
        self._profile = tempfile.TemporaryDirectory(prefix="icts-chromium-")
        to_child, self._write = os.pipe()
        self._read, from_child = os.pipe()

        def wire() -> None:
            import fcntl  # POSIX only: imported here so the test module still loads elsewhere

            # Move the pipe ends above any fd number they might collide with, then onto 3/4.
            a = fcntl.fcntl(to_child, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(from_child, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self._profile.name}", "--remote-debugging-pipe"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=False,
            preexec_fn=wire,  # the test process runs no threads, so this is safe
        )
        os.close(to_child)
        os.close(from_child)

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CDPError("timed out waiting for the browser")
            ready, _, _ = select.select([self._read], [], [], left)
            if ready:
                chunk = os.read(self._read, 1 << 20)
                if not chunk:
                    raise CDPError("browser closed the pipe")
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> Any:
        """Send one command and return its result; events met meanwhile are kept in .events."""
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            answer = self._receive(deadline)
            if answer.get("id") == self._next:
                if "error" in answer:
                    raise CDPError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            if "method" in answer:
                self.events.append(answer)

    def wait_for(self, method: str, session: str | None = None) -> dict[str, Any]:
        """Block until an event arrives (or has already arrived) and return it."""
        for event in self.events:
            if event["method"] == method and event.get("sessionId") == session:
                return event
        deadline = time.monotonic() + self.timeout
        while True:
            event = self._receive(deadline)
            if "method" in event:
                self.events.append(event)
                if event["method"] == method and event.get("sessionId") == session:
                    return event

    def close(self) -> None:
        """Ask the browser to quit, then make sure it has."""
        with contextlib.suppress(CDPError, OSError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._write)
        os.close(self._read)
        self._profile.cleanup()


class Page:
    """A tab attached through a flat session, with Network, Runtime, Log and Page enabled."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session: str = browser.send(
            "Target.attachToTarget", {"targetId": target, "flatten": True}
        )["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.send(f"{domain}.enable")

    def send(self, method: str, params: dict[str, Any] | None = None) -> Any:
        """A command in this tab's session."""
        return self.browser.send(method, params, self.session)

    def open(self, path: Path) -> str:
        """Load a local file and wait for its load event; returns the file:// URL."""
        url = path.resolve().as_uri()
        self.send("Page.navigate", {"url": url})
        self.browser.wait_for("Page.loadEventFired", self.session)
        return url

    def events(self, method: str) -> list[dict[str, Any]]:
        """Params of every event of this kind seen so far in this tab."""
        return [
            e["params"]
            for e in self.browser.events
            if e["method"] == method and e.get("sessionId") == self.session
        ]

    def evaluate(self, expression: str) -> Any:
        """Run JavaScript in the page and return its value (JSON-serialisable)."""
        answer = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in answer:
            raise CDPError(f"{expression!r}: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def settle(self) -> float:
        """Wait until no element is aria-busy (the report's tables are drawn), a frame has been
        painted and the main thread is free; the page's own clock (ms since navigation) then."""
        value: float = self.evaluate(SETTLED)
        return value

    def screenshot(self, path: Path) -> None:
        """The whole page as a PNG (for looking at it during development)."""
        data = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        path.write_bytes(base64.b64decode(data["data"]))
